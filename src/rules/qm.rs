//! PSCF-SPM-QM — Quality Metrics: coverage, test results and other
//! tools' security findings from reports already on disk, and tests
//! present by each ecosystem's convention. A configured report that is
//! not there is a note: its figures are not evaluated.

use super::Context;
use super::anchor;
use super::registry::RuleInfo;
use crate::finding::{Finding, Related, RuleId, Severity};
use crate::location::Location;
use crate::metrics::quality::{self, is_open};
use crate::policy::{Bound, QualityPolicy};
use crate::scan::reports::QualityFacts;

pub const COVERAGE_BELOW_TARGET: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-QM/coverage-below-target"),
    default_severity: Severity::Warning,
    summary: "line (or branch) coverage from the LCOV, Cobertura and JaCoCo reports, merged line by line, is under `line-min` (or `branch-min`)",
    rationale: "Code no test runs is code whose regressions, security fixes included, nobody notices before users do.",
    fix: "Add tests for the uncovered code the reports show, or set the target the product commits to.",
    example: "metrics:\n  quality:\n    coverage: { reports: [\"**/lcov.info\"], line-min: 80, branch-min: 60 }",
};

pub const FAILING_TESTS: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-QM/failing-tests"),
    default_severity: Severity::Error,
    summary: "a JUnit XML report records failed or erroring tests",
    rationale: "A release built while tests fail ships the defects they found.",
    fix: "Fix the failing tests (the finding points at the first one), or quarantine a flaky test explicitly.",
    example: "metrics:\n  quality:\n    tests: { reports: [\"**/TEST-*.xml\", \"**/junit*.xml\"] }",
};

pub const OPEN_SECURITY_FINDINGS: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-QM/open-security-findings"),
    default_severity: Severity::Error,
    summary: "SARIF reports from other tools hold open results at or above `fail-at` (default `error`) or with a `security-severity` at or above `security-severity-min` (default 7.0)",
    rationale: "Findings a scanner reported and nobody fixed or dismissed are known weaknesses shipped on purpose.",
    fix: "Fix the results, or dismiss them in the tool with a justification (SARIF `suppressions`).",
    example: "metrics:\n  quality:\n    security: { reports: [\"**/*.sarif\"], fail-at: error, security-severity-min: 7.0 }",
};

pub const QUALITY_REPORT_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-QM/quality-report-missing"),
    default_severity: Severity::Note,
    summary: "a report glob of `metrics.quality` matched no file; its figures are not evaluated",
    rationale: "Reports are build output: when they are missing, the quality gate has nothing to judge, which must be visible rather than a silent pass.",
    fix: "Run the tests and coverage before pscf-lint (in CI: a step before it), or correct the glob.",
    example: "metrics:\n  quality:\n    coverage: { reports: [\"target/llvm-cov/lcov.info\"] }",
};

pub const TESTS_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-QM/tests-missing"),
    default_severity: Severity::Warning,
    summary: "a project (Cargo, npm, Python, Go, Maven/Gradle manifest) has no tests by its ecosystem's conventions",
    rationale: "Without tests, every change is verified by hand or not at all.",
    fix: "Add tests where the ecosystem's tools find them (`tests/` or `#[test]` for Rust, `*_test.go`, `test_*.py`, `*.test.ts`, `src/test/`).",
    example: "metrics:\n  quality: {}   # tests-missing needs no reports",
};

pub const RULES: &[RuleInfo] = &[
    COVERAGE_BELOW_TARGET,
    FAILING_TESTS,
    OPEN_SECURITY_FINDINGS,
    QUALITY_REPORT_MISSING,
    TESTS_MISSING,
];

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let (Some(policy), Some(facts)) = (&ctx.policy.metrics.quality, &ctx.facts.quality) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    missing(ctx, facts, &mut out);
    coverage(ctx, policy, facts, &mut out);
    tests(ctx, facts, &mut out);
    security(ctx, policy, facts, &mut out);
    projects(ctx, facts, &mut out);
    out
}

fn missing(ctx: &Context<'_>, facts: &QualityFacts, out: &mut Vec<Finding>) {
    for (kind, at, glob) in &facts.missing {
        out.extend(ctx.explained(
            &QUALITY_REPORT_MISSING,
            &anchor::or_repository(ctx, at),
            kind.key(),
            format!("no {} report matches `{glob}`: its figures are not evaluated", kind.key()),
            "produce the report before running pscf-lint (in CI, a step before it), or correct the glob".to_owned(),
        ));
    }
}

