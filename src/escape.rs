//! Making text from the scanned repository safe to print. Anything read
//! from the repository — file names, values, the config's own strings —
//! may carry terminal escapes, workflow commands, BiDi overrides, Markdown
//! or HTML, or credentials inside URLs. Reporters pass such text through
//! here; nothing else decides what is safe.

use std::borrow::Cow;

/// Characters that change what a terminal, log viewer or editor shows
/// without being visible themselves.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` on one line with every hidden or control character written as a
/// visible escape (`\n`, `\u{1b}`); everything else unchanged. Idempotent.
pub fn inline(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The visible stand-in for a hidden character inside a source snippet,
/// one character for one (so columns stay right): C0 controls become their
/// Unicode control pictures (`␛`), anything else `�`. Tabs and line breaks
/// are kept.
pub fn snippet_char(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7f}' => Some('\u{2421}'),
        c if is_hidden(c) => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Byte ranges of the user-info part (`user:password`) of every URL in
/// `text`, without the `@`.
pub fn credential_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("://")) {
        let start = from + found + 3;
        // `docker://image@sha256:…` names a digest, not a user.
        let scheme = text.get(..from + found).unwrap_or("");
        if scheme.ends_with("docker") {
            from = start;
            continue;
        }
        // User-info ends at the first `@` before any character that ends
        // the authority; `/`, `?`, `#`, whitespace and quotes end it.
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(start) {
            match b {
                b'@' => {
                    end = Some(i);
                    break;
                }
                b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' => break,
                b if b.is_ascii_whitespace() || b.is_ascii_control() => break,
                _ => {}
            }
        }
        match end {
            Some(at) if at > start => {
                // `user:password`, or a lone user long enough to be a
                // token (`https://ghp_…@github.com`); `ssh://git@host`'s
                // user name is not a secret.
                let info = text.get(start..at).unwrap_or("");
                if info.contains(':') || info.chars().count() >= 16 {
                    spans.push(start..at);
                }
                from = at + 1;
            }
            _ => from = start,
        }
    }
    spans
}

/// `text` with the user-info of every URL replaced by `***`: a token used
/// as a user name (`https://ghp_…@github.com`) is as secret as a password.
pub fn credentials(text: &str) -> Cow<'_, str> {
    let spans = credential_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for span in spans {
        out.push_str(text.get(last..span.start).unwrap_or(""));
        out.push_str("***");
        last = span.end;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Cow::Owned(out)
}

