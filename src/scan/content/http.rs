//! Plain-HTTP endpoints: an `http://` URL counts only where a client would
//! connect to it — a configuration value, a string literal that is the
//! URL, an argument of a download command. Not where it is an identifier
//! (`$schema`, `xmlns`, DTDs, licence URLs), metadata (homepage,
//! repository, bugs, OpenAPI `termsOfService`/`license.url`/`contact.url`),
//! a proxy (`https_proxy: http://squid:3128`: TLS still runs end to end
//! through a proxy's `CONNECT` tunnel), a comment or prose.
//!
//! Hosts that never carry traffic over a network the operator does not
//! control are not flagged either: loopback, `0.0.0.0` (a listen address),
//! names reserved for documentation and testing (RFC 2606/6761:
//! `example.com`, `*.test`, `*.invalid`, `*.localhost`), single-label
//! names (`http://db`: a compose or Kubernetes service, resolvable only
//! inside its network), cluster and private suffixes (`*.svc`,
//! `*.cluster.local`, `*.local` mDNS, `*.internal`, `*.home.arpa`), and
//! private, link-local and unique-local addresses (RFC 1918, 3927, 4193),
//! which route only inside a private network; the cloud metadata endpoint
//! `169.254.169.254` has no HTTPS at all.

use std::net::IpAddr;

use super::lexer::Region;
use super::text::{self, before, byte, is_key, line_start, normalize_key, slice};
use super::{Hit, Input, Language};
use crate::facts::HitKind;
use crate::finding::Confidence;

/// Longer than this is data (a data URI, a blob), not an endpoint.
const MAX_URL: usize = 2048;

/// A URL's host, lower case, without port or brackets.
pub struct Host {
    pub name: String,
}

impl Host {
    /// The host of `authority` (`host:port` or `[v6]:port`, after any
    /// `user:password@`).
    pub fn parse(authority: &str) -> Host {
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let name = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None => authority.split(':').next().unwrap_or(authority),
        };
        Host {
            name: name.trim_end_matches('.').to_ascii_lowercase(),
        }
    }

    fn ip(&self) -> Option<IpAddr> {
        self.name.parse().ok()
    }

    /// A host that cannot be judged: a template, a variable, empty.
    pub fn is_template(&self) -> bool {
        self.name.is_empty()
            || self
                .name
                .contains(['$', '{', '}', '%', '<', '>', '*', '(', ')'])
    }

    /// Loopback, any-address, and names reserved for documentation and
    /// tests: never a real remote endpoint.
    pub fn is_local_or_documentation(&self) -> bool {
        let n = self.name.as_str();
        let suffix = |s: &str| {
            n.strip_suffix(s)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        };
        self.ip()
            .is_some_and(|ip| ip.is_loopback() || ip.is_unspecified())
            || ["localhost", "test", "example", "invalid", "local"]
                .iter()
                .any(|s| suffix(s))
            || ["example.com", "example.org", "example.net"]
                .iter()
                .any(|s| suffix(s))
    }

    /// Reachable only inside a private network or cluster.
    pub fn is_internal(&self) -> bool {
        let n = self.name.as_str();
        let private_ip = match self.ip() {
            Some(IpAddr::V4(v4)) => v4.is_private() || v4.is_link_local(),
            Some(IpAddr::V6(v6)) => {
                let first = v6.segments().first().copied().unwrap_or(0);
                first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
            }
            None => false,
        };
        private_ip
            || (!n.contains('.') && !n.contains(':'))
            || [
                ".svc",
                ".cluster.local",
                ".internal",
                ".home.arpa",
                ".localdomain",
            ]
            .iter()
            .any(|s| n.ends_with(s))
    }
}

