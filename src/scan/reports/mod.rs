//! Quality reports already on disk (PSCF-SPM-QM): coverage (LCOV,
//! Cobertura, JaCoCo), test results (JUnit XML) and other tools' findings
//! (SARIF 2.1.0). Reports are build output, usually git-ignored, so they
//! are found by their own walk over the policy's globs (see `find.rs`).
//! Each parser turns one file into facts or a located problem.

mod coverage;
mod find;
mod junit;
mod lcov;
mod sarif;

use std::path::Path;

use crate::discover::Excludes;
use crate::facts::FileProblem;
use crate::location::{Location, RelPath, SourceFile};
use crate::policy::{QualityPolicy, ReportGlob};

pub use find::{MAX_REPORTS, MAX_VISITED};
pub use sarif::SarifLevel;

/// Keyed coverage lines kept per report; beyond, the rest only counts.
pub const MAX_LINES_PER_REPORT: usize = 1_000_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub covered: u64,
    pub total: u64,
}

impl Counts {
    pub fn add(&mut self, covered: u64, total: u64) {
        self.covered = self.covered.saturating_add(covered);
        self.total = self.total.saturating_add(total);
    }
}

/// Coverage of one report: per source line where the format has it (so
/// reports can be merged line by line), else totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageData {
    /// (source file, line, hit).
    pub lines: Vec<(String, u32, bool)>,
    /// (source file, line, branch id within the line, covered, branches).
    pub branches: Vec<(String, u32, u64, u32, u32)>,
    /// Totals not broken down by line (and lines beyond the cap).
    pub line_totals: Counts,
    pub branch_totals: Counts,
}

impl CoverageData {
    fn line(&mut self, file: &str, line: u32, hit: bool) {
        if self.lines.len() < MAX_LINES_PER_REPORT {
            self.lines.push((file.to_owned(), line, hit));
        } else {
            self.line_totals.add(u64::from(hit), 1);
        }
    }