/// `text` with URL user-info masked by `*`, keeping every byte offset (for
/// source text whose spans must still hold).
pub fn mask_credentials_in_place(text: &mut String) {
    let spans = credential_spans(text);
    if spans.is_empty() {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for span in spans {
        for b in bytes.get_mut(span).into_iter().flatten() {
            // Only ASCII is replaced, so the text stays valid UTF-8; a
            // multi-byte character keeps its bytes but not its meaning.
            if b.is_ascii() {
                *b = b'*';
            }
        }
    }
    *text = String::from_utf8(bytes).unwrap_or_default();
}

/// `text` with every hidden character escaped except line breaks (for our
/// own multi-line help, which may quote repository values).
pub fn multiline(text: &str) -> String {
    text.split('\n')
        .map(|line| inline(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text for any report: credentials masked and hidden characters escaped.
pub fn report_text(text: &str) -> String {
    inline(&credentials(text)).into_owned()
}

/// A Markdown inline code span that the text cannot break out of: the
/// fence is longer than any run of backticks inside, and the text is one
/// line with HTML-significant characters escaped (GitHub renders entities
/// inside code spans literally, so `<` is written as itself only when it
/// cannot open a tag — never, to be safe: `&lt;`).
pub fn markdown_code(text: &str) -> String {
    let text = inline(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = text.replace('|', "\\|");
    // A body that starts or ends with a backtick needs a space to be told
    // from the fence (CommonMark strips one each side again).
    if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// One of our messages in Markdown: its `quoted` parts (values from the
/// repository) as code spans, the rest as plain text.
pub fn markdown_message(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let closed = parts.len() % 2 == 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let quoted = i % 2 == 1 && (closed || i + 1 < parts.len());
            if quoted {
                markdown_code(part)
            } else {
                markdown_text(part)
            }
        })
        .collect()
}

/// Markdown prose that renders as the text itself: no HTML, no tables
/// broken by `|`, no `@mentions`, no links or emphasis.
pub fn markdown_text(text: &str) -> String {
    let text = inline(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '@' => out.push_str("&#64;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    entities(text, "&#39;")
}

/// Text for XML 1.0 content and attribute values: hidden characters
/// written as visible escapes (XML cannot carry most controls at all),
/// the five special characters as entities, and the two non-characters
/// XML forbids dropped.
pub fn xml(text: &str) -> String {
    entities(text, "&apos;")
}

/// [`inline`] text with `<`, `>`, `&`, `"` and `'` as entities (the
/// apostrophe as the format spells it) and U+FFFE/U+FFFF, which neither
/// HTML nor XML may carry, dropped.
fn entities(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in inline(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_well_formed_whatever_it_held() {
        assert_eq!(
            xml("a<b>&\"'\u{1b}[0m\u{0}\u{FFFF}z"),
            "a&lt;b&gt;&amp;&quot;&apos;\\u{1b}[0m\\u{0}z"
        );
    }

    #[test]
    fn inline_escapes_controls_and_bidi_idempotently() {
        let hostile = "a\n::error ::x\u{1b}]0;title\u{7}\u{202e}b\r";
        let once = inline(hostile).into_owned();
        assert_eq!(once, "a\\n::error ::x\\u{1b}]0;title\\u{7}\\u{202e}b\\r");
        assert_eq!(inline(&once), once.as_str());
        assert!(matches!(inline("plain ✓ text"), Cow::Borrowed(_)));
    }

    #[test]
    fn credentials_are_masked_whatever_the_scheme() {
        // Assembled at run time so this file holds no credential-shaped literal.
        let token_url = format!(
            "git+https://x-access-token:{}@github.com/o/a.git#main",
            "ghp_abc"
        );
        assert_eq!(
            credentials(&token_url),
            "git+https://***@github.com/o/a.git#main"
        );
        assert_eq!(
            credentials(&format!(
                "https://bob:{}@h/x and https://ok.example/p@q",
                "p:a:s"
            )),
            "https://***@h/x and https://ok.example/p@q"
        );
        assert_eq!(
            credentials("docker://alpine@sha256:00"),
            "docker://alpine@sha256:00"
        );
        assert_eq!(credentials("no url here"), "no url here");
        assert_eq!(
            credentials("git+ssh://git@github.com/o/r"),
            "git+ssh://git@github.com/o/r"
        );
        let lone = format!("https://{}@github.com/o/r", "t".repeat(40));
        assert_eq!(credentials(&lone), "https://***@github.com/o/r");
        let mut kept = format!("u = \"https://tok:{}@h/\"", "secretvalue");
        let len = kept.len();
        mask_credentials_in_place(&mut kept);
        assert_eq!(kept.len(), len);
        assert!(!kept.contains("secretvalue") && !kept.contains("tok"));
    }

    #[test]
    fn markdown_cannot_be_broken_out_of() {
        assert_eq!(markdown_code("a`b``c"), "```a`b``c```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(
            markdown_message("`a|b` is <b>bad</b> @x"),
            "`a\\|b` is &lt;b&gt;bad&lt;/b&gt; &#64;x"
        );
        let text = markdown_text("<img src=x> | @team <!-- ``` [x](y)");
        assert!(!text.contains('<') && !text.contains('@') && !text.contains(" | "));
        assert_eq!(html("<a href=\"x\">"), "&lt;a href=&quot;x&quot;&gt;");
    }

    #[test]
    fn snippet_stand_ins_keep_one_char() {
        assert_eq!(snippet_char('\u{1b}'), Some('␛'));
        assert_eq!(snippet_char('\u{202e}'), Some('\u{FFFD}'));
        assert_eq!(snippet_char('\t'), None);
        assert_eq!(snippet_char('a'), None);
    }
}
