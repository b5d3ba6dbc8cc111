//! Version ranges in each ecosystem's own semantics.

use std::fmt;

use crate::purl::Ecosystem;

/// A range of versions a policy allows, bans or deprecates.
#[derive(Clone, Debug)]
pub enum VersionRange {
    /// Cargo's semver requirements: `1.2` means `^1.2`, `>=0.23, <0.25`.
    Cargo(semver::VersionReq),
}

impl VersionRange {
    /// Parses `text` as a range of `ecosystem`; the error says what is wrong
    /// and how such a range is written.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Self, String> {
        match ecosystem {
            Ecosystem::Cargo => semver::VersionReq::parse(text)
                .map(VersionRange::Cargo)
                .map_err(|e| format!("`{text}` is not a Cargo version requirement: {e}")),
            other => Err(format!(
                "version ranges for `pkg:{other}` are not supported yet; remove `versions` or match an exact version with `pkg:{other}/NAME@VERSION`"
            )),
        }
    }

    /// Whether `version` lies in the range; `None` when `version` is not a
    /// version of this ecosystem (so the caller can say "cannot tell").
    pub fn contains(&self, version: &str) -> Option<bool> {
        match self {
            VersionRange::Cargo(req) => semver::Version::parse(version)
                .ok()
                .map(|v| req.matches(&v)),
        }
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRange::Cargo(req) => write!(f, "{req}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_requirements_use_caret_by_default() -> Result<(), String> {
        let r = VersionRange::parse(Ecosystem::Cargo, "0.23")?;
        assert_eq!(r.contains("0.23.9"), Some(true));
        assert_eq!(r.contains("0.24.0"), Some(false));
        assert_eq!(r.contains("not-a-version"), None);
        let r = VersionRange::parse(Ecosystem::Cargo, ">=0.23")?;
        assert_eq!(r.contains("1.0.0"), Some(true));
        assert!(VersionRange::parse(Ecosystem::Cargo, ">>1").is_err());
        assert!(VersionRange::parse(Ecosystem::Npm, "^1").is_err());
        Ok(())
    }
}
