//! Quality figures from the reports on disk and the tree: coverage merged
//! line by line across reports, test outcomes, other tools' open
//! findings by level and security-severity band, and projects without
//! tests.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::policy::{QualityPolicy, SarifLevel};
use crate::scan::reports::{Counts, CoverageReport, QualityFacts, SarifResult};

/// Distinct (file, line) keys merged, at most; further lines only count.
pub const MAX_MERGED_LINES: usize = 2_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct Ratio {
    pub covered: u64,
    pub total: u64,
    /// Percent, 2 decimals; `null` when there is nothing to cover.
    pub percent: Option<f64>,
}

impl From<Counts> for Ratio {
    fn from(c: Counts) -> Ratio {
        Ratio {
            covered: c.covered,
            total: c.total,
            percent: (c.total > 0)
                .then(|| (c.covered as f64 * 10_000.0 / c.total as f64).round() / 100.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CoverageFigures {
    pub reports: Vec<String>,
    pub line: Ratio,
    pub branch: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TestFigures {
    pub reports: Vec<String>,
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    pub flaky: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ByLevel {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
}

/// GitHub's bands: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct SecurityFigures {
    pub reports: Vec<String>,
    pub tools: Vec<String>,
    pub results: usize,
    pub by_level: ByLevel,
    pub by_security_severity: BySeverity,
    /// Results at or above the policy's `fail-at` or `security-severity-min`.
    pub open: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct ProjectFigures {
    pub total: usize,
    pub without_tests: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct QualityFigures {
    pub evaluated: bool,
    pub reason: Option<String>,
    pub coverage: Option<CoverageFigures>,
    pub tests: Option<TestFigures>,
    pub security: Option<SecurityFigures>,
    pub projects: ProjectFigures,
    /// Report kinds the policy names whose globs matched nothing.
    pub missing_reports: Vec<String>,
}

/// Whether a result is open under the policy's thresholds.
pub fn is_open(result: &SarifResult, fail_at: SarifLevel, severity_min: f64) -> bool {
    result.level >= fail_at || result.security_severity.is_some_and(|s| s >= severity_min)
}

/// Line and branch coverage of every report, merged: a line is covered
/// when any report covers it; a branch counts its best report.
pub fn merge(reports: &[CoverageReport]) -> (Counts, Counts) {
    let mut lines: HashMap<(&str, u32), bool> = HashMap::new();
    let mut branches: HashMap<(&str, u32, u64), (u32, u32)> = HashMap::new();
    let (mut line_totals, mut branch_totals) = (Counts::default(), Counts::default());
    for r in reports {
        line_totals.add(r.data.line_totals.covered, r.data.line_totals.total);
        branch_totals.add(r.data.branch_totals.covered, r.data.branch_totals.total);
        for (file, line, hit) in &r.data.lines {
            let key = (file.as_str(), *line);
            let full = lines.len() >= MAX_MERGED_LINES;
            match lines.get_mut(&key) {
                Some(h) => *h |= *hit,
                None if !full => {
                    lines.insert(key, *hit);
                }
                None => line_totals.add(u64::from(*hit), 1),
            }
        }
        for (file, line, id, covered, total) in &r.data.branches {
            let key = (file.as_str(), *line, *id);
            let full = branches.len() >= MAX_MERGED_LINES;
            match branches.get_mut(&key) {
                Some((c, t)) => {
                    *c = (*c).max(*covered);
                    *t = (*t).max(*total);
                }
                None if !full => {
                    branches.insert(key, (*covered, *total));
                }
                None => branch_totals.add(u64::from(*covered), u64::from(*total)),
            }
        }
    }
    let hit = lines.values().filter(|h| **h).count() as u64;
    line_totals.add(hit, lines.len() as u64);
    for (c, t) in branches.values() {
        branch_totals.add(u64::from(*c), u64::from(*t));
    }
    (line_totals, branch_totals)
}

pub fn compute(facts: &QualityFacts, policy: &QualityPolicy) -> QualityFigures {
    let coverage = (!facts.coverage.is_empty()).then(|| {
        let (line, branch) = merge(&facts.coverage);
        CoverageFigures {
            reports: facts
                .coverage
                .iter()
                .map(|r| r.head.path.to_string())
                .collect(),
            line: line.into(),
            branch: branch.into(),
        }
    });
    let tests = (!facts.tests.is_empty()).then(|| {
        let sum = |f: fn(&crate::scan::reports::TestReport) -> u64| {
            facts.tests.iter().map(f).fold(0u64, u64::saturating_add)
        };
        TestFigures {
            reports: facts
                .tests
                .iter()
                .map(|r| r.head.path.to_string())
                .collect(),
            tests: sum(|r| r.tests),
            failures: sum(|r| r.failures),
            errors: sum(|r| r.errors),
            skipped: sum(|r| r.skipped),
            flaky: sum(|r| r.flaky),
        }
    });
    let (fail_at, severity_min) = policy.security.as_ref().map_or(
        (
            SarifLevel::Error,
            crate::policy::metrics::DEFAULT_SECURITY_SEVERITY_MIN,
        ),
        |s| (s.fail_at, s.security_severity_min),
    );
    let security = (!facts.security.is_empty()).then(|| {
        let results: Vec<&SarifResult> = facts.security.iter().flat_map(|r| &r.results).collect();
        let mut by_level = ByLevel::default();
        let mut by_severity = BySeverity::default();
        for r in &results {
            match r.level {
                SarifLevel::Error => by_level.error += 1,
                SarifLevel::Warning => by_level.warning += 1,
                SarifLevel::Note => by_level.note += 1,
            }
            match r.security_severity {
                Some(s) if s >= 9.0 => by_severity.critical += 1,
                Some(s) if s >= 7.0 => by_severity.high += 1,
                Some(s) if s >= 4.0 => by_severity.medium += 1,
                Some(_) => by_severity.low += 1,
                None => {}
            }
        }
        let mut tools: Vec<String> = facts
            .security
            .iter()
            .flat_map(|r| r.tools.clone())
            .collect();
        tools.sort();
        tools.dedup();
        SecurityFigures {
            reports: facts
                .security
                .iter()
                .map(|r| r.head.path.to_string())
                .collect(),
            tools,
            results: results.len(),
            open: results
                .iter()
                .filter(|r| is_open(r, fail_at, severity_min))
                .count(),
            by_level,
            by_security_severity: by_severity,
        }
    });
    let projects = ProjectFigures {
        total: facts.projects.len(),
        without_tests: facts
            .projects
            .iter()
            .filter(|p| p.test_files == 0)
            .map(|p| p.manifest.path.to_string())
            .collect(),
    };
    let any = coverage.is_some() || tests.is_some() || security.is_some() || projects.total > 0;
    QualityFigures {
        evaluated: any,
        reason: (!any).then(|| {
            "no report matched the policy's globs and no project manifest was found; produce the reports before running pscf-lint (`metrics.quality.*.reports`)".to_owned()
        }),
        coverage,
        tests,
        security,
        projects,
        missing_reports: facts.missing.iter().map(|(k, _, glob)| format!("{} ({glob})", k.key())).collect(),
    }
}
