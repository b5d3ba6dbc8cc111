//! GitHub Actions expressions (`${{ ... }}`), parsed just enough to know
//! which contexts can flow into the expanded text: `github.event.issue.title`
//! flows, `contains(github.event.issue.title, 'x')` and
//! `github.head_ref == 'main'` do not (they expand to `true`/`false`).
//!
//! The input is hostile: parsing is linear in the text, recursion is
//! bounded, and anything the parser does not understand falls back to
//! "every context mentioned may flow" — more findings, never fewer.

/// A context reference that can reach the expanded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRef {
    /// Lower-cased, indices as `*`: `github.event.commits.*.message`.
    pub path: String,
    /// As written, for messages: `github.event.commits[0].message`.
    pub raw: String,
}

impl ContextRef {
    /// The `n`-th dotted part of the path (`env.TITLE` → 1 is `title`),
    /// with its original spelling from [`ContextRef::raw`] when it has one.
    pub fn part(&self, n: usize) -> Option<&str> {
        self.raw
            .split(['.', '['])
            .nth(n)
            .map(|p| p.trim_matches([']', '\'', '"']))
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Str,
    Num,
    Dot,
    Star,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Not,
    And,
    Or,
    Cmp,
}

/// The tokens of an expression with their byte ranges, or `None` on a
/// character no expression may contain.
fn tokenize(text: &str) -> Option<Vec<(Token, usize, usize)>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let token = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'\'' => {
                // '' is an escaped quote inside a string literal.
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return None,
                        Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                Token::Str
            }
            b'0'..=b'9' | b'-' => {
                i += 1;
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
                Token::Num
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                {
                    i += 1;
                }
                Token::Ident(text.get(start..i)?.to_owned())
            }
            b'.' => single(&mut i, Token::Dot),
            b'*' => single(&mut i, Token::Star),
            b'[' => single(&mut i, Token::LBracket),
            b']' => single(&mut i, Token::RBracket),
            b'(' => single(&mut i, Token::LParen),
            b')' => single(&mut i, Token::RParen),
            b',' => single(&mut i, Token::Comma),
            b'&' if bytes.get(i + 1) == Some(&b'&') => double(&mut i, Token::And),
            b'|' if bytes.get(i + 1) == Some(&b'|') => double(&mut i, Token::Or),
            b'=' | b'!' if bytes.get(i + 1) == Some(&b'=') => double(&mut i, Token::Cmp),
            b'<' | b'>' if bytes.get(i + 1) == Some(&b'=') => double(&mut i, Token::Cmp),
            b'<' | b'>' => single(&mut i, Token::Cmp),
            b'!' => single(&mut i, Token::Not),
            _ => return None,
        };
        out.push((token, start, i));
    }
    Some(out)
}

fn single(i: &mut usize, t: Token) -> Token {
    *i += 1;
    t
}

fn double(i: &mut usize, t: Token) -> Token {
    *i += 2;
    t
}

/// Deeper nesting than this is not a real workflow: fall back.
const MAX_DEPTH: usize = 48;

/// Functions whose result is a boolean or a hash, whatever their arguments.
const FIXED_RESULT: &[&str] = &[
    "contains",
    "startswith",
    "endswith",
    "success",
    "failure",
    "always",
    "cancelled",
    "hashfiles",
];

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(Token, usize, usize)>,
    at: usize,
    depth: usize,
}