/// Hosts whose URLs name schemas, namespaces and licences: identifiers.
const IDENTIFIER_HOSTS: &[&str] = &[
    "www.w3.org",
    "w3.org",
    "json-schema.org",
    "schemas.xmlsoap.org",
    "schemas.microsoft.com",
    "schemas.openxmlformats.org",
    "schemas.android.com",
    "xmlns.com",
    "xmlns.jcp.org",
    "purl.org",
    "ns.adobe.com",
    "java.sun.com",
    "maven.apache.org",
    "www.apache.org",
    "www.springframework.org",
    "www.opengis.net",
    "docs.oasis-open.org",
    "relaxng.org",
    "opensource.org",
    "www.opensource.org",
    "creativecommons.org",
    "www.gnu.org",
    "spdx.org",
    "json.schemastore.org",
];

/// Keys whose URL is metadata or an identifier, never fetched by the
/// product (normalised: lower case without `_`, `-`, `.`).
const METADATA_KEYS: &[&str] = &[
    "homepage",
    "home",
    "repository",
    "repo",
    "bugs",
    "bugtracker",
    "issues",
    "issuetracker",
    "license",
    "licence",
    "licenseurl",
    "licenceurl",
    "licenses",
    "termsofservice",
    "tos",
    "documentation",
    "docs",
    "docsurl",
    "documentationurl",
    "changelog",
    "funding",
    "website",
    "wiki",
    "sourcecode",
    "source",
    "author",
    "authorurl",
    "maintainer",
    "maintainers",
    "contributors",
    "support",
    "help",
    "helpurl",
    "about",
    "projecturl",
    "projecturls",
    "urls",
    "donate",
    "twitter",
    "blog",
    "example",
    "examples",
    "externaldocs",
    "scm",
    "organization",
    "organisation",
    "developer",
    "developers",
    "contact",
    "issuemanagement",
    "cimanagement",
    "$schema",
    "$id",
    "$ref",
    "@id",
    "@context",
    "@type",
    "xmlns",
    "namespace",
    "targetnamespace",
    "schemalocation",
    "schema",
];

/// Keys whose value is prose that may mention a URL.
const PROSE_KEYS: &[&str] = &[
    "description",
    "summary",
    "title",
    "name",
    "message",
    "msg",
    "text",
    "comment",
    "comments",
    "note",
    "notes",
    "label",
    "body",
    "content",
    "details",
    "usage",
    "hint",
    "placeholder",
    "tooltip",
    "helptext",
    "error",
    "warning",
    "info",
];

/// Commands whose URL arguments are fetched.
const COMMANDS: &[&str] = &[
    "curl",
    "wget",
    "git",
    "pip",
    "pip3",
    "npm",
    "yarn",
    "pnpm",
    "apt",
    "apt-get",
    "apk",
    "yum",
    "dnf",
    "helm",
    "docker",
    "go",
    "cargo",
    "gem",
    "composer",
    "http",
    "aria2c",
    "add",
    "iwr",
    "invoke-webrequest",
    "invoke-restmethod",
    "fetch",
    "uv",
    "poetry",
    "conda",
    "brew",
];