    fn branch(&mut self, file: &str, line: u32, id: u64, covered: u32, total: u32) {
        if self.branches.len() < MAX_LINES_PER_REPORT {
            self.branches
                .push((file.to_owned(), line, id, covered.min(total), total));
        } else {
            self.branch_totals
                .add(u64::from(covered.min(total)), u64::from(total));
        }
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty()
            && self.branches.is_empty()
            && self.line_totals.total == 0
            && self.branch_totals.total == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageReport {
    pub head: Location,
    /// `lcov`, `cobertura` or `jacoco`.
    pub format: &'static str,
    pub data: CoverageData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    pub head: Location,
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    /// Passed after a retry (surefire/nextest `flakyFailure`).
    pub flaky: u64,
    /// The first failing or erroring test case and its name.
    pub first_failure: Option<(Location, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SarifResult {
    /// The result object in the SARIF file.
    pub location: Location,
    pub level: SarifLevel,
    pub security_severity: Option<f64>,
    pub rule: String,
    /// Where the tool says the problem is (`uri:line`).
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SarifReport {
    pub head: Location,
    pub tools: Vec<String>,
    /// Open results (suppressed and `absent` ones left out).
    pub results: Vec<SarifResult>,
}

/// Which section of `metrics.quality` a glob belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Coverage,
    Tests,
    Security,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Coverage => "coverage",
            Kind::Tests => "tests",
            Kind::Security => "security",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualityFacts {
    pub coverage: Vec<CoverageReport>,
    pub tests: Vec<TestReport>,
    pub security: Vec<SarifReport>,
    /// Sections whose globs matched no file, with their first glob.
    pub missing: Vec<(Kind, Location, String)>,
    /// Whether the walk stopped at a bound.
    pub truncated: bool,
    /// Projects and their tests by convention (for `tests-missing`).
    pub projects: Vec<crate::scan::tests_present::Project>,
}

/// Finds and parses every report the policy's globs name.
pub fn collect(
    root: &Path,
    policy: &QualityPolicy,
    excludes: &Excludes,
) -> (QualityFacts, Vec<FileProblem>) {
    let sections: Vec<(Kind, &[ReportGlob])> = [
        policy
            .coverage
            .as_ref()
            .map(|c| (Kind::Coverage, c.reports.as_slice())),
        policy
            .tests
            .as_ref()
            .map(|t| (Kind::Tests, t.reports.as_slice())),
        policy
            .security
            .as_ref()
            .map(|s| (Kind::Security, s.reports.as_slice())),
    ]
    .into_iter()
    .flatten()
    .filter(|(_, globs)| !globs.is_empty())
    .collect();
    let (found, truncated) = find::find(root, &sections, excludes);
    let mut facts = QualityFacts {
        truncated,
        ..QualityFacts::default()
    };
    let mut problems = Vec::new();
    for (kind, globs) in &sections {
        if !found.iter().any(|(k, _, _)| k == kind)
            && let Some(first) = globs.first()
        {
            facts
                .missing
                .push((*kind, first.location.clone(), first.text.clone()));
        }
    }
    for (kind, path, absolute) in found {
        let source = match read(&path, &absolute) {
            Ok(source) => source,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let parsed = match kind {
            Kind::Coverage => coverage_report(&source).map(|r| facts.coverage.push(r)),
            Kind::Tests => junit::parse(&source).map(|r| facts.tests.push(r)),
            Kind::Security => sarif::parse(&source).map(|r| facts.security.push(r)),
        };
        if let Err(problem) = parsed {
            problems.push(problem);
        }
    }
    (facts, problems)
}

/// LCOV is text; Cobertura and JaCoCo are XML, told apart by their root.
fn coverage_report(source: &SourceFile) -> Result<CoverageReport, FileProblem> {
    let head = source.location(source.index.line_span(&source.text, 1));
    let (format, data) = if source.text.trim_start().starts_with('<') {
        coverage::parse(source)?
    } else {
        ("lcov", lcov::parse(source)?)
    };
    if data.is_empty() {
        return Err(FileProblem::Unparsable {
            location: head,
            message: format!("the {format} report holds no coverage data"),
        });
    }
    Ok(CoverageReport { head, format, data })
}

/// Reads a report of at most [`crate::scan::MAX_FILE_BYTES`] as UTF-8.
fn read(path: &RelPath, absolute: &Path) -> Result<SourceFile, FileProblem> {
    use std::io::Read;
    let skipped = |reason: String| FileProblem::Skipped {
        location: Location::file(path.clone()),
        reason,
    };
    let file =
        std::fs::File::open(absolute).map_err(|e| skipped(format!("cannot read it: {e}")))?;
    let limit = crate::scan::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| skipped(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(skipped(format!("it is over the {limit}-byte limit")));
    }
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    match String::from_utf8(bytes.split_off(start)) {
        Ok(text) => Ok(SourceFile::new(path.clone(), text)),
        Err(e) => Err(FileProblem::Unparsable {
            location: Location::file(path.clone()),
            message: format!(
                "not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        }),
    }
}

/// Parsers for the no-panic property tests.
pub mod parsers {
    use super::*;

    pub fn lcov(source: &SourceFile) -> Result<CoverageReport, FileProblem> {
        coverage_report(source)
    }

    pub fn xml_coverage(source: &SourceFile) -> Result<CoverageReport, FileProblem> {
        coverage_report(source)
    }

    pub fn junit(source: &SourceFile) -> Result<TestReport, FileProblem> {
        super::junit::parse(source)
    }

    pub fn sarif(source: &SourceFile) -> Result<SarifReport, FileProblem> {
        super::sarif::parse(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_reports_are_skipped_unread() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("huge.xml");
        // Sparse: no 64 MiB written, but that is its size.
        std::fs::File::create(&path)?.set_len(crate::scan::MAX_FILE_BYTES + 1)?;
        let problem = read(&RelPath::new("huge.xml"), &path).err();
        assert!(
            matches!(problem, Some(FileProblem::Skipped { ref reason, .. }) if reason.contains("limit")),
            "{problem:?}"
        );
        Ok(())
    }

    #[test]
    fn keyed_lines_are_capped_per_report() {
        let mut data = CoverageData::default();
        for i in 0..MAX_LINES_PER_REPORT + 2 {
            data.line("a", u32::try_from(i).unwrap_or(0), i % 2 == 0);
        }
        assert_eq!(data.lines.len(), MAX_LINES_PER_REPORT);
        assert_eq!(data.line_totals.total, 2);
    }
}
