//! PSCF-SPM-DM — Delivery Metrics: figures from the local git history
//! against the policy's targets. A history that cannot give figures
//! (shallow clone, too few releases, too short) is a note and leaves the
//! capability not evaluated; it never fails.

use super::Context;
use super::anchor;
use super::registry::RuleInfo;
use crate::facts::Facts;
use crate::finding::{Finding, RuleId, Severity};
use crate::history::{Insufficient, format_date};
use crate::location::Location;
use crate::metrics::delivery::{self, DeliveryFigures};
use crate::policy::{Bound, DeliveryPolicy};

pub const HISTORY_INSUFFICIENT: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/history-insufficient"),
    default_severity: Severity::Note,
    summary: "the git history cannot give delivery figures: a shallow clone, fewer than 2 releases in the window, or history shorter than the window; the figures are not evaluated (never a failure)",
    rationale: "Delivery figures computed from a partial history would be wrong, not merely imprecise: a shallow clone has no tags and no old commits.",
    fix: "Run pscf-lint in a full clone. In GitHub Actions: `actions/checkout` with `fetch-depth: 0` (which also fetches tags). With few releases, widen `metrics.delivery.window-days`, or set `release-tags` to the tags you release with.",
    example: "# .github/workflows/ci.yml\n- uses: actions/checkout@<sha>\n  with:\n    fetch-depth: 0\n    persist-credentials: false",
};

pub const RELEASE_CADENCE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/release-cadence"),
    default_severity: Severity::Warning,
    summary: "the median number of days between releases in the window exceeds `release-cadence-days.max`",
    rationale: "Infrequent releases batch many changes together: each release is riskier, and fixes (security fixes too) wait longer to reach users.",
    fix: "Release smaller batches more often (automate the release pipeline), or set the target the product actually commits to.",
    example: "metrics:\n  delivery:\n    release-cadence-days: { max: 30 }",
};

pub const LEAD_TIME: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/lead-time"),
    default_severity: Severity::Warning,
    summary: "the median time from a commit (author time) to the first release containing it exceeds `lead-time-days.max` (merges and bots left out)",
    rationale: "Lead time for changes is how long finished work waits to reach users, security fixes included (DORA's first key metric).",
    fix: "Shorten the path to release: smaller changes, automated release, fewer long-lived branches.",
    example: "metrics:\n  delivery:\n    lead-time-days: { max: 14 }",
};

pub const CHANGE_FAILURE_RATE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/change-failure-rate"),
    default_severity: Severity::Warning,
    summary: "the share of releases followed by a revert of one of their commits (`This reverts commit <id>`) or by a patch release within the hotfix window exceeds `change-failure-rate.max` (needs 5 releases)",
    rationale: "Releases that have to be reverted or hotfixed show that changes reach users without enough verification.",
    fix: "Strengthen pre-release verification (tests, staged rollouts) for the changes that were reverted or hotfixed.",
    example: "metrics:\n  delivery:\n    change-failure-rate: { max: 0.15 }\n    hotfix-window-days: 7",
};

pub const TIME_TO_RESTORE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/time-to-restore"),
    default_severity: Severity::Warning,
    summary: "the median time from a failed release to the release that fixes it (the patch release, or the release shipping the revert) exceeds `time-to-restore-days.max`",
    rationale: "How fast a bad release is repaired bounds how long users (and attackers) live with it.",
    fix: "Make reverting and patch releases routine and fast: a release pipeline anyone on the team can run.",
    example: "metrics:\n  delivery:\n    time-to-restore-days: { max: 1 }",
};

pub const SECURITY_FIX_LEAD_TIME: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-DM/security-fix-lead-time"),
    default_severity: Severity::Warning,
    summary: "the median time from a commit naming a CVE-, GHSA- or RUSTSEC- id to the release containing it exceeds `security-fix-lead-time-days.max`",
    rationale: "A fixed vulnerability protects nobody until the fix is released; attackers read fix commits too.",
    fix: "Release security fixes as soon as they land (a patch release), ahead of the regular cadence.",
    example: "metrics:\n  delivery:\n    security-fix-lead-time-days: { max: 7 }",
};

pub const RULES: &[RuleInfo] = &[
    HISTORY_INSUFFICIENT,
    RELEASE_CADENCE,
    LEAD_TIME,
    CHANGE_FAILURE_RATE,
    TIME_TO_RESTORE,
    SECURITY_FIX_LEAD_TIME,
];

