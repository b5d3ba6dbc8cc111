//! Content checks over every text file: hard-coded secrets in high-precision
//! formats, TLS verification switched off, and `http://` endpoints in
//! manifests and configuration. One `RegexSet` pass per file decides which
//! patterns need locating, so files that match nothing cost one scan.
//!
//! Secrets never leave this module in clear: hits carry a redacted form,
//! and [`redacted`] masks them in the text kept for snippets.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::facts::{ContentHit, HitKind};
use crate::location::SourceFile;

struct Pattern {
    kind: HitKind,
    regex: &'static str,
    /// The capture group holding the secret itself (0: the whole match).
    group: usize,
    /// Whether the match is the secret (masked) or only marks it (a
    /// private key's `-----BEGIN` line, shown as is).
    redact: bool,
}

const fn secret(format: &'static str, regex: &'static str, group: usize) -> Pattern {
    Pattern {
        kind: HitKind::Secret { format },
        regex,
        group,
        redact: true,
    }
}

const fn tls(what: &'static str, regex: &'static str) -> Pattern {
    Pattern {
        kind: HitKind::TlsDisabled { what },
        regex,
        group: 0,
        redact: false,
    }
}

const PATTERNS: &[Pattern] = &[
    Pattern {
        kind: HitKind::Secret {
            format: "private key",
        },
        regex: r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
        group: 0,
        redact: false,
    },
    secret("AWS access key id", r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b", 1),
    secret("GitHub token", r"\b(gh[pousr]_[A-Za-z0-9]{36})\b", 1),
    secret(
        "GitHub fine-grained token",
        r"\b(github_pat_[A-Za-z0-9_]{82})\b",
        1,
    ),
    secret("GitLab token", r"\b(glpat-[A-Za-z0-9_-]{20})\b", 1),
    secret("Slack token", r"\b(xox[baprs]-[A-Za-z0-9-]{10,})\b", 1),
    secret(
        "Slack webhook",
        r"(https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,})",
        1,
    ),
    secret(
        "Stripe live key",
        r"\b((?:sk|rk)_live_[A-Za-z0-9]{24,})\b",
        1,
    ),
    secret(
        "Google API key",
        r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        1,
    ),
    secret("npm token", r"\b(npm_[A-Za-z0-9]{36})\b", 1),
    secret(
        "JSON Web Token",
        r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})",
        1,
    ),
    // Only schemes whose URLs carry credentials (not `docker://img:tag@sha256`).
    secret(
        "password in URL",
        r"\b(?:https?|s?ftps?|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|smtps?|ldaps?|ssh|git|mssql|sqlserver|jdbc:[a-z]+)://[^\s:/@'\x22]{1,64}:([^\s:/@'\x22]{1,128})@[A-Za-z0-9.-]",
        1,
    ),
    tls(
        "`verify=False` (Python requests/httpx)",
        r"\bverify\s*=\s*False\b",
    ),
    tls(
        "`rejectUnauthorized: false` (Node.js TLS)",
        r"\brejectUnauthorized\s*:\s*false\b",
    ),
    tls(
        "`NODE_TLS_REJECT_UNAUTHORIZED=0`",
        r"\bNODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*['\x22]?0\b",
    ),
    tls(
        "`InsecureSkipVerify: true` (Go crypto/tls)",
        r"\bInsecureSkipVerify\s*:\s*true\b",
    ),
    tls(
        "`danger_accept_invalid_certs(true)` (reqwest)",
        r"\bdanger_accept_invalid_(?:certs|hostnames)\s*\(\s*true\s*\)",
    ),
    tls(
        "`curl -k/--insecure`",
        r"\bcurl\b[^\n|;&]*\s(?:-[A-Za-z]*k[A-Za-z]*|--insecure)(?:\s|$)",
    ),
    tls(
        "`wget --no-check-certificate`",
        r"\bwget\b[^\n|;&]*\s--no-check-certificate\b",
    ),
    tls(
        "`http.sslVerify false` (git)",
        r"\bhttp\.sslVerify\s*=?\s*false\b",
    ),
    tls(
        "`GIT_SSL_NO_VERIFY`",
        r"\bGIT_SSL_NO_VERIFY\s*[=:]\s*['\x22]?(?:1|true)\b",
    ),
];

