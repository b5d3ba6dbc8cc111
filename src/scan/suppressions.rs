//! Inline suppressions: `# pscf-lint: ignore[RULE, ...] reason` (or after
//! `//`, `/*`, `<!--`) in any scanned file that has comments. The scan
//! stage only collects them; the govern stage decides what they suppress.
//!
//! Cheap on every file: one `memmem` search for the marker, and nothing
//! more for the (almost all) files without it. Bounded per file.

use memchr::memmem;

use crate::facts::InlineSuppression;
use crate::location::SourceFile;

const MARKER: &str = "pscf-lint:";

/// More comments than this in one file are not a review, they are noise:
/// the rest are ignored.
const MAX_PER_FILE: usize = 1000;
const MAX_RULES: usize = 32;
const MAX_REASON_CHARS: usize = 500;

/// Comment openers the marker may follow (on the same line, after
/// optional spaces).
const OPENERS: &[&str] = &["#", "//", "/*", "<!--", "--"];

/// Whether a file's comments are read: not prose, where `# ...` is a
/// heading and examples of the syntax are documentation.
pub fn reads(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map_or("", |(_, e)| e);
    !matches!(
        extension,
        "md" | "markdown" | "rst" | "adoc" | "txt" | "html" | "htm"
    )
}

/// Every suppression comment in a file's text.
pub fn collect(source: &SourceFile) -> Vec<InlineSuppression> {
    let text = source.text.as_str();
    memmem::find_iter(text.as_bytes(), MARKER)
        .filter_map(|at| parse(source, at))
        .take(MAX_PER_FILE)
        .collect()
}

/// The comment whose marker starts at byte `at`, if it is one.
fn parse(source: &SourceFile, at: usize) -> Option<InlineSuppression> {
    let text = source.text.as_str();
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..at)?.trim_end();
    let opener = OPENERS.iter().find(|o| before.ends_with(*o))?;
    // `"# pscf-lint: ..."` or `` `# pscf-lint: ...` `` is a quotation of the
    // syntax (a string literal, documentation), not a comment.
    let quoted = before
        .get(..before.len() - opener.len())
        .and_then(|b| b.chars().last())
        .is_some_and(|c| matches!(c, '"' | '\'' | '`'));
    if quoted {
        return None;
    }
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    let after = text.get(at + MARKER.len()..line_end)?;
    let directive = after.trim_start();
    let list = directive.strip_prefix("ignore")?.trim_start();
    let list_offset = line_end - list.len();
    let Some(body) = list.strip_prefix('[') else {
        return Some(malformed(
            source,
            at,
            line_end,
            "`ignore` must be followed by `[RULE, ...]`",
        ));
    };
    let Some(close) = body.find(']') else {
        return Some(malformed(
            source,
            at,
            line_end,
            "the rule list has no closing `]`",
        ));
    };
    let rules: Vec<String> = body
        .get(..close)?
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .take(MAX_RULES)
        .map(str::to_owned)
        .collect();
    let end = list_offset + 1 + close + 1;
    if rules.is_empty() {
        return Some(malformed(source, at, end, "the rule list is empty"));
    }
    Some(InlineSuppression {
        location: source.location(at..end),
        rules,
        reason: reason(body.get(close + 1..).unwrap_or("")),
        malformed: None,
    })
}

/// The text after `]`, without separators and comment closers; `None` when
/// nothing that reads as a reason is left.
fn reason(rest: &str) -> Option<String> {
    let mut r = rest.trim();
    for closer in ["*/", "-->"] {
        r = r.strip_suffix(closer).unwrap_or(r).trim_end();
    }
    let r = r.trim_start_matches([':', '-', '—', ' ', '\t']).trim();
    r.chars()
        .any(char::is_alphanumeric)
        .then(|| r.chars().take(MAX_REASON_CHARS).collect())
}

fn malformed(source: &SourceFile, at: usize, end: usize, why: &'static str) -> InlineSuppression {
    InlineSuppression {
        location: source.location(at..end),
        rules: Vec::new(),
        reason: None,
        malformed: Some(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn comments(text: &str) -> Vec<InlineSuppression> {
        // Built at run time so the project's own sources hold no live marker.
        let text = text.replace("MARK", MARKER);
        collect(&SourceFile::new(RelPath::new("a.yml"), text))
    }

    #[test]
    fn comment_forms() {
        let found = comments(
            "a: 1 # MARK ignore[script-injection, PSCF-SPM-MAR/unpinned-*] reviewed in SEC-1\n\
             // MARK ignore[x]: because\n\
             /* MARK ignore[y] kept - see ADR 7 */\n\
             <!-- MARK ignore[z] docs only -->\n",
        );
        let summary: Vec<_> = found
            .iter()
            .map(|s| (s.location.line, s.rules.join("|"), s.reason.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    1,
                    "script-injection|PSCF-SPM-MAR/unpinned-*".to_owned(),
                    Some("reviewed in SEC-1".to_owned())
                ),
                (2, "x".to_owned(), Some("because".to_owned())),
                (3, "y".to_owned(), Some("kept - see ADR 7".to_owned())),
                (4, "z".to_owned(), Some("docs only".to_owned())),
            ]
        );
        // The span covers the marker up to the closing bracket.
        assert_eq!(found[1].location.column, 4);
        assert_eq!(found[1].location.end_column, 24);
    }

    #[test]
    fn missing_reasons_and_malformed_comments() {
        let found =
            comments("# MARK ignore[a]\n# MARK ignore[b] --\n# MARK ignore[c\n# MARK ignore[]\n");
        assert_eq!(found[0].reason, None);
        assert_eq!(found[1].reason, None);
        assert!(found[2].malformed.is_some_and(|m| m.contains("closing")));
        assert!(found[3].malformed.is_some());
    }

    #[test]
    fn not_comments() {
        assert!(
            comments(
                "text: \"MARK ignore[a] in a string\"\nMARK ignore[b] x\n# MARK other things\n"
            )
            .is_empty()
        );
        assert!(
            comments("s = \"# MARK ignore[a] quoted\"\n//! Syntax: `# MARK ignore[RULE] reason`\n")
                .is_empty()
        );
        assert!(!reads("README.md") && reads("Dockerfile") && reads("setup.py"));
    }
}
