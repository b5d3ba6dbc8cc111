//! CODEOWNERS with GitHub's semantics: gitignore-like patterns (no `!`
//! negation, no `[ ]` ranges, no `\#` escape), owners `@user`,
//! `@org/team` or an e-mail address, the last matching rule wins, and a
//! pattern with no owners leaves its files unowned. Lines GitHub would
//! reject are reported with their column and are not applied.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::facts::Spanned;
use crate::location::{Location, RelPath, SourceFile};

/// GitHub does not load a CODEOWNERS file this large or larger.
pub const MAX_CODEOWNERS_BYTES: usize = 3 * 1024 * 1024;

/// Rules beyond this many are not applied: it bounds the matcher's size
/// (a 3 MB file could hold ~200,000 one-character rules).
pub const MAX_RULES: usize = 20_000;

/// Where GitHub looks, in its search order: the first found wins.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// One applied line: a pattern and its owners (none: un-owns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRule {
    /// The pattern as written.
    pub pattern: String,
    /// The pattern token.
    pub location: Location,
    pub owners: Vec<Spanned>,
}

/// A line GitHub would reject, at the offending column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLine {
    pub location: Location,
    pub message: String,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone)]
pub struct Codeowners {
    pub path: RelPath,
    /// The first line, for findings about the file as a whole.
    pub head: Location,
    pub rules: Vec<OwnerRule>,
    pub invalid: Vec<InvalidLine>,
    /// Over GitHub's size limit: nothing is applied.
    pub too_large: bool,
    /// More than [`MAX_RULES`] rules: the rest were not applied.
    pub truncated: bool,
    matcher: GlobSet,
    /// Glob index in `matcher` → rule index.
    glob_rule: Vec<usize>,
}

impl Codeowners {
    /// The rule that decides `path`'s owners (the last one matching).
    pub fn rule_for(&self, path: &str) -> Option<&OwnerRule> {
        let last = self
            .matcher
            .matches(path)
            .into_iter()
            .filter_map(|g| self.glob_rule.get(g).copied())
            .max()?;
        self.rules.get(last)
    }

    /// Whether GitHub would assign `path` an owner.
    pub fn is_owned(&self, path: &str) -> bool {
        self.rule_for(path).is_some_and(|r| !r.owners.is_empty())
    }
}

/// Parses a CODEOWNERS file; never fails (bad lines become [`InvalidLine`]s).
pub fn parse(source: &SourceFile) -> Codeowners {
    let head = source.location(source.index.line_span(&source.text, 1));
    let mut parsed = Codeowners {
        path: source.path.clone(),
        head,
        rules: Vec::new(),
        invalid: Vec::new(),
        too_large: source.text.len() >= MAX_CODEOWNERS_BYTES,
        truncated: false,
        matcher: GlobSet::empty(),
        glob_rule: Vec::new(),
    };
    if parsed.too_large {
        return parsed;
    }
    let mut builder = GlobSetBuilder::new();
    let mut offset = 0;
    for raw_line in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        match parse_line(line) {
            Line::Blank => {}
            Line::Invalid { at, len, message } => parsed.invalid.push(InvalidLine {
                location: source.location(start + at..start + at + len),
                message,
            }),
            Line::Rule { pattern, owners } => {
                if parsed.rules.len() >= MAX_RULES {
                    parsed.truncated = true;
                    continue;
                }
                let globs = match globs(pattern.text) {
                    Ok(globs) => globs,
                    Err(message) => {
                        let at = start + pattern.at;
                        parsed.invalid.push(InvalidLine {
                            location: source.location(at..at + pattern.text.len()),
                            message,
                        });
                        continue;
                    }
                };
                let index = parsed.rules.len();
                for glob in globs {
                    builder.add(glob);
                    parsed.glob_rule.push(index);
                }
                let at = start + pattern.at;
                parsed.rules.push(OwnerRule {
                    pattern: pattern.text.to_owned(),
                    location: source.location(at..at + pattern.text.len()),
                    owners: owners
                        .into_iter()
                        .map(|o| Spanned {
                            value: o.text.to_owned(),
                            location: source.location(start + o.at..start + o.at + o.text.len()),
                        })
                        .collect(),
                });
            }
        }
    }
    match builder.build() {
        Ok(set) => parsed.matcher = set,
        // Every glob compiled on its own; a failing set is not expected,
        // and then nothing is applied rather than something wrong.
        Err(_) => {
            parsed.rules.clear();
            parsed.glob_rule.clear();
        }
    }
    parsed
}