/// Placeholder passwords in URLs (`user:password@host` in docs and samples).
const PLACEHOLDERS: &[&str] = &[
    "password", "pass", "passwd", "secret", "changeme", "xxx", "xxxx", "pwd", "token", "example",
];

/// Literals at least one of which every pattern needs: a file holding
/// none of them is skipped without running the regex set (most files).
const REQUIRED_LITERALS: &[&str] = &[
    "-----BEGIN",
    "AKIA",
    "ASIA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "hooks.slack.com",
    "_live_",
    "AIza",
    "npm_",
    "eyJ",
    "://",
    "verify",
    "rejectUnauthorized",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "InsecureSkipVerify",
    "danger_accept_invalid_",
    "curl",
    "wget",
    "sslVerify",
    "GIT_SSL_NO_VERIFY",
];

static PREFILTER: LazyLock<Option<aho_corasick::AhoCorasick>> =
    LazyLock::new(|| aho_corasick::AhoCorasick::new(REQUIRED_LITERALS).ok());

static SET: LazyLock<Option<RegexSet>> =
    LazyLock::new(|| RegexSet::new(PATTERNS.iter().map(|p| p.regex)).ok());
static REGEXES: LazyLock<Vec<Option<Regex>>> =
    LazyLock::new(|| PATTERNS.iter().map(|p| Regex::new(p.regex).ok()).collect());
static HTTP_URL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"http://([A-Za-z0-9.\-\[\]:]+)[^\s'"<>)\]}]*"#).ok());

/// Hosts that are never a network transport: loopback, reserved example
/// domains, and URIs used only as identifiers (XML and JSON schema ids).
fn harmless_host(host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .split([']', ':'])
        .next()
        .unwrap_or(host)
        .to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host.is_empty()
        || host == "0.0.0.0"
        || host == "::1"
        || [
            "example.com",
            "example.org",
            "example.net",
            "json-schema.org",
            "www.w3.org",
            "w3.org",
            "schemas.xmlsoap.org",
            "purl.org",
            "xmlns.com",
            "schemas.microsoft.com",
            "maven.apache.org",
            "www.apache.org",
        ]
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// A URI in an identifier position (`"$id"`, `"$schema"`, `"$ref"`,
/// `xmlns`): it names a schema or namespace and is never fetched.
fn is_identifier(text: &str, at: usize) -> bool {
    // Only the key just before the URL matters; looking back a bounded
    // distance keeps a megabyte-long line linear.
    let from = crate::location::floor_char_boundary(text, at.saturating_sub(256));
    let line_start = text
        .get(from..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(from, |i| from + i + 1);
    let before = text.get(line_start..at).unwrap_or("");
    ["$id", "$schema", "$ref", "xmlns", "xsi:schemaLocation"]
        .iter()
        .any(|k| before.contains(k))
}

/// Redacted form of a secret: at most its first 4 characters, then `…`.
pub fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(shown_chars(secret)).collect();
    format!("{head}…")
}

/// How many leading characters of a secret may be shown: none of a short
/// one (four characters of an eight-character password are half of it),
/// four of one of 12 characters or more.
pub fn shown_chars(secret: &str) -> usize {
    if secret.chars().count() < 12 { 0 } else { 4 }
}

/// What kind of text a file holds, which decides the checks that apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextClass {
    /// Manifests, lockfiles, workflows, Dockerfiles, configuration: an
    /// `http://` URL there is an endpoint.
    Config,
    Code,
    /// Documentation: it may quote `verify=False` to warn against it, so only
    /// secrets are looked for.
    Prose,
}

