//! `--format junit`: JUnit XML for CI test dashboards — one testsuite per
//! capability (and one for pscf-lint's own checks), one testcase per rule
//! of the policy. A rule fails with its active warnings and errors listed
//! (`file:line:column`), as they fail its capability; notes alone pass and
//! are listed in `system-out`; rules switched off, not required or whose
//! capability is not evaluated are skipped, with the reason.

use std::collections::BTreeMap;

use super::{Report, RuleStatus, plural};
use crate::escape::xml;
use crate::finding::{Capability, Finding, Severity};

/// One suite: its name and its rules' cases.
struct Suite<'a> {
    name: String,
    cases: Vec<Case<'a>>,
}

struct Case<'a> {
    rule: RuleStatus,
    findings: Vec<&'a Finding>,
}

impl Case<'_> {
    fn failing(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .copied()
            .filter(|f| f.severity > Severity::Note)
            .collect()
    }

    fn skipped(&self) -> Option<&str> {
        self.rule.state.reason()
    }
}

/// Suites in catalogue order, then other capabilities the policy's own
/// requirements name, then pscf-lint's.
fn suite_key(rule: &RuleStatus) -> (usize, String) {
    let prefix = rule.id.as_str().split_once('/').map_or("", |(p, _)| p);
    match (Capability::from_id(prefix), prefix) {
        (Some(c), _) => (
            Capability::ALL.iter().position(|x| *x == c).unwrap_or(0),
            prefix.to_owned(),
        ),
        (None, "pscf-lint") => (Capability::ALL.len() + 1, prefix.to_owned()),
        (None, other) => (Capability::ALL.len(), other.to_owned()),
    }
}

fn suite_name(prefix: &str) -> String {
    match Capability::from_id(prefix) {
        Some(c) => format!("{} {}", c.id(), c.name()),
        None if prefix == "pscf-lint" => "pscf-lint (the check's own inputs)".to_owned(),
        None => prefix.to_owned(),
    }
}

fn suites(report: &Report) -> Vec<Suite<'_>> {
    let mut grouped: BTreeMap<(usize, String), Vec<Case<'_>>> = BTreeMap::new();
    for rule in report.all_rules() {
        let findings = report.active().filter(|f| f.rule == rule.id).collect();
        grouped
            .entry(suite_key(&rule))
            .or_default()
            .push(Case { rule, findings });
    }
    grouped
        .into_iter()
        .map(|((_, prefix), cases)| Suite {
            name: suite_name(&prefix),
            cases,
        })
        .collect()
}

fn listing(report: &Report, findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}: {}: {}\n",
                report.display_location(&f.location),
                f.severity,
                f.message
            )
        })
        .collect()
}

fn case(report: &Report, c: &Case<'_>) -> String {
    let mut out = format!(
        "    <testcase name=\"{}\" classname=\"{}\">\n",
        xml(c.rule.id.as_str()),
        xml(c.rule.id.as_str().split_once('/').map_or("", |(p, _)| p)),
    );
    let failing = c.failing();
    if let Some(reason) = c.skipped() {
        out.push_str(&format!("      <skipped message=\"{}\"/>\n", xml(reason)));
    } else if !failing.is_empty() {
        let worst = failing
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Warning);
        out.push_str(&format!(
            "      <failure type=\"{worst}\" message=\"{}\">",
            xml(&format!(
                "{} of {}: {}",
                plural(failing.len(), "finding"),
                c.rule.id,
                c.rule.summary()
            )),
        ));
        // Each line escaped on its own: line breaks stay, nothing else hidden.
        for line in listing(report, &failing).lines() {
            out.push_str(&xml(line));
            out.push('\n');
        }
        out.push_str("</failure>\n");
    }
    let notes: Vec<&Finding> = c
        .findings
        .iter()
        .copied()
        .filter(|f| f.severity == Severity::Note)
        .collect();
    if !notes.is_empty() && c.skipped().is_none() {
        out.push_str("      <system-out>");
        for line in listing(report, &notes).lines() {
            out.push_str(&xml(line));
            out.push('\n');
        }
        out.push_str("</system-out>\n");
    }
    out.push_str("    </testcase>\n");
    out
}

/// `(tests, failures, skipped)` of some cases.
fn tally(cases: &[Case<'_>]) -> (usize, usize, usize) {
    let skipped = cases.iter().filter(|c| c.skipped().is_some()).count();
    let failures = cases
        .iter()
        .filter(|c| c.skipped().is_none() && !c.failing().is_empty())
        .count();
    (cases.len(), failures, skipped)
}

pub fn render(report: &Report) -> String {
    let suites = suites(report);
    let mut body = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    for suite in &suites {
        let (t, f, s) = tally(&suite.cases);
        tests += t;
        failures += f;
        skipped += s;
        body.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\">\n",
            xml(&suite.name)
        ));
        for c in &suite.cases {
            body.push_str(&case(report, c));
        }
        body.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pscf-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{body}</testsuites>\n"
    )
}