/// A token of a line and its byte offset in the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token<'a> {
    text: &'a str,
    at: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    Rule {
        pattern: Token<'a>,
        owners: Vec<Token<'a>>,
    },
    Invalid {
        at: usize,
        len: usize,
        message: String,
    },
}

/// Splits a line into tokens at unescaped blanks, up to a `#` that starts
/// a token (a comment, also after the owners).
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        let blank = (c == ' ' || c == '\t') && !escaped;
        escaped = !escaped && c == '\\';
        match (start, blank) {
            (None, true) => {}
            (None, false) if c == '#' => break,
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push(Token {
                    text: line.get(s..i).unwrap_or_default(),
                    at: s,
                });
                start = None;
            }
            (Some(_), false) => {}
        }
    }
    if let Some(s) = start {
        out.push(Token {
            text: line.get(s..).unwrap_or_default(),
            at: s,
        });
    }
    out
}

fn parse_line(line: &str) -> Line<'_> {
    let tokens = tokens(line);
    let Some((&pattern, owners)) = tokens.split_first() else {
        return Line::Blank;
    };
    if let Some((offset, message)) = pattern_problem(pattern.text) {
        return Line::Invalid {
            at: pattern.at + offset,
            len: 1,
            message,
        };
    }
    if let Some(owner) = owners.iter().find(|o| !is_valid_owner(o.text)) {
        return Line::Invalid {
            at: owner.at,
            len: owner.text.len(),
            message: format!(
                "`{}` is not an owner: write `@user`, `@org/team` or an e-mail address",
                crate::shown::shown(owner.text)
            ),
        };
    }
    Line::Rule {
        pattern,
        owners: owners.to_vec(),
    }
}

/// The first construct GitHub does not support, with its byte offset.
fn pattern_problem(pattern: &str) -> Option<(usize, String)> {
    if pattern.starts_with('!') {
        return Some((
            0,
            "negation (`!`) is not supported in CODEOWNERS: a later rule without owners un-owns paths instead".to_owned(),
        ));
    }
    if pattern.starts_with("\\#") {
        return Some((
            0,
            "a pattern cannot start with an escaped `#` in CODEOWNERS".to_owned(),
        ));
    }
    let mut escaped = false;
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' | ']' => {
                return Some((
                    i,
                    "character ranges (`[ ]`) are not supported in CODEOWNERS".to_owned(),
                ));
            }
            _ => {}
        }
    }
    pattern.find("***").map(|i| {
        (
            i,
            "a pattern cannot hold three consecutive asterisks".to_owned(),
        )
    })
}

fn is_valid_owner(owner: &str) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if let Some(handle) = owner.strip_prefix('@') {
        return match handle.split_once('/') {
            Some((org, team)) => {
                !org.is_empty()
                    && org.chars().all(name_char)
                    && !team.is_empty()
                    && team.chars().all(|c| name_char(c) || c == '.')
            }
            None => !handle.is_empty() && handle.chars().all(name_char),
        };
    }
    let Some((local, domain)) = owner.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let tld_ok = domain.rsplit_once('.').is_some_and(|(host, tld)| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && tld.len() >= 2
            && tld.chars().all(|c| c.is_ascii_alphabetic())
    });
    local_ok && tld_ok
}

