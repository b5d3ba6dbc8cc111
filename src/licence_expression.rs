//! Licence expressions as manifests write them, made valid SPDX where the
//! intent is unambiguous: Cargo's legacy `MIT/Apache-2.0` (and
//! `MIT / Apache-2.0`) means `MIT OR Apache-2.0`. Applied once, when
//! components are collected, so the inventory, the SBOM and the licence
//! findings all show the same expression.

use std::borrow::Cow;

/// `text` with each `/` between licences read as `OR`, when that makes a
/// valid SPDX expression and `text` is not one already; otherwise `text`
/// unchanged (a licence the rules then report as it is written).
pub fn normalise(text: &str) -> Cow<'_, str> {
    if !text.contains('/') || spdx::Expression::parse(text).is_ok() {
        return Cow::Borrowed(text);
    }
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Cow::Borrowed(text);
    }
    let joined = parts.join(" OR ");
    match spdx::Expression::parse(&joined) {
        Ok(_) => Cow::Owned(joined),
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn legacy_slash_becomes_or() {
        assert_eq!(normalise("MIT/Apache-2.0"), "MIT OR Apache-2.0");
        assert_eq!(normalise("MIT / Apache-2.0"), "MIT OR Apache-2.0");
        assert_eq!(normalise("Apache-2.0/ISC/MIT"), "Apache-2.0 OR ISC OR MIT");
    }

    #[test]
    fn valid_or_unrepairable_expressions_are_kept() {
        assert_eq!(normalise("MIT OR Apache-2.0"), "MIT OR Apache-2.0");
        assert_eq!(normalise("MIT"), "MIT");
        // A LicenseRef may contain no slash, but a bogus one stays as written.
        assert_eq!(normalise("MIT/"), "MIT/");
        assert_eq!(normalise("/"), "/");
        assert_eq!(normalise("Foo/Bar"), "Foo/Bar");
        assert_eq!(normalise("see LICENSE/COPYING"), "see LICENSE/COPYING");
    }
}
