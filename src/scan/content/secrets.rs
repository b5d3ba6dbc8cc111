//! Hard-coded secrets. Provider formats are matched by their fixed shape
//! and, where the provider defines one, their checksum (GitHub and npm
//! tokens end in a CRC-32 of their random part: a string that fails it was
//! never issued). Everything else must clear an entropy bar and the
//! placeholder filter ([`text::is_placeholder`]). Each hit says why it is
//! believed to be a secret.

use std::ops::Range;

use super::text::{
    self, before, byte, classes, entropy, expand, is_placeholder, is_word, line_end, line_start,
    run, slice,
};
use super::{Hit, Input, redact};
use crate::facts::HitKind;
use crate::finding::Confidence;

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}
fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}
fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}
fn is_upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// Given the bytes and an anchor's offset: a token's span and the span of
/// its random part.
type Shape = fn(&[u8], usize) -> Option<(Range<usize>, Range<usize>)>;

/// A fixed-shape provider token: `prefix` + body.
pub struct Provider {
    pub name: &'static str,
    pub anchors: &'static [&'static str],
    /// Given the bytes and the anchor's offset: the token's span and the
    /// span of its random part, or `None` if the shape does not match.
    shape: Shape,
    check: Check,
    confidence: Confidence,
}

#[derive(Clone, Copy)]
enum Check {
    /// Base-62 CRC-32 of the first 30 characters in the last 6.
    Crc32,
    /// Shannon entropy of the random part at least this.
    Entropy(f64),
}

/// `prefix` (the anchor, case-sensitive) at `at`, not inside a word, then
/// exactly `len` (or `min..=max`) bytes of `class`, then a non-`class` byte.
fn prefixed(
    bytes: &[u8],
    at: usize,
    prefix: &str,
    class: fn(u8) -> bool,
    min: usize,
    max: usize,
) -> Option<(Range<usize>, Range<usize>)> {
    let body = at + prefix.len();
    if bytes.get(at..body)? != prefix.as_bytes() || before(bytes, at).is_some_and(is_word) {
        return None;
    }
    let n = run(bytes, body, class, max + 1);
    (min..=max)
        .contains(&n)
        .then_some((at..body + n, body..body + n))
}

fn anchored(
    anchors: &[&str],
    bytes: &[u8],
    at: usize,
    class: fn(u8) -> bool,
    min: usize,
    max: usize,
) -> Option<(Range<usize>, Range<usize>)> {
    anchors
        .iter()
        .find_map(|p| prefixed(bytes, at, p, class, min, max))
}

pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "GitHub token",
        anchors: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        shape: |b, at| {
            anchored(
                &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                b,
                at,
                is_alnum,
                36,
                36,
            )
        },
        check: Check::Crc32,
        confidence: Confidence::High,
    },
    Provider {
        name: "GitHub fine-grained token",
        anchors: &["github_pat_"],
        shape: |b, at| {
            let (span, random) = prefixed(b, at, "github_pat_", is_b64url, 82, 82)?;
            (byte(b, random.start + 22) == Some(b'_')).then_some((span, random))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "npm token",
        anchors: &["npm_"],
        shape: |b, at| prefixed(b, at, "npm_", is_alnum, 36, 36),
        check: Check::Crc32,
        confidence: Confidence::High,
    },
    Provider {
        name: "GitLab token",
        anchors: &["glpat-", "glrt-", "gldt-"],
        shape: |b, at| anchored(&["glpat-", "glrt-", "gldt-"], b, at, is_b64url, 20, 64),
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "Slack token",
        anchors: &["xoxb-", "xoxp-", "xoxa-", "xoxe-", "xoxr-", "xoxs-"],
        shape: |b, at| {
            let (span, random) = anchored(
                &["xoxb-", "xoxp-", "xoxa-", "xoxe-", "xoxr-", "xoxs-"],
                b,
                at,
                is_b64url,
                20,
                200,
            )?;
            // Real tokens hold numeric workspace/user ids and a random tail.
            let parts: Vec<&[u8]> = b.get(random.clone())?.split(|&c| c == b'-').collect();
            let numeric =
                parts.first()?.len() >= 6 && parts.first()?.iter().all(u8::is_ascii_digit);
            let tail = parts.last()?;
            (parts.len() >= 3 && numeric && tail.len() >= 12)
                .then(|| (span, random.end - tail.len()..random.end))
        },
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "Slack webhook",
        anchors: &["hooks.slack.com/services/"],
        shape: |b, at| {
            let mut i = at + "hooks.slack.com/services/".len();
            for lead in [b'T', b'B'] {
                if byte(b, i) != Some(lead) {
                    return None;
                }
                let n = run(b, i, is_upper_alnum, 13);
                if !(9..=12).contains(&n) || byte(b, i + n) != Some(b'/') {
                    return None;
                }
                i += n + 1;
            }
            let n = run(b, i, is_alnum, 25);
            (n == 24).then_some((at..i + n, i..i + n))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Stripe live key",
        anchors: &["sk_live_", "rk_live_"],
        shape: |b, at| anchored(&["sk_live_", "rk_live_"], b, at, is_alnum, 24, 99),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Google API key",
        anchors: &["AIza"],
        shape: |b, at| prefixed(b, at, "AIza", is_b64url, 35, 35),
        check: Check::Entropy(3.5),
        // Often a browser key meant to be public (restricted by referrer).
        confidence: Confidence::Medium,
    },
    Provider {
        name: "Anthropic API key",
        anchors: &["sk-ant-api03-", "sk-ant-admin01-"],
        shape: |b, at| {
            let (span, random) = anchored(
                &["sk-ant-api03-", "sk-ant-admin01-"],
                b,
                at,
                is_b64url,
                95,
                95,
            )?;
            b.get(span.clone())?
                .ends_with(b"AA")
                .then_some((span, random))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "OpenAI API key",
        // "T3BlbkFJ" is base64 of "OpenAI", inside every key.
        anchors: &["T3BlbkFJ"],
        shape: |b, at| {
            if b.get(at..at + 8)? != b"T3BlbkFJ" {
                return None;
            }
            let span = expand(b, at, is_b64url);
            let token = b.get(span.clone())?;
            (token.starts_with(b"sk-") && token.len() >= 48 && token.len() <= 256)
                .then_some((span.clone(), span.start + 3..span.end))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "PyPI token",
        anchors: &["pypi-AgEIcHlwaS5vcmc"],
        shape: |b, at| prefixed(b, at, "pypi-AgEIcHlwaS5vcmc", is_b64url, 50, 400),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Docker Hub token",
        anchors: &["dckr_pat_"],
        shape: |b, at| prefixed(b, at, "dckr_pat_", is_b64url, 27, 27),
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "SendGrid API key",
        anchors: &["SG."],
        shape: |b, at| {
            let (_, first) = prefixed(b, at, "SG.", is_b64url, 22, 22)?;
            if byte(b, first.end) != Some(b'.') {
                return None;
            }
            let n = run(b, first.end + 1, is_b64url, 44);
            (n == 43).then_some((at..first.end + 1 + n, first.start..first.end + 1 + n))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Shopify token",
        anchors: &["shpat_", "shpss_", "shpca_", "shppa_"],
        shape: |b, at| {
            anchored(
                &["shpat_", "shpss_", "shpca_", "shppa_"],
                b,
                at,
                is_hex,
                32,
                32,
            )
        },
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "Azure storage account key",
        anchors: &["AccountKey="],
        shape: |b, at| {
            let (span, random) = prefixed(b, at, "AccountKey=", is_b64, 86, 86)?;
            (b.get(span.end..span.end + 2)? == b"==")
                .then_some((random.start..span.end + 2, random))
        },
        check: Check::Entropy(4.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "age secret key",
        anchors: &["AGE-SECRET-KEY-1"],
        shape: |b, at| prefixed(b, at, "AGE-SECRET-KEY-1", is_upper_alnum, 58, 58),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Grafana token",
        anchors: &["glsa_", "glc_"],
        shape: |b, at| {
            anchored(&["glsa_"], b, at, is_b64url, 41, 41)
                .or_else(|| anchored(&["glc_"], b, at, is_b64, 32, 400))
        },
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "DigitalOcean token",
        anchors: &["dop_v1_", "doo_v1_", "dor_v1_"],
        shape: |b, at| anchored(&["dop_v1_", "doo_v1_", "dor_v1_"], b, at, is_hex, 64, 64),
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "Linear API key",
        anchors: &["lin_api_"],
        shape: |b, at| prefixed(b, at, "lin_api_", is_alnum, 40, 40),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "Postman API key",
        anchors: &["PMAK-"],
        shape: |b, at| {
            let (_, first) = prefixed(b, at, "PMAK-", is_hex, 24, 24)?;
            if byte(b, first.end) != Some(b'-') {
                return None;
            }
            let n = run(b, first.end + 1, is_hex, 35);
            (n == 34).then_some((at..first.end + 1 + n, first.start..first.end + 1 + n))
        },
        check: Check::Entropy(3.0),
        confidence: Confidence::High,
    },
    Provider {
        name: "New Relic API key",
        anchors: &["NRAK-"],
        shape: |b, at| prefixed(b, at, "NRAK-", is_upper_alnum, 27, 27),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
    Provider {
        name: "HashiCorp Vault token",
        anchors: &["hvs."],
        shape: |b, at| prefixed(b, at, "hvs.", is_b64url, 90, 120),
        check: Check::Entropy(3.5),
        confidence: Confidence::High,
    },
];

/// A provider token at `at`.
pub fn provider(input: &Input<'_>, at: usize, index: usize) -> Option<Hit> {
    let p = PROVIDERS.get(index)?;
    let (span, random) = (p.shape)(input.bytes, at)?;
    let token = slice(input.text, span.clone());
    let body = slice(input.text, random.clone());
    if is_placeholder(body) {
        return None;
    }
    let why = match p.check {
        Check::Crc32 => {
            let digits = body.get(30..36)?;
            let sum = text::base62(digits.as_bytes())?;
            if u64::from(text::crc32(body.get(..30)?.as_bytes())) != sum {
                return None;
            }
            "its CRC-32 checksum is valid".to_owned()
        }
        Check::Entropy(min) => {
            let e = entropy(body.as_bytes());
            if e < min {
                return None;
            }
            format!("its fixed shape, and {e:.1} bits/char of entropy")
        }
    };
    Some(secret(p.name, span, token, p.confidence, why))
}

fn secret(
    format: &'static str,
    span: Range<usize>,
    value: &str,
    confidence: Confidence,
    why: String,
) -> Hit {
    Hit {
        kind: HitKind::Secret { format },
        shown: redact(value),
        masks: vec![span.clone()],
        span,
        confidence,
        why,
        related: None,
    }
}

/// How far a private key's body may run before its `-----END` line.
const MAX_KEY_BODY: usize = 64 * 1024;

/// `-----BEGIN … PRIVATE KEY-----` with a base64 body and its END line; a
/// header alone (documentation, a parser's constant) is not a key.
pub fn private_key(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let label_start = at + "-----BEGIN ".len();
    if bytes.get(at..label_start)? != b"-----BEGIN " {
        return None;
    }
    let label_len = run(
        bytes,
        label_start,
        |b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit(),
        48,
    );
    let label = slice(input.text, label_start..label_start + label_len);
    let header_end = label_start + label_len + 5;
    if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"))
        || bytes.get(label_start + label_len..header_end)? != b"-----"
    {
        return None;
    }
    let limit = (header_end + MAX_KEY_BODY).min(bytes.len());
    let end = memchr::memmem::find(bytes.get(header_end..limit)?, b"-----END ")? + header_end;
    let body = bytes.get(header_end..end)?;
    // Base64 characters between line breaks (real or `\n` in a string) and
    // PEM header lines (`Proc-Type:`, `DEK-Info:`, `Version:`).
    let mut b64 = Vec::with_capacity(body.len());
    let mut encrypted = label.contains("ENCRYPTED");
    for line in body
        .split(|&b| b == b'\n')
        .flat_map(|l| l.split(|&b| b == b'\\'))
    {
        let line = line
            .strip_prefix(b"n")
            .unwrap_or(line)
            .strip_prefix(b"r")
            .unwrap_or(line);
        if line.contains(&b':') {
            encrypted |= line.windows(9).any(|w| w == b"ENCRYPTED");
            continue;
        }
        for &c in line {
            match c {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => b64.push(c),
                b'=' | b' ' | b'\t' | b'\r' | b'"' | b'\'' | b',' => {}
                _ => return None,
            }
        }
    }
    let e = entropy(&b64);
    if b64.len() < 64 || e < 4.0 || is_placeholder(&String::from_utf8_lossy(&b64)) {
        return None;
    }
    let header = at..header_end;
    let (confidence, why) = if encrypted {
        (
            Confidence::Medium,
            format!("an encrypted {}-character key body follows", b64.len()),
        )
    } else {
        (
            Confidence::High,
            format!("a {}-character key body and its END line follow", b64.len()),
        )
    };
    Some(Hit {
        kind: HitKind::Secret {
            format: "private key",
        },
        shown: slice(input.text, header.clone()).to_owned(),
        masks: std::iter::once(header_end..end).collect(),
        span: header,
        confidence,
        why,
        related: None,
    })
}

/// Lines above and below an AWS key id searched for its secret.
const AWS_PAIR_LINES: usize = 8;

/// Bytes either side of an AWS key id searched for its secret, whatever
/// the lines: on long lines each of the eight is a whole look-back window,
/// and a file of ids would search 4 KiB either side of every one.
const AWS_PAIR_BYTES: usize = 2048;

/// An AWS access key id (`AKIA`, `ASIA`, `ABIA`, `ACCA` + 16 base-32
/// characters). With a secret access key within 8 lines it is a
/// credential; alone it is an identifier that points at one.
pub fn aws(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let prefix = bytes.get(at..at + 4)?;
    if !matches!(prefix, b"AKIA" | b"ASIA" | b"ABIA" | b"ACCA")
        || before(bytes, at).is_some_and(is_alnum)
    {
        return None;
    }
    let n = run(
        bytes,
        at + 4,
        |b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b),
        17,
    );
    if n != 16 || byte(bytes, at + 20).is_some_and(is_alnum) {
        return None;
    }
    let id = slice(input.text, at..at + 20);
    let suffix = id.get(4..)?;
    if id.ends_with("EXAMPLE") || is_placeholder(id) || entropy(suffix.as_bytes()) < 3.0 {
        return None;
    }
    let mut hit = secret(
        "AWS access key id",
        at..at + 20,
        id,
        Confidence::Medium,
        "no secret access key near it (the id alone is an identifier)".to_owned(),
    );
    if let Some(secret) = aws_secret_near(input, at) {
        hit.kind = HitKind::Secret {
            format: "AWS access key pair",
        };
        hit.confidence = Confidence::High;
        hit.why = "its secret access key is close by".to_owned();
        hit.masks.push(secret.clone());
        hit.related = Some((secret, "the secret access key".to_owned()));
    }
    Some(hit)
}

/// A 40-character secret access key within [`AWS_PAIR_LINES`] lines.
fn aws_secret_near(input: &Input<'_>, at: usize) -> Option<Range<usize>> {
    let bytes = input.bytes;
    let floor = at.saturating_sub(AWS_PAIR_BYTES);
    let ceiling = at.saturating_add(AWS_PAIR_BYTES).min(bytes.len());
    let mut start = at;
    for _ in 0..=AWS_PAIR_LINES {
        start = line_start(bytes, start.saturating_sub(1)).max(floor);
    }
    let mut end = at;
    for _ in 0..=AWS_PAIR_LINES {
        end = (line_end(bytes, end) + 1).min(ceiling);
    }
    let mut i = start;
    while i < end {
        let n = run(bytes, i, is_b64, 41);
        if n == 0 {
            i += 1;
            continue;
        }
        let candidate = i..i + n;
        i += n;
        let value = bytes.get(candidate.clone())?;
        let bounded = !before(bytes, candidate.start).is_some_and(is_b64)
            && !matches!(
                byte(bytes, candidate.end),
                Some(b'=') | Some(b'+') | Some(b'/')
            );
        if n == 40
            && bounded
            && value.iter().any(u8::is_ascii_uppercase)
            && value.iter().any(u8::is_ascii_lowercase)
            && value
                .iter()
                .any(|b| b.is_ascii_digit() || *b == b'/' || *b == b'+')
            && entropy(value) >= 4.0
            && !is_placeholder(&String::from_utf8_lossy(value))
        {
            return Some(candidate);
        }
    }
    None
}

/// A signed JSON Web Token: a header naming a real algorithm, a payload,
/// and a signature that is not text. The jwt.io sample is not a secret.
pub fn jwt(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    if bytes.get(at..at + 3)? != b"eyJ" || before(bytes, at).is_some_and(is_b64url) {
        return None;
    }
    let mut parts = [0..0, 0..0, 0..0];
    let mut i = at;
    for (k, part) in parts.iter_mut().enumerate() {
        let n = run(bytes, i, is_b64url, 4096);
        *part = i..i + n;
        i += n;
        if k < 2 {
            if byte(bytes, i) != Some(b'.') {
                return None;
            }
            i += 1;
        }
    }
    let [header, payload, signature] = parts;
    if payload.len() < 10
        || signature.len() < 16
        || !bytes.get(payload.clone())?.starts_with(b"eyJ")
    {
        return None;
    }
    let header_json: serde_json::Value =
        serde_json::from_slice(&text::base64url(bytes.get(header)?)?).ok()?;
    let alg = header_json.get("alg")?.as_str()?.to_owned();
    let claims: serde_json::Value =
        serde_json::from_slice(&text::base64url(bytes.get(payload)?)?).ok()?;
    let signature_bytes = text::base64url(bytes.get(signature.clone())?)?;
    let claims_text = claims.to_string();
    if alg.eq_ignore_ascii_case("none")
        || signature_bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || *b == b' ')
        || text::has_placeholder_word(&claims_text)
        || claims_text.contains("John Doe")
        || is_placeholder(slice(input.text, signature.clone()))
    {
        return None;
    }
    let span = at..signature.end;
    let (confidence, why) = match claims.get("exp") {
        Some(_) => (
            Confidence::Medium,
            format!("signed with {alg}; it carries an expiry, so it may have lapsed"),
        ),
        None => (
            Confidence::High,
            format!("signed with {alg}, with no expiry"),
        ),
    };
    Some(secret(
        "JSON Web Token",
        span.clone(),
        slice(input.text, span),
        confidence,
        why,
    ))
}

/// Schemes whose URLs carry real credentials (not `docker://img@sha256`).
const CREDENTIAL_SCHEMES: &[&str] = &[
    "http",
    "https",
    "ftp",
    "ftps",
    "sftp",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "smtp",
    "smtps",
    "ldap",
    "ldaps",
    "ssh",
    "git",
    "mssql",
    "sqlserver",
    "nats",
    "mqtt",
    "mqtts",
    "ws",
    "wss",
    "svn",
    "oracle",
    "cockroachdb",
    "clickhouse",
    "kafka",
];

/// `user:password@host` after the `://` at `at`. No finding for
/// templates, placeholders, a password equal to its user, or hosts that
/// never leave the machine or are reserved for documentation.
pub fn url_password(input: &Input<'_>, at: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let scheme = expand(bytes, at.checked_sub(1)?, |b| {
        b.is_ascii_alphanumeric() || b == b'+'
    });
    let scheme = slice(input.text, scheme.start..at).to_ascii_lowercase();
    if !CREDENTIAL_SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    let start = at + 3;
    let authority = run(
        bytes,
        start,
        |b| {
            !matches!(
                b,
                b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\'
            ) && !b.is_ascii_whitespace()
        },
        256,
    );
    let auth = bytes.get(start..start + authority)?;
    let at_sign = start + memchr::memrchr(b'@', auth)?;
    let colon = start + memchr::memchr(b':', bytes.get(start..at_sign)?)?;
    let user = slice(input.text, start..colon);
    let password = slice(input.text, colon + 1..at_sign);
    let host = super::http::Host::parse(slice(input.text, at_sign + 1..start + authority));
    let lower = password.to_ascii_lowercase();
    if password.len() < 4
        || !host
            .name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        || ["password", "passwd", "username", "secret"]
            .iter()
            .any(|w| lower.contains(w))
        || password.contains(['[', ']', '(', ')'])
        || password == user
        || is_placeholder(password)
        || is_placeholder(user) && password.len() < 8
        || password.contains(['$', '{', '}', '<', '>', '*', '%'])
        || host.is_local_or_documentation()
    {
        return None;
    }
    let e = entropy(password.as_bytes());
    let internal = host.is_internal();
    let confidence = if internal || e < 2.5 || classes(password.as_bytes()) < 2 {
        Confidence::Medium
    } else {
        Confidence::High
    };
    let why = if internal {
        format!("credentials before `@{}`, an internal host", host.name)
    } else {
        format!("credentials before `@{}`", host.name)
    };
    Some(secret(
        "password in URL",
        colon + 1..at_sign,
        password,
        confidence,
        why,
    ))
}

/// Key words of generic `password = "…"` assignments (anchors).
pub const GENERIC_ANCHORS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "accesskey",
    "private_key",
    "privatekey",
    "credential",
];

/// Key endings (normalised: lower case, no `_`/`-`/`.`) that name a secret.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "pass",
    "secret",
    "secretkey",
    "clientsecret",
    "apikey",
    "apisecret",
    "apitoken",
    "accesstoken",
    "authtoken",
    "token",
    "accesskey",
    "secretaccesskey",
    "privatekey",
    "credentials",
    "credential",
    "bearertoken",
    "refreshtoken",
];

