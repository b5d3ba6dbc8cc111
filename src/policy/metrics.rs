//! The `metrics:` section (PSCF-SPM-DM and -QM): which figures are
//! computed and the targets they are held to. Validation of one file's
//! section and the merge of several.

use globset::{GlobBuilder, GlobMatcher};

use super::raw::{self, BandScheme, SarifLevel};
use super::validate::Validator;
use crate::location::Location;
use crate::yaml::Spanned;

/// Days of history the delivery figures cover unless the policy says.
pub const DEFAULT_WINDOW_DAYS: u32 = 180;
/// A patch release within this many days marks a release as failed.
pub const DEFAULT_HOTFIX_WINDOW_DAYS: u32 = 7;
/// SARIF results at or above this `security-severity` are open findings.
pub const DEFAULT_SECURITY_SEVERITY_MIN: f64 = 7.0;

/// Which tags are releases.
#[derive(Debug, Clone)]
pub enum ReleasePattern {
    /// Semver with an optional `v` or `name-v` prefix.
    Semver,
    Glob {
        text: String,
        matcher: GlobMatcher,
    },
}

impl ReleasePattern {
    pub fn describe(&self) -> String {
        match self {
            ReleasePattern::Semver => "semver tags (optional `v` or `name-v` prefix)".to_owned(),
            ReleasePattern::Glob { text, .. } => format!("tags matching `{text}`"),
        }
    }
}

/// A bound on a figure, with the policy line that sets it.
#[derive(Debug, Clone)]
pub struct Bound {
    pub value: f64,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct DeliveryPolicy {
    pub release_tags: ReleasePattern,
    pub include_prereleases: bool,
    pub window_days: u32,
    pub hotfix_window_days: u32,
    pub bands: BandScheme,
    pub release_cadence_days: Option<Bound>,
    pub lead_time_days: Option<Bound>,
    pub change_failure_rate: Option<Bound>,
    pub time_to_restore_days: Option<Bound>,
    pub security_fix_lead_time_days: Option<Bound>,
    /// The `delivery:` key of the last policy file that has one.
    pub location: Location,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            release_tags: ReleasePattern::Semver,
            include_prereleases: false,
            window_days: DEFAULT_WINDOW_DAYS,
            hotfix_window_days: DEFAULT_HOTFIX_WINDOW_DAYS,
            bands: BandScheme::default(),
            release_cadence_days: None,
            lead_time_days: None,
            change_failure_rate: None,
            time_to_restore_days: None,
            security_fix_lead_time_days: None,
            location: Location::file(crate::location::RelPath::new(super::BUILTIN_NAME)),
        }
    }
}

/// A glob of report files, with its policy line.
#[derive(Debug, Clone)]
pub struct ReportGlob {
    pub text: String,
    pub matcher: GlobMatcher,
    pub location: Location,
}

#[derive(Debug, Clone, Default)]
pub struct CoveragePolicy {
    pub reports: Vec<ReportGlob>,
    /// Percent.
    pub line_min: Option<Bound>,
    pub branch_min: Option<Bound>,
}

#[derive(Debug, Clone, Default)]
pub struct TestsPolicy {
    pub reports: Vec<ReportGlob>,
}

#[derive(Debug, Clone)]
pub struct SecurityReportsPolicy {
    pub reports: Vec<ReportGlob>,
    pub fail_at: SarifLevel,
    pub security_severity_min: f64,
}

#[derive(Debug, Clone)]
pub struct QualityPolicy {
    pub coverage: Option<CoveragePolicy>,
    pub tests: Option<TestsPolicy>,
    pub security: Option<SecurityReportsPolicy>,
    /// The `quality:` key of the last policy file that has one.
    pub location: Location,
}

/// Where reports usually are, for `pscf-lint metrics` under a policy that
/// names none (`reference/repo-checks.md` §4).
const DEFAULT_REPORTS: [(&str, &[&str]); 3] = [
    (
        "coverage",
        &[
            "**/lcov.info",
            "**/*.lcov",
            "**/cobertura*.xml",
            "**/coverage.xml",
            "**/jacoco*.xml",
        ],
    ),
    (
        "tests",
        &[
            "**/TEST-*.xml",
            "**/junit*.xml",
            "**/*-junit.xml",
            "**/target/nextest/*/junit.xml",
        ],
    ),
    ("security", &["**/*.sarif", "**/*.sarif.json"]),
];

