//! TLS certificate verification switched off, in code (per language, only
//! in code: never in a comment, a docstring or a string that is prose) and
//! in configuration (YAML, JSON, TOML, INI, `.env`, shell and Dockerfile
//! environment entries and flags).
//!
//! Keys are matched by their normalised name, so every spelling of one
//! setting is one entry: `insecure_skip_verify`, `insecureSkipVerify`,
//! `X_TLS_INSECURE_SKIP_VERIFY`, `--insecure-skip-tls-verify`.

use super::http::{Host, parent_key};
use super::lexer::Region;
use super::secrets::assignment;
use super::text::{self, before, byte, expand, is_key, is_word, line_end, line_start, run, slice};
use super::{Hit, Input, Language};
use crate::facts::HitKind;
use crate::finding::Confidence;

/// Anchors of key-based settings (any case).
pub const KEY_ANCHORS: &[&str] = &[
    "verify",
    "unauthorized",
    "insecure",
    "strictssl",
    "strict-ssl",
    "strict_ssl",
    "validate_cert",
    "validatecert",
    "validate-cert",
    "check_hostname",
    "check_certificate",
];

/// Code constructs that switch verification off, by anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constant {
    CertNone,
    UnverifiedContext,
    DangerAcceptInvalid,
    AllowAllHostnames,
    NoopHostnameVerifier,
    TrustAllStrategy,
    AcceptAnyCertificate,
    EmptyTrustManager,
}

pub const CONSTANTS: &[(&str, Constant)] = &[
    ("CERT_NONE", Constant::CertNone),
    ("_create_unverified_context", Constant::UnverifiedContext),
    ("danger_accept_invalid_", Constant::DangerAcceptInvalid),
    ("ALLOW_ALL_HOSTNAME_VERIFIER", Constant::AllowAllHostnames),
    ("NoopHostnameVerifier", Constant::NoopHostnameVerifier),
    ("TrustAllStrategy", Constant::TrustAllStrategy),
    (
        "DangerousAcceptAnyServerCertificateValidator",
        Constant::AcceptAnyCertificate,
    ),
    ("checkServerTrusted", Constant::EmptyTrustManager),
];

/// Which value of a setting turns verification off.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Off {
    /// `false`, `0`, `no`, `off`.
    False,
    /// `true`, `1`, `yes`, `on`, or a bare flag.
    True,
    /// `0` only (`NODE_TLS_REJECT_UNAUTHORIZED`).
    Zero,
}

/// Where a setting is meaningful.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Anywhere,
    /// Python code: `requests.get(u, verify=False)`, `ctx.check_hostname = False`.
    /// In configuration only under a `tls`/`ssl` parent.
    PythonOrTlsConfig,
    /// Only under a `tls`/`ssl` parent (`tls: { insecure: true }`).
    TlsConfig,
}

struct Setting {
    off: Off,
    scope: Scope,
    what: &'static str,
}

const FALSE_KEYS: &[&str] = &[
    "sslverify",
    "verifyssl",
    "tlsverify",
    "verifytls",
    "sslverification",
    "verifycert",
    "verifycerts",
    "verifycertificate",
    "verifycertificates",
    "validatecert",
    "validatecerts",
    "validatecertificate",
    "validatecertificates",
    "sslvalidate",
    "verifypeer",
    "verifyhost",
    "checkcertificate",
    "checkcertificates",
    "tlsverifycert",
    "certverify",
    "certificateverification",
    "verifyservercert",
    "verifyservercertificate",
];

const TRUE_KEYS: &[&str] = &[
    "insecureskipverify",
    "insecureskiptlsverify",
    "skiptlsverify",
    "tlsskipverify",
    "skipsslverify",
    "sslskipverify",
    "skipverify",
    "skipcertverify",
    "skipcertificateverification",
    "sslnoverify",
    "noverifyssl",
    "nocheckcertificate",
    "noverifytls",
    "tlsnoverify",
    "tlsinsecure",
    "insecuretls",
    "sslinsecure",
    "insecuressl",
];

