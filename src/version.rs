//! Versions and version ranges in each ecosystem's own semantics: Cargo
//! semver requirements, npm ranges, PEP 440 specifiers, Go module versions
//! (pseudo-versions and `+incompatible` included), and exact-or-glob refs for
//! Docker tags/digests and GitHub Actions refs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use globset::{GlobBuilder, GlobMatcher};

use crate::purl::Ecosystem;

/// A version parsed in its ecosystem's order, for comparisons (OSV ranges).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    Semver(semver::Version),
    Npm(nodejs_semver::Version),
    Pep440(pep440_rs::Version),
}

impl Version {
    /// `None` when `text` is not a version of `ecosystem`, or the ecosystem
    /// has no version order (Docker tags, Actions refs).
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Option<Self> {
        match ecosystem {
            Ecosystem::Cargo => semver::Version::parse(text).ok().map(Version::Semver),
            Ecosystem::Npm => nodejs_semver::Version::parse(text).ok().map(Version::Npm),
            Ecosystem::Pypi => pep440_rs::Version::from_str(text).ok().map(Version::Pep440),
            Ecosystem::Golang => go_version(text).map(Version::Semver),
            Ecosystem::Github | Ecosystem::Docker => None,
        }
    }

    /// Order within one ecosystem; `None` across ecosystems.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            (Version::Npm(a), Version::Npm(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// A Go module version (`v1.2.3`, `v0.0.0-20240101000000-abcdef123456`,
/// `v2.0.0+incompatible`) as semver, whose precedence is Go's.
fn go_version(text: &str) -> Option<semver::Version> {
    semver::Version::parse(text.strip_prefix('v').unwrap_or(text)).ok()
}

/// A range of versions a policy allows, bans or deprecates.
#[derive(Clone, Debug)]
pub enum VersionRange {
    /// Cargo's semver requirements: `1.2` means `^1.2`, `>=0.23, <0.25`.
    Cargo(semver::VersionReq),
    /// node-semver ranges: `^1.2.3 || >=2 <3`, `1.x`, `1.2 - 1.4`.
    Npm(nodejs_semver::Range),
    /// PEP 440 specifiers: `>=2.31,<3`, `~=1.4`, `!=1.5.0`.
    Pypi(pep440_rs::VersionSpecifiers),
    /// Comparators on Go versions, `,`-separated (all must hold), `||`
    /// between alternatives: `>=v1.2.0, <v2`.
    Go(Vec<Vec<(Op, semver::Version)>>),
    /// Exact strings or globs, `||`-separated: Docker tags and digests,
    /// Actions refs (`v4*`, `main`, a SHA).
    Refs(Vec<GlobMatcher>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl VersionRange {
    /// Parses `text` as a range of `ecosystem`; the error says what is wrong
    /// and how such a range is written.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Self, String> {
        let bad = |why: String, how: &str| {
            format!(
                "`{text}` is not a {} version range: {why} (write e.g. `{how}`)",
                ecosystem_label(ecosystem)
            )
        };
        match ecosystem {
            Ecosystem::Cargo => semver::VersionReq::parse(text)
                .map(VersionRange::Cargo)
                .map_err(|e| bad(e.to_string(), ">=0.23, <0.25")),
            Ecosystem::Npm => nodejs_semver::Range::parse(text)
                .map(VersionRange::Npm)
                .map_err(|e| bad(e.to_string(), "^1.2.3 || >=2 <3")),
            Ecosystem::Pypi => pep440_rs::VersionSpecifiers::from_str(text)
                .map(VersionRange::Pypi)
                .map_err(|e| bad(e.to_string(), ">=2.31,<3")),
            Ecosystem::Golang => parse_go_range(text)
                .map(VersionRange::Go)
                .map_err(|e| bad(e, ">=v1.2.0, <v2.0.0")),
            Ecosystem::Docker | Ecosystem::Github => parse_refs(text)
                .map(VersionRange::Refs)
                .map_err(|e| bad(e, "1.27* || 1.26.3")),
        }
    }

    /// Whether `version` lies in the range; `None` when `version` is not a
    /// version of this ecosystem (so the caller can say "cannot tell").
    pub fn contains(&self, version: &str) -> Option<bool> {
        match self {
            VersionRange::Cargo(req) => semver::Version::parse(version)
                .ok()
                .map(|v| req.matches(&v)),
            VersionRange::Npm(range) => nodejs_semver::Version::parse(version)
                .ok()
                .map(|v| range.satisfies(&v)),
            VersionRange::Pypi(specs) => pep440_rs::Version::from_str(version)
                .ok()
                .map(|v| specs.contains(&v)),
            VersionRange::Go(alternatives) => {
                let v = go_version(version)?;
                Some(
                    alternatives
                        .iter()
                        .any(|all| all.iter().all(|(op, bound)| holds(*op, &v, bound))),
                )
            }
            VersionRange::Refs(globs) => Some(globs.iter().any(|g| g.is_match(version))),
        }
    }
}

/// Why a manifest's version requirement admits any future release, or
/// `None` when it has an upper bound (or pins a version).
pub fn unbounded(ecosystem: Ecosystem, requirement: &str) -> Option<&'static str> {
    let req = requirement.trim();
    let word = |w: &str| req.eq_ignore_ascii_case(w);
    if word("*") || word("latest") || word("x") || word("any") {
        return Some("accepts any version");
    }
    // Each `||` alternative must be bounded above.
    let open_ended = |alternative: &str| {
        let a = alternative.trim();
        (a.starts_with(">=") || a.starts_with('>'))
            && !a.contains('<')
            && !a.contains("==")
            && !a.contains("~=")
    };
    match ecosystem {
        Ecosystem::Pypi if req.is_empty() => Some("names no version"),
        Ecosystem::Npm if req.is_empty() => Some("accepts any version"),
        Ecosystem::Npm
            if (req.starts_with("git")
                || req.starts_with("github:")
                || is_github_shorthand(req))
                && !req.contains('#') =>
        {
            Some("follows a git branch")
        }
        Ecosystem::Cargo | Ecosystem::Npm | Ecosystem::Pypi if req.split("||").any(open_ended) => {
            Some("has no upper bound")
        }
        _ => None,
    }
}

fn is_github_shorthand(spec: &str) -> bool {
    let mut parts = spec.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(o), Some(r), None) if !o.is_empty() && !r.is_empty() && !o.starts_with('@') && !o.contains(':'))
}