/// What to do about a history that gives no figures.
pub fn how_to_get_history(why: &Insufficient) -> &'static str {
    match why {
        Insufficient::Shallow => {
            "fetch the full history: in GitHub Actions set `fetch-depth: 0` on actions/checkout"
        }
        Insufficient::NoRepository => "run pscf-lint in a git clone of the repository",
        Insufficient::NotTop { .. } => "check the repository's top directory to evaluate delivery",
        Insufficient::NoCommits => "commit and release first",
        Insufficient::ShortHistory { .. } => {
            "fetch the full history (`fetch-depth: 0` in GitHub Actions), or shorten `metrics.delivery.window-days`"
        }
        Insufficient::TooFewReleases { .. } => {
            "tag releases (semver, optionally `v`-prefixed), set `metrics.delivery.release-tags` to your tags, or widen `window-days`; a shallow clone has no tags: `fetch-depth: 0`"
        }
        Insufficient::Unreadable(_) => "repair the clone (`git fsck`) or clone it afresh",
    }
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let (Some(policy), Some(history)) = (&ctx.policy.metrics.delivery, &ctx.facts.delivery) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(why) = &history.insufficient {
        if why.is_noted() {
            let at = insufficient_anchor(ctx, policy, why);
            if let Some(mut f) = ctx.finding(
                &HISTORY_INSUFFICIENT,
                &at,
                format!(
                    "delivery metrics are not evaluated: {}",
                    why.describe(history.window.as_ref())
                ),
            ) {
                f.subject = "history".to_owned();
                f.help = Some(how_to_get_history(why).to_owned());
                out.push(f);
            }
        }
        return out;
    }
    let figures = delivery::compute(history, policy);
    targets(ctx, policy, &figures, &mut out);
    out
}

/// A shallow clone is fixed in the workflow that checks out; otherwise
/// the policy's `delivery:` line, if in the repository.
fn insufficient_anchor(ctx: &Context<'_>, policy: &DeliveryPolicy, why: &Insufficient) -> Location {
    let checkout = checkout_step(ctx.facts);
    match (why, checkout) {
        (Insufficient::Shallow, Some(step)) => step,
        _ => anchor::or_repository(ctx, &policy.location),
    }
}

fn checkout_step(facts: &Facts) -> Option<Location> {
    facts
        .workflows
        .iter()
        .flat_map(|w| &w.jobs)
        .flat_map(|j| &j.steps)
        .filter_map(|s| s.uses.as_ref())
        .find(|u| u.value.starts_with("actions/checkout@"))
        .map(|u| u.location.clone())
}

fn targets(
    ctx: &Context<'_>,
    policy: &DeliveryPolicy,
    f: &DeliveryFigures,
    out: &mut Vec<Finding>,
) {
    let inputs = window_text(ctx, f);
    let band = |b: Option<crate::metrics::bands::Band>| {
        b.map(|b| {
            format!(
                " (DORA {} band: {})",
                f.bands.scheme.trim_start_matches("dora-"),
                b.as_str()
            )
        })
        .unwrap_or_default()
    };
    let mut over = |rule: &RuleInfo, target: &Option<Bound>, value: Option<f64>, text: String| {
        let (Some(target), Some(value)) = (target, value) else {
            return;
        };
        if value <= target.value {
            return;
        }
        let at = anchor::or_repository(ctx, &target.location);
        if let Some(mut finding) = ctx.finding(rule, &at, text) {
            finding.subject = rule.id.slug().to_owned();
            finding.help = Some(format!(
                "the policy's target is {}; `pscf-lint metrics` lists the releases and figures",
                target.value
            ));
            out.push(finding);
        }
    };
    over(
        &RELEASE_CADENCE,
        &policy.release_cadence_days,
        f.release_cadence_days.median,
        format!(
            "median {} days between releases{}, over {inputs}",
            fmt(f.release_cadence_days.median),
            band(f.bands.release_cadence)
        ),
    );
    over(
        &LEAD_TIME,
        &policy.lead_time_days,
        f.lead_time_days.median,
        format!(
            "median lead time for changes is {} days over {} commits{}, in {inputs}",
            fmt(f.lead_time_days.median),
            f.lead_time_days.samples,
            band(f.bands.lead_time)
        ),
    );
    over(
        &CHANGE_FAILURE_RATE,
        &policy.change_failure_rate,
        f.change_failure_rate,
        format!(
            "{} of {} releases failed (reverted or patched within {} days): rate {}{}, in {inputs}",
            f.failed_releases,
            f.releases,
            policy.hotfix_window_days,
            fmt(f.change_failure_rate),
            band(f.bands.change_failure_rate)
        ),
    );
    over(
        &TIME_TO_RESTORE,
        &policy.time_to_restore_days,
        f.time_to_restore_days.median,
        format!(
            "median time to restore is {} days over {} failed releases{}, in {inputs}",
            fmt(f.time_to_restore_days.median),
            f.time_to_restore_days.samples,
            band(f.bands.time_to_restore)
        ),
    );
    over(
        &SECURITY_FIX_LEAD_TIME,
        &policy.security_fix_lead_time_days,
        f.security_fix_lead_time_days.median,
        format!(
            "median security-fix lead time is {} days over {} fixes, in {inputs}",
            fmt(f.security_fix_lead_time_days.median),
            f.security_fix_lead_time_days.samples
        ),
    );
}

fn fmt(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn window_text(ctx: &Context<'_>, f: &DeliveryFigures) -> String {
    match ctx.facts.delivery.as_ref().and_then(|h| h.window) {
        Some(w) => format!(
            "{} releases from {} to {}",
            f.releases,
            format_date(w.from),
            format_date(w.to)
        ),
        None => format!("{} releases", f.releases),
    }
}