/// Keys that end like a secret but never hold one.
const NOT_SECRET_KEYS: &[&str] = &[
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "canceltoken",
    "cancellationtoken",
    "synctoken",
    "eoftoken",
    "lasttoken",
    "csrftoken",
    "xsrftoken",
    "bypass",
    "compass",
    "nopass",
    "firstpass",
    "onepass",
    "multipass",
    "publickey",
    "publishablekey",
];

/// A literal assigned to a key that names a secret, with entropy enough to
/// be a real one. Reported at medium confidence: it is a guess by name.
pub fn generic(input: &Input<'_>, at: usize, anchor_end: usize) -> Option<Hit> {
    let bytes = input.bytes;
    let key = expand(bytes, at, text::is_key);
    // The anchor must end the key (`db_password`, not `password_file`).
    if key.end > anchor_end + 12 {
        return None;
    }
    let name = slice(input.text, key.clone()).trim_end_matches(['.', '-']);
    let norm = text::normalize_key(name);
    let secret_key = SECRET_KEYS.iter().find(|k| norm.ends_with(**k))?;
    if NOT_SECRET_KEYS.iter().any(|k| norm.ends_with(k)) || norm.contains("public") {
        return None;
    }
    // `${DB_PASSWORD:default}` is a template's variable; a commented-out
    // line documents a default. A guess by name needs live code or config.
    if bytes.get(key.start.saturating_sub(2)..key.start) == Some(b"${")
        || input.region(key.start).0 == super::lexer::Region::Comment
    {
        return None;
    }
    let assign = assignment(bytes, key.start + name.len(), false)?;
    let value = slice(input.text, assign.value.clone());
    // A reference to the secret, not the secret: `pgp:PGP_SIGN_KEY_PASSPHRASE`,
    // `vault:secret/data/db#password`, a value naming its own key.
    let reference = text::normalize_key(value).contains(&norm)
        || value.split_once(':').is_some_and(|(scheme, rest)| {
            scheme.bytes().all(|b| b.is_ascii_lowercase())
                && !rest.is_empty()
                && rest.bytes().all(|b| {
                    b.is_ascii_uppercase()
                        || b.is_ascii_digit()
                        || matches!(b, b'_' | b'/' | b'#' | b'.')
                })
        });
    if reference {
        return None;
    }
    let password_like = ["password", "passwd", "pwd", "passphrase", "pass"].contains(secret_key);
    if !generic_value(value, password_like) {
        return None;
    }
    if !assign.quoted && (input.lang.is_code() || input.lang == super::Language::Json) {
        return None;
    }
    let e = entropy(value.as_bytes());
    if e < if password_like { 3.0 } else { 3.5 } {
        return None;
    }
    Some(secret(
        "secret assigned to a key",
        assign.value.clone(),
        value,
        Confidence::Medium,
        format!("`{name}` is assigned a literal with {e:.1} bits/char of entropy"),
    ))
}

