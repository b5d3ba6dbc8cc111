//! Which common licence a licence file holds, for packages that name a
//! `license-file` instead of an SPDX expression.
//!
//! The approach is askalono's (which cargo-deny uses): both texts are
//! normalised to words (lower case, no punctuation, no copyright lines),
//! and compared by the Sørensen–Dice coefficient of their word bigrams. A
//! file matches the best-scoring licence when that score reaches
//! [`THRESHOLD`] (cargo-deny's default confidence). The embedded texts are
//! SPDX's (`src/licence_texts/`, ~46 KiB), for the licences crates most
//! often ship as files; anything else is reported as not recognised, with
//! the closest match, rather than guessed.

use std::collections::HashMap;
use std::sync::OnceLock;

/// cargo-deny's default `confidence-threshold`.
pub const THRESHOLD: f32 = 0.8;

/// The licences recognised, by SPDX id.
const TEXTS: &[(&str, &str)] = &[
    ("0BSD", include_str!("licence_texts/0BSD.txt")),
    ("Apache-2.0", include_str!("licence_texts/Apache-2.0.txt")),
    (
        "BSD-2-Clause",
        include_str!("licence_texts/BSD-2-Clause.txt"),
    ),
    (
        "BSD-3-Clause",
        include_str!("licence_texts/BSD-3-Clause.txt"),
    ),
    ("BSL-1.0", include_str!("licence_texts/BSL-1.0.txt")),
    ("CC0-1.0", include_str!("licence_texts/CC0-1.0.txt")),
    ("ISC", include_str!("licence_texts/ISC.txt")),
    ("MIT", include_str!("licence_texts/MIT.txt")),
    ("MPL-2.0", include_str!("licence_texts/MPL-2.0.txt")),
    ("Unicode-3.0", include_str!("licence_texts/Unicode-3.0.txt")),
    (
        "Unicode-DFS-2016",
        include_str!("licence_texts/Unicode-DFS-2016.txt"),
    ),
    ("Unlicense", include_str!("licence_texts/Unlicense.txt")),
    ("Zlib", include_str!("licence_texts/Zlib.txt")),
];

/// The outcome of matching one text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Detection {
    /// The text is this licence (score at or above [`THRESHOLD`]).
    Match { id: &'static str, score: f32 },
    /// The closest licence is not close enough. `contained`: its text is
    /// all there, among other text (several licences, third-party notices).
    NoMatch {
        closest: &'static str,
        score: f32,
        contained: bool,
    },
}

/// Share of a template's bigrams the text holds, for `contained`.
const CONTAINED: f32 = 0.95;

/// Bigrams of a normalised text, with their counts.
struct Bigrams {
    counts: HashMap<(String, String), u32>,
    total: u32,
}

impl Bigrams {
    fn of(text: &str) -> Self {
        let words = normalise(text);
        let mut counts: HashMap<(String, String), u32> = HashMap::new();
        let mut total = 0;
        for pair in words.windows(2) {
            if let [a, b] = pair {
                *counts.entry((a.clone(), b.clone())).or_default() += 1;
                total += 1;
            }
        }
        Bigrams { counts, total }
    }

    /// Sørensen–Dice coefficient over the bigram multisets.
    fn dice(&self, other: &Bigrams) -> f32 {
        if self.total == 0 || other.total == 0 {
            return 0.0;
        }
        let shared: u32 = self
            .counts
            .iter()
            .map(|(k, n)| (*n).min(other.counts.get(k).copied().unwrap_or(0)))
            .sum();
        // Counts stay far below f32's exact-integer range for bounded files.
        2.0 * shared as f32 / (self.total + other.total) as f32
    }

    fn shared(&self, other: &Bigrams) -> u32 {
        self.counts
            .iter()
            .map(|(k, n)| (*n).min(other.counts.get(k).copied().unwrap_or(0)))
            .sum()
    }

    /// Share of `template`'s bigrams present in `self`.
    fn containment(&self, template: &Bigrams) -> f32 {
        if template.total == 0 {
            return 0.0;
        }
        self.shared(template) as f32 / template.total as f32
    }
}