/// What a sub-expression contributes to the expanded text.
type Flow = Option<Vec<ContextRef>>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _, _)| t)
    }

    fn bump(&mut self) -> Option<(Token, usize, usize)> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn eat(&mut self, want: &Token) -> Option<()> {
        (self.bump()?.0 == *want).then_some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn or(&mut self) -> Flow {
        self.enter()?;
        let mut flows = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.bump();
            flows.extend(self.and()?);
        }
        self.depth -= 1;
        Some(flows)
    }

    /// `a && b` expands to `b` unless `a` is falsy (`''`, `false`, `0`,
    /// `null`), which carries no text: only the last operand flows.
    fn and(&mut self) -> Flow {
        let mut flows = self.comparison()?;
        while self.peek() == Some(&Token::And) {
            self.bump();
            flows = self.comparison()?;
        }
        Some(flows)
    }

    fn comparison(&mut self) -> Flow {
        let flows = self.unary()?;
        if self.peek() != Some(&Token::Cmp) {
            return Some(flows);
        }
        while self.peek() == Some(&Token::Cmp) {
            self.bump();
            self.unary()?;
        }
        Some(Vec::new())
    }

    fn unary(&mut self) -> Flow {
        if self.peek() == Some(&Token::Not) {
            self.bump();
            self.enter()?;
            self.unary()?;
            self.depth -= 1;
            return Some(Vec::new());
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Flow {
        let (token, start, end) = self.bump()?;
        match token {
            Token::Str | Token::Num => Some(Vec::new()),
            Token::LParen => {
                let inner = self.or()?;
                self.eat(&Token::RParen)?;
                self.skip_accessors()?;
                Some(inner)
            }
            Token::Ident(name) if self.peek() == Some(&Token::LParen) => {
                self.bump();
                let args = self.arguments()?;
                self.skip_accessors()?;
                let lower = name.to_ascii_lowercase();
                Some(if FIXED_RESULT.contains(&lower.as_str()) {
                    Vec::new()
                } else {
                    args
                })
            }
            Token::Ident(name) => {
                if matches!(
                    name.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null"
                ) {
                    return Some(Vec::new());
                }
                self.context(name, start, end).map(|c| vec![c])
            }
            _ => None,
        }
    }

    fn arguments(&mut self) -> Flow {
        let mut flows = Vec::new();
        if self.peek() == Some(&Token::RParen) {
            self.bump();
            return Some(flows);
        }
        loop {
            flows.extend(self.or()?);
            match self.bump()?.0 {
                Token::Comma => continue,
                Token::RParen => return Some(flows),
                _ => return None,
            }
        }
    }

    /// `.name`, `.*` and `[index]` after a call or a parenthesis: the
    /// flow stays that of what they apply to.
    fn skip_accessors(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(Token::Dot) => {
                    self.bump();
                    self.bump()?;
                }
                Some(Token::LBracket) => {
                    self.bump();
                    self.or()?;
                    self.eat(&Token::RBracket)?;
                }
                _ => return Some(()),
            }
        }
    }

    /// A context chain: `github.event.commits[0].message`.
    fn context(&mut self, head: String, start: usize, mut end: usize) -> Option<ContextRef> {
        let mut path = head.to_ascii_lowercase();
        loop {
            match self.peek() {
                Some(Token::Dot) => {
                    self.bump();
                    let (part, _, part_end) = self.bump()?;
                    match part {
                        Token::Ident(p) => {
                            path.push('.');
                            path.push_str(&p.to_ascii_lowercase());
                        }
                        Token::Star => path.push_str(".*"),
                        _ => return None,
                    }
                    end = part_end;
                }
                Some(Token::LBracket) => {
                    self.bump();
                    let index = self.tokens.get(self.at).cloned();
                    let literal = match (&index, self.tokens.get(self.at + 1)) {
                        (Some((Token::Str, s, e)), Some((Token::RBracket, _, _))) => self
                            .text
                            .get(s + 1..e.saturating_sub(1))
                            .map(str::to_ascii_lowercase),
                        _ => None,
                    };
                    self.or()?;
                    let (close, _, close_end) = self.bump()?;
                    if close != Token::RBracket {
                        return None;
                    }
                    path.push('.');
                    path.push_str(literal.as_deref().unwrap_or("*"));
                    end = close_end;
                }
                _ => break,
            }
        }
        Some(ContextRef {
            path,
            raw: self.text.get(start..end)?.to_owned(),
        })
    }
}

/// The contexts whose value can reach the text an expression expands to.
pub fn flowing_contexts(expression: &str) -> Vec<ContextRef> {
    let Some(tokens) = tokenize(expression) else {
        return mentioned_contexts(expression);
    };
    let mut parser = Parser {
        text: expression,
        tokens,
        at: 0,
        depth: 0,
    };
    match parser.or() {
        Some(flows) if parser.at == parser.tokens.len() => flows,
        _ => mentioned_contexts(expression),
    }
}

