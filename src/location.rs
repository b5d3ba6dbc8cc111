//! Positions in files: byte spans turned into the 1-based line and column a
//! person can click.
//!
//! Columns count Unicode scalar values (SARIF `unicodeCodePoints`), so a line
//! holding `é` or `✓` still puts the caret under the right character.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// A path relative to the scanned root, always with forward slashes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RelPath(String);

impl RelPath {
    /// Builds a repo-relative path from its components; `\` never appears in it.
    pub fn new(path: &str) -> Self {
        let normalised = path.replace('\\', "/");
        RelPath(normalised.trim_start_matches("./").to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory part (`""` for a file at the root).
    pub fn parent(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(_, name)| name)
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Byte offsets of line starts, for offset → (line, column) lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        // memchr's SIMD search: this runs over every file read.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column of a byte offset, clamped into the text and
    /// moved back onto a character boundary.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        (to_u32(line), to_u32(column + 1))
    }

    /// Byte offset of a 1-based (line, column-in-chars) position, clamped.
    pub fn offset(&self, text: &str, line: u32, column: u32) -> usize {
        let line_idx = (line.max(1) - 1) as usize;
        let Some(&start) = self.starts.get(line_idx) else {
            return text.len();
        };
        let rest = text.get(start..).unwrap_or("");
        let line_text = rest.split('\n').next().unwrap_or("");
        let skip = (column.max(1) - 1) as usize;
        start
            + line_text
                .char_indices()
                .nth(skip)
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// Byte range of the whole 1-based line, without its line break.
    pub fn line_span(&self, text: &str, line: u32) -> Range<usize> {
        let start = self.offset(text, line, 1);
        let end = text
            .get(start..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| start + i);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where a finding points: a file, its byte span, and the human coordinates
/// of both ends (1-based, columns in characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: RelPath,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub span: Range<usize>,
}

impl Location {
    /// A location for `span` in `text`; an inverted or overlong span is
    /// clamped so that the result always lies inside the file.
    pub fn from_span(path: RelPath, text: &str, index: &LineIndex, span: Range<usize>) -> Self {
        // Clamped into the text and onto character boundaries, so that any
        // consumer may slice the text with it.
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len())).max(start);
        let (line, column) = index.line_col(text, start);
        let (end_line, end_column) = index.line_col(text, end);
        Location {
            path,
            line,
            column,
            end_line,
            end_column,
            span: start..end,
        }
    }

    /// The whole file, for findings about a file as such; points at line 1.
    pub fn file(path: RelPath) -> Self {
        Location {
            path,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            span: 0..0,
        }
    }
}

impl Location {
    fn key(&self) -> (&RelPath, u32, u32, u32, u32, usize, usize) {
        (
            &self.path,
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            self.span.start,
            self.span.end,
        )
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// A file's text with its line index, shared by scanners and reporters.
#[derive(Debug)]
pub struct SourceFile {
    pub path: RelPath,
    pub text: String,
    pub index: LineIndex,
}

impl SourceFile {
    pub fn new(path: RelPath, text: String) -> Self {
        let index = LineIndex::new(&text);
        SourceFile { path, text, index }
    }

    pub fn location(&self, span: Range<usize>) -> Location {
        Location::from_span(self.path.clone(), &self.text, &self.index, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ü✓\nab é\n";
        let idx = LineIndex::new(text);
        let e = text.find('é').unwrap_or(0);
        assert_eq!(idx.line_col(text, e), (2, 4));
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.offset(text, 2, 4), e);
    }

    #[test]
    fn out_of_range_offsets_are_clamped() {
        let text = "abc\né";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 999), (2, 2));
        // Inside the two bytes of `é`: moved back to its start.
        assert_eq!(idx.line_col(text, 5), (2, 1));
        assert_eq!(idx.offset(text, 99, 1), text.len());
        #[allow(clippy::reversed_empty_ranges)] // an inverted span is the case under test
        let loc = Location::from_span(RelPath::new("x"), text, &idx, 3..1);
        assert_eq!(loc.span, 3..3);
        let inside_e = Location::from_span(RelPath::new("x"), text, &idx, 5..5);
        assert_eq!(inside_e.span, 4..4);
    }

    #[test]
    fn line_span_excludes_line_break() {
        let text = "one\r\ntwo\n";
        let idx = LineIndex::new(text);
        assert_eq!(&text[idx.line_span(text, 1)], "one");
        assert_eq!(&text[idx.line_span(text, 2)], "two");
    }

    #[test]
    fn rel_paths_use_forward_slashes() {
        let p = RelPath::new("./a\\b/Cargo.toml");
        assert_eq!(p.as_str(), "a/b/Cargo.toml");
        assert_eq!(p.parent(), "a/b");
        assert_eq!(p.file_name(), "Cargo.toml");
    }
}
