//! Delivery figures from the history facts: release cadence, lead time
//! for changes, change failure rate, time to restore and security-fix
//! lead time, each with its DORA band. Pure functions of their inputs.

use schemars::JsonSchema;
use serde::Serialize;

use super::bands::{self, Band};
use crate::history::{CommitInfo, DAY, History, Release, Seconds, format_time};
use crate::policy::DeliveryPolicy;

/// Fewer releases than this give no change failure rate (one failure in
/// two releases is not a rate).
pub const MIN_RELEASES_FOR_RATE: usize = 5;

/// A median over samples, in days; `null` without samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct Figure {
    pub median: Option<f64>,
    pub samples: usize,
}

impl Figure {
    fn of(mut seconds: Vec<Seconds>) -> Figure {
        seconds.sort_unstable();
        let n = seconds.len();
        let middle = |i: usize| seconds.get(i).copied().map(|s| s as f64);
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => middle(n / 2),
            _ => middle(n / 2 - 1)
                .zip(middle(n / 2))
                .map(|(a, b)| (a + b) / 2.0),
        };
        Figure {
            median: median.map(|s| round(s / DAY as f64)),
            samples: n,
        }
    }
}

/// Days to 4 decimals (about 9 seconds): stable output, no float noise.
fn round(days: f64) -> f64 {
    (days * 10_000.0).round() / 10_000.0
}

/// Why a release counts as failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Failure {
    /// A later commit reverts one of its commits.
    Revert { revert: String, reverted: String },
    /// A patch release of the same major.minor followed within the
    /// hotfix window.
    PatchRelease { release: String },
}

