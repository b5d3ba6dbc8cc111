//! `primaryLocationLineHash`: the per-line fingerprint GitHub code scanning
//! uses to follow an alert from one commit to the next. `upload-sarif`
//! computes it from the checked-out file when a result has none; we compute
//! the same value from the text we scanned, so uploads by other means (the
//! REST API, other CI systems) track alerts the same way.
//!
//! The value, as code scanning defines it:
//!
//! 1. The file is read as UTF-16 code units. Spaces and tabs are dropped;
//!    `\r\n` and a lone `\r` become `\n` (an `\n` right after a `\r` is
//!    dropped, unless a dropped space or tab came between them).
//! 2. After the last unit come one `0xFFFF` and then zeros.
//! 3. A line's hash is the polynomial hash, base 37, in wrapping 64-bit
//!    arithmetic, of the 100 units that start at the line's first kept
//!    unit (so it reaches into the following lines):
//!    `Σ unit[k] · 37^(99-k)` for k in 0..100.
//! 4. It is written in lower-case hex without leading zeros, then `:n`,
//!    where `n` counts the lines up to and including this one with the
//!    same hash (identical lines stay distinct).
//!
//! Lines are counted as that reading sees them (a lone `\r` ends a line);
//! the text is what pscf-lint kept, so a line near a masked secret, a
//! dropped byte-order mark or replaced invalid UTF-8 hashes differently
//! (GitHub then keeps our value and logs a warning).

const WINDOW: usize = 100;
const BASE: u64 = 37;
const END_OF_TEXT: u16 = 0xFFFF;

/// The kept units of `text` and the index of each line's first unit.
fn normalise(text: &str) -> (Vec<u16>, Vec<usize>) {
    let mut units = Vec::with_capacity(text.len() + 1);
    let mut starts = Vec::new();
    let mut line_start = true;
    let mut after_cr = false;
    let mut keep = |unit: u16, units: &mut Vec<u16>, starts: &mut Vec<usize>| {
        if line_start {
            starts.push(units.len());
            line_start = false;
        }
        if unit == u16::from(b'\n') {
            line_start = true;
        }
        units.push(unit);
    };
    for unit in text.encode_utf16() {
        if unit == u16::from(b' ') || unit == u16::from(b'\t') {
            after_cr = false;
            continue;
        }
        if unit == u16::from(b'\n') && after_cr {
            after_cr = false;
            continue;
        }
        after_cr = unit == u16::from(b'\r');
        let unit = if after_cr { u16::from(b'\n') } else { unit };
        keep(unit, &mut units, &mut starts);
    }
    keep(END_OF_TEXT, &mut units, &mut starts);
    (units, starts)
}

/// Every line's `primaryLocationLineHash`, line 1 first.
pub fn line_hashes(text: &str) -> Vec<String> {
    let (units, starts) = normalise(text);
    // 37^(99-k) for each position k of the window.
    let mut weights = [0u64; WINDOW];
    let mut power = 1u64;
    for weight in weights.iter_mut().rev() {
        *weight = power;
        power = power.wrapping_mul(BASE);
    }
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    starts
        .iter()
        .map(|&start| {
            let hash = weights.iter().enumerate().fold(0u64, |hash, (k, weight)| {
                let unit = units.get(start + k).copied().unwrap_or(0);
                hash.wrapping_add(u64::from(unit).wrapping_mul(*weight))
            });
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            format!("{hash:x}:{n}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from an independent transcription of code scanning's
    // rolling-hash loop (window ring buffer, CR state machine), run on the
    // same inputs.
    #[test]
    fn matches_code_scanning_on_plain_and_tricky_text() {
        assert_eq!(
            line_hashes("a\nb\n"),
            [
                "81b8d8db678b2bbe:1",
                "ade70578248be16f:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        // The end of the text counts as a line of its own.
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes("a\rb"),
            ["c74339777b6a2c60:1", "8ee5a81e681643c1:1"]
        );
        // Non-BMP characters are two units; CR CR LF is two line breaks; a
        // leading zero of the hex is not written.
        assert_eq!(
            line_hashes("é😀\r\r\n \nx"),
            [
                "10e800d07ec9487:1",
                "aa6568db034358f3:1",
                "a88801a1799b48b5:1",
                "638816509450efbf:1"
            ]
        );
    }

    #[test]
    fn whitespace_and_line_endings_do_not_change_the_hash() {
        assert_eq!(
            line_hashes("uses: a@v1\nuses: a@v1\n"),
            line_hashes("  uses:\ta@v1\r\n    uses: a@v1\r\n")
        );
    }

    #[test]
    fn identical_windows_are_told_apart_by_occurrence() {
        let text = "    - uses: actions/checkout@v6\n".repeat(8);
        let hashes = line_hashes(&text);
        assert_eq!(hashes.len(), 9);
        for (i, h) in hashes.iter().take(5).enumerate() {
            assert_eq!(*h, format!("bc1fcec40da1043e:{}", i + 1));
        }
        assert_eq!(
            hashes.get(5).map(String::as_str),
            Some("413cd268976a2cf4:1")
        );
    }
}
