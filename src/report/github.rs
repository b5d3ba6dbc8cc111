//! `--format github`: workflow commands that GitHub turns into annotations
//! on the pull request, escaped as the runner expects.

use super::Report;
use crate::finding::Severity;

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

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.active() {
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
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&report.display_path(&loc.path)),
            loc.line,
            loc.column,
            loc.end_line,
            loc.end_column,
            escape_property(f.rule.as_str()),
            escape_data(&message),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(escape_data("100%\r\nok"), "100%25%0D%0Aok");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            escape_data("x\n::error ::y\u{1b}[2J"),
            "x%0A::error ::y\\u{1b}[2J"
        );
    }
}
