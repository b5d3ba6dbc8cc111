//! Package URLs (<https://github.com/package-url/purl-spec>): the one identity
//! every component has, whatever ecosystem it comes from, and the patterns
//! policies use to name components.

use std::fmt;
use std::str::FromStr;

use globset::{GlobBuilder, GlobMatcher};

/// The purl types pscf-lint knows how to scan and match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Cargo,
    Npm,
    Pypi,
    Golang,
    Github,
    Docker,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 6] = [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::Pypi,
        Ecosystem::Golang,
        Ecosystem::Github,
        Ecosystem::Docker,
    ];

    /// The purl `type` component.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Golang => "golang",
            Ecosystem::Github => "github",
            Ecosystem::Docker => "docker",
        }
    }

    fn from_purl_type(ty: &str) -> Option<Self> {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.purl_type().eq_ignore_ascii_case(ty))
    }

    /// Names compare case-insensitively in these ecosystems, so both sides
    /// are lower-cased before matching.
    fn case_insensitive(self) -> bool {
        matches!(
            self,
            Ecosystem::Pypi | Ecosystem::Github | Ecosystem::Docker
        )
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.purl_type())
    }
}

/// A parsed, normalised package URL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Purl {
    pub ecosystem: Ecosystem,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// The `repository_url` qualifier: a registry other than the
    /// ecosystem's default (`ghcr.io` for a container image).
    pub repository_url: Option<String>,
    /// The `tag` qualifier: a container image's tag when its version is
    /// the digest it is pinned to (`alpine:3.22@sha256:…`).
    pub tag: Option<String>,
    /// A path inside the package (`analyze` of `github/codeql-action`).
    pub subpath: Option<String>,
}

impl Purl {
    pub fn new(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> Self {
        let (namespace, name) = match name.rsplit_once('/') {
            Some((ns, n)) if !ns.is_empty() => (Some(ns.to_owned()), n.to_owned()),
            _ => (None, name.to_owned()),
        };
        Purl {
            ecosystem,
            namespace,
            name,
            version: version.map(str::to_owned),
            repository_url: None,
            tag: None,
            subpath: None,
        }
        .normalised()
    }

    pub fn with_subpath(mut self, subpath: Option<&str>) -> Self {
        self.subpath = subpath.filter(|s| !s.is_empty()).map(str::to_owned);
        self
    }

    pub fn with_repository_url(mut self, url: Option<&str>) -> Self {
        self.repository_url = url.map(str::to_owned);
        self
    }

    pub fn with_tag(mut self, tag: Option<&str>) -> Self {
        self.tag = tag.filter(|t| !t.is_empty()).map(str::to_owned);
        self
    }

    /// The version as people write it: `3.22 @sha256:1435…` for an image
    /// pinned by tag and digest (the digest shortened), else the version.
    pub fn display_version(&self) -> Option<String> {
        let version = self.version.as_deref()?;
        Some(match (&self.tag, version.split_once(':')) {
            (Some(tag), Some((algorithm, hex))) => {
                let short: String = hex.chars().take(12).collect();
                let more = if hex.chars().count() > 12 { "…" } else { "" };
                format!("{tag} @{algorithm}:{short}{more}")
            }
            _ => version.to_owned(),
        })
    }

    fn normalised(mut self) -> Self {
        if self.ecosystem.case_insensitive() {
            self.name = self.name.to_lowercase();
            self.namespace = self.namespace.map(|ns| ns.to_lowercase());
        }
        if self.ecosystem == Ecosystem::Pypi {
            self.name = pep503_normalise(&self.name);
        }
        self
    }

    /// `namespace/name`, or `name` when there is no namespace.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The same purl without its version (and the tag that goes with it).
    pub fn without_version(&self) -> Purl {
        Purl {
            version: None,
            tag: None,
            ..self.clone()
        }
    }
}

/// PEP 503: runs of `-`, `_` and `.` become one `-`, lower case.
fn pep503_normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                out.push('-');
            }
            in_separator_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    out
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ecosystem)?;
        if let Some(ns) = &self.namespace {
            for segment in ns.split('/') {
                write!(f, "{}/", encode(segment))?;
            }
        }
        f.write_str(&encode(&self.name))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", encode(v))?;
        }
        // Qualifiers in the spec's lexical order of keys.
        let qualifiers = [("repository_url", &self.repository_url), ("tag", &self.tag)];
        let mut separator = '?';
        for (key, value) in qualifiers {
            if let Some(value) = value {
                write!(f, "{separator}{key}={}", encode(value))?;
                separator = '&';
            }
        }
        if let Some(sub) = &self.subpath {
            let segments: Vec<String> = sub.split('/').map(encode).collect();
            write!(f, "#{}", segments.join("/"))?;
        }
        Ok(())
    }
}