/// The plain-HTTP URL whose `://` is at `at`, if it is an endpoint, and
/// where the URL ends (the caller skips anchors inside it).
pub fn url(input: &Input<'_>, at: usize) -> Option<(Option<Hit>, usize)> {
    let bytes = input.bytes;
    let start = at.checked_sub(4)?;
    if !bytes.get(start..at)?.eq_ignore_ascii_case(b"http")
        || before(bytes, start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let (end, authority, overlong) = url_end(bytes, at + 3);
    if overlong {
        return Some((None, end));
    }
    let host = Host::parse(slice(input.text, at + 3..authority));
    let hit = (!host.is_template()
        && !host.is_local_or_documentation()
        && !host.is_internal()
        && !IDENTIFIER_HOSTS.contains(&host.name.as_str())
        && endpoint(input, start, at)
        && !identifier_position(input, start, end))
    .then(|| Hit {
        kind: HitKind::InsecureUrl,
        span: start..end,
        shown: slice(input.text, start..end).to_owned(),
        masks: Vec::new(),
        confidence: Confidence::High,
        why: String::new(),
        related: None,
    });
    Some((hit, end))
}

/// Where the URL from `from` (just after `://`) ends, and where its
/// authority ends. Balanced `(…)` and `${…}`/`{{…}}` are part of it;
/// trailing punctuation is not. An overlong run is flagged: it is data.
fn url_end(bytes: &[u8], from: usize) -> (usize, usize, bool) {
    let limit = (from + MAX_URL).min(bytes.len());
    let (mut parens, mut braces) = (0usize, 0usize);
    let mut authority = None;
    let mut i = from;
    while let Some(c) = byte(bytes, i).filter(|_| i < limit) {
        let in_host = authority.is_none();
        match c {
            b'/' | b'?' | b'#' if in_host && braces == 0 => authority = Some(i),
            // An IPv6 literal: `http://[::1]:8080`.
            b'[' | b']' if in_host && byte(bytes, from) == Some(b'[') => {}
            b'(' => parens += 1,
            b')' if parens == 0 => break,
            b')' => parens -= 1,
            b'{' => braces += 1,
            b'}' if braces == 0 => break,
            b'}' => braces -= 1,
            b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b'^' | b'|' | b'[' | b']' => break,
            c if c.is_ascii_whitespace() || !c.is_ascii() || c.is_ascii_control() => break,
            _ => {}
        }
        i += 1;
    }
    if i == limit && limit == from + MAX_URL {
        return (limit, limit, true);
    }
    let mut end = i;
    while end > from
        && matches!(
            before(bytes, end),
            Some(b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*')
        )
    {
        end -= 1;
    }
    (end, authority.unwrap_or(end).min(end), false)
}

/// `xmlns="…"`, `"$schema": "…"`, DOCTYPE system ids, `.xsd`/`.dtd` paths.
fn identifier_position(input: &Input<'_>, start: usize, end: usize) -> bool {
    let line = slice(input.text, line_start(input.bytes, start)..start).to_ascii_lowercase();
    let url = slice(input.text, start..end).to_ascii_lowercase();
    [
        "xmlns",
        "schemalocation",
        "$schema",
        "$id",
        "$ref",
        "doctype",
        "@context",
    ]
    .iter()
    .any(|k| line.contains(k))
        || [".dtd", ".xsd", ".rdf"].iter().any(|e| url.ends_with(e))
}

/// Whether the URL at `start` (its `://` at `at`) is where a client
/// connects, by language.
fn endpoint(input: &Input<'_>, start: usize, at: usize) -> bool {
    let (region, extent) = input.region(at);
    if region == Region::Comment {
        return false;
    }
    match input.lang {
        lang if lang.is_code() => {
            // The string literal must be the URL (or start with it):
            // `"see http://…"` is prose.
            region == Region::String
                && string_starts_at(input.bytes, extent.start, start)
                && keys_allow(&same_line_key(input, extent.start), None)
        }
        lang if lang.is_config() || lang.is_shell() => config_endpoint(input, start),
        _ => false,
    }
}

/// Whether the string literal opened at `open` begins with `start`
/// (after its quote, a string prefix and blank space).
fn string_starts_at(bytes: &[u8], open: usize, start: usize) -> bool {
    let quote = bytes
        .get(open..start)
        .unwrap_or_default()
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b'`'));
    quote.is_some_and(|q| {
        bytes
            .get(open + q + 1..start)
            .unwrap_or_default()
            .iter()
            .all(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
    })
}

/// A URL in configuration or a script: the value of a key, a list item,
/// or an argument of a command that downloads.
fn config_endpoint(input: &Input<'_>, start: usize) -> bool {
    let bytes = input.bytes;
    let mut i = start;
    while matches!(before(bytes, i), Some(b'"' | b'\'')) {
        i -= 1;
    }
    let line_from = line_start(bytes, start);
    let prefix = slice(input.text, line_from..i);
    let trimmed = prefix.trim_end();
    let value_position = trimmed.is_empty()
        || trimmed.ends_with([':', '=', '[', ',', '(', '-'])
        || trimmed.ends_with("=>");
    if value_position {
        let key = same_line_key(input, i);
        return keys_allow(&key, parent_key(input, i).as_deref());
    }
    // An argument: the line runs a command that fetches it.
    // No allocation per word: every URL of a long line looks back over
    // its window, so this runs once per `://` of the file.
    prefix
        .split(|c: char| c.is_ascii_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '`'))
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .any(|w| COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(w)))
}

