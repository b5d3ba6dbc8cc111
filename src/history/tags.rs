//! Which tags are releases, and the version a tag names.

use crate::policy::ReleasePattern;

/// The semver version a tag names: the whole tag, or what follows a `v`,
/// a `name-` or a `name-v` prefix (`1.2.3`, `v1.2.3`, `api-v1.2.3`).
pub fn version_of(tag: &str) -> Option<semver::Version> {
    let parse = |s: &str| semver::Version::parse(s.strip_prefix('v').unwrap_or(s)).ok();
    if let Some(v) = parse(tag) {
        return Some(v);
    }
    tag.char_indices()
        .filter(|(_, c)| matches!(c, '-' | '/' | '_'))
        .find_map(|(i, _)| parse(tag.get(i + 1..)?))
}

/// Whether `tag` is a release under the default pattern: semver with an
/// optional `v` or `name-v` prefix (and no other prefix).
fn is_default_release(tag: &str) -> bool {
    let ok = |s: &str| semver::Version::parse(s).is_ok();
    if ok(tag) || tag.strip_prefix('v').is_some_and(ok) {
        return true;
    }
    tag.match_indices("-v").any(|(i, _)| {
        let name = tag.get(..i).unwrap_or_default();
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && tag.get(i + 2..).is_some_and(ok)
    })
}

/// Whether a tag counts as a release under the policy.
pub fn is_release(tag: &str, pattern: &ReleasePattern, include_prereleases: bool) -> bool {
    let matches = match pattern {
        ReleasePattern::Semver => is_default_release(tag),
        ReleasePattern::Glob { matcher, .. } => matcher.is_match(tag),
    };
    matches && (include_prereleases || version_of(tag).is_none_or(|v| v.pre.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pattern() {
        for yes in [
            "1.2.3",
            "v1.2.3",
            "api-v1.2.3",
            "my.pkg-v0.1.0",
            "v1.2.3+build.5",
        ] {
            assert!(is_release(yes, &ReleasePattern::Semver, false), "{yes}");
        }
        for no in [
            "v1.2",
            "release",
            "grep-0.2.4",
            "v1.2.3-rc.1",
            "1.2.3-beta",
            "-v1.2.3",
            "v01.2.3",
        ] {
            assert!(!is_release(no, &ReleasePattern::Semver, false), "{no}");
        }
        assert!(is_release("v1.2.3-rc.1", &ReleasePattern::Semver, true));
    }

    #[test]
    fn glob_pattern_still_excludes_prereleases() -> Result<(), globset::Error> {
        let pattern = ReleasePattern::Glob {
            text: "rel-*".into(),
            matcher: globset::Glob::new("rel-*")?.compile_matcher(),
        };
        assert!(is_release("rel-2024.1", &pattern, false));
        assert!(is_release("rel-1.0.0", &pattern, false));
        assert!(!is_release("rel-1.0.0-rc.2", &pattern, false));
        assert!(!is_release("v1.0.0", &pattern, false));
        Ok(())
    }

    #[test]
    fn versions() {
        assert_eq!(
            version_of("api-v1.2.3").map(|v| v.to_string()),
            Some("1.2.3".into())
        );
        assert_eq!(
            version_of("grep-0.2.4").map(|v| v.to_string()),
            Some("0.2.4".into())
        );
        assert_eq!(version_of("nightly"), None);
    }
}