/// Percent-encodes what the purl spec does not allow literally in a segment
/// (notably `@` of npm scopes, and `/`, `?`, `#`, `%`, spaces).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b".-_~:!*".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(segment: &str) -> Result<String, PurlError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| PurlError(format!("bad percent-escape in `{segment}`")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PurlError(format!("`{segment}` decodes to invalid UTF-8")))
}

/// Why a string is not a purl, phrased for a policy author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlError(pub String);

impl fmt::Display for PurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Splits `pkg:TYPE/NS/NAME@VERSION?QUALIFIERS#SUBPATH` into its raw parts.
/// Qualifiers and subpath are accepted and ignored by policies: a pattern
/// names components by type, namespace, name and version.
fn split(s: &str) -> Result<(Ecosystem, String, Option<String>), PurlError> {
    let rest = s.strip_prefix("pkg:").ok_or_else(|| {
        PurlError(format!(
            "`{s}` is not a package URL: it must start with `pkg:`"
        ))
    })?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    let rest = rest.trim_start_matches('/');
    let (ty, path) = rest
        .split_once('/')
        .ok_or_else(|| PurlError(format!("`{s}` has no name: write `pkg:TYPE/NAME`")))?;
    let ecosystem = Ecosystem::from_purl_type(ty).ok_or_else(|| {
        let known: Vec<_> = Ecosystem::ALL.iter().map(|e| e.purl_type()).collect();
        PurlError(format!(
            "unknown purl type `{ty}` (known: {})",
            known.join(", ")
        ))
    })?;
    // The version follows the last `@` that comes after the last `/`, so an
    // npm scope (`@types/node`) is never mistaken for a version.
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (name_path, version) = match path.get(last_slash..).and_then(|tail| tail.rfind('@')) {
        Some(at) if at > 0 => {
            let at = last_slash + at;
            let (name, version) = (
                path.get(..at).unwrap_or(""),
                path.get(at + 1..).unwrap_or(""),
            );
            (name, Some(decode(version)?))
        }
        _ => (path, None),
    };
    let segments: Vec<String> = name_path
        .split('/')
        .filter(|seg| !seg.is_empty())
        .map(decode)
        .collect::<Result<_, _>>()?;
    if segments.is_empty() {
        return Err(PurlError(format!("`{s}` has no name")));
    }
    if version.as_deref() == Some("") {
        return Err(PurlError(format!("`{s}` has an empty version after `@`")));
    }
    Ok((ecosystem, segments.join("/"), version))
}

impl FromStr for Purl {
    type Err = PurlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (ecosystem, name, version) = split(s)?;
        if name.contains(['*', '?', '[', '{']) {
            return Err(PurlError(format!(
                "`{s}` contains a glob; a pattern is allowed here only where the policy says so"
            )));
        }
        Ok(Purl::new(ecosystem, &name, version.as_deref()))
    }
}

/// A policy's way of naming components: an ecosystem, a glob over
/// `namespace/name` (`*` stays inside one segment, `**` crosses them), and
/// optionally one exact version.
#[derive(Clone, Debug)]
pub struct PurlPattern {
    pub ecosystem: Ecosystem,
    text: String,
    name: NameMatcher,
    pub version: Option<String>,
}

#[derive(Clone, Debug)]
enum NameMatcher {
    Exact(String),
    Glob(GlobMatcher),
}

