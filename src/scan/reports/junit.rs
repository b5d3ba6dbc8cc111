//! JUnit XML in the dialects of Maven Surefire, pytest, jest-junit and
//! cargo-nextest: `<testsuites>` or `<testsuite>` with `<testcase>`s whose
//! `<failure>`, `<error>` or `<skipped>` children decide the outcome;
//! `flakyFailure`/`flakyError` (or `rerun*` without a failure) mean
//! passed after a retry. Counts come from the test cases; a report with
//! none falls back to the suites' attributes.

use super::TestReport;
use crate::facts::FileProblem;
use crate::location::SourceFile;
use crate::scan::xml::{self, XmlEvent};

/// Test names shown in messages are cut to this many characters.
const MAX_NAME: usize = 200;

#[derive(Default)]
struct Case {
    depth: usize,
    offset: usize,
    name: String,
    failure: bool,
    error: bool,
    skipped: bool,
    retried: bool,
}

pub fn parse(source: &SourceFile) -> Result<TestReport, FileProblem> {
    let head = source.location(source.index.line_span(&source.text, 1));
    let mut report = TestReport {
        head,
        tests: 0,
        failures: 0,
        errors: 0,
        skipped: 0,
        flaky: 0,
        first_failure: None,
    };
    let mut root = String::new();
    let mut case: Option<Case> = None;
    let mut cases = 0u64;
    // Suite attributes, for reports without test cases: the root's, else
    // the sum of the top-level suites'.
    let mut root_totals: Option<[u64; 4]> = None;
    let mut suite_totals = [0u64; 4];
    let mut first_failure: Option<(usize, String)> = None;
    xml::walk(source, |event| match event {
        XmlEvent::Open(e) => {
            let num = |key: &str| {
                e.attr(key)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let totals = || {
                [
                    num("tests"),
                    num("failures"),
                    num("errors"),
                    num("skipped").max(num("disabled")),
                ]
            };
            if e.depth == 0 {
                root = e.name.clone();
                if e.attr("tests").is_some() {
                    root_totals = Some(totals());
                }
            }
            if e.name == "testsuite" && e.depth == 1 && root == "testsuites" {
                for (sum, value) in suite_totals.iter_mut().zip(totals()) {
                    *sum = sum.saturating_add(value);
                }
            }
            match (&mut case, e.name.as_str()) {
                (None, "testcase") => {
                    let class = e.attr("classname").unwrap_or_default();
                    let name = e.attr("name").unwrap_or_default();
                    let full = if class.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{class}.{name}")
                    };
                    case = Some(Case {
                        depth: e.depth,
                        offset: e.offset,
                        name: full.chars().take(MAX_NAME).collect(),
                        ..Case::default()
                    });
                }
                (Some(c), child) if e.depth == c.depth + 1 => match child {
                    "failure" => c.failure = true,
                    "error" => c.error = true,
                    "skipped" => c.skipped = true,
                    "flakyFailure" | "flakyError" | "rerunFailure" | "rerunError" => {
                        c.retried = true
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        XmlEvent::Close { name, depth } => {
            if name != "testcase" || case.as_ref().is_none_or(|c| c.depth != depth) {
                return;
            }
            let Some(c) = case.take() else { return };
            cases += 1;
            match (c.failure, c.error) {
                (true, _) => report.failures += 1,
                (false, true) => report.errors += 1,
                _ if c.skipped => report.skipped += 1,
                _ if c.retried => report.flaky += 1,
                _ => {}
            }
            if (c.failure || c.error) && first_failure.is_none() {
                first_failure = Some((c.offset, c.name));
            }
        }
    })?;
    if root != "testsuites" && root != "testsuite" {
        return Err(FileProblem::Unparsable {
            location: source.location(0..0),
            message: format!("not a JUnit XML report: the root element is <{root}>"),
        });
    }
    report.tests = cases;
    if cases == 0 {
        let [tests, failures, errors, skipped] = root_totals.unwrap_or(suite_totals);
        (report.tests, report.failures, report.errors, report.skipped) =
            (tests, failures, errors, skipped);
    }
    report.first_failure =
        first_failure.map(|(offset, name)| (source.location(offset..offset), name));
    Ok(report)
}
