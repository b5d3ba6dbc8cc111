//! rustc-style rendering of one message at one span of one file, shared by
//! policy errors and the human report.
//!
//! The snippet is a bounded window of the file around the span, whatever
//! the file holds: long lines are cut around the span, long spans are cut
//! short, hidden characters are shown as visible stand-ins and URL
//! credentials are masked. Rendering a finding therefore costs the same on
//! a 10 MB minified line as on a short one, and nothing in the file can
//! reach the terminal as a control sequence.

use std::ops::Range;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::escape;
use crate::location::{SourceFile, floor_char_boundary};

/// At most this much of a line is shown before and after the span.
const CONTEXT_BYTES: usize = 100;
/// A longer span is shown cut short.
const MAX_SPAN_BYTES: usize = 400;
/// A span over more lines is shown up to this many.
const MAX_SPAN_LINES: u32 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagLevel {
    Error,
    Warning,
    Note,
    Help,
}

/// One diagnostic: a title, an optional code, a span in a file, and footer
/// lines (`= help: ...`).
pub struct Diagnostic<'a> {
    pub level: DiagLevel,
    pub code: Option<&'a str>,
    pub title: &'a str,
    pub source: Option<&'a SourceFile>,
    pub path: &'a str,
    pub span: Range<usize>,
    pub label: &'a str,
    pub notes: Vec<(DiagLevel, String)>,
}

fn level(l: DiagLevel) -> Level<'static> {
    match l {
        DiagLevel::Error => Level::ERROR,
        DiagLevel::Warning => Level::WARNING,
        DiagLevel::Note => Level::NOTE,
        DiagLevel::Help => Level::HELP,
    }
}

impl Diagnostic<'_> {
    pub fn render(&self, color: bool) -> String {
        let title = escape::inline(self.title);
        let mut head = level(self.level).primary_title(title);
        if let Some(code) = self.code {
            head = head.id(escape::inline(code));
        }
        let path = escape::inline(self.path);
        let mut group = Group::with_title(head);
        // The renderer counts the `-->` column in the window it is given;
        // where the window cuts a line, the true column replaces it.
        let mut column_fix = None;
        match self.source {
            Some(source) if !source.text.is_empty() => {
                let window = Window::around(source, self.span.clone());
                let (line, column) = source.index.line_col(&source.text, window.origin);
                if window.cut_before {
                    let shown = window.column_in_window();
                    column_fix = Some((
                        format!("{path}:{line}:{shown}"),
                        format!("{path}:{line}:{column}"),
                    ));
                }
                group = group.element(
                    Snippet::source(window.text)
                        .path(path.clone())
                        .line_start(window.first_line)
                        .annotation(
                            AnnotationKind::Primary
                                .span(window.span)
                                .label(escape::inline(self.label)),
                        ),
                );
            }
            _ => {
                group = group.element(Origin::path(path.clone()));
            }
        }
        for (note_level, text) in &self.notes {
            group = group.element(level(*note_level).message(escape::inline(text)));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let out = renderer.decor_style(DecorStyle::Ascii).render(&[group]);
        match column_fix {
            Some((shown, true_position)) => out.replacen(&shown, &true_position, 1),
            None => out,
        }
    }
}

/// The part of a file a snippet shows, made safe to print.
#[derive(Debug, PartialEq, Eq)]
struct Window {
    text: String,
    /// The span inside `text`.
    span: Range<usize>,
    /// The 1-based line `text` starts on.
    first_line: usize,
    /// Where the span starts in the file (for `-->`).
    origin: usize,
    /// The window starts inside the span's first line.
    cut_before: bool,
}

impl Window {
    /// The 1-based column of the span in the window's first line.
    fn column_in_window(&self) -> usize {
        let before = self.text.get(..self.span.start).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before.get(line_start..).map_or(0, |l| l.chars().count()) + 1
    }
}