/// Every content hit in `source`.
pub fn scan(source: &SourceFile, class: TextClass) -> Vec<ContentHit> {
    let text = source.text.as_str();
    let mut hits = Vec::new();
    if PREFILTER.as_ref().is_some_and(|p| !p.is_match(text)) {
        return hits;
    }
    if let Some(set) = SET.as_ref() {
        for index in set.matches(text).iter() {
            let (Some(pattern), Some(Some(regex))) = (PATTERNS.get(index), REGEXES.get(index))
            else {
                continue;
            };
            if class == TextClass::Prose && !matches!(pattern.kind, HitKind::Secret { .. }) {
                continue;
            }
            for captures in regex.captures_iter(text) {
                let Some(m) = captures.get(pattern.group) else {
                    continue;
                };
                let value = m.as_str();
                if matches!(
                    pattern.kind,
                    HitKind::Secret {
                        format: "password in URL"
                    }
                ) && (PLACEHOLDERS.contains(&value.to_ascii_lowercase().as_str())
                    || value.starts_with(['$', '<', '{', '%', '*']))
                {
                    continue;
                }
                let shown = if pattern.redact {
                    redact(value)
                } else {
                    value.to_owned()
                };
                hits.push(ContentHit {
                    kind: pattern.kind,
                    location: source.location(m.range()),
                    shown,
                    masked: pattern.redact,
                });
            }
        }
    }
    if class == TextClass::Config
        && text.contains("http://")
        && let Some(url) = HTTP_URL.as_ref()
    {
        for captures in url.captures_iter(text) {
            let (Some(whole), Some(host)) = (captures.get(0), captures.get(1)) else {
                continue;
            };
            if !harmless_host(host.as_str()) && !is_identifier(text, whole.start()) {
                hits.push(ContentHit {
                    kind: HitKind::InsecureUrl,
                    location: source.location(whole.range()),
                    shown: whole.as_str().to_owned(),
                    masked: false,
                });
            }
        }
    }
    hits.sort_by(|a, b| a.location.cmp(&b.location));
    // What a non-secret hit shows is taken from the masked text, so a URL
    // or command that contains a secret never shows it (`http://user:PASSWORD@host`).
    if let Some(masked) = redacted(text, &hits) {
        for hit in hits.iter_mut().filter(|h| !h.masked) {
            if let Some(shown) = masked.get(hit.location.span.clone()) {
                hit.shown = shown.to_owned();
            }
        }
    }
    hits
}

