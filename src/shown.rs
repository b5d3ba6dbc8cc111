//! Text read from the repository as findings quote it: one line, no
//! control characters, bounded length (reporters escape it further for
//! their format).

/// Characters of a quoted value shown at most.
const MAX_SHOWN: usize = 200;

pub fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .take(MAX_SHOWN)
        .collect();
    if text.chars().count() > MAX_SHOWN {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn one_bounded_line() {
        assert_eq!(shown("a\nb\u{1b}[31m"), "a\u{fffd}b\u{fffd}[31m");
        assert_eq!(shown(&"x".repeat(300)).chars().count(), 201);
    }
}
