//! `--format markdown`: the capability scorecard, then the findings grouped
//! by capability — for pull-request comments and the GitHub job summary
//! (`$GITHUB_STEP_SUMMARY`), which GitHub caps at 1 MiB per step: past that
//! budget findings stop, and one line says how many were left out.

use super::{CapabilityStatus, Report, Status, plural};
use crate::capabilities::CapabilityEntry;
use crate::escape::{markdown_code, markdown_message, markdown_text};
use crate::finding::{Capability, Finding, Severity};

/// GitHub's job-summary limit (1 MiB), less room for what other steps
/// of the job add.
pub const MAX_BYTES: usize = 1_000_000;

/// Room kept for the line that says findings were left out.
const TAIL_RESERVE: usize = 400;

pub fn render(report: &Report) -> String {
    render_within(report, MAX_BYTES)
}

/// The scorecard word (with a symbol people scan for) for a status.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::NotEvaluated => "➖ not evaluated",
    }
}

/// Active findings of `capability` (`None`: pscf-lint's own) by severity.
pub fn by_severity<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    capability: Option<Capability>,
) -> [usize; 3] {
    let mut n = [0; 3];
    for f in findings.filter(|f| f.rule.capability() == capability) {
        let slot = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        };
        if let Some(count) = n.get_mut(slot) {
            *count += 1;
        }
    }
    n
}

fn summary_line(report: &Report) -> String {
    let counts = report.counts();
    let verdict = if report.exit_code() == 0 {
        "passed"
    } else {
        "failed"
    };
    format!(
        "The gate **{verdict}** (fail-on: {}): {}, {}, {} ({} suppressed) in {}.\n\n",
        fail_on_name(report.fail_on),
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note"),
        counts.suppressed,
        plural(report.components, "component"),
    )
}

fn fail_on_name(fail_on: crate::finding::FailOn) -> &'static str {
    match fail_on {
        crate::finding::FailOn::Error => "error",
        crate::finding::FailOn::Warning => "warning",
        crate::finding::FailOn::Note => "note",
        crate::finding::FailOn::Never => "never",
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "-".to_owned();
    }
    markdown_text(&items.join(", "))
}

fn scorecard(report: &Report, catalogue: &[CapabilityEntry]) -> String {
    let mut out = String::from(
        "### Capability scorecard\n\n| Capability | Status | Errors | Warnings | Notes | Required by | Accountable |\n|---|---|--:|--:|--:|---|---|\n",
    );
    let mut reasons = Vec::new();
    for c in &report.capabilities {
        let [errors, warnings, notes] = by_severity(report.active(), Some(c.capability));
        let entry = catalogue.iter().find(|e| e.id == c.capability.id());
        out.push_str(&format!(
            "| {} {} | {} | {errors} | {warnings} | {notes} | {} | {} |\n",
            c.capability.id(),
            c.capability.name(),
            status_label(c.status),
            entry.map_or_else(|| "-".to_owned(), |e| list(&e.required_by)),
            entry.map_or_else(|| "-".to_owned(), |e| list(&e.accountable)),
        ));
        if let Some(reason) = &c.reason {
            reasons.push(reason_line(c, reason));
        }
    }
    if !reasons.is_empty() {
        out.push('\n');
        for line in reasons {
            out.push_str(&line);
        }
    }
    out.push('\n');
    out
}

fn reason_line(c: &CapabilityStatus, reason: &str) -> String {
    let why = match c.status {
        Status::NotEvaluated => "not evaluated",
        _ => "incomplete",
    };
    format!(
        "- **{}** {why}: {}\n",
        c.capability.id(),
        markdown_message(reason)
    )
}

fn row(report: &Report, f: &Finding) -> String {
    // Help stays in the other reports: the summary is for scanning.
    let message = markdown_message(&f.message);
    format!(
        "| {} | {} | {} | {message} |\n",
        f.severity,
        markdown_code(f.rule.as_str()),
        markdown_code(&report.display_location(&f.location)),
    )
}

fn group_heading(capability: Option<Capability>, n: usize) -> String {
    let title = capability.map_or_else(
        || "pscf-lint (the check's own inputs)".to_owned(),
        |c| format!("{} {}", c.id(), c.name()),
    );
    format!(
        "### {title}: {}\n\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n",
        plural(n, "finding")
    )
}

/// [`render`] with a byte budget (tests use small ones).
pub fn render_within(report: &Report, max_bytes: usize) -> String {
    let catalogue = crate::capabilities::catalogue().unwrap_or_default();
    let mut out = String::from("## pscf-lint\n\n");
    out.push_str(&summary_line(report));
    out.push_str(&scorecard(report, &catalogue));
    let groups = Capability::ALL.into_iter().map(Some).chain([None]);
    let total = report.active().count();
    let mut shown = 0;
    'groups: for capability in groups {
        let findings: Vec<&Finding> = report
            .active()
            .filter(|f| f.rule.capability() == capability)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let heading = group_heading(capability, findings.len());
        if out.len() + heading.len() + TAIL_RESERVE > max_bytes {
            break;
        }
        out.push_str(&heading);
        for f in findings {
            let line = row(report, f);
            if out.len() + line.len() + TAIL_RESERVE > max_bytes {
                break 'groups;
            }
            out.push_str(&line);
            shown += 1;
        }
        out.push('\n');
    }
    if shown < total {
        out.push_str(&format!(
            "\n_{} not listed: GitHub's job summary holds 1 MiB. The JSON and SARIF reports have them all._\n",
            plural(total - shown, "more finding")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::RuleId;
    use crate::location::{Location, RelPath};

    #[test]
    fn past_the_budget_findings_stop_and_the_rest_are_counted() {
        let findings = (0..2_000)
            .map(|i| {
                let mut location = Location::file(RelPath::new(&format!("f{i}.yml")));
                location.line = 3;
                Finding::new(
                    RuleId::new("PSCF-SPM-MAR/unpinned-action"),
                    Severity::Error,
                    format!("`actions/checkout@v{i}` is not pinned"),
                    location,
                )
            })
            .collect();
        let report = crate::report::test_report(findings);
        let out = render_within(&report, 20_000);
        assert!(out.len() <= 20_000, "{}", out.len());
        let listed = out.lines().filter(|l| l.starts_with("| error |")).count();
        assert!(listed > 100, "{listed}");
        assert!(
            out.ends_with(&format!(
                "_{} more findings not listed: GitHub's job summary holds 1 MiB. The JSON and SARIF reports have them all._\n",
                2_000 - listed
            )),
            "{}",
            out.get(out.len() - 300..).unwrap_or_default()
        );
        assert!(render(&report).len() < MAX_BYTES);
        assert!(!render(&report).contains("not listed"));
    }
}