fn coverage(
    ctx: &Context<'_>,
    policy: &QualityPolicy,
    facts: &QualityFacts,
    out: &mut Vec<Finding>,
) {
    let Some(c) = &policy.coverage else { return };
    if facts.coverage.is_empty() {
        return;
    }
    let (lines, branches) = quality::merge(&facts.coverage);
    let reports = facts.coverage.len();
    let first = facts.coverage.first().map(|r| r.head.clone());
    let mut below = |what: &str, bound: &Option<Bound>, ratio: quality::Ratio| {
        let (Some(bound), Some(percent)) = (bound, ratio.percent) else {
            return;
        };
        if percent >= bound.value {
            return;
        }
        let at = if anchor::in_repository(ctx, &bound.location) {
            bound.location.clone()
        } else {
            first
                .clone()
                .unwrap_or_else(|| anchor::repository_file(ctx))
        };
        out.extend(ctx.explained(
            &COVERAGE_BELOW_TARGET,
            &at,
            what,
            format!(
                "{what} coverage is {percent:.2}% ({} of {} in {reports} report{}), under the {}% target",
                ratio.covered,
                ratio.total,
                if reports == 1 { "" } else { "s" },
                bound.value
            ),
            "add tests for the uncovered code the reports show".to_owned(),
        ));
    };
    below("line", &c.line_min, lines.into());
    below("branch", &c.branch_min, branches.into());
}

fn tests(ctx: &Context<'_>, facts: &QualityFacts, out: &mut Vec<Finding>) {
    for report in &facts.tests {
        let broken = report.failures + report.errors;
        if broken == 0 {
            continue;
        }
        let (at, first) = match &report.first_failure {
            Some((at, name)) => (
                at.clone(),
                format!("; the first is `{}`", crate::shown::shown(name)),
            ),
            None => (report.head.clone(), String::new()),
        };
        out.extend(ctx.explained(
            &FAILING_TESTS,
            &at,
            "failing",
            format!(
                "{} of {} tests failed and {} errored in `{}`{first}",
                report.failures, report.tests, report.errors, report.head.path
            ),
            "fix the failing tests before releasing".to_owned(),
        ));
    }
}

fn security(
    ctx: &Context<'_>,
    policy: &QualityPolicy,
    facts: &QualityFacts,
    out: &mut Vec<Finding>,
) {
    let Some(s) = &policy.security else { return };
    for report in &facts.security {
        let open: Vec<_> = report
            .results
            .iter()
            .filter(|r| is_open(r, s.fail_at, s.security_severity_min))
            .collect();
        let Some(first) = open.first() else { continue };
        let tools = if report.tools.is_empty() {
            String::new()
        } else {
            format!(" ({})", crate::shown::shown(&report.tools.join(", ")))
        };
        let target = first
            .target
            .as_ref()
            .map(|t| format!(" at {}", crate::shown::shown(t)))
            .unwrap_or_default();
        if let Some(mut f) = ctx.explained(
            &OPEN_SECURITY_FINDINGS,
            &first.location,
            "open",
            format!(
                "{} open result{} at or above `{}` or security-severity {} in `{}`{tools}; the first is `{}`{target}",
                open.len(),
                if open.len() == 1 { "" } else { "s" },
                level_name(s.fail_at),
                s.security_severity_min,
                report.head.path,
                crate::shown::shown(&first.rule)
            ),
            "fix the results, or dismiss them in the tool with a justification".to_owned(),
        ) {
            let target_file = first
                .target
                .as_ref()
                .and_then(|t| t.split(':').next())
                .map(crate::location::RelPath::new);
            if let Some(path) = target_file.filter(|p| ctx.facts.paths.contains(p)) {
                f.related.push(Related {
                    location: Location::file(path),
                    message: "the file the tool reported".to_owned(),
                });
            }
            out.push(f);
        }
    }
}

fn level_name(level: crate::policy::SarifLevel) -> &'static str {
    match level {
        crate::policy::SarifLevel::Error => "error",
        crate::policy::SarifLevel::Warning => "warning",
        crate::policy::SarifLevel::Note => "note",
    }
}

fn projects(ctx: &Context<'_>, facts: &QualityFacts, out: &mut Vec<Finding>) {
    for project in facts.projects.iter().filter(|p| p.test_files == 0) {
        out.extend(ctx.explained(
            &TESTS_MISSING,
            &project.manifest,
            "tests",
            format!(
                "the {} project `{}` has no tests: no {}",
                project.ecosystem.name(),
                project.manifest.path,
                project.ecosystem.convention()
            ),
            format!(
                "add tests the ecosystem's tools find: {}",
                project.ecosystem.convention()
            ),
        ));
    }
}
