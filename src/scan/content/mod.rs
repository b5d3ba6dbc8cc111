//! Content checks over text files: hard-coded secrets, TLS verification
//! switched off, and plain-HTTP endpoints.
//!
//! One pass of a case-insensitive Aho-Corasick automaton over the file
//! finds every candidate offset (an anchor literal such as `ghp_`, `://`,
//! `verify`); each detector then looks only at a bounded window around
//! its candidate ([`text::WINDOW`]). There is no regex and no per-line
//! allocation, so a file costs one linear pass plus a constant per
//! candidate, and at most [`MAX_HITS_PER_KIND`] hits of a kind are kept
//! per file. Where a detector must know whether its candidate is code, a
//! string or a comment, the [`lexer`] makes one more linear pass and
//! records only the regions holding candidates.
//!
//! Secrets never leave this module in clear: hits carry a redacted form,
//! and [`redacted`] masks every secret byte range in the text kept for
//! snippets.

mod http;
pub mod language;
pub mod lexer;
mod secrets;
pub mod text;
mod tls;

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

pub use language::Language;

use crate::context::PathContext;
use crate::facts::{ContentHit, HitKind};
use crate::finding::{Confidence, Related};
use crate::location::SourceFile;
use lexer::{Region, Regions};

/// Hits of one kind kept per file: a generated data file with thousands
/// of URLs says nothing more with the thousandth.
/// One more than reports list per rule and file, so that the rest is still
/// counted ("N more findings").
pub const MAX_HITS_PER_KIND: usize = crate::finding::MAX_PER_RULE_AND_FILE + 1;

/// Hits of a kind collected before [`finish`] drops those a stronger hit
/// covers and keeps [`MAX_HITS_PER_KIND`]: the margin leaves enough after
/// the drop, and the bound keeps that drop (a pairwise overlap test) and
/// the detectors' work per file constant once a kind is full.
const COLLECTED_PER_KIND: usize = 4 * MAX_HITS_PER_KIND;

/// What a detector found, with byte spans into the file's text.
#[derive(Debug, Clone)]
struct Hit {
    kind: HitKind,
    span: Range<usize>,
    /// Safe to show: a redacted secret, or text with secrets masked.
    shown: String,
    /// Secret bytes to mask wherever the text is kept.
    masks: Vec<Range<usize>>,
    confidence: Confidence,
    /// Why it is believed: "checksum valid", "entropy 4.2 bits/char", …
    why: String,
    related: Option<(Range<usize>, String)>,
}

/// Which detector an anchor literal starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detector {
    Provider(usize),
    PrivateKey,
    Aws,
    Jwt,
    /// `://`: credentials in a URL, and plain HTTP.
    Url,
    Generic,
    TlsKey,
    TlsConstant(tls::Constant),
    SslMode,
    Curl,
    Wget,
}

/// Every anchor with its detector. Matching is ASCII case-insensitive;
/// detectors check case themselves where it matters (`AKIA`).
fn anchors() -> Vec<(&'static str, Detector)> {
    let mut out: Vec<(&'static str, Detector)> = secrets::PROVIDERS
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.anchors.iter().map(move |a| (*a, Detector::Provider(i))))
        .collect();
    out.extend([
        ("-----BEGIN", Detector::PrivateKey),
        ("AKIA", Detector::Aws),
        ("ASIA", Detector::Aws),
        ("ABIA", Detector::Aws),
        ("ACCA", Detector::Aws),
        ("eyJ", Detector::Jwt),
        ("://", Detector::Url),
        ("sslmode", Detector::SslMode),
        ("curl", Detector::Curl),
        ("wget", Detector::Wget),
    ]);
    out.extend(
        secrets::GENERIC_ANCHORS
            .iter()
            .map(|a| (*a, Detector::Generic)),
    );
    out.extend(tls::KEY_ANCHORS.iter().map(|a| (*a, Detector::TlsKey)));
    out.extend(
        tls::CONSTANTS
            .iter()
            .map(|(a, c)| (*a, Detector::TlsConstant(*c))),
    );
    out
}

struct Prefilter {
    automaton: AhoCorasick,
    detectors: Vec<Detector>,
}

static PREFILTER: LazyLock<Option<Prefilter>> = LazyLock::new(|| {
    let (literals, detectors): (Vec<_>, Vec<_>) = anchors().into_iter().unzip();
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        // Leftmost-first, not overlapping: no anchor is a proper infix of
        // another that a detector needs (`verify` inside
        // `insecure_skip_verify` is found again after `insecure`), and the
        // non-overlapping search is the faster one.
        .match_kind(MatchKind::LeftmostFirst)
        // A full DFA: one table lookup per byte, the fastest search for a
        // case-insensitive set of ~100 short literals (a few hundred KiB).
        .kind(Some(AhoCorasickKind::DFA))
        .build(literals)
        .ok()?;
    Some(Prefilter {
        automaton,
        detectors,
    })
});

