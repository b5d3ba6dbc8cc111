//! Byte-level helpers shared by the detectors. Everything here looks at a
//! bounded window around an offset: no helper walks a whole file, so the
//! cost of a candidate does not depend on the file's size or line length.

use std::ops::Range;

/// How far any helper looks back or ahead from a candidate.
pub const WINDOW: usize = 512;

/// `[A-Za-z0-9_]`.
pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A key name: word bytes plus `-` and `.` (`http.sslVerify`, `strict-ssl`).
pub fn is_key(b: u8) -> bool {
    is_word(b) || b == b'-' || b == b'.'
}

pub fn byte(bytes: &[u8], at: usize) -> Option<u8> {
    bytes.get(at).copied()
}

/// The byte before `at`, if any.
pub fn before(bytes: &[u8], at: usize) -> Option<u8> {
    at.checked_sub(1).and_then(|i| bytes.get(i).copied())
}

/// The run of `class` bytes around `at`, at most [`WINDOW`] each way.
pub fn expand(bytes: &[u8], at: usize, class: fn(u8) -> bool) -> Range<usize> {
    let low = at.saturating_sub(WINDOW);
    let mut start = at.min(bytes.len());
    while start > low && before(bytes, start).is_some_and(class) {
        start -= 1;
    }
    let high = (at + WINDOW).min(bytes.len());
    let mut end = at.min(bytes.len());
    while end < high && byte(bytes, end).is_some_and(class) {
        end += 1;
    }
    start..end
}

/// Length of the run of `class` bytes starting at `at`, at most `max`.
pub fn run(bytes: &[u8], at: usize, class: fn(u8) -> bool, max: usize) -> usize {
    bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take(max)
        .take_while(|&&b| class(b))
        .count()
}

/// Start of the line holding `at` (or `at - WINDOW` on an overlong line).
pub fn line_start(bytes: &[u8], at: usize) -> usize {
    let low = at.saturating_sub(WINDOW);
    let window = bytes.get(low..at.min(bytes.len())).unwrap_or_default();
    memchr::memrchr(b'\n', window).map_or(low, |i| low + i + 1)
}

/// End of the line holding `at` (or `at + WINDOW`), without the line break.
pub fn line_end(bytes: &[u8], at: usize) -> usize {
    let high = (at + WINDOW).min(bytes.len());
    let window = bytes.get(at.min(high)..high).unwrap_or_default();
    let end = memchr::memchr(b'\n', window).map_or(high, |i| at + i);
    if end > at && before(bytes, end) == Some(b'\r') {
        end - 1
    } else {
        end
    }
}

/// `bytes[range]` as text (the scanned text is UTF-8; ranges from the
/// detectors lie on ASCII bytes, so this only fails on a bug).
pub fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or("")
}

/// Lowercase with `_`, `-`, `.` and spaces removed: `X_TLS_Insecure-Skip.Verify`
/// → `xtlsinsecureskipverify`.
pub fn normalize_key(key: &str) -> String {
    key.bytes()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.' | b' '))
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// Shannon entropy in bits per byte.
pub fn entropy(value: &[u8]) -> f64 {
    if value.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in value {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// How many of lower case, upper case, digits and other bytes occur.
pub fn classes(value: &[u8]) -> usize {
    let has = |f: fn(&u8) -> bool| usize::from(value.iter().any(f));
    has(u8::is_ascii_lowercase)
        + has(u8::is_ascii_uppercase)
        + has(u8::is_ascii_digit)
        + has(|b| !b.is_ascii_alphanumeric())
}

/// Words that mark a value as a stand-in, not a credential (compared with
/// the value in lower case).
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "placeholder",
    "redacted",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "yourpass",
    "yoursecret",
    "xxxx",
    "****",
    "....",
    "fake",
    "test",
    "mock",
    "insert",
    "replace",
    "todo",
    "notreal",
    "not_real",
    "not-real",
    "dontuse",
    "secret_here",
    "_here",
    "-here",
    "lorem",
    "foobar",
    "abc123",
    "xyz789",
];

/// Whole values that are never a credential.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "key",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "admin",
    "root",
    "user",
    "username",
    "guest",
    "default",
    "string",
    "empty",
    "value",
    "required",
    "optional",
    "hunter2",
    "letmein",
    "qwerty",
    "123456",
    "12345678",
    "password1",
    "p@ssw0rd",
    "passw0rd",
];

/// Documented example credentials: AWS's own, the jwt.io sample, the
/// Azurite/Storage Emulator account key, Checkmarx' documented secret,
/// Grafana's default key.
pub const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "014df517-39d1-4453-b7b3-9930c563627c",
    // Grafana's documented default `secret_key`.
    "SW2YcwTIb9zpOOhoPsMm",
];