impl PurlPattern {
    pub fn matches(&self, purl: &Purl) -> bool {
        if purl.ecosystem != self.ecosystem {
            return false;
        }
        let name = purl.qualified_name();
        let name_ok = match &self.name {
            NameMatcher::Exact(exact) => *exact == name,
            NameMatcher::Glob(glob) => glob.is_match(&name),
        };
        name_ok
            && match (&self.version, &purl.version) {
                (None, _) => true,
                (Some(want), Some(have)) => want == have,
                (Some(_), None) => false,
            }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for PurlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for PurlPattern {
    type Err = PurlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (ecosystem, name, version) = split(s)?;
        // Normalise the literal parts the way component purls are normalised.
        let normalised = Purl::new(ecosystem, &name, None).qualified_name();
        let name = if normalised.contains(['*', '?', '[', '{']) {
            let glob = GlobBuilder::new(&normalised)
                .literal_separator(true)
                .build()
                .map_err(|e| PurlError(format!("bad glob in `{s}`: {}", e.kind())))?;
            NameMatcher::Glob(glob.compile_matcher())
        } else {
            NameMatcher::Exact(normalised)
        };
        Ok(PurlPattern {
            ecosystem,
            text: s.to_owned(),
            name,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(s: &str) -> Purl {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn round_trips_and_encodes_npm_scopes() {
        let p = purl("pkg:npm/%40types/node@20.1.0");
        assert_eq!(p.namespace.as_deref(), Some("@types"));
        assert_eq!(p.name, "node");
        assert_eq!(p.version.as_deref(), Some("20.1.0"));
        assert_eq!(p.to_string(), "pkg:npm/%40types/node@20.1.0");
        assert_eq!(purl("pkg:npm/@types/node@20.1.0"), p);
    }

    #[test]
    fn normalises_pypi_and_github_names() {
        assert_eq!(purl("pkg:pypi/Foo_Bar.baz").name, "foo-bar-baz");
        assert_eq!(
            purl("pkg:github/Actions/Checkout@v4").to_string(),
            "pkg:github/actions/checkout@v4"
        );
        assert_eq!(purl("pkg:cargo/Serde").name, "Serde");
    }

    #[test]
    fn displays_qualifier_and_subpath() {
        let p = Purl::new(Ecosystem::Github, "github/codeql-action", Some("v3"))
            .with_subpath(Some("analyze"));
        assert_eq!(p.to_string(), "pkg:github/github/codeql-action@v3#analyze");
        let d = Purl::new(Ecosystem::Docker, "owner/img", Some("1.0"))
            .with_repository_url(Some("ghcr.io"));
        assert_eq!(
            d.to_string(),
            "pkg:docker/owner/img@1.0?repository_url=ghcr.io"
        );
        let pinned = Purl::new(
            Ecosystem::Docker,
            "library/alpine",
            Some("sha256:14352a0bcf9f"),
        )
        .with_repository_url(Some("ghcr.io"))
        .with_tag(Some("3.22"));
        assert_eq!(
            pinned.to_string(),
            "pkg:docker/library/alpine@sha256:14352a0bcf9f?repository_url=ghcr.io&tag=3.22"
        );
        assert_eq!(
            pinned.display_version().as_deref(),
            Some("3.22 @sha256:14352a0bcf9f")
        );
        assert_eq!(
            pinned.without_version().to_string(),
            "pkg:docker/library/alpine?repository_url=ghcr.io"
        );
    }

    #[test]
    fn rejects_malformed_purls() {
        for bad in [
            "cargo/serde",
            "pkg:cargo",
            "pkg:foo/bar",
            "pkg:cargo/serde@",
            "pkg:cargo/a%zz",
            "pkg:cargo/x*",
        ] {
            assert!(bad.parse::<Purl>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn patterns_match_by_name_glob_and_version() {
        let types: PurlPattern = "pkg:npm/@types/*".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(types.matches(&purl("pkg:npm/@types/node@1.0.0")));
        assert!(!types.matches(&purl("pkg:npm/node@1.0.0")));
        assert!(!types.matches(&purl("pkg:cargo/@types/node")));
        let exact: PurlPattern = "pkg:cargo/openssl@0.10.1"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(exact.matches(&purl("pkg:cargo/openssl@0.10.1")));
        assert!(!exact.matches(&purl("pkg:cargo/openssl@0.10.2")));
        assert!(!exact.matches(&purl("pkg:cargo/openssl-sys@0.10.1")));
        let gh: PurlPattern = "pkg:github/Actions/*"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(gh.matches(&purl("pkg:github/actions/checkout@v4")));
    }
}