/// What a detector sees: the text, its language, and (for detectors that
/// care) the lexical region of their candidate.
pub(crate) struct Input<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    pub lang: Language,
    regions: Regions,
}

impl Input<'_> {
    /// The region of `offset` (code, string or comment) and its extent.
    fn region(&self, offset: usize) -> (Region, Range<usize>) {
        self.regions.at(offset)
    }
}

/// Every content hit in `source`, a file of `context` read as `lang`.
pub fn scan(source: &SourceFile, lang: Language, context: PathContext) -> Vec<ContentHit> {
    let hits = find(&source.text, lang);
    let masked = mask(
        &source.text,
        hits.iter().flat_map(|h| h.masks.iter().cloned()),
    );
    hits.into_iter()
        .map(|hit| {
            // What a non-secret hit shows is taken from the masked text, so
            // a URL or command holding a secret never shows it.
            let shown = match (&masked, hit.masks.is_empty()) {
                (Some(m), true) => m.get(hit.span.clone()).unwrap_or_default().to_owned(),
                _ => hit.shown,
            };
            ContentHit {
                kind: hit.kind,
                location: source.location(hit.span),
                shown,
                masks: hit.masks,
                confidence: hit.confidence,
                why: hit.why,
                related: hit.related.map(|(span, message)| Related {
                    location: source.location(span),
                    message,
                }),
                context,
            }
        })
        .collect()
}