fn ecosystem_label(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Cargo => "Cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "PEP 440",
        Ecosystem::Golang => "Go",
        Ecosystem::Docker => "Docker tag",
        Ecosystem::Github => "GitHub Actions ref",
    }
}

fn holds(op: Op, v: &semver::Version, bound: &semver::Version) -> bool {
    let ord = v.cmp(bound);
    match op {
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
    }
}

fn parse_go_range(text: &str) -> Result<Vec<Vec<(Op, semver::Version)>>, String> {
    text.split("||")
        .map(|alternative| {
            alternative
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|comparator| {
                    let (op, rest) = [
                        (">=", Op::Ge),
                        ("<=", Op::Le),
                        ("!=", Op::Ne),
                        ("==", Op::Eq),
                        (">", Op::Gt),
                        ("<", Op::Lt),
                        ("=", Op::Eq),
                    ]
                    .into_iter()
                    .find_map(|(sym, op)| comparator.strip_prefix(sym).map(|rest| (op, rest)))
                    .unwrap_or((Op::Eq, comparator));
                    let rest = rest.trim();
                    let full = complete_go_version(rest);
                    go_version(&full)
                        .map(|v| (op, v))
                        .ok_or_else(|| format!("`{rest}` is not a Go module version"))
                })
                .collect::<Result<Vec<_>, _>>()
                .and_then(|all| {
                    if all.is_empty() {
                        Err("empty comparator list".to_owned())
                    } else {
                        Ok(all)
                    }
                })
        })
        .collect()
}

/// `v1` → `v1.0.0`, `v1.2` → `v1.2.0`, so bounds can be written short.
fn complete_go_version(v: &str) -> String {
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let dots = core.matches('.').count();
    let tail = v.get(core.len()..).unwrap_or("");
    let padded = match dots {
        0 => format!("{core}.0.0"),
        1 => format!("{core}.0"),
        _ => core.to_owned(),
    };
    format!("{padded}{tail}")
}

