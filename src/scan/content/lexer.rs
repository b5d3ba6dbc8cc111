//! A light comment and string lexer, per comment syntax: enough to tell
//! whether a candidate offset is in code, in a string literal or in a
//! comment or docstring. One forward pass over the text (linear, no
//! backtracking); it records only the regions that hold one of the
//! queried offsets, so memory follows the candidates, not the file.
//!
//! It is deliberately forgiving: a string that does not close on its line
//! ends there (except Python triple quotes and JS/Go backticks), so a
//! confused lexer loses at most a line.

use std::ops::Range;

/// Comment and string conventions of a language family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `#` comments, `'`/`"` strings, Python `"""` docstrings (YAML, TOML,
    /// shell, Python, Ruby, Dockerfile, `.env`; INI adds `;` lines).
    Hash,
    /// `//` and `/* */` comments, `'`, `"` and `` ` `` strings.
    Slash,
    /// As `Slash`, with `'` only as a char literal (`'a` is a lifetime).
    Rust,
    /// As `Slash`, and `#` comments (PHP).
    SlashHash,
    /// `"` strings, and `//` `/* */` comments outside them (JSONC).
    Json,
    /// `;` or `#` at the start of a line.
    Ini,
}

/// What a byte is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Code,
    String,
    /// Comments and docstrings.
    Comment,
}

/// The regions that hold the queried offsets.
#[derive(Debug, Default)]
pub struct Regions {
    spans: Vec<(Range<usize>, Region)>,
}

impl Regions {
    /// The region at `offset` and its extent (`offset..offset` for code).
    pub fn at(&self, offset: usize) -> (Region, Range<usize>) {
        let i = self.spans.partition_point(|(r, _)| r.end <= offset);
        match self.spans.get(i) {
            Some((r, kind)) if r.start <= offset => (*kind, r.clone()),
            _ => (Region::Code, offset..offset),
        }
    }
}

struct Lexer<'a> {
    bytes: &'a [u8],
    syntax: Syntax,
    queries: &'a [usize],
    next: usize,
    out: Regions,
}

