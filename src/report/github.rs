//! `--format github`: workflow commands that GitHub turns into annotations
//! on the pull request, escaped as the runner expects.

use super::{Report, plural};
use crate::finding::{Finding, Severity};

/// Escapes a command's message (`%`, CR, LF); other hidden characters are
/// written as visible escapes, so nothing from the repository can end the
/// command or drive the log viewer.
fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::escape::inline(&escaped).into_owned()
}

/// Escapes a property value: as data, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Annotations shown per severity. GitHub displays about 10 error and 10
/// warning annotations per step (and 50 per job) and drops the rest
/// silently, so pscf-lint prints the most severe ones and counts the others
/// in one line instead of letting GitHub pick.
pub const PER_SEVERITY: usize = 10;

pub fn render(report: &Report) -> String {
    // Most severe first; the sort is stable, so file order within each.
    let mut findings: Vec<&Finding> = report.active().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let total = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, notes) = (
        total(Severity::Error),
        total(Severity::Warning),
        total(Severity::Note),
    );
    let overflow = errors > PER_SEVERITY || warnings > PER_SEVERITY || notes > PER_SEVERITY;
    // The count line is a notice too: keep a place for it among the ten.
    let note_cap = if overflow {
        PER_SEVERITY - 1
    } else {
        PER_SEVERITY
    };
    let cap = |s: Severity| match s {
        Severity::Note => note_cap,
        Severity::Error | Severity::Warning => PER_SEVERITY,
    };
    let mut out = String::new();
    let mut hidden = Tally::default();
    let mut shown = Tally::default();
    for f in findings {
        if shown.of(f.severity) < cap(f.severity) {
            shown.add(f.severity);
            out.push_str(&annotation(report, f));
        } else {
            hidden.add(f.severity);
        }
    }
    if hidden.total() > 0 {
        out.push_str(&format!(
            "::notice title=pscf-lint::{} ({}, {}, {}) not shown as annotations, as GitHub shows only about {PER_SEVERITY} of each kind per step: \
             the SARIF file (code scanning) and the job summary list every finding\n",
            plural(hidden.total(), "more finding"),
            plural(hidden.errors, "error"),
            plural(hidden.warnings, "warning"),
            plural(hidden.notes, "note"),
        ));
    }
    out
}

/// Annotations counted by severity.
#[derive(Default)]
struct Tally {
    errors: usize,
    warnings: usize,
    notes: usize,
}

impl Tally {
    fn slot(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
            Severity::Note => &mut self.notes,
        }
    }

    fn add(&mut self, severity: Severity) {
        *self.slot(severity) += 1;
    }

    fn of(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Note => self.notes,
        }
    }

    fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

fn annotation(report: &Report, f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let loc = &f.location;
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        escape_property(&report.display_path(&loc.path)),
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column,
        escape_property(f.rule.as_str()),
        escape_data(&message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(counts: [(Severity, usize); 3]) -> Report {
        let mut findings = Vec::new();
        for (severity, n) in counts {
            for line in 1..=n {
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                let location = crate::location::Location {
                    path: crate::location::RelPath::new("a.yml"),
                    line,
                    column: 1,
                    end_line: line,
                    end_column: 2,
                    span: 0..1,
                };
                findings.push(Finding::new(
                    crate::finding::RuleId::new("PSCF-SPM-MAR/x"),
                    severity,
                    format!("{severity} {line}"),
                    location,
                ));
            }
        }
        Report {
            root: ".".to_owned(),
            findings,
            capabilities: Vec::new(),
            rules: Vec::new(),
            fail_on: crate::finding::FailOn::Error,
            components: 0,
            inventory: crate::inventory::Inventory::default(),
            sources: std::collections::BTreeMap::new(),
            prefix: String::new(),
            external: std::collections::BTreeSet::new(),
        }
    }

    fn kinds(text: &str) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for line in text.lines() {
            let kind = line.split(' ').next().unwrap_or_default().to_owned();
            match out.last_mut() {
                Some((k, n)) if *k == kind => *n += 1,
                _ => out.push((kind, 1)),
            }
        }
        out
    }

    #[test]
    fn most_severe_first_at_most_ten_of_each_then_one_count_line() {
        // Notes first in the report: severity orders the annotations.
        let text = render(&report([
            (Severity::Note, 12),
            (Severity::Warning, 3),
            (Severity::Error, 11),
        ]));
        assert_eq!(
            kinds(&text),
            [
                ("::error".to_owned(), 10),
                ("::warning".to_owned(), 3),
                // Nine notes: the count line is the tenth notice.
                ("::notice".to_owned(), 10),
            ]
        );
        assert!(text.contains(",title=PSCF-SPM-MAR/x::note 9\n"), "{text}");
        assert!(text.ends_with(
            "::notice title=pscf-lint::4 more findings (1 error, 0 warnings, 3 notes) not shown as annotations, \
             as GitHub shows only about 10 of each kind per step: the SARIF file (code scanning) and the job summary list every finding\n"
        ));
    }

    #[test]
    fn ten_of_each_fit_without_a_count_line() {
        let text = render(&report([
            (Severity::Note, 10),
            (Severity::Warning, 10),
            (Severity::Error, 10),
        ]));
        assert_eq!(text.lines().count(), 30);
        assert!(!text.contains("more finding"));
    }

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        // `%` first, so that an escape is never escaped twice.
        assert_eq!(escape_property("50%:a\r\n,"), "50%25%3Aa%0D%0A%2C");
        assert_eq!(
            escape_data("x\n::error ::y\u{1b}[2J"),
            "x%0A::error ::y\\u{1b}[2J"
        );
    }
}
