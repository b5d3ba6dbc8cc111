//! TOML lockfiles (`Cargo.lock`, `poetry.lock`, `uv.lock`) are long lists
//! of `[[package]]` tables. Parsed whole, a TOML document's tree costs about
//! twenty times the file; parsed one package at a time, memory is bounded
//! by the largest package, whatever the file's size.

use serde::de::DeserializeOwned;

use crate::facts::FileProblem;
use crate::location::SourceFile;

/// Byte offsets where the text splits into sections: 0, then the start of
/// every line that is exactly `header` (lockfile writers put each table
/// header on its own line).
fn section_starts(text: &str, header: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    for i in memchr::memmem::find_iter(bytes, header.as_bytes()) {
        let at_line_start = i == 0 || bytes.get(i - 1) == Some(&b'\n');
        let end = i + header.len();
        let line_ends = matches!(
            bytes.get(end),
            None | Some(b'\n' | b'\r' | b' ' | b'\t' | b'#')
        );
        if at_line_start && line_ends && i != 0 {
            starts.push(i);
        }
    }
    starts
}

/// Parses each section of `source` as a document of type `T` and returns
/// them in order with the byte offset the section starts at (spans inside
/// a section are relative to it). The first error stops it, at its true
/// position in the file.
pub fn parse<T: DeserializeOwned>(
    source: &SourceFile,
    header: &str,
) -> Result<Vec<(usize, T)>, FileProblem> {
    let text = source.text.as_str();
    let starts = section_starts(text, header);
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = text.get(start..end).unwrap_or("");
        match toml::from_str::<T>(chunk) {
            Ok(value) => out.push((start, value)),
            Err(e) => {
                let span = e
                    .span()
                    .map_or(start..start, |s| start + s.start..start + s.end);
                return Err(FileProblem::Unparsable {
                    location: source.location(span),
                    message: e.message().trim().to_owned(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_only_at_header_lines() {
        let text =
            "version = 3\n\n[[package]]\nname = \"a\"\n\n[[package]] # c\nx = \"[[package]]\"\n";
        assert_eq!(section_starts(text, "[[package]]"), vec![0, 13, 37]);
    }
}
