//! `--format human`: rustc-style snippets with the offending text
//! underlined, then a summary by capability.

use super::{Report, plural};
use crate::diagnostic::{DiagLevel, Diagnostic};
use crate::finding::{Finding, Severity};

fn level(severity: Severity) -> DiagLevel {
    match severity {
        Severity::Error => DiagLevel::Error,
        Severity::Warning => DiagLevel::Warning,
        Severity::Note => DiagLevel::Note,
    }
}

fn render_finding(report: &Report, f: &Finding, color: bool) -> String {
    let mut notes = Vec::new();
    if let Some(c) = f.rule.capability() {
        notes.push((DiagLevel::Note, format!("{} {}", c.id(), c.name())));
    }
    if let Some(help) = &f.help {
        notes.push((DiagLevel::Help, help.clone()));
    }
    let label = f.rule.slug().replace('-', " ");
    let path = report.display_path(&f.location.path);
    Diagnostic {
        level: level(f.severity),
        code: Some(f.rule.as_str()),
        title: &f.message,
        source: report.sources.get(&f.location.path).map(AsRef::as_ref),
        path: &path,
        span: f.location.span.clone(),
        label: &label,
        notes,
    }
    .render(color)
}

pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for f in report.active() {
        out.push_str(&render_finding(report, f, color));
        out.push_str("\n\n");
    }
    out.push_str("Capability summary:\n");
    for c in &report.capabilities {
        let status = match (c.status, &c.reason) {
            (super::Status::Fail, _) if c.findings > 0 => {
                format!("fail ({})", plural(c.findings, "finding"))
            }
            (other, Some(reason)) => format!("{}: {reason}", other.as_str()),
            (other, None) => other.as_str().to_owned(),
        };
        out.push_str(&format!(
            "  {:<13} {:<37} {status}\n",
            c.capability.id(),
            c.capability.name()
        ));
    }
    let counts = report.counts();
    out.push_str(&format!(
        "\n{}, {}, {}",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note")
    ));
    let baselined = report.baselined();
    let excepted = counts.suppressed - baselined;
    match (excepted, baselined) {
        (0, 0) => {}
        (n, 0) => out.push_str(&format!(" ({n} suppressed by exceptions)")),
        (0, b) => out.push_str(&format!(" ({b} in the baseline)")),
        (n, b) => out.push_str(&format!(
            " ({n} suppressed by exceptions, {b} in the baseline)"
        )),
    }
    out.push_str(&format!(
        " in {}.\n",
        plural(report.components, "component")
    ));
    out
}