/// One release in the window and what happened to it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ReleaseFigures {
    pub tag: String,
    pub tags: Vec<String>,
    pub commit: String,
    pub date: String,
    /// Commits it was the first release to contain.
    pub commits: usize,
    pub failure: Option<Failure>,
    /// The release that restored it.
    pub restored_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DeliveryBands {
    pub scheme: &'static str,
    pub release_cadence: Option<Band>,
    pub lead_time: Option<Band>,
    pub change_failure_rate: Option<Band>,
    pub time_to_restore: Option<Band>,
    /// On the lead-time scale (DORA has no band of its own for it).
    pub security_fix_lead_time: Option<Band>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct DeliveryFigures {
    pub evaluated: bool,
    /// Why not evaluated, and how to have it evaluated.
    pub reason: Option<String>,
    /// Where releases come from: `tags`.
    pub source: &'static str,
    pub release_pattern: String,
    pub include_prereleases: bool,
    /// Releases in the window.
    pub releases: usize,
    pub release_list: Vec<ReleaseFigures>,
    /// The last release before the window.
    pub previous_release: Option<String>,
    /// Commits on HEAD no release contains yet.
    pub unreleased_commits: usize,
    pub commits_walked: usize,
    pub release_cadence_days: Figure,
    pub lead_time_days: Figure,
    /// Failed releases / releases; `null` under 5 releases.
    pub change_failure_rate: Option<f64>,
    pub failed_releases: usize,
    pub time_to_restore_days: Figure,
    pub security_fix_lead_time_days: Figure,
    pub bands: DeliveryBands,
}

/// All figures of the history under the policy.
pub fn compute(history: &History, policy: &DeliveryPolicy) -> DeliveryFigures {
    let releases = &history.releases;
    let outcomes = failures(history, policy);
    let scales = bands::scales(policy.bands);
    let evaluated = history.insufficient.is_none();
    let cadence = Figure::of(
        releases
            .windows(2)
            .filter_map(|w| Some(w.get(1)?.time - w.first()?.time))
            .collect(),
    );
    let lead_time = Figure::of(
        releases
            .iter()
            .flat_map(|r| r.commits.iter().map(move |c| (r, c)))
            .filter(|(_, c)| !c.merge && !c.bot)
            .map(|(r, c)| r.time - c.author_time)
            .filter(|lt| *lt > 0)
            .collect(),
    );
    let security = Figure::of(
        releases
            .iter()
            .flat_map(|r| r.commits.iter().map(move |c| (r, c)))
            .filter(|(_, c)| !c.merge && c.security_id.is_some())
            .map(|(r, c)| (r.time - c.author_time).max(0))
            .collect(),
    );
    let failed = outcomes.iter().filter(|o| o.0.is_some()).count();
    let restore = Figure::of(outcomes.iter().filter_map(|o| o.2).collect());
    let rate = (releases.len() >= MIN_RELEASES_FOR_RATE)
        .then(|| round(failed as f64 / releases.len() as f64));
    let band = |figure: &Figure, scale: &bands::Scale| {
        figure.median.filter(|_| evaluated).map(|m| scale.band(m))
    };
    DeliveryFigures {
        evaluated,
        reason: history
            .insufficient
            .as_ref()
            .map(|i| i.describe(history.window.as_ref())),
        source: "tags",
        release_pattern: policy.release_tags.describe(),
        include_prereleases: policy.include_prereleases,
        releases: releases.len(),
        release_list: releases
            .iter()
            .zip(&outcomes)
            .map(|(r, (failure, restored_by, _))| ReleaseFigures {
                tag: r.name().to_owned(),
                tags: r.tags.clone(),
                commit: r.commit.clone(),
                date: format_time(r.time),
                commits: r.commits.len(),
                failure: failure.clone(),
                restored_by: restored_by.clone(),
            })
            .collect(),
        previous_release: history.previous.as_ref().map(|r| r.name().to_owned()),
        unreleased_commits: history.unreleased.len(),
        commits_walked: history.commits_walked,
        bands: DeliveryBands {
            scheme: bands::scheme_name(policy.bands),
            release_cadence: band(&cadence, &scales.release_cadence_days),
            lead_time: band(&lead_time, &scales.lead_time_days),
            change_failure_rate: rate
                .filter(|_| evaluated)
                .map(|r| scales.change_failure_rate.band(r)),
            time_to_restore: band(&restore, &scales.time_to_restore_days),
            security_fix_lead_time: band(&security, &scales.lead_time_days),
        },
        release_cadence_days: cadence,
        lead_time_days: lead_time,
        change_failure_rate: rate,
        failed_releases: failed,
        time_to_restore_days: restore,
        security_fix_lead_time_days: security,
    }
}

/// For each release: why it failed, which release restored it, and how
/// long that took.
fn failures(
    history: &History,
    policy: &DeliveryPolicy,
) -> Vec<(Option<Failure>, Option<String>, Option<Seconds>)> {
    let releases = &history.releases;
    let hotfix_window = Seconds::from(policy.hotfix_window_days) * DAY;
    releases
        .iter()
        .enumerate()
        .map(|(i, release)| {
            let later = releases.iter().skip(i + 1);
            let revert = revert_of(release, i, history);
            let patch = later.clone().find(|next| {
                next.time - release.time <= hotfix_window && is_patch_of(next, release)
            });
            let by_revert = revert.map(|(revert, reverted, fixed_in)| {
                let fixed = fixed_in.and_then(|j| releases.get(j));
                (
                    Failure::Revert { revert, reverted },
                    fixed.map(|r| (r.name().to_owned(), r.time - release.time)),
                )
            });
            let by_patch = patch.map(|p| {
                (
                    Failure::PatchRelease {
                        release: p.name().to_owned(),
                    },
                    Some((p.name().to_owned(), p.time - release.time)),
                )
            });
            // The earliest restore decides; a revert not yet released still
            // marks the release as failed.
            let chosen = match (by_revert, by_patch) {
                (Some(r), Some(p)) => match (&r.1, &p.1) {
                    (Some((_, a)), Some((_, b))) if a <= b => Some(r),
                    (None, _) | (Some(_), _) => Some(p),
                },
                (r, p) => r.or(p),
            };
            match chosen {
                Some((failure, Some((by, took)))) => (Some(failure), Some(by), Some(took)),
                Some((failure, None)) => (Some(failure), None, None),
                None => (None, None, None),
            }
        })
        .collect()
}

/// A later commit (in a later release of the window, or not released yet)
/// that reverts one of the release's commits: (revert, reverted, index of
/// the release that ships the revert).
fn revert_of(
    release: &Release,
    index: usize,
    history: &History,
) -> Option<(String, String, Option<usize>)> {
    let later = history
        .releases
        .iter()
        .enumerate()
        .skip(index + 1)
        .flat_map(|(j, r)| r.commits.iter().map(move |c| (Some(j), c)))
        .chain(history.unreleased.iter().map(|c| (None, c)));
    let mut candidates: Vec<(Option<usize>, &CommitInfo)> =
        later.filter(|(_, c)| !c.reverts.is_empty()).collect();
    candidates.sort_by_key(|(_, c)| (c.commit_time, c.id.clone()));
    candidates.into_iter().find_map(|(j, revert)| {
        let reverted = revert.reverts.iter().find_map(|prefix| {
            release
                .commits
                .iter()
                .find(|c| c.id.starts_with(prefix.as_str()))
        })?;
        Some((revert.id.clone(), reverted.id.clone(), j))
    })
}

/// `next` is a patch release of `release`: same major.minor, higher patch.
fn is_patch_of(next: &Release, release: &Release) -> bool {
    match (&next.version, &release.version) {
        (Some(n), Some(r)) => n.major == r.major && n.minor == r.minor && n.patch > r.patch,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(Figure::of(vec![]).median, None);
        assert_eq!(Figure::of(vec![DAY * 3, DAY, DAY * 2]).median, Some(2.0));
        assert_eq!(Figure::of(vec![DAY, DAY * 2]).median, Some(1.5));
        assert_eq!(Figure::of(vec![DAY / 3]).median, Some(0.3333));
    }
}
