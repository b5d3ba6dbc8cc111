//! Just enough of PEP 508 to identify a requirement: name, version
//! specifier, direct URL. Markers and extras are accepted and ignored.

use std::ops::Range;

use super::{Declared, PYPI};
use crate::facts::{Scope, Source};

#[derive(Debug, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub name: &'a str,
    pub spec: &'a str,
    pub url: Option<&'a str>,
}

/// Parses `name[extras] (spec) ; markers` or `name @ url ; markers`.
pub fn parse(text: &str) -> Option<Requirement<'_>> {
    let text = text.split(';').next().unwrap_or(text).trim();
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.len());
    let name = text.get(..name_len).filter(|n| !n.is_empty())?;
    let mut rest = text.get(name_len..)?.trim_start();
    if rest.starts_with('[') {
        rest = rest.get(rest.find(']')? + 1..)?.trim_start();
    }
    if let Some(url) = rest.strip_prefix('@') {
        return Some(Requirement {
            name,
            spec: "",
            url: Some(url.trim()),
        });
    }
    let spec = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some(Requirement {
        name,
        spec,
        url: None,
    })
}

/// A manifest declaration from a PEP 508 requirement string.
pub fn declared(text: &str, scope: Scope, span: Range<usize>) -> Option<Declared> {
    let req = parse(text)?;
    let source = match req.url {
        Some(url)
            if ["git+", "hg+", "svn+", "bzr+"]
                .iter()
                .any(|p| url.starts_with(p)) =>
        {
            Source::Git {
                url: url.to_owned(),
                reference: None,
                follows_branch: true,
            }
        }
        Some(url) if url.starts_with("file:") => Source::Path(url.to_owned()),
        Some(url) => Source::Url(url.to_owned()),
        None => Source::Registry(PYPI.to_owned()),
    };
    Some(Declared {
        name: req.name.to_owned(),
        spec: req.spec.to_owned(),
        pinned: exact_pin(req.spec).map(str::to_owned),
        source,
        scope,
        direct: true,
        span,
    })
}

/// `==1.2.3` (one exact, non-wildcard pin) → `1.2.3`; also with an epoch
/// (`==1!0.5`) and PEP 440's arbitrary equality (`===1.0-custom`).
pub fn exact_pin(spec: &str) -> Option<&str> {
    let spec = spec.trim();
    let version = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    // `!` is the epoch separator here; `!=` would bring a `=`.
    let single = !version.contains([',', '*', ' ', '<', '>', '~', '=', ';']);
    (single && !version.is_empty()).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requirements() {
        assert_eq!(
            parse("requests[socks]>=2.31,<3 ; python_version>'3.8'"),
            Some(Requirement {
                name: "requests",
                spec: ">=2.31,<3",
                url: None
            })
        );
        assert_eq!(
            parse("pkg @ https://example.com/pkg-1.0.whl"),
            Some(Requirement {
                name: "pkg",
                spec: "",
                url: Some("https://example.com/pkg-1.0.whl")
            })
        );
        assert_eq!(parse("Django (==4.2.11)").map(|r| r.spec), Some("==4.2.11"));
        assert_eq!(parse(">=1"), None);
        assert_eq!(exact_pin("==1.2.3"), Some("1.2.3"));
        assert_eq!(exact_pin("==1.*"), None);
        assert_eq!(exact_pin(">=1"), None);
        assert_eq!(exact_pin("==1!0.5"), Some("1!0.5"));
        assert_eq!(exact_pin("===1.0-custom"), Some("1.0-custom"));
        assert_eq!(exact_pin("== 2.0"), Some("2.0"));
        assert_eq!(exact_pin("==1.0,!=1.0.1"), None);
        assert_eq!(exact_pin("!=1.0"), None);
    }
}