/// The insides of the `${{ ... }}` embedded in a text.
pub fn embedded(text: &str) -> impl Iterator<Item = &str> {
    text.split("${{")
        .skip(1)
        .filter_map(|part| part.split_once("}}").map(|(inner, _)| inner.trim()))
}

/// The fallback for text that does not parse: every dotted name.
fn mentioned_contexts(expression: &str) -> Vec<ContextRef> {
    let mut out = Vec::new();
    let bytes = expression.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let boundary = i == 0
            || bytes
                .get(i - 1)
                .is_some_and(|p| !is_name_byte(*p) && *p != b'.');
        if !(boundary && (b.is_ascii_alphabetic() || b == b'_')) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|c| is_name_byte(*c) || matches!(c, b'.' | b'*' | b'[' | b']'))
        {
            i += 1;
        }
        if let Some(raw) = expression.get(start..i).filter(|r| r.contains('.')) {
            let path = raw
                .to_ascii_lowercase()
                .replace("[*]", ".*")
                .split(['[', ']'])
                .map(|p| {
                    if p.bytes().all(|c| c.is_ascii_digit()) && !p.is_empty() {
                        "*"
                    } else {
                        p
                    }
                })
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(".")
                .replace("..", ".");
            out.push(ContextRef {
                path,
                raw: raw.to_owned(),
            });
        }
    }
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(e: &str) -> Vec<String> {
        flowing_contexts(e).into_iter().map(|c| c.path).collect()
    }

    #[test]
    fn plain_contexts_and_indices() {
        assert_eq!(
            paths("github.event.issue.title"),
            ["github.event.issue.title"]
        );
        assert_eq!(
            paths("github.event.commits[0].message"),
            ["github.event.commits.*.message"]
        );
        assert_eq!(paths("github['head_ref']"), ["github.head_ref"]);
        assert_eq!(
            paths("steps.my-step.outputs.v"),
            ["steps.my-step.outputs.v"]
        );
        assert_eq!(
            flowing_contexts("github.event.commits[0].message")[0].raw,
            "github.event.commits[0].message"
        );
    }

    #[test]
    fn booleans_do_not_flow() {
        assert!(paths("contains(github.event.issue.title, 'x')").is_empty());
        assert!(paths("github.head_ref == 'main'").is_empty());
        assert!(paths("!github.event.issue.title").is_empty());
        assert!(paths("startsWith(github.head_ref, 'dependabot/')").is_empty());
    }

    #[test]
    fn values_that_flow() {
        assert_eq!(
            paths("github.event.inputs.tag || github.event.release.tag_name"),
            ["github.event.inputs.tag", "github.event.release.tag_name"]
        );
        assert_eq!(
            paths("github.event_name == 'push' && github.head_ref"),
            ["github.head_ref"]
        );
        assert_eq!(paths("toJSON(github.event)"), ["github.event"]);
        assert_eq!(
            paths("format('{0}-{1}', github.head_ref, github.sha)"),
            ["github.head_ref", "github.sha"]
        );
        assert_eq!(
            paths("fromJSON(steps.x.outputs.list)[0]"),
            ["steps.x.outputs.list"]
        );
        assert_eq!(paths("'it''s' || null"), Vec::<String>::new());
    }

    #[test]
    fn hostile_text_falls_back_without_panicking() {
        let deep = format!("{}github.head_ref{}", "(".repeat(500), ")".repeat(500));
        assert_eq!(paths(&deep), ["github.head_ref"]);
        assert_eq!(paths("github.head_ref ??? x"), ["github.head_ref"]);
        assert!(paths("'unterminated").is_empty());
        for s in [
            "[", "]", "a[", "a.", "f(", "(", "!", "a ==", "é.x", "a[0", ")",
        ] {
            let _ = flowing_contexts(s);
        }
    }
}
