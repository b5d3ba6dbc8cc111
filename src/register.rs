//! `pscf-lint exceptions`: every exception of the policy as a risk
//! register — where it is, what it covers, who owns it, until when, and
//! whether it still does anything — as a table, JSON or CSV.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::escape;
use crate::policy::Exception;

/// An exception that runs out within this many days is `expiring`.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// Bumped only for an incompatible change of the JSON document.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In force, and covers at least one finding.
    Active,
    /// In force, covers findings, and runs out within 30 days.
    Expiring,
    /// Past its `expires`: what it covered is reported again.
    Expired,
    /// Covers no finding.
    Unused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Unused => "unused",
        }
    }

    fn of(e: &Exception, findings: usize, today: Date) -> Self {
        match e.expires {
            Some(date) if today > date => Status::Expired,
            _ if findings == 0 => Status::Unused,
            Some(date)
                if today
                    .checked_add(EXPIRING_WITHIN_DAYS.days())
                    .is_ok_and(|soon| date <= soon) =>
            {
                Status::Expiring
            }
            _ => Status::Active,
        }
    }
}

/// One exception of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Its policy file, as reports show it.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub rule: String,
    /// `purl …`, `path …`, `fingerprint …`, comma-separated; empty when
    /// the exception covers every finding of its rule.
    pub selector: String,
    pub reason: String,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub expires: Option<String>,
    pub status: Status,
    /// How many findings it covers (an expired one: would cover).
    pub findings: usize,
}

/// The register: one entry per exception, by file, line and column.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub today: Option<Date>,
    pub entries: Vec<Entry>,
}

impl Register {
    /// `covered[i]` is how many findings `exceptions[i]` covers;
    /// `display` turns a policy file's path into the one reports show.
    pub fn new(
        exceptions: &[Exception],
        covered: &[usize],
        today: Date,
        display: impl Fn(&crate::location::RelPath) -> String,
    ) -> Self {
        let mut entries: Vec<Entry> = exceptions
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let findings = covered.get(i).copied().unwrap_or(0);
                Entry {
                    file: display(&e.location.path),
                    line: e.location.line,
                    column: e.location.column,
                    rule: e.rule_text().to_owned(),
                    selector: e.selector(),
                    reason: e.reason.clone(),
                    owner: e.owner.clone(),
                    ticket: e.ticket.clone(),
                    expires: e.expires.map(|d| d.to_string()),
                    status: Status::of(e, findings, today),
                    findings,
                }
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
        });
        Register {
            today: Some(today),
            entries,
        }
    }

    /// How many entries have each status, in status order.
    pub fn tally(&self) -> [(Status, usize); 4] {
        [
            Status::Active,
            Status::Expiring,
            Status::Expired,
            Status::Unused,
        ]
        .map(|s| (s, self.entries.iter().filter(|e| e.status == s).count()))
    }
}

const HEADERS: [&str; 11] = [
    "file", "line", "rule", "selector", "reason", "owner", "ticket", "expires", "status",
    "findings", "column",
];

/// The cells of one entry, in [`HEADERS`] order but for the column, which
/// tables and CSV give as `line:column` in one cell.
fn cells(e: &Entry) -> [String; 9] {
    [
        e.file.clone(),
        format!("{}:{}", e.line, e.column),
        e.rule.clone(),
        e.selector.clone(),
        e.reason.clone(),
        e.owner.clone().unwrap_or_default(),
        e.ticket.clone().unwrap_or_default(),
        e.expires.clone().unwrap_or_default(),
        e.status.as_str().to_owned(),
    ]
}

/// A table for the terminal: every value on one line, hidden characters
/// escaped, long reasons cut.
pub fn render_table(register: &Register) -> String {
    const REASON_WIDTH: usize = 60;
    let headers = [
        "FILE", "LINE", "RULE", "SELECTOR", "REASON", "OWNER", "TICKET", "EXPIRES", "STATUS",
        "FINDINGS",
    ];
    let rows: Vec<Vec<String>> = register
        .entries
        .iter()
        .map(|e| {
            let mut row: Vec<String> = cells(e)
                .iter()
                .map(|c| escape::inline(&escape::credentials(c)).into_owned())
                .collect();
            if let Some(reason) = row.get_mut(4) {
                *reason = shorten(reason, REASON_WIDTH);
            }
            for cell in row.iter_mut().filter(|c| c.is_empty()) {
                *cell = "-".to_owned();
            }
            row.push(e.findings.to_string());
            row
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(w.saturating_sub(cell.chars().count()) + 2));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(&headers.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    let tally: Vec<String> = register
        .tally()
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    out.push_str(&format!(
        "\n{}: {}.\n",
        crate::report::plural(register.entries.len(), "exception"),
        tally.join(", ")
    ));
    out
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// CSV (RFC 4180): every cell quoted, quotes doubled, hidden characters
/// written as visible escapes, and a cell that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@` first) prefixed with `'`.
pub fn render_csv(register: &Register) -> String {
    let mut out = csv_row(HEADERS.iter().take(10).map(|h| (*h).to_owned()));
    for e in &register.entries {
        let mut row: Vec<String> = cells(e).into_iter().collect();
        if let Some(line) = row.get_mut(1) {
            *line = e.line.to_string();
        }
        row.push(e.findings.to_string());
        out.push_str(&csv_row(row.into_iter()));
    }
    out
}

fn csv_row(cells: impl Iterator<Item = String>) -> String {
    let cells: Vec<String> = cells.map(|c| csv_cell(&c)).collect();
    cells.join(",") + "\r\n"
}

fn csv_cell(text: &str) -> String {
    // Hidden characters written visibly too: the CSV may go to a terminal.
    let text = escape::inline(&escape::credentials(text)).into_owned();
    let neutral = match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text,
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    kind: &'static str,
    today: Option<String>,
    summary: Summary,
    exceptions: &'a [Entry],
}

#[derive(Serialize)]
struct Summary {
    exceptions: usize,
    active: usize,
    expiring: usize,
    expired: usize,
    unused: usize,
}

/// The register as a JSON document (serde escapes every string).
pub fn render_json(register: &Register) -> String {
    let [active, expiring, expired, unused] = register.tally().map(|(_, n)| n);
    let doc = Document {
        version: FORMAT_VERSION,
        kind: "exceptions",
        today: register.today.map(|d| d.to_string()),
        summary: Summary {
            exceptions: register.entries.len(),
            active,
            expiring,
            expired,
            unused,
        },
        exceptions: &register.entries,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_cannot_start_a_formula() {
        assert_eq!(csv_cell("plain"), "\"plain\"");
        assert_eq!(csv_cell("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SUM(A1)"] {
            assert!(csv_cell(start).starts_with("\"'"), "{start}");
        }
        assert_eq!(csv_cell("a,b\nc\u{1b}[2J"), "\"a,b\\nc\\u{1b}[2J\"");
    }

    #[test]
    fn long_reasons_are_cut_on_a_character() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