/// The detectors' hits in `text`, sorted, deduplicated and capped.
fn find(text: &str, lang: Language) -> Vec<Hit> {
    let Some(prefilter) = PREFILTER.as_ref() else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let mut candidates: Vec<(usize, usize, Detector)> = prefilter
        .automaton
        .find_iter(bytes)
        .filter_map(|m| {
            let d = prefilter.detectors.get(m.pattern().as_usize()).copied()?;
            applies(lang, d).then_some((m.start(), m.end(), d))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.sort_unstable_by_key(|&(s, e, _)| (s, e));
    let queries: Vec<usize> = candidates
        .iter()
        .filter(|(_, _, d)| needs_region(*d))
        .map(|&(s, _, _)| s)
        .collect();
    let regions = match lang.syntax() {
        Some(syntax) if !queries.is_empty() => lexer::lex(bytes, syntax, &queries),
        _ => Regions::default(),
    };
    let input = Input {
        text,
        bytes,
        lang,
        regions,
    };
    let mut hits = Vec::new();
    let mut collected = [0usize; 3];
    // A URL parsed at one `://` covers the anchors inside it: skipping them
    // keeps a line of 10 MB of `http://x.io/http://x.io/…` linear.
    let mut url_end = 0;
    for &(start, end, detector) in &candidates {
        if slots(detector)
            .iter()
            .all(|&slot| collected.get(slot).is_none_or(|&n| n >= COLLECTED_PER_KIND))
        {
            continue;
        }
        let before = hits.len();
        let found = match detector {
            Detector::Provider(i) => secrets::provider(&input, start, i),
            Detector::PrivateKey => secrets::private_key(&input, start),
            Detector::Aws => secrets::aws(&input, start),
            Detector::Jwt => secrets::jwt(&input, start),
            Detector::Generic => secrets::generic(&input, start, end),
            Detector::Url if start < url_end => None,
            Detector::Url => {
                let (credentials, url) = (
                    secrets::url_password(&input, start),
                    http::url(&input, start),
                );
                if let Some((_, end)) = &url {
                    url_end = *end;
                }
                hits.extend(credentials);
                url.and_then(|(hit, _)| hit)
            }
            Detector::TlsKey => tls::key(&input, start),
            Detector::TlsConstant(c) => tls::constant(&input, start, c),
            Detector::SslMode => tls::sslmode(&input, start),
            Detector::Curl => tls::curl(&input, start),
            Detector::Wget => tls::wget(&input, start),
        };
        hits.extend(found);
        for hit in hits.get(before..).unwrap_or_default() {
            if let Some(n) = collected.get_mut(slot(hit.kind)) {
                *n += 1;
            }
        }
    }
    finish(hits)
}

/// The counter a hit of this kind is kept under.
fn slot(kind: HitKind) -> usize {
    match kind {
        HitKind::Secret { .. } => 0,
        HitKind::TlsDisabled { .. } => 1,
        HitKind::InsecureUrl => 2,
    }
}

/// The counters a detector's hits can go to.
fn slots(d: Detector) -> &'static [usize] {
    match d {
        Detector::Provider(_)
        | Detector::PrivateKey
        | Detector::Aws
        | Detector::Jwt
        | Detector::Generic => &[0],
        Detector::Url => &[0, 2],
        Detector::TlsKey
        | Detector::TlsConstant(_)
        | Detector::SslMode
        | Detector::Curl
        | Detector::Wget => &[1],
    }
}

/// Which detectors run on a language: secrets everywhere (a token in a
/// comment or a README is still leaked); generic `password = …` guesses,
/// TLS and HTTP only where the language has code or configuration.
fn applies(lang: Language, d: Detector) -> bool {
    match d {
        Detector::Provider(_)
        | Detector::PrivateKey
        | Detector::Aws
        | Detector::Jwt
        | Detector::Url => true,
        Detector::Generic => lang.is_code() || lang.is_config() || lang.is_shell(),
        Detector::TlsKey | Detector::SslMode => {
            lang.is_code() || lang.is_config() || lang.is_shell()
        }
        Detector::TlsConstant(_) => lang.is_code(),
        Detector::Curl | Detector::Wget => lang.is_config() || lang.is_shell(),
    }
}

/// Detectors whose judgement depends on code vs. string vs. comment.
fn needs_region(d: Detector) -> bool {
    matches!(
        d,
        Detector::Url
            | Detector::Generic
            | Detector::TlsKey
            | Detector::TlsConstant(_)
            | Detector::SslMode
            | Detector::Curl
            | Detector::Wget
    )
}

/// Sorts, drops duplicates (two anchors inside one key, a generic match on
/// a provider token), and keeps the first [`MAX_HITS_PER_KIND`] per kind.
fn finish(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        (a.span.start, a.span.end, b.confidence).cmp(&(b.span.start, b.span.end, a.confidence))
    });
    hits.dedup_by(|b, a| a.span == b.span && same_rule(a.kind, b.kind));
    // A secret whose bytes another, more confident, secret hit covers
    // (a generic match on an AWS pair's secret, on a provider token).
    let secrets: Vec<(Range<usize>, Confidence, usize)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| matches!(h.kind, HitKind::Secret { .. }))
        .flat_map(|(i, h)| h.masks.iter().map(move |m| (m.clone(), h.confidence, i)))
        .collect();
    let mut index = 0;
    hits.retain(|h| {
        let me = index;
        index += 1;
        !matches!(h.kind, HitKind::Secret { .. })
            || !secrets.iter().any(|(span, confidence, other)| {
                *other != me
                    && span.start < h.span.end
                    && h.span.start < span.end
                    && (*confidence > h.confidence
                        || (*confidence == h.confidence && span.len() > h.span.len()))
            })
    });
    let mut counts = [0usize; 3];
    hits.retain(|h| {
        counts.get_mut(slot(h.kind)).is_some_and(|c| {
            *c += 1;
            *c <= MAX_HITS_PER_KIND
        })
    });
    hits
}

fn same_rule(a: HitKind, b: HitKind) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// Characters of a secret that may be shown: none of one shorter than 12
/// characters, the first 4 of a longer one.
pub fn visible(secret: &str) -> usize {
    if secret.chars().count() < 12 {
        0
    } else {
        secret.chars().take(4).map(char::len_utf8).sum()
    }
}

/// Redacted form of a secret: its visible characters, then `…`.
pub fn redact(secret: &str) -> String {
    format!("{}…", secret.get(..visible(secret)).unwrap_or(""))
}

/// `text` with every secret of `hits` masked (same byte length, so spans
/// still hold), or `None` when it holds no secret.
pub fn redacted(text: &str, hits: &[ContentHit]) -> Option<String> {
    mask(text, hits.iter().flat_map(|h| h.masks.iter().cloned()))
}

fn mask(text: &str, spans: impl Iterator<Item = Range<usize>>) -> Option<String> {
    let mut bytes: Option<Vec<u8>> = None;
    for span in spans {
        // Widened onto character boundaries, so that the result is UTF-8.
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.clamp(start, text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let keep = text.get(start..end).map_or(0, visible);
        let span = start..end;
        let out = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
        // Every byte becomes `*`, non-ASCII ones too: the text stays valid
        // UTF-8 and no character of a secret survives.
        for b in out
            .get_mut(span.start + keep..span.end)
            .into_iter()
            .flatten()
        {
            *b = b'*';
        }
    }
    bytes.and_then(|b| String::from_utf8(b).ok())
}

#[cfg(test)]
mod tests;
