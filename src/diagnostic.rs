//! rustc-style rendering of one message at one span of one file, shared by
//! policy errors and the human report.

use std::ops::Range;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::location::SourceFile;

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
        let mut title = level(self.level).primary_title(self.title);
        if let Some(code) = self.code {
            title = title.id(code);
        }
        let mut group = Group::with_title(title);
        match self.source {
            Some(source) if !source.text.is_empty() => {
                // An empty span still needs a caret: widen it to one character.
                let span = widen(&source.text, self.span.clone());
                group = group.element(
                    Snippet::source(source.text.as_str())
                        .path(self.path)
                        .annotation(AnnotationKind::Primary.span(span).label(self.label)),
                );
            }
            _ => {
                group = group.element(annotate_snippets::Origin::path(self.path));
            }
        }
        for (note_level, text) in &self.notes {
            group = group.element(level(*note_level).message(text.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.decor_style(DecorStyle::Ascii).render(&[group])
    }
}

fn widen(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    if end > start {
        return start..end;
    }
    let next = text.get(start..).and_then(|rest| rest.chars().next());
    match next {
        Some(c) if c != '\n' && c != '\r' => start..start + c.len_utf8(),
        _ => start..start,
    }
}