/// Whether a generic value could be a credential.
fn generic_value(value: &str, password_like: bool) -> bool {
    let v = value.as_bytes();
    let min = if password_like { 8 } else { 12 };
    let lower = value.to_ascii_lowercase();
    let file_like = [
        ".pem", ".key", ".crt", ".json", ".yaml", ".yml", ".txt", ".env", ".p12", ".pfx", ".jks",
        ".pub", ".der",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    let identifier = v
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        || v.iter()
            .all(|b| b.is_ascii_lowercase() || *b == b'_' || *b == b'.' || *b == b'-');
    // Judged by their own rule, or public by design (PostHog project keys,
    // Stripe publishable keys).
    let provider_prefixed = PROVIDERS
        .iter()
        .flat_map(|p| p.anchors)
        .chain(&["phc_", "pk_live_", "pk_test_"])
        .any(|a| value.starts_with(a));
    (min..=200).contains(&v.len())
        && !v
            .iter()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b'(' | b')'))
        && !value.contains("://")
        && !value.starts_with(['/', '.', '~'])
        && !file_like
        && !identifier
        && !provider_prefixed
        && !lower.contains("django-insecure")
        && classes(v) >= 2
        && (password_like
            || v.iter().any(u8::is_ascii_digit)
            || v.iter().any(u8::is_ascii_uppercase) && v.iter().any(u8::is_ascii_lowercase))
        && !is_placeholder(value)
}