impl Lexer<'_> {
    /// Records `range` if a queried offset lies in it.
    fn region(&mut self, range: Range<usize>, kind: Region) {
        while self
            .queries
            .get(self.next)
            .is_some_and(|&q| q < range.start)
        {
            self.next += 1;
        }
        if self.queries.get(self.next).is_some_and(|&q| q < range.end) {
            self.out.spans.push((range.clone(), kind));
        }
        while self.queries.get(self.next).is_some_and(|&q| q < range.end) {
            self.next += 1;
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn line_end(&self, from: usize) -> usize {
        let rest = self.bytes.get(from..).unwrap_or_default();
        memchr::memchr(b'\n', rest).map_or(self.bytes.len(), |i| from + i)
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        let rest = self.bytes.get(from..)?;
        memchr::memmem::find(rest, needle).map(|i| from + i)
    }

    /// A `#` starts a comment at a line start or after blank space (not in
    /// `http://x/#frag` or `$#`).
    fn hash_comment(&self, i: usize) -> bool {
        i == 0 || matches!(self.at(i - 1), b' ' | b'\t' | b'\n' | b'\r' | b';')
    }

    /// Whether a quote at `i` opens a string: after a non-word byte or a
    /// string prefix (`r"`, `b'`, `f"`), never inside a word (`don't`).
    fn opens(&self, i: usize) -> bool {
        let prev = if i == 0 { b' ' } else { self.at(i - 1) };
        if !(prev.is_ascii_alphanumeric() || prev == b'_') {
            return true;
        }
        let mut start = i;
        while start > 0 && i - start < 3 && self.at(start - 1).is_ascii_alphabetic() {
            start -= 1;
        }
        let word_start = start == 0
            || !(self.at(start - 1).is_ascii_alphanumeric() || self.at(start - 1) == b'_');
        word_start
            && self
                .bytes
                .get(start..i)
                .unwrap_or_default()
                .iter()
                .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u'))
    }

    /// End (exclusive) of a string opened by `quote` at `i`.
    fn string_end(&self, i: usize, quote: u8) -> usize {
        let multiline = quote == b'`';
        let mut j = i + 1;
        while j < self.bytes.len() {
            match self.at(j) {
                b'\\' => j += 2,
                b'\n' if !multiline => return j,
                c if c == quote => return j + 1,
                _ => j += 1,
            }
        }
        self.bytes.len()
    }

    /// Bytes that may start a comment or string in this syntax; the loop
    /// skips every other byte without branching on it.
    fn starts(&self) -> [bool; 256] {
        let mut table = [false; 256];
        let set: &[u8] = match self.syntax {
            Syntax::Hash => b"#\"'",
            Syntax::Ini => b";#\"'",
            Syntax::Slash => b"/\"'`",
            Syntax::Rust => b"/\"'r",
            Syntax::SlashHash => b"/#\"'`",
            Syntax::Json => b"/\"",
        };
        for &b in set {
            if let Some(slot) = table.get_mut(usize::from(b)) {
                *slot = true;
            }
        }
        table
    }

    fn run(mut self) -> Regions {
        let mut i = 0;
        let len = self.bytes.len();
        let starts = self.starts();
        // Nothing after the last queried offset matters.
        let last = self.queries.last().map_or(0, |&q| q + 1).min(len);
        while i < last {
            if self.next >= self.queries.len() {
                break;
            }
            let c = self.at(i);
            if !starts.get(usize::from(c)).copied().unwrap_or(false) {
                i += 1;
                continue;
            }
            let slashy = matches!(
                self.syntax,
                Syntax::Slash | Syntax::Rust | Syntax::SlashHash | Syntax::Json
            );
            let hashy = matches!(self.syntax, Syntax::Hash | Syntax::SlashHash);
            if slashy && c == b'/' && self.at(i + 1) == b'/' {
                let end = self.line_end(i);
                self.region(i..end, Region::Comment);
                i = end;
            } else if slashy && c == b'/' && self.at(i + 1) == b'*' {
                let end = self.find(i + 2, b"*/").map_or(len, |e| e + 2);
                self.region(i..end, Region::Comment);
                i = end;
            } else if (hashy && c == b'#' && self.hash_comment(i))
                || (self.syntax == Syntax::Ini
                    && matches!(c, b';' | b'#')
                    && (i == 0 || self.at(i - 1) == b'\n'))
            {
                let end = self.line_end(i);
                self.region(i..end, Region::Comment);
                i = end;
            } else if self.syntax == Syntax::Hash
                && (c == b'"' || c == b'\'')
                && self.at(i + 1) == c
                && self.at(i + 2) == c
            {
                // A Python triple-quoted string: documentation, not code.
                let end = self.find(i + 3, &[c, c, c]).map_or(len, |e| e + 3);
                self.region(i..end, Region::Comment);
                i = end;
            } else if (c == b'"'
                || (c == b'\'' && self.syntax != Syntax::Json && self.syntax != Syntax::Rust)
                || (c == b'`' && slashy && self.syntax != Syntax::Json))
                && self.opens(i)
            {
                let end = self.string_end(i, c);
                self.region(i..end, Region::String);
                i = end.max(i + 1);
            } else if c == b'\'' && self.syntax == Syntax::Rust {
                // A char literal `'x'` / `'\n'`; anything else is a lifetime.
                let close = if self.at(i + 1) == b'\\' {
                    i + 3
                } else {
                    i + 2
                };
                i = if self.at(close) == b'\'' {
                    close + 1
                } else {
                    i + 1
                };
            } else if c == b'r' && self.syntax == Syntax::Rust && self.at(i + 1) == b'#' {
                // Raw strings `r#"…"#`.
                let word_before =
                    i > 0 && (self.at(i - 1).is_ascii_alphanumeric() || self.at(i - 1) == b'_');
                if self.at(i + 2) == b'"' && !word_before {
                    let end = self.find(i + 3, b"\"#").map_or(len, |e| e + 2);
                    self.region(i..end, Region::String);
                    i = end;
                } else {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        self.out
    }
}

/// The regions of `text` holding any of `queries` (sorted offsets).
pub fn lex(text: &[u8], syntax: Syntax, queries: &[usize]) -> Regions {
    Lexer {
        bytes: text,
        syntax,
        queries,
        next: 0,
        out: Regions::default(),
    }
    .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, syntax: Syntax, needles: &[&str]) -> Vec<Region> {
        let mut queries: Vec<usize> = needles.iter().filter_map(|n| text.find(n)).collect();
        queries.sort_unstable();
        let regions = lex(text.as_bytes(), syntax, &queries);
        needles
            .iter()
            .filter_map(|n| text.find(n))
            .map(|q| regions.at(q).0)
            .collect()
    }

    #[test]
    fn hash_languages() {
        let py = "x = requests.get(u, verify=False)  # not verify_off\ns = 'verify_q'\n\"\"\"docs verify_doc\n\"\"\"\n";
        assert_eq!(
            kinds(
                py,
                Syntax::Hash,
                &["verify=", "verify_off", "verify_q", "verify_doc"]
            ),
            [
                Region::Code,
                Region::Comment,
                Region::String,
                Region::Comment
            ]
        );
        let yaml = "url: http://x/#frag_a\n# http_b\nmsg: don't http_c\n";
        assert_eq!(
            kinds(yaml, Syntax::Hash, &["frag_a", "http_b", "http_c"]),
            [Region::Code, Region::Comment, Region::Code]
        );
    }

    #[test]
    fn slash_languages() {
        let js = "// tls_a\nconst a = \"tls_b\"; /* tls_c */ t = `x\ntls_d`; tls_e\n";
        assert_eq!(
            kinds(
                js,
                Syntax::Slash,
                &["tls_a", "tls_b", "tls_c", "tls_d", "tls_e"]
            ),
            [
                Region::Comment,
                Region::String,
                Region::Comment,
                Region::String,
                Region::Code
            ]
        );
        let rust = "fn f<'a>(x: &'a str) -> char { danger_a; let s = \"danger_b\"; let r = r#\"danger_c\"#; 'x' }";
        assert_eq!(
            kinds(rust, Syntax::Rust, &["danger_a", "danger_b", "danger_c"]),
            [Region::Code, Region::String, Region::String]
        );
    }

    #[test]
    fn unterminated_and_pathological_input_stays_linear() {
        let text = format!("\"{}", "a".repeat(100_000));
        let regions = lex(text.as_bytes(), Syntax::Slash, &[50_000]);
        assert_eq!(regions.at(50_000).0, Region::String);
        let comments = "/*".repeat(50_000);
        let regions = lex(comments.as_bytes(), Syntax::Slash, &[10]);
        assert_eq!(regions.at(10).0, Region::Comment);
    }
}