impl QualityPolicy {
    /// The usual report locations, no targets.
    pub fn defaults() -> QualityPolicy {
        let location = Location::file(crate::location::RelPath::new(super::BUILTIN_NAME));
        let globs = |kind: &str| -> Vec<ReportGlob> {
            DEFAULT_REPORTS
                .iter()
                .filter(|(k, _)| *k == kind)
                .flat_map(|(_, globs)| globs.iter())
                .filter_map(|g| {
                    let matcher = GlobBuilder::new(g).literal_separator(true).build().ok()?;
                    Some(ReportGlob {
                        text: (*g).to_owned(),
                        matcher: matcher.compile_matcher(),
                        location: location.clone(),
                    })
                })
                .collect()
        };
        QualityPolicy {
            coverage: Some(CoveragePolicy {
                reports: globs("coverage"),
                line_min: None,
                branch_min: None,
            }),
            tests: Some(TestsPolicy {
                reports: globs("tests"),
            }),
            security: Some(SecurityReportsPolicy {
                reports: globs("security"),
                fail_at: SarifLevel::Error,
                security_severity_min: DEFAULT_SECURITY_SEVERITY_MIN,
            }),
            location,
        }
    }

    /// Whether the policy names any report glob.
    pub fn has_reports(&self) -> bool {
        self.report_globs().next().is_some()
    }

    /// Every report glob, of every kind.
    pub fn report_globs(&self) -> impl Iterator<Item = &ReportGlob> {
        let coverage = self.coverage.iter().flat_map(|c| &c.reports);
        let tests = self.tests.iter().flat_map(|t| &t.reports);
        let security = self.security.iter().flat_map(|s| &s.reports);
        coverage.chain(tests).chain(security)
    }
}

/// The merged `metrics:` section.
#[derive(Debug, Clone, Default)]
pub struct MetricsPolicy {
    /// `None`: the policy does not ask for delivery figures, so history is
    /// never read.
    pub delivery: Option<DeliveryPolicy>,
    pub quality: Option<QualityPolicy>,
}

/// One file's `metrics:` section, validated.
#[derive(Debug, Default)]
pub struct MetricsLayer {
    delivery: Option<DeliveryLayer>,
    quality: Option<QualityLayer>,
}

#[derive(Debug)]
struct DeliveryLayer {
    release_tags: Option<ReleasePattern>,
    include_prereleases: Option<bool>,
    window_days: Option<u32>,
    hotfix_window_days: Option<u32>,
    bands: Option<BandScheme>,
    release_cadence_days: Option<Bound>,
    lead_time_days: Option<Bound>,
    change_failure_rate: Option<Bound>,
    time_to_restore_days: Option<Bound>,
    security_fix_lead_time_days: Option<Bound>,
    location: Location,
}

#[derive(Debug)]
struct QualityLayer {
    coverage: Option<(Vec<ReportGlob>, Option<Bound>, Option<Bound>)>,
    tests: Option<Vec<ReportGlob>>,
    security: Option<(Vec<ReportGlob>, Option<SarifLevel>, Option<f64>)>,
    location: Location,
}

impl Validator<'_> {
    pub(super) fn metrics(&mut self, raw: Option<raw::RawMetrics>) -> MetricsLayer {
        let Some(raw) = raw else {
            return MetricsLayer::default();
        };
        MetricsLayer {
            delivery: raw.delivery.map(|d| self.delivery(d)),
            quality: raw.quality.map(|q| self.quality(q)),
        }
    }

    fn delivery(&mut self, raw: Spanned<raw::RawDelivery>) -> DeliveryLayer {
        let location = self.entry_location(&raw);
        let d = raw.value;
        let release_tags = d.release_tags.as_ref().and_then(|g| self.tag_glob(g));
        let window_days = d
            .window_days
            .as_ref()
            .and_then(|n| self.days(n, 1, 3650, "window-days"));
        let hotfix_window_days = d
            .hotfix_window_days
            .as_ref()
            .and_then(|n| self.days(n, 0, 365, "hotfix-window-days"));
        let days = |v: &mut Self, m: &Option<raw::RawMax>| {
            m.as_ref()
                .and_then(|m| v.bound(&m.max, 0.0, f64::MAX, "a number of days, 0 or more"))
        };
        DeliveryLayer {
            release_tags,
            include_prereleases: d.include_prereleases,
            window_days,
            hotfix_window_days,
            bands: d.bands,
            release_cadence_days: days(self, &d.release_cadence_days),
            lead_time_days: days(self, &d.lead_time_days),
            change_failure_rate: d.change_failure_rate.as_ref().and_then(|m| {
                self.bound(&m.max, 0.0, 1.0, "a rate from 0.0 to 1.0 (0.15 means 15%)")
            }),
            time_to_restore_days: days(self, &d.time_to_restore_days),
            security_fix_lead_time_days: days(self, &d.security_fix_lead_time_days),
            location,
        }
    }

    fn quality(&mut self, raw: Spanned<raw::RawQuality>) -> QualityLayer {
        let location = self.entry_location(&raw);
        let q = raw.value;
        let percent = "a percentage from 0 to 100";
        let coverage = q.coverage.map(|c| {
            let reports = self.report_globs(&c.reports);
            let line = c
                .line_min
                .as_ref()
                .and_then(|m| self.bound(m, 0.0, 100.0, percent));
            let branch = c
                .branch_min
                .as_ref()
                .and_then(|m| self.bound(m, 0.0, 100.0, percent));
            (reports, line, branch)
        });
        let tests = q
            .tests
            .map(|t| self.report_globs(t.reports.as_deref().unwrap_or_default()));
        let security = q.security.map(|s| {
            let reports = self.report_globs(&s.reports);
            let min = s
                .security_severity_min
                .as_ref()
                .and_then(|m| self.bound(m, 0.0, 10.0, "a CVSS-like score from 0.0 to 10.0"))
                .map(|b| b.value);
            (reports, s.fail_at, min)
        });
        QualityLayer {
            coverage,
            tests,
            security,
            location,
        }
    }

    fn tag_glob(&mut self, value: &Spanned<String>) -> Option<ReleasePattern> {
        match GlobBuilder::new(&value.value)
            .literal_separator(false)
            .build()
        {
            Ok(glob) => Some(ReleasePattern::Glob {
                text: value.value.clone(),
                matcher: glob.compile_matcher(),
            }),
            Err(e) => {
                self.error(
                    value,
                    format!("bad tag glob `{}`: {}", value.value, e.kind()),
                    Some("e.g. `v*` or `release-*`; leave it out for semver tags"),
                );
                None
            }
        }
    }

    fn report_globs(&mut self, values: &[Spanned<String>]) -> Vec<ReportGlob> {
        values
            .iter()
            .filter_map(|value| {
                let glob = self.path_glob(value)?;
                Some(ReportGlob {
                    text: value.value.clone(),
                    matcher: glob.compile_matcher(),
                    location: self.source.location(self.span(value)),
                })
            })
            .collect()
    }

    fn days(&mut self, value: &Spanned<i64>, min: i64, max: i64, key: &str) -> Option<u32> {
        match u32::try_from(value.value) {
            Ok(n) if (min..=max).contains(&value.value) => Some(n),
            _ => {
                self.error(
                    value,
                    format!(
                        "`{key}` must be from {min} to {max} days, not {}",
                        value.value
                    ),
                    None,
                );
                None
            }
        }
    }

    fn bound(&mut self, value: &Spanned<f64>, min: f64, max: f64, what: &str) -> Option<Bound> {
        let n = value.value;
        if n.is_finite() && n >= min && n <= max {
            return Some(Bound {
                value: n,
                location: self.source.location(self.span(value)),
            });
        }
        self.error(
            value,
            format!("`{n}` is out of range: expected {what}"),
            None,
        );
        None
    }
}