/// `key <op> value`, read forward from a key's end.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub value: Range<usize>,
    pub quoted: bool,
}

/// Parses the operator (`=`, `:`, `:=`, `=>`, `?=`; with `space`, blank
/// space alone) and the value after a key ending at `key_end`. Comparisons
/// (`==`, `!=`) are not assignments.
pub fn assignment(bytes: &[u8], key_end: usize, space: bool) -> Option<Assignment> {
    let mut i = key_end;
    // The key's closing quote or bracket: `"password": …`, `['token'] = …`.
    for _ in 0..2 {
        if matches!(byte(bytes, i), Some(b'"' | b'\'' | b'`' | b']')) {
            i += 1;
        }
    }
    let blank = run(bytes, i, |b| b == b' ' || b == b'\t', 16);
    i += blank;
    let op = match (byte(bytes, i), byte(bytes, i + 1)) {
        (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) | (Some(b'?'), Some(b'=')) => 2,
        (Some(b'='), Some(b'=')) | (Some(b':'), Some(b':')) => return None,
        (Some(b'='), _) | (Some(b':'), _) => 1,
        _ if space && blank > 0 => 0,
        _ => return None,
    };
    if op == 1 && matches!(before(bytes, i), Some(b'!' | b'<' | b'>')) {
        return None;
    }
    i += op;
    i += run(bytes, i, |b| b == b' ' || b == b'\t', 16);
    match byte(bytes, i)? {
        q @ (b'"' | b'\'' | b'`') => {
            let start = i + 1;
            let mut j = start;
            let limit = (start + text::WINDOW).min(bytes.len());
            while j < limit {
                match byte(bytes, j)? {
                    b'\\' => j += 2,
                    b'\n' => return None,
                    c if c == q => {
                        return Some(Assignment {
                            value: start..j,
                            quoted: true,
                        });
                    }
                    _ => j += 1,
                }
            }
            None
        }
        _ => {
            let n = run(
                bytes,
                i,
                |b| {
                    !b.is_ascii_whitespace()
                        && !matches!(b, b',' | b';' | b')' | b'}' | b']' | b'"' | b'\'')
                },
                text::WINDOW,
            );
            (n > 0).then_some(Assignment {
                value: i..i + n,
                quoted: false,
            })
        }
    }
}
