//! `--format markdown`: a summary for pull-request comments and the GitHub
//! job summary (`$GITHUB_STEP_SUMMARY`).

use super::{Report, plural};

use crate::escape::{markdown_code, markdown_message};

pub fn render(report: &Report) -> String {
    let counts = report.counts();
    let mut out = String::from("## pscf-lint\n\n");
    out.push_str(&format!(
        "{}, {}, {} ({} suppressed) in {}.\n\n",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note"),
        counts.suppressed,
        plural(report.components, "component"),
    ));
    out.push_str("| Capability | Status | Findings |\n|---|---|---|\n");
    for c in &report.capabilities {
        let status = match &c.reason {
            Some(reason) => format!("{} ({})", c.status.as_str(), markdown_message(reason)),
            None => c.status.as_str().to_owned(),
        };
        out.push_str(&format!(
            "| {} {} | {status} | {} |\n",
            c.capability.id(),
            c.capability.name(),
            c.findings
        ));
    }
    let active: Vec<_> = report.active().collect();
    if !active.is_empty() {
        out.push_str("\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
        for f in active {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                f.severity,
                markdown_code(f.rule.as_str()),
                markdown_code(&report.display_location(&f.location)),
                markdown_message(&f.message)
            ));
        }
    }
    out
}