fn parse_refs(text: &str) -> Result<Vec<GlobMatcher>, String> {
    text.split("||")
        .map(str::trim)
        .map(|alternative| {
            if alternative.is_empty() {
                return Err("empty alternative".to_owned());
            }
            GlobBuilder::new(alternative)
                .literal_separator(false)
                .build()
                .map(|g| g.compile_matcher())
                .map_err(|e| e.kind().to_string())
        })
        .collect()
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRange::Cargo(req) => write!(f, "{req}"),
            VersionRange::Npm(range) => write!(f, "{range}"),
            VersionRange::Pypi(specs) => write!(f, "{specs}"),
            VersionRange::Go(alternatives) => {
                let text: Vec<String> = alternatives
                    .iter()
                    .map(|all| {
                        all.iter()
                            .map(|(op, v)| {
                                let sym = match op {
                                    Op::Lt => "<",
                                    Op::Le => "<=",
                                    Op::Gt => ">",
                                    Op::Ge => ">=",
                                    Op::Eq => "=",
                                    Op::Ne => "!=",
                                };
                                format!("{sym}v{v}")
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .collect();
                f.write_str(&text.join(" || "))
            }
            VersionRange::Refs(globs) => {
                let text: Vec<&str> = globs.iter().map(|g| g.glob().glob()).collect();
                f.write_str(&text.join(" || "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(e: Ecosystem, text: &str) -> VersionRange {
        VersionRange::parse(e, text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn cargo_requirements_use_caret_by_default() {
        let r = range(Ecosystem::Cargo, "0.23");
        assert_eq!(r.contains("0.23.9"), Some(true));
        assert_eq!(r.contains("0.24.0"), Some(false));
        assert_eq!(r.contains("not-a-version"), None);
        assert!(VersionRange::parse(Ecosystem::Cargo, ">>1").is_err());
    }

    #[test]
    fn npm_ranges_follow_node_semver() {
        let r = range(Ecosystem::Npm, "^1.2.3 || >=3 <4");
        assert_eq!(r.contains("1.9.0"), Some(true));
        assert_eq!(r.contains("2.0.0"), Some(false));
        assert_eq!(r.contains("3.5.0"), Some(true));
        assert!(VersionRange::parse(Ecosystem::Npm, "^^1").is_err());
    }

    #[test]
    fn pep440_specifiers() {
        let r = range(Ecosystem::Pypi, ">=2.31,<3");
        assert_eq!(r.contains("2.32.3"), Some(true));
        assert_eq!(r.contains("3.0.0"), Some(false));
        assert_eq!(range(Ecosystem::Pypi, "~=1.4").contains("1.9"), Some(true));
        assert!(VersionRange::parse(Ecosystem::Pypi, "=>1").is_err());
    }

    #[test]
    fn go_versions_with_pseudo_and_incompatible() {
        let r = range(Ecosystem::Golang, ">=v1.2, <v2");
        assert_eq!(r.contains("v1.4.0"), Some(true));
        assert_eq!(r.contains("v2.0.0+incompatible"), Some(false));
        assert_eq!(r.contains("1.4.0"), Some(true));
        let pseudo = range(Ecosystem::Golang, "<v0.1.0");
        assert_eq!(
            pseudo.contains("v0.0.0-20240101000000-abcdef123456"),
            Some(true)
        );
        assert!(VersionRange::parse(Ecosystem::Golang, ">=banana").is_err());
        assert_eq!(r.to_string(), ">=v1.2.0, <v2.0.0");
    }

    #[test]
    fn docker_and_actions_refs_are_globs() {
        let r = range(Ecosystem::Docker, "1.27* || sha256:*");
        assert_eq!(r.contains("1.27.3-alpine"), Some(true));
        assert_eq!(r.contains("sha256:abc"), Some(true));
        assert_eq!(r.contains("latest"), Some(false));
        assert!(VersionRange::parse(Ecosystem::Github, "v4 ||").is_err());
    }

    #[test]
    fn unbounded_requirements() {
        for (e, req) in [
            (Ecosystem::Cargo, "*"),
            (Ecosystem::Cargo, ">= 1.2"),
            (Ecosystem::Npm, "latest"),
            (Ecosystem::Npm, ">=4"),
            (Ecosystem::Npm, "^1 || >=3"),
            (Ecosystem::Npm, "github:o/r"),
            (Ecosystem::Npm, "o/r"),
            (Ecosystem::Pypi, ""),
            (Ecosystem::Pypi, ">=2.0"),
            (Ecosystem::Pypi, "*"),
        ] {
            assert!(unbounded(e, req).is_some(), "{e} {req:?}");
        }
        for (e, req) in [
            (Ecosystem::Cargo, "1"),
            (Ecosystem::Cargo, ">=1.2, <2"),
            (Ecosystem::Npm, "^1.2.3"),
            (Ecosystem::Npm, ">=1 <2"),
            (Ecosystem::Npm, "github:o/r#v1.0.0"),
            (Ecosystem::Npm, "@scope/pkg"),
            (Ecosystem::Pypi, ">=2,<3"),
            (Ecosystem::Pypi, "~=1.4"),
            (Ecosystem::Pypi, "==1.0"),
            (Ecosystem::Golang, "v1.2.3"),
        ] {
            assert_eq!(unbounded(e, req), None, "{e} {req:?}");
        }
    }

    #[test]
    fn versions_compare_within_an_ecosystem() {
        let a = Version::parse(Ecosystem::Pypi, "1.10").unwrap_or_else(|| panic!());
        let b = Version::parse(Ecosystem::Pypi, "1.9").unwrap_or_else(|| panic!());
        assert_eq!(a.compare(&b), Some(Ordering::Greater));
        let g = Version::parse(Ecosystem::Golang, "v1.2.3").unwrap_or_else(|| panic!());
        assert_eq!(g.compare(&a), None);
        assert!(Version::parse(Ecosystem::Docker, "1.0").is_none());
    }
}
