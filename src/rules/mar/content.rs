//! Content audits: hard-coded secrets, TLS verification off, plain HTTP.

use super::check_finding;
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const HARDCODED_SECRET: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/hardcoded-secret"),
    default_severity: Severity::Error,
    summary: "a known secret format (private key block, AWS key id, GitHub/GitLab/Slack/npm token, Stripe live key, Google API key, signed JWT, password in a URL) in a file of the tree",
    rationale: "A secret in the repository is readable by everyone who can read the repository, its forks and its history, forever. These formats are specific enough that a match is almost always real.",
    fix: "Revoke and rotate the secret first (removing it does not un-leak it), then load it from the environment or a secret manager. The finding shows only its first 4 characters.",
    example: "requirements:\n  - check: hardcoded-secret",
};

pub const TLS_VERIFICATION_DISABLED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/tls-verification-disabled"),
    default_severity: Severity::Error,
    summary: "code or configuration turns certificate verification off (Python requests `verify` off, Node.js `rejectUnauthorized` off, Go `InsecureSkipVerify`, reqwest `danger_accept_invalid_certs`, `curl -k`, git `http.sslVerify` off, …)",
    rationale: "Without certificate verification TLS no longer authenticates the server: anyone on the network path can read and change the traffic.",
    fix: "Keep verification on; trust a private CA by adding its certificate to the trust store (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `tls.Config.RootCAs`) instead.",
    example: "requirements:\n  - check: tls-verification-disabled",
};

pub const INSECURE_TRANSPORT: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/insecure-transport"),
    default_severity: Severity::Warning,
    summary: "an `http://` endpoint (not loopback) in a manifest, lockfile source, workflow, Dockerfile or configuration file",
    rationale: "Plain HTTP can be read and modified in transit: a package index, download or API reached over it can be swapped for an attacker's.",
    fix: "Use `https://`. Loopback addresses, reserved example domains and schema identifiers are not flagged.",
    example: "requirements:\n  - check: insecure-transport",
};

/// Findings for the content scanner's hits (secrets, TLS, plain HTTP).
pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for hit in &ctx.facts.content_hits {
        out.extend(content_finding(ctx, hit));
    }
}

fn content_finding(ctx: &Context<'_>, hit: &crate::facts::ContentHit) -> Option<Finding> {
    use crate::facts::HitKind;
    let (rule, subject, message, help) = match hit.kind {
        HitKind::Secret { format } => (
            &HARDCODED_SECRET,
            format!("{format} {}", hit.shown),
            format!("{format} `{}` is committed in the repository", hit.shown),
            "revoke and rotate it now, then read it from the environment or a secret manager"
                .to_owned(),
        ),
        HitKind::TlsDisabled { what } => (
            &TLS_VERIFICATION_DISABLED,
            hit.shown.clone(),
            format!("{what} turns certificate verification off"),
            "keep verification on; add a private CA to the trust store instead".to_owned(),
        ),
        HitKind::InsecureUrl => (
            &INSECURE_TRANSPORT,
            hit.shown.clone(),
            format!("`{}` is reached over plain HTTP", hit.shown),
            format!("use `{}`", hit.shown.replacen("http://", "https://", 1)),
        ),
    };
    check_finding(ctx, rule, &hit.location, &subject, message, help)
}