/// The setting a normalised key names (`last`: its last dotted segment).
fn setting(norm: &str, last: &str) -> Option<Setting> {
    let s = |off, scope, what| Some(Setting { off, scope, what });
    if norm.ends_with("nodetlsrejectunauthorized") {
        return s(
            Off::Zero,
            Scope::Anywhere,
            "Node.js, for every connection of the process",
        );
    }
    if norm.ends_with("rejectunauthorized") {
        return s(Off::False, Scope::Anywhere, "Node.js TLS");
    }
    if norm.ends_with("strictssl") {
        return s(Off::False, Scope::Anywhere, "npm");
    }
    if TRUE_KEYS.iter().any(|k| norm.ends_with(k)) {
        return s(Off::True, Scope::Anywhere, "TLS client setting");
    }
    if FALSE_KEYS.iter().any(|k| norm.ends_with(k)) {
        return s(Off::False, Scope::Anywhere, "TLS client setting");
    }
    match last {
        "verify" => s(
            Off::False,
            Scope::PythonOrTlsConfig,
            "Python requests/httpx",
        ),
        "checkhostname" => s(Off::False, Scope::PythonOrTlsConfig, "Python ssl"),
        "insecure" => s(Off::True, Scope::TlsConfig, "TLS client setting"),
        _ => None,
    }
}

fn is_false(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off" | "n"
    )
}

fn is_true(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on" | "y"
    )
}

/// Words that make a string about a setting rather than the setting.
const NEGATIONS: &[&str] = &[
    "not ",
    "never",
    "don't",
    "dont ",
    "n't ",
    "avoid",
    "instead of",
    "rather than",
    "without",
];

/// Whether a key at `key` (extent `key`) may be judged: never in a
/// comment; in code, in code or a quoted key or an environment-style
/// entry (`"NODE_TLS_REJECT_UNAUTHORIZED=0 node app.js"`) that no negation
/// precedes.
fn placed(input: &Input<'_>, key: std::ops::Range<usize>, env_style: bool) -> bool {
    let (region, extent) = input.region(key.start);
    match region {
        Region::Comment => false,
        Region::Code => true,
        Region::String => {
            let quoted_key = extent.start + 1 == key.start && extent.end == key.end + 1;
            let before_key = slice(input.text, extent.start..key.start).to_ascii_lowercase();
            let negated = NEGATIONS.iter().any(|n| before_key.contains(n));
            quoted_key || ((env_style || !input.lang.is_code()) && !negated)
        }
    }
}

/// A parent `tls`/`ssl` key: on the same line (`tls: { insecure: true }`)
/// or the enclosing map/section.
fn under_tls(input: &Input<'_>, key_start: usize) -> bool {
    let line_from = line_start(input.bytes, key_start);
    let prefix = slice(input.text, line_from..key_start).to_ascii_lowercase();
    let tls = |s: &str| s.contains("tls") || s.contains("ssl");
    (prefix.contains('{') && tls(&prefix))
        || parent_key(input, key_start).is_some_and(|p| tls(&p.to_ascii_lowercase()))
}