/// Neither the key nor its parent makes the URL metadata, prose or a proxy.
fn keys_allow(key: &Option<String>, parent: Option<&str>) -> bool {
    let judge = |k: &str, own: bool| {
        let n = normalize_key(k);
        let last = k.rsplit('.').next().map(normalize_key).unwrap_or_default();
        n.contains("proxy")
            || METADATA_KEYS.contains(&n.as_str())
            || METADATA_KEYS.contains(&last.as_str())
            || (own && (PROSE_KEYS.contains(&n.as_str()) || PROSE_KEYS.contains(&last.as_str())))
    };
    !key.as_deref().is_some_and(|k| judge(k, true)) && !parent.is_some_and(|p| judge(p, false))
}

/// The key whose value starts at `value` on the same line: `key:`, `key =`,
/// `"key": `, `KEY=`, `key =>`.
fn same_line_key(input: &Input<'_>, value: usize) -> Option<String> {
    let bytes = input.bytes;
    let mut i = value;
    while matches!(before(bytes, i), Some(b'"' | b'\'' | b'`' | b' ' | b'\t')) {
        i -= 1;
    }
    match before(bytes, i) {
        Some(b'=') if before(bytes, i - 1) == Some(b'>') => return None,
        Some(b'>') if before(bytes, i - 1) == Some(b'=') => i -= 2,
        Some(b':' | b'=') => i -= 1,
        _ => return None,
    }
    while matches!(before(bytes, i), Some(b'"' | b'\'' | b' ' | b'\t' | b']')) {
        i -= 1;
    }
    let key = text::expand(bytes, i.saturating_sub(1), |b| {
        is_key(b) || b == b'$' || b == b'@'
    });
    (key.end == i && !key.is_empty()).then(|| slice(input.text, key).to_owned())
}

/// Lines looked back for a parent key.
const PARENT_LINES: usize = 64;

/// The key of the enclosing map or section: the nearest line above with
/// less indentation (YAML), the `[section]` header (TOML, INI), or the key
/// of the enclosing `{` (JSON). Bounded to [`PARENT_LINES`] lines.
pub(super) fn parent_key(input: &Input<'_>, at: usize) -> Option<String> {
    let bytes = input.bytes;
    let line_from = line_start(bytes, at);
    match input.lang {
        Language::Json => json_parent(input, at),
        Language::Yaml | Language::Toml | Language::Ini => {
            let indent = |at: usize| text::run(bytes, at, |b| b == b' ' || b == b'-', 256);
            let own = indent(line_from);
            let mut line = line_from;
            for _ in 0..PARENT_LINES {
                if line == 0 {
                    return None;
                }
                line = line_start(bytes, line - 1);
                let body_at = line + indent(line);
                let body = slice(input.text, body_at..text::line_end(bytes, line)).trim_end();
                if body.is_empty() || body.starts_with('#') {
                    continue;
                }
                if let Some(section) = body.strip_prefix('[') {
                    return Some(section.trim_matches(['[', ']']).to_owned());
                }
                if input.lang == Language::Yaml && indent(line) < own {
                    return body
                        .split_once(':')
                        .map(|(k, _)| k.trim_matches(['"', '\'', ' ']).to_owned());
                }
            }
            None
        }
        _ => None,
    }
}

/// The key before the `{` that encloses `at` in JSON, bounded to 4 KiB.
fn json_parent(input: &Input<'_>, at: usize) -> Option<String> {
    let bytes = input.bytes;
    let low = at.saturating_sub(4096);
    let mut depth = 0usize;
    let mut i = at;
    while i > low {
        i -= 1;
        match byte(bytes, i)? {
            b'}' | b']' => depth += 1,
            b'{' | b'[' if depth > 0 => depth -= 1,
            b'{' => return same_line_key(input, i),
            b'[' => return same_line_key(input, i),
            _ => {}
        }
    }
    None
}