impl Window {
    fn around(source: &SourceFile, span: Range<usize>) -> Window {
        let text = source.text.as_str();
        let index = &source.index;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let mut end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        end = end.min(floor_char_boundary(
            text,
            start.saturating_add(MAX_SPAN_BYTES),
        ));
        let (start_line, _) = index.line_col(text, start);
        let (end_line, _) = index.line_col(text, end);
        if end_line >= start_line + MAX_SPAN_LINES {
            end = index
                .line_span(text, start_line + MAX_SPAN_LINES - 1)
                .end
                .clamp(start, text.len());
        }
        let first = index.line_span(text, start_line);
        let last = index.line_span(text, index.line_col(text, end).0);
        let cut_before = start.saturating_sub(first.start) > CONTEXT_BYTES;
        let cut_after = last.end.saturating_sub(end) > CONTEXT_BYTES;
        let from = if cut_before {
            floor_char_boundary(text, start - CONTEXT_BYTES)
        } else {
            first.start
        };
        let to = if cut_after {
            floor_char_boundary(text, end + CONTEXT_BYTES)
        } else {
            last.end.max(end)
        };
        let raw = masked(text, from..to);
        let mut out = String::with_capacity(raw.len() + 8);
        if cut_before {
            out.push('…');
        }
        let (mut new_start, mut new_end) = (None, None);
        for (i, c) in raw.char_indices() {
            if from + i == start {
                new_start = Some(out.len());
            }
            if from + i == end {
                new_end = Some(out.len());
            }
            out.push(escape::snippet_char(c).unwrap_or(c));
        }
        let new_start = new_start.unwrap_or(out.len());
        let new_end = new_end.unwrap_or(out.len()).max(new_start);
        if cut_after {
            out.push('…');
        }
        Window {
            span: widen(&out, new_start..new_end),
            text: out,
            first_line: start_line as usize,
            origin: start,
            cut_before,
        }
    }
}

/// `text[range]` with URL credentials masked, also those of a URL that
/// starts before the window (its scheme cut off by the window).
fn masked(text: &str, range: Range<usize>) -> String {
    let lead = floor_char_boundary(text, range.start.saturating_sub(CONTEXT_BYTES * 4));
    let mut wide = text.get(lead..range.end).unwrap_or("").to_owned();
    escape::mask_credentials_in_place(&mut wide);
    wide.get(range.start - lead..).unwrap_or("").to_owned()
}

/// An empty span still needs a caret: widen it to one character.
fn widen(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
    if end > start {
        return start..end;
    }
    match text.get(start..).and_then(|rest| rest.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => start..start + c.len_utf8(),
        _ => start..start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn render(text: &str, span: Range<usize>) -> String {
        let source = SourceFile::new(RelPath::new("f.txt"), text.to_owned());
        Diagnostic {
            level: DiagLevel::Warning,
            code: Some("x"),
            title: "t",
            source: Some(&source),
            path: "f.txt",
            span,
            label: "here",
            notes: vec![],
        }
        .render(false)
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let text = format!("{}TARGET{}", "a".repeat(100_000), "b".repeat(100_000));
        let out = render(&text, 100_000..100_006);
        assert!(out.contains("--> f.txt:1:100001"), "{out}");
        assert!(out.contains("TARGET"));
        assert!(out.len() < 1_000, "{} bytes", out.len());
    }

    #[test]
    fn hidden_characters_and_credentials_never_reach_the_terminal() {
        let text = format!(
            "x = \"{}]0;pwned{}\" # https://tok:{}@h/\n",
            '\u{1b}', '\u{7}', "hunter2hunter2"
        );
        let out = render(&text, 4..12);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains('␛'));
    }

    #[test]
    fn spans_out_of_range_or_inside_characters_do_not_panic() {
        #[allow(clippy::reversed_empty_ranges)] // an inverted span is a case under test
        let spans = [0..0, 3..1, 1..2, 999..1999, 2..999];
        for span in spans {
            let out = render("éé\n", span);
            assert!(out.contains("f.txt"), "{out}");
        }
    }
}