/// Applies one file's section over the sections before it: scalars and
/// targets override, report globs add up.
pub(super) fn merge(into: &mut MetricsPolicy, layer: MetricsLayer) {
    if let Some(d) = layer.delivery {
        merge_delivery(into.delivery.get_or_insert_with(DeliveryPolicy::default), d);
    }
    if let Some(q) = layer.quality {
        let policy = into.quality.get_or_insert_with(|| QualityPolicy {
            coverage: None,
            tests: None,
            security: None,
            location: q.location.clone(),
        });
        merge_quality(policy, q);
    }
}

fn merge_delivery(into: &mut DeliveryPolicy, d: DeliveryLayer) {
    fn set<T>(into: &mut T, value: Option<T>) {
        if let Some(v) = value {
            *into = v;
        }
    }
    fn bound(into: &mut Option<Bound>, value: Option<Bound>) {
        if value.is_some() {
            *into = value;
        }
    }
    set(&mut into.release_tags, d.release_tags);
    set(&mut into.include_prereleases, d.include_prereleases);
    set(&mut into.window_days, d.window_days);
    set(&mut into.hotfix_window_days, d.hotfix_window_days);
    set(&mut into.bands, d.bands);
    bound(&mut into.release_cadence_days, d.release_cadence_days);
    bound(&mut into.lead_time_days, d.lead_time_days);
    bound(&mut into.change_failure_rate, d.change_failure_rate);
    bound(&mut into.time_to_restore_days, d.time_to_restore_days);
    bound(
        &mut into.security_fix_lead_time_days,
        d.security_fix_lead_time_days,
    );
    into.location = d.location;
}

fn merge_quality(into: &mut QualityPolicy, q: QualityLayer) {
    if let Some((reports, line, branch)) = q.coverage {
        let c = into.coverage.get_or_insert_with(CoveragePolicy::default);
        c.reports.extend(reports);
        if line.is_some() {
            c.line_min = line;
        }
        if branch.is_some() {
            c.branch_min = branch;
        }
    }
    if let Some(reports) = q.tests {
        into.tests
            .get_or_insert_with(TestsPolicy::default)
            .reports
            .extend(reports);
    }
    if let Some((reports, fail_at, min)) = q.security {
        let s = into.security.get_or_insert_with(|| SecurityReportsPolicy {
            reports: Vec::new(),
            fail_at: SarifLevel::Error,
            security_severity_min: DEFAULT_SECURITY_SEVERITY_MIN,
        });
        s.reports.extend(reports);
        if let Some(level) = fail_at {
            s.fail_at = level;
        }
        if let Some(min) = min {
            s.security_severity_min = min;
        }
    }
    into.location = q.location;
}