/// A value that is a stand-in: a placeholder word, a template or variable
/// reference, a documented example, the same character repeated, or a run
/// of sequential characters (`abcdef`, `123456`).
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_VALUES.contains(&lower.as_str())
        || PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
        || DOCUMENTED_EXAMPLES.iter().any(|e| value.contains(e))
        || is_template(value)
        || repeated(value.as_bytes())
        || sequential(lower.as_bytes())
}

/// A placeholder word anywhere in `value` (for structured text such as a
/// token's decoded claims, where the template and sequence tests do not apply).
pub fn has_placeholder_word(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
}

/// `${X}`, `{{ x }}`, `$X`, `%X%`, `%s`, `<x>`, `#{x}`, `@X@`, `[x]`.
pub fn is_template(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    v.starts_with('$')
        || v.starts_with('%')
        || v.starts_with('<')
        || v.starts_with('[')
        || v.starts_with('@')
        || v.contains("${")
        || v.contains("{{")
        || v.contains("#{")
        || v.contains("$(")
        || v.contains("%(")
        || (v.starts_with('{') && v.ends_with('}'))
}

/// At least half the value is one byte, or it holds a run of 6 equal bytes.
fn repeated(value: &[u8]) -> bool {
    let mut counts = [0usize; 256];
    for &b in value {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    value.len() >= 4 && most * 2 >= value.len()
        || value
            .windows(6)
            .any(|w| w.iter().all(|&b| Some(&b) == w.first()))
}

/// A run of 6 ascending (or descending) letters or digits.
fn sequential(value: &[u8]) -> bool {
    let step = |w: &[u8], d: i16| {
        w.windows(2).all(|p| match p {
            [a, b] => i16::from(*b) - i16::from(*a) == d && a.is_ascii_alphanumeric(),
            _ => false,
        })
    };
    value.windows(6).any(|w| step(w, 1) || step(w, -1))
}

/// CRC-32 (IEEE), as GitHub and npm tokens use for their checksum.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in data {
        let index = usize::from((crc as u8) ^ b);
        crc = TABLE.get(index).copied().unwrap_or(0) ^ (crc >> 8);
    }
    !crc
}

/// Decodes base-62 digits (`0-9A-Za-z`), `None` on another byte or overflow.
pub fn base62(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'A'..=b'Z' => d - b'A' + 10,
            b'a'..=b'z' => d - b'a' + 36,
            _ => return None,
        };
        acc.checked_mul(62)?.checked_add(u64::from(v))
    })
}

/// Decodes unpadded base64url (or standard base64), at most 4 KiB of it.
pub fn base64url(input: &[u8]) -> Option<Vec<u8>> {
    if input.len() > 4096 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in input.iter().take_while(|&&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_and_classes() {
        assert!(entropy(b"aaaaaaaa") < 0.1);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert_eq!(classes(b"aB3-"), 4);
        assert_eq!(classes(b"abc"), 1);
    }

    #[test]
    fn placeholders() {
        for v in [
            "changeme",
            "REDACTED",
            "your_api_key_here",
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "<password>",
            "xxxxxxxxxxxx",
            "abcdefgh1",
            "1234567890",
            "aaaaaaab",
            "AKIAIOSFODNN7EXAMPLE",
            "dummy-token",
            "$PASSWORD",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["n0t-a-real-pa55", "Zq8#rT2!mW9x", "q7Hn2LxP0vRt"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn checksums_and_codecs() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(base62(b"10"), Some(62));
        assert_eq!(base62(b"1-"), None);
        assert_eq!(base64url(b"eyJhIjoxfQ").as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(base64url(b"a*"), None);
    }

    #[test]
    fn windows_are_bounded() {
        let long = "x".repeat(10_000);
        assert_eq!(line_start(long.as_bytes(), 9000), 9000 - WINDOW);
        assert_eq!(line_end(long.as_bytes(), 10), 10 + WINDOW);
        assert_eq!(line_end(b"ab\r\ncd", 0), 2);
        assert_eq!(expand(b"a foo_bar b", 4, is_word), 2..9);
        assert_eq!(
            normalize_key("X_TLS_Insecure-Skip.Verify"),
            "xtlsinsecureskipverify"
        );
    }
}