/// Words of the text that carry the licence's meaning: lower case,
/// letters and digits only, without copyright notices and the SPDX
/// templates' `<placeholders>`, and with the spelling variants licence
/// files use unified.
fn normalise(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in text.lines() {
        let lower = line.trim().to_lowercase();
        if is_copyright_notice(&lower) {
            continue;
        }
        let without_placeholders = strip_placeholders(&lower);
        for word in without_placeholders
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = match word {
                "licence" => "license",
                "licences" => "licenses",
                "copyrighted" => "copyright",
                w => w,
            };
            words.push(word.to_owned());
        }
    }
    words
}

/// `Copyright (c) 2024 Jane Doe`, `© 2019 Acme`, the templates'
/// `Copyright <year> <owner>`: a statement of who holds the copyright,
/// which differs per file. Not a wrapped line of the licence's own text
/// that happens to begin with the word (`copyright notice and this
/// permission notice …`).
fn is_copyright_notice(lower: &str) -> bool {
    let statement =
        lower.starts_with("copyright") || lower.starts_with("(c)") || lower.starts_with('©');
    statement
        && (lower.contains("(c)")
            || lower.contains('©')
            || lower.contains('<')
            || lower.chars().any(|c| c.is_ascii_digit()))
}

fn strip_placeholders(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn templates() -> &'static [(&'static str, Bigrams)] {
    static TEMPLATES: OnceLock<Vec<(&'static str, Bigrams)>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        TEXTS
            .iter()
            .map(|(id, text)| (*id, Bigrams::of(text)))
            .collect()
    })
}

/// The licence `text` holds, or the closest one and its score. Ties go to
/// the licence listed first, so the answer is deterministic.
pub fn detect(text: &str) -> Detection {
    let candidate = Bigrams::of(text);
    let mut best: Option<(&'static str, f32, &Bigrams)> = None;
    for (id, template) in templates() {
        let score = candidate.dice(template);
        if best.is_none_or(|(_, s, _)| score > s) {
            best = Some((id, score, template));
        }
    }
    let Some((id, score, template)) = best else {
        return Detection::NoMatch {
            closest: "MIT",
            score: 0.0,
            contained: false,
        };
    };
    if score >= THRESHOLD {
        Detection::Match { id, score }
    } else {
        Detection::NoMatch {
            closest: id,
            score,
            contained: candidate.containment(template) >= CONTAINED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> Option<&'static str> {
        match detect(text) {
            Detection::Match { id, .. } => Some(id),
            Detection::NoMatch { .. } => None,
        }
    }

    #[test]
    fn every_embedded_text_detects_as_itself() {
        for (expected, text) in TEXTS {
            assert_eq!(id(text), Some(*expected));
        }
    }

    #[test]
    fn real_licence_files_with_notices_and_rewrapping() {
        let mit = "MIT License\n\nCopyright (c) 2024 Jane Doe <jane@example.com>\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";
        assert_eq!(id(mit), Some("MIT"));
        // BSD-2 is BSD-3 without the endorsement clause: the closer one wins.
        let bsd3 = TEXTS
            .iter()
            .find(|(i, _)| *i == "BSD-3-Clause")
            .map_or("", |(_, t)| t);
        assert_eq!(
            id(&bsd3.replace("<owner>", "Acme Ltd")),
            Some("BSD-3-Clause")
        );
    }

    #[test]
    fn proprietary_and_empty_texts_are_not_guessed() {
        let own = "Copyright 2024 Odd Corp. All rights reserved.\n\nYou may use this software only inside Odd Corp.\n";
        assert!(matches!(detect(own), Detection::NoMatch { .. }));
        assert!(
            matches!(detect(""), Detection::NoMatch { score, contained: false, .. } if score == 0.0)
        );
        // Two licences in one file match neither well enough.
        let both = format!(
            "{}\n{}",
            TEXTS
                .iter()
                .find(|(i, _)| *i == "MIT")
                .map_or("", |(_, t)| t),
            TEXTS
                .iter()
                .find(|(i, _)| *i == "Zlib")
                .map_or("", |(_, t)| t)
        );
        assert!(matches!(
            detect(&both),
            Detection::NoMatch {
                contained: true,
                ..
            }
        ));
    }
}