/// A segment of a pattern in globset syntax, or `**`.
fn segment_glob(segment: &str) -> String {
    if segment == "**" {
        return "**".to_owned();
    }
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if "*?[]{}\\".contains(e) => {
                    out.push('\\');
                    out.push(e);
                }
                Some(e) => out.push(e),
                None => out.push_str("\\\\"),
            },
            // Consecutive asterisks inside a segment are one asterisk
            // (gitignore); only a whole `**` segment crosses directories.
            '*' => {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                out.push('*');
            }
            '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            other => out.push(other),
        }
    }
    out
}

/// Splits at `/` that is not escaped.
fn segments(pattern: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '/' => {
                out.push(pattern.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(pattern.get(start..).unwrap_or_default());
    out
}

/// The globs (over repository-relative file paths) a pattern stands for:
/// the path itself and, unless the pattern ends in a lone `*` or `**`,
/// everything under it when it names a directory.
fn globs(pattern: &str) -> Result<Vec<globset::Glob>, String> {
    let mut segs = segments(pattern);
    let anchored = segs.first() == Some(&"");
    if anchored {
        segs.remove(0);
    }
    let directory_only = segs.len() > 1 && segs.last() == Some(&"");
    if directory_only {
        segs.pop();
    }
    if segs.is_empty() || segs.iter().any(|s| s.is_empty()) {
        // `/` matches nothing; `a//b` cannot match a path.
        return Ok(Vec::new());
    }
    // A single segment without a leading `/` matches at any depth.
    if !anchored && segs.len() == 1 && segs.first() != Some(&"**") {
        segs.insert(0, "**");
    }
    let base: Vec<String> = segs.iter().map(|s| segment_glob(s)).collect();
    let base = base.join("/");
    let last = segs.last().copied().unwrap_or_default();
    let texts = if directory_only {
        vec![format!("{base}/**")]
    } else if last == "**" || last == "*" {
        vec![base]
    } else {
        vec![format!("{base}/**"), base]
    };
    texts
        .iter()
        .map(|text| {
            GlobBuilder::new(text)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("GitHub cannot use this pattern: {}", e.kind()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(text: &str) -> Codeowners {
        parse(&SourceFile::new(
            RelPath::new(".github/CODEOWNERS"),
            text.to_owned(),
        ))
    }

    fn owner_of(c: &Codeowners, path: &str) -> Option<String> {
        c.rule_for(path).map(|r| {
            r.owners
                .iter()
                .map(|o| o.value.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// The cases GitHub documents and gitignore semantics imply, checked
    /// path by path.
    #[test]
    fn patterns_follow_github_semantics() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            (
                "foo",
                &[
                    ("foo", true),
                    ("foo.txt", false),
                    ("foo/bar", true),
                    ("bar/foo", true),
                    ("bar/foo/baz", true),
                    ("bar/baz", false),
                ],
            ),
            (
                "/foo",
                &[
                    ("foo", true),
                    ("foo/bar/baz", true),
                    ("bar/foo", false),
                    ("fool.txt", false),
                ],
            ),
            (
                "foo/",
                &[
                    ("foo", false),
                    ("foo/bar", true),
                    ("bar/foo/baz", true),
                    ("bar/baz", false),
                ],
            ),
            ("/foo/", &[("foo/bar", true), ("bar/foo/baz", false)]),
            (
                "foo/bar",
                &[
                    ("foo/bar", true),
                    ("foo/bar/baz", true),
                    ("baz/foo/bar", false),
                    ("foo/bart", false),
                ],
            ),
            ("*", &[("foo", true), ("foo/bar", true), ("a/b/c", true)]),
            ("/*", &[("foo", true), ("foo/bar", false)]),
            (
                "/*/",
                &[("foo", false), ("foo/bar", true), ("bar/foo/baz", true)],
            ),
            (
                "*.js",
                &[("a.js", true), ("src/a.js", true), ("a.jsx", false)],
            ),
            (
                "docs/*",
                &[
                    ("docs/a.md", true),
                    ("docs/build/a.md", false),
                    ("x/docs/a.md", false),
                ],
            ),
            (
                "foo/*/baz",
                &[
                    ("foo/bar/baz", true),
                    ("foo/bar/baz/qux", true),
                    ("foo/baz", false),
                ],
            ),
            (
                "**/logs",
                &[
                    ("logs", true),
                    ("a/logs", true),
                    ("a/b/logs/x.log", true),
                    ("a/logsx", false),
                ],
            ),
            (
                "foo/**/bar",
                &[
                    ("foo/bar", true),
                    ("foo/x/y/bar", true),
                    ("foo/x/bar/z", true),
                    ("x/foo/bar", false),
                ],
            ),
            (
                "foo/bar/**",
                &[
                    ("foo/bar", false),
                    ("foo/bar/baz", true),
                    ("foo/bar/a/b", true),
                ],
            ),
            ("f?o", &[("foo", true), ("fo", false), ("fooo", false)]),
            ("f\\*o", &[("f*o", true), ("foo", false)]),
            ("/my\\ dir/", &[("my dir/a.txt", true), ("my/a.txt", false)]),
            ("a**b", &[("axyb", true), ("ax/yb", false)]),
        ];
        for (pattern, paths) in cases {
            let c = owners(&format!("{pattern} @o\n"));
            assert!(c.invalid.is_empty(), "{pattern}: {:?}", c.invalid);
            for (path, expected) in *paths {
                assert_eq!(
                    c.is_owned(path),
                    *expected,
                    "pattern `{pattern}` on `{path}`"
                );
            }
        }
    }

    #[test]
    fn last_match_wins_and_no_owner_unowns() {
        let c = owners(
            "# default\n*       @org/all\n/apps/ @octocat\n/apps/github\n*.md docs@example.com # inline comment\n",
        );
        assert_eq!(owner_of(&c, "src/a.rs").as_deref(), Some("@org/all"));
        assert_eq!(owner_of(&c, "apps/x.rs").as_deref(), Some("@octocat"));
        assert_eq!(owner_of(&c, "apps/github/x.rs").as_deref(), Some(""));
        assert!(!c.is_owned("apps/github/x.rs"));
        assert_eq!(
            owner_of(&c, "apps/github/README.md").as_deref(),
            Some("docs@example.com")
        );
        assert_eq!(c.rules.len(), 4);
        assert!(c.invalid.is_empty(), "{:?}", c.invalid);
    }

    #[test]
    fn invalid_lines_are_reported_at_their_column_and_not_applied() {
        let c = owners(
            "*.rs @ok\n!secret.rs @x\nsrc/[ab].rs @x\n\\#notes @x\n*.md   @bad!name\nlib/*** @x\n*.go owner-without-at\n",
        );
        let got: Vec<(u32, u32)> = c
            .invalid
            .iter()
            .map(|i| (i.location.line, i.location.column))
            .collect();
        assert_eq!(got, vec![(2, 1), (3, 5), (4, 1), (5, 8), (6, 5), (7, 6)]);
        assert_eq!(c.rules.len(), 1);
        assert!(c.is_owned("a.rs"));
        assert!(!c.is_owned("a.md"));
    }

    #[test]
    fn owner_syntax() {
        for ok in [
            "@user",
            "@org/team",
            "@org/team.name",
            "@a_b-c",
            "me@example.com",
            "a.b+c@d-e.co",
        ] {
            assert!(is_valid_owner(ok), "{ok}");
        }
        for bad in ["@", "@org/", "user", "@org/te/am", "a@b", "a@b.c", "@us er"] {
            assert!(!is_valid_owner(bad), "{bad}");
        }
    }

    #[test]
    fn oversized_files_are_not_loaded() {
        let c = owners(&"* @o\n".repeat(MAX_CODEOWNERS_BYTES / 5 + 1));
        assert!(c.too_large);
        assert!(!c.is_owned("a"));
    }

    #[test]
    fn rules_beyond_the_cap_are_not_applied() {
        let text: String = (0..MAX_RULES + 3).map(|i| format!("/f{i} @o\n")).collect();
        let c = owners(&text);
        assert!(c.truncated);
        assert_eq!(c.rules.len(), MAX_RULES);
    }
}