/// `text` with every secret masked after its first 4 characters (same byte
/// length, so spans still hold), or `None` when it holds no secret.
pub fn redacted(text: &str, hits: &[ContentHit]) -> Option<String> {
    let secrets: Vec<Range<usize>> = hits
        .iter()
        .filter(|h| h.masked)
        .map(|h| h.location.span.clone())
        .collect();
    if secrets.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in secrets {
        let keep = text.get(span.clone()).map_or(0, |s| {
            s.chars().take(shown_chars(s)).map(char::len_utf8).sum()
        });
        for b in bytes
            .get_mut(span.start + keep..span.end)
            .into_iter()
            .flatten()
        {
            // Secret formats are ASCII; anything else is left as is so the
            // text stays valid UTF-8.
            if b.is_ascii() {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn hits(text: &str, config: bool) -> Vec<(String, String)> {
        let source = SourceFile::new(RelPath::new("f"), text.to_owned());
        scan(
            &source,
            if config {
                TextClass::Config
            } else {
                TextClass::Code
            },
        )
        .into_iter()
        .map(|h| (format!("{:?}", h.kind), h.shown))
        .collect()
    }

    #[test]
    fn finds_secret_formats_and_redacts_them() {
        // Assembled at run time so this file holds no secret-shaped literal.
        let aws = format!("key = \"{}{}\"", "AKIA", "FAKEFAKEFAKEFAKE");
        let found = hits(&aws, false);
        assert_eq!(
            found,
            [(
                "Secret { format: \"AWS access key id\" }".to_owned(),
                "AKIA…".to_owned()
            )]
        );
        let gh = format!("token: {}{}", "ghp_", "a".repeat(36));
        assert_eq!(hits(&gh, false).len(), 1);
        let url = format!(
            "DATABASE_URL=postgres://app:{}@db.internal:5432/app",
            "s3cr3t-Value"
        );
        assert_eq!(
            hits(&url, false).first().map(|h| h.1.clone()).as_deref(),
            Some("s3cr…")
        );
    }

    #[test]
    fn near_misses_are_quiet() {
        assert!(hits("postgres://user:password@localhost/db", false).is_empty());
        assert!(hits("url = \"https://user:${DB_PASSWORD}@db/x\"", false).is_empty());
        assert!(hits("AKIA-not-a-key", false).is_empty());
        assert!(hits("requests.get(url, verify=True)", false).is_empty());
        assert!(hits("curl -fsSL https://x -o k", false).is_empty());
        assert!(hits("\"$schema\": \"http://json-schema.org/draft-07/schema#\"\nurl: http://localhost:8080/x\nhttp://127.0.0.1:9000", true).is_empty());
        assert!(hits("see http://insecure.example.net/", false).is_empty());
        assert!(hits("uses: docker://image:tag@sha256:0123", false).is_empty());
        assert!(
            hits(
                "\"$id\": \"http://cyclonedx.org/schema/bom-1.5.schema.json\"",
                true
            )
            .is_empty()
        );
        let doc = SourceFile::new(
            RelPath::new("README.md"),
            "never use verify=False".to_owned(),
        );
        assert!(scan(&doc, TextClass::Prose).is_empty());
    }

    #[test]
    fn other_hits_never_show_a_secret_they_contain() {
        let text = format!(
            "registry: http://deploy:{}@npm.corp.internal/",
            "Sup3rS3cretValue"
        );
        let found = hits(&text, true);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .all(|(_, shown)| !shown.contains("Sup3rS3cretValue")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(_, shown)| *shown
                == format!("http://deploy:{}@npm.corp.internal/", "Sup3************")),
            "{found:?}"
        );
    }

    #[test]
    fn tls_and_transport() {
        assert_eq!(hits("requests.get(u, verify=False)", false).len(), 1);
        assert_eq!(
            hits("RUN curl -fsSL --insecure https://x | sh", false).len(),
            1
        );
        assert_eq!(hits("curl -skL https://x", false).len(), 1);
        assert_eq!(
            hits("git config --global http.sslVerify false", false).len(),
            1
        );
        assert_eq!(
            hits("registry = \"http://npm.corp.internal/\"", true).len(),
            1
        );
        assert!(hits("registry = \"http://npm.corp.internal/\"", false).is_empty());
    }

    #[test]
    fn every_pattern_needs_a_prefilter_literal() {
        // Each pattern's own test string must pass the prefilter, or the
        // prefilter would hide real hits.
        // Assembled at run time so this file holds no secret-shaped literal.
        let key = format!("-----BEGIN RSA {}-----", "PRIVATE KEY");
        let url = format!("postgres://a:{}@c", "b");
        let samples = [
            key.as_str(),
            "AKIA",
            "ghp_",
            "github_pat_",
            "glpat-",
            "xoxb-",
            "hooks.slack.com",
            "sk_live_",
            "AIza",
            "npm_",
            "eyJ",
            url.as_str(),
            "verify=False",
            "rejectUnauthorized: false",
            "NODE_TLS_REJECT_UNAUTHORIZED=0",
            "InsecureSkipVerify: true",
            "danger_accept_invalid_certs(true)",
            "curl -k x",
            "wget --no-check-certificate",
            "http.sslVerify false",
            "GIT_SSL_NO_VERIFY=1",
        ];
        let p = PREFILTER.as_ref().unwrap_or_else(|| panic!("prefilter"));
        for sample in samples {
            assert!(p.is_match(sample), "{sample}");
        }
        assert_eq!(samples.len(), PATTERNS.len());
    }

    #[test]
    fn redaction_keeps_offsets() {
        let text = format!("a = {}{}\nb", "ghp_", "Z".repeat(36));
        let source = SourceFile::new(RelPath::new("f"), text.clone());
        let found = scan(&source, TextClass::Code);
        let masked = redacted(&text, &found).unwrap_or_default();
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("a = ghp_****"));
        assert!(!masked.contains("ZZZZ"));
    }
}