/// A key-based setting whose anchor is at `at`.
pub fn key(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let range = expand(bytes, at, is_key);
    let (mut start, mut end) = (range.start, range.end);
    while end > start && matches!(before(bytes, end), Some(b'.' | b'-')) {
        end -= 1;
    }
    let dashes = run(bytes, start, |b| b == b'-', 3);
    let flag = dashes >= 1 && (input.lang.is_shell() || input.lang.is_config());
    start += dashes;
    let name = slice(input.text, start..end);
    let norm = text::normalize_key(name);
    let last = text::normalize_key(name.rsplit('.').next().unwrap_or(name));
    let setting = setting(&norm, &last)?;
    let env_style = name.contains('_')
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !placed(input, start..end, env_style) {
        return None;
    }
    match setting.scope {
        Scope::Anywhere => {}
        Scope::PythonOrTlsConfig if input.lang == Language::Python => {}
        Scope::PythonOrTlsConfig | Scope::TlsConfig => {
            if !input.lang.is_config() || !under_tls(input, start) {
                return None;
            }
        }
    }
    let flag_start = start - dashes;
    let (value_end, value) = if flag && byte(bytes, end) != Some(b'=') {
        // `--insecure-skip-tls-verify` alone sets it.
        if setting.off != Off::True
            || !byte(bytes, end).is_none_or(|b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
        {
            return None;
        }
        (end, "true".to_owned())
    } else {
        // `git config http.sslVerify false`, `npm config set strict-ssl false`.
        let space =
            input.lang.is_shell() || input.lang.is_config() && !input.lang.eq(&Language::Json);
        let assign = assignment(
            bytes,
            end,
            space && !matches!(last.as_str(), "verify" | "insecure"),
        )?;
        let value = slice(input.text, assign.value.clone());
        (
            assign.value.end + usize::from(assign.quoted),
            value.to_owned(),
        )
    };
    let value = value.trim_matches(['"', '\'']);
    let off = match setting.off {
        Off::False => is_false(value),
        Off::True => is_true(value),
        Off::Zero => value == "0",
    };
    if !off {
        return None;
    }
    let mut hit = tls_hit(input, flag_start..value_end, setting.what, String::new());
    // As for plain HTTP: a connection that stays inside a compose network
    // or cluster (`endpoint: jaeger:4317`) is not the transport risk.
    if input.lang == Language::Yaml
        && let Some(host) = sibling_endpoint(input, start)
        && host.is_internal()
    {
        if last == "insecure" {
            return None;
        }
        hit.confidence = Confidence::Medium;
        hit.why = format!("`{}` is an internal host", host.name);
    }
    Some(hit)
}

/// Lines looked back for the `endpoint:` a YAML TLS block belongs to.
const ENDPOINT_LINES: usize = 12;

/// The host of the nearest `endpoint:`/`url:` above `key_start` that is
/// less indented (the block the `tls:` settings configure).
fn sibling_endpoint(input: &Input<'_>, key_start: usize) -> Option<Host> {
    let bytes = input.bytes;
    let indent = |at: usize| run(bytes, at, |b| b == b' ' || b == b'-', 256);
    let mut line = line_start(bytes, key_start);
    let own = indent(line);
    for _ in 0..ENDPOINT_LINES {
        if line == 0 {
            return None;
        }
        line = line_start(bytes, line - 1);
        let body = slice(input.text, line + indent(line)..line_end(bytes, line));
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        if indent(line) < own && matches!(key.trim(), "endpoint" | "url" | "server") {
            let value = value.trim().trim_matches(['"', '\'']);
            let authority = value.split("://").last().unwrap_or(value);
            return Some(Host::parse(
                authority.split(['/', '?']).next().unwrap_or(""),
            ));
        }
    }
    None
}

fn tls_hit(
    input: &Input<'_>,
    span: std::ops::Range<usize>,
    what: &'static str,
    why: String,
) -> Hit {
    Hit {
        kind: HitKind::TlsDisabled { what },
        shown: slice(input.text, span.clone()).to_owned(),
        span,
        masks: Vec::new(),
        confidence: Confidence::High,
        why,
        related: None,
    }
}

/// The code construct `c` whose anchor is at `at`.
pub fn constant(input: &Input<'_>, at: usize, c: Constant) -> Option<Hit> {
    let bytes = input.bytes;
    let literal = CONSTANTS.iter().find(|(_, k)| *k == c)?.0;
    let end = at + literal.len();
    // Anchors match any case; these names are exact.
    if bytes.get(at..end)? != literal.as_bytes() || input.region(at).0 != Region::Code {
        return None;
    }
    let line = slice(input.text, line_start(bytes, at)..at).trim_start();
    if line.starts_with("import ") || line.starts_with("using ") || line.starts_with("from ") {
        return None;
    }
    let next = |i: usize| i + run(bytes, i, |b| b.is_ascii_whitespace(), 64);
    let (lang, what, span) = match c {
        Constant::CertNone => {
            let key = expand(bytes, at, |b| is_word(b) || b == b'.');
            let mut i = key.start;
            while matches!(before(bytes, i), Some(b' ' | b'\t')) {
                i -= 1;
            }
            let op = before(bytes, i)?;
            let comparison = op == b'=' && matches!(before(bytes, i - 1), Some(b'=' | b'!'));
            if !matches!(op, b'=' | b':' | b'(' | b',') || comparison || key.end != end {
                return None;
            }
            (Language::Python, "Python ssl", key)
        }
        Constant::UnverifiedContext => {
            let key = expand(bytes, at, |b| is_word(b) || b == b'.');
            let called = byte(bytes, next(key.end)) == Some(b'(');
            (
                Language::Python,
                "Python ssl",
                key.start..if called { next(key.end) + 1 } else { key.end },
            )
        }
        Constant::DangerAcceptInvalid => {
            let name = expand(bytes, at, is_word);
            let open = next(name.end);
            let value = next(open + 1);
            let close = value + 4;
            let ok = byte(bytes, open) == Some(b'(')
                && bytes.get(value..close)? == b"true"
                && byte(bytes, next(close)) == Some(b')');
            if !ok {
                return None;
            }
            (Language::Rust, "reqwest", name.start..next(close) + 1)
        }
        Constant::NoopHostnameVerifier => {
            let after = byte(bytes, end);
            if !matches!(after, Some(b'.' | b'(')) {
                return None;
            }
            (Language::Jvm, "Apache HttpClient", at..end)
        }
        Constant::AllowAllHostnames | Constant::TrustAllStrategy => {
            (Language::Jvm, "Apache HttpClient", at..end)
        }
        Constant::AcceptAnyCertificate => (Language::Jvm, ".NET HttpClientHandler", at..end),
        Constant::EmptyTrustManager => {
            let window = bytes.get(end..(end + 400).min(bytes.len()))?;
            let brace = window.iter().position(|&b| b == b'{' || b == b';')?;
            if window.get(brace) != Some(&b'{') {
                return None;
            }
            let body = end + brace + 1;
            let inner = next(body);
            if byte(bytes, inner) != Some(b'}') {
                return None;
            }
            (Language::Jvm, "Java X509TrustManager", at..inner + 1)
        }
    };
    if input.lang != lang {
        return None;
    }
    let why = if c == Constant::EmptyTrustManager {
        "an empty checkServerTrusted accepts every certificate".to_owned()
    } else {
        String::new()
    };
    let mut hit = tls_hit(input, span, what, why);
    if c == Constant::EmptyTrustManager {
        hit.shown = "checkServerTrusted(…) {}".to_owned();
    }
    Some(hit)
}

/// `sslmode=disable` (PostgreSQL) in a connection string whose host is
/// not local: a host on the same line must say where it connects.
pub fn sslmode(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let key = expand(bytes, at, is_word);
    if !text::normalize_key(slice(input.text, key.clone())).ends_with("sslmode")
        || input.region(at).0 == Region::Comment
    {
        return None;
    }
    let assign = assignment(bytes, key.end, false)?;
    let value = slice(input.text, assign.value.clone());
    let word = value.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
    if !word.eq_ignore_ascii_case("disable") {
        return None;
    }
    let line = slice(input.text, line_start(bytes, at)..line_end(bytes, at));
    let host = line
        .split("://")
        .nth(1)
        .map(|rest| rest.split(['/', '?', ' ', '"', '\'']).next().unwrap_or(""))
        .or_else(|| {
            line.split_once("host=")
                .map(|(_, h)| h.split([' ', '&', ';', '"', '\'']).next().unwrap_or(""))
        })
        .map(Host::parse)?;
    if host.is_template() || host.is_local_or_documentation() || host.is_internal() {
        return None;
    }
    Some(tls_hit(
        input,
        key.start..key.end + (assign.value.start - key.end) + word.len(),
        "PostgreSQL",
        format!("the connection to `{}` is not encrypted", host.name),
    ))
}

/// `curl -k` / `--insecure` in a command (not a comment).
pub fn curl(input: &Input<'_>, at: usize) -> Option<Hit> {
    command(input, at, b"curl", |w| {
        w == "--insecure"
            || (w.starts_with('-')
                && !w.starts_with("--")
                && w.len() <= 8
                && w.bytes().skip(1).all(|b| b.is_ascii_alphabetic())
                && w.contains('k'))
    })
}

/// `wget --no-check-certificate` in a command.
pub fn wget(input: &Input<'_>, at: usize) -> Option<Hit> {
    command(input, at, b"wget", |w| w == "--no-check-certificate")
}

/// The command word `name` at `at` and its arguments up to the end of the
/// command (`|`, `;`, `&`, end of line unless continued with `\`, at most
/// 8 lines), and the first argument `bad` accepts.
fn command(input: &Input<'_>, at: usize, name: &[u8], bad: fn(&str) -> bool) -> Option<Hit> {
    let bytes = input.bytes;
    let end = at + name.len();
    if bytes.get(at..end)? != name
        || before(bytes, at).is_some_and(|b| is_word(b) || b == b'-' || b == b'.')
        || !byte(bytes, end).is_some_and(|b| b == b' ' || b == b'\t')
        || input.region(at).0 == Region::Comment
    {
        return None;
    }
    let mut i = end;
    for _ in 0..8 {
        let stop = line_end(bytes, i);
        let segment = slice(input.text, i..stop);
        let command_end = segment
            .find(['|', ';', '&', ')', '#'])
            .map_or(segment.len(), |j| j);
        let mut offset = i;
        for word in segment.get(..command_end).unwrap_or("").split(' ') {
            let bare = word.trim_matches(['"', '\'', '\t']);
            if !bare.is_empty() && bad(bare) {
                let w = offset + word.len();
                return Some(tls_hit(
                    input,
                    at..w,
                    if name == b"curl" { "curl" } else { "wget" },
                    String::new(),
                ));
            }
            offset += word.len() + 1;
        }
        if command_end < segment.len() || !segment.trim_end().ends_with('\\') {
            return None;
        }
        i = stop + 1;
    }
    None
}
