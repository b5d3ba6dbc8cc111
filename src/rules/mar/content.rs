//! Content audits: hard-coded secrets, TLS verification off, plain HTTP.

use super::check_finding;
use crate::context::PathContext;
use crate::finding::{Confidence, Finding, RuleId, Severity};
use crate::policy::{ContentRule, ContentTreatment};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const HARDCODED_SECRET: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/hardcoded-secret"),
    default_severity: Severity::Error,
    summary: "a secret in a file of the tree: provider tokens by shape and checksum (GitHub, npm, GitLab, Slack, Stripe, cloud and AI providers), AWS key pairs, private keys with a body, signed JWTs, passwords in URLs, high-entropy literals assigned to secret-named keys",
    rationale: "A secret in the repository is readable by everyone who can read the repository, its forks and its history, forever. Provider formats are matched by their fixed shape and checksum; guesses (an AWS key id alone, a literal assigned to `password`) are reported as warnings. Placeholders, templates and documented example keys are not secrets; test and fixture files report at most notes, vendored and generated code not at all (policy `contexts:`).",
    fix: "Revoke and rotate the secret first (removing it does not un-leak it), then load it from the environment or a secret manager. The finding shows at most 4 characters of it, none of a short one.",
    example: "requirements:\n  - check: hardcoded-secret",
};

pub const TLS_VERIFICATION_DISABLED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/tls-verification-disabled"),
    default_severity: Severity::Error,
    summary: "code or configuration turns certificate verification off: per language in code (Python `verify`/`ssl`, Node.js, Go, reqwest, Java trust-all), never in comments or docs; insecure-skip-verify keys in every spelling in YAML, JSON, TOML, INI and `.env`; `curl -k`, `wget --no-check-certificate`, `sslmode=disable` to a remote host",
    rationale: "Without certificate verification TLS no longer authenticates the server: anyone on the network path can read and change the traffic.",
    fix: "Keep verification on; trust a private CA by adding its certificate to the trust store (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `tls.Config.RootCAs`) instead.",
    example: "requirements:\n  - check: tls-verification-disabled",
};

pub const INSECURE_TRANSPORT: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/insecure-transport"),
    default_severity: Severity::Warning,
    summary: "an `http://` endpoint a client connects to: a configuration value, a string literal that is the URL, a download command's argument (not identifiers, metadata, proxies, comments, prose, or loopback, internal and documentation hosts)",
    rationale: "Plain HTTP can be read and modified in transit: a package index, download or API reached over it can be swapped for an attacker's.",
    fix: "Use `https://`. Loopback, private and cluster-internal hosts, reserved example domains, schema identifiers, metadata URLs and proxies are not flagged.",
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
    let because = |why: &str| {
        if why.is_empty() {
            String::new()
        } else {
            format!(" ({why})")
        }
    };
    let (rule, subject, message, help) = match hit.kind {
        HitKind::Secret { format } => (
            &HARDCODED_SECRET,
            format!("{format} {}", hit.shown),
            format!(
                "{format} `{}` is committed in the repository{}",
                hit.shown,
                because(&format!("believed a secret because {}", hit.why))
            ),
            "revoke and rotate it now, then read it from the environment or a secret manager"
                .to_owned(),
        ),
        HitKind::TlsDisabled { what } => (
            &TLS_VERIFICATION_DISABLED,
            hit.shown.clone(),
            format!(
                "`{}` turns certificate verification off ({what}){}",
                hit.shown,
                if hit.why.is_empty() {
                    String::new()
                } else {
                    format!(": {}", hit.why)
                }
            ),
            "keep verification on; add a private CA to the trust store instead".to_owned(),
        ),
        HitKind::InsecureUrl => (
            &INSECURE_TRANSPORT,
            hit.shown.clone(),
            format!("`{}` is reached over plain HTTP", hit.shown),
            format!("use `{}`", hit.shown.replacen("http://", "https://", 1)),
        ),
    };
    let mut f = check_finding(ctx, rule, &hit.location, &subject, message, help)?;
    let content_rule = match hit.kind {
        HitKind::Secret { .. } => ContentRule::HardcodedSecret,
        HitKind::TlsDisabled { .. } => ContentRule::TlsVerificationDisabled,
        HitKind::InsecureUrl => ContentRule::InsecureTransport,
    };
    let treatment = ctx.policy.contexts.treatment(hit.context, content_rule);
    f.severity = capped(f.severity, hit.confidence, treatment)?;
    f.confidence = Some(hit.confidence);
    f.context = Some(hit.context);
    if treatment != ContentTreatment::AsIs
        && hit.context != PathContext::Production
        && let Some(help) = &mut f.help
    {
        {
            help.push_str(&format!(
                "; reported at most as a {} because this is a {} file (policy `contexts.{}`)",
                f.severity, hit.context, hit.context
            ));
        }
    }
    f.related.extend(hit.related.clone());
    Some(f)
}

/// The severity after the detector's confidence (medium: at most a
/// warning, low: at most a note) and the file context's treatment; `None`
/// when the context switches content rules off.
fn capped(
    severity: Severity,
    confidence: Confidence,
    treatment: ContentTreatment,
) -> Option<Severity> {
    let by_confidence = match confidence {
        Confidence::High => Severity::Error,
        Confidence::Medium => Severity::Warning,
        Confidence::Low => Severity::Note,
    };
    let by_context = match treatment {
        ContentTreatment::AsIs => Severity::Error,
        ContentTreatment::Warning => Severity::Warning,
        ContentTreatment::Note => Severity::Note,
        ContentTreatment::Off => return None,
    };
    Some(severity.min(by_confidence).min(by_context))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_is_capped_by_confidence_and_context() {
        use ContentTreatment::*;
        assert_eq!(
            capped(Severity::Error, Confidence::High, AsIs),
            Some(Severity::Error)
        );
        assert_eq!(
            capped(Severity::Error, Confidence::Medium, AsIs),
            Some(Severity::Warning)
        );
        assert_eq!(
            capped(Severity::Error, Confidence::High, Note),
            Some(Severity::Note)
        );
        assert_eq!(
            capped(Severity::Warning, Confidence::High, Warning),
            Some(Severity::Warning)
        );
        assert_eq!(
            capped(Severity::Note, Confidence::High, AsIs),
            Some(Severity::Note)
        );
        assert_eq!(capped(Severity::Error, Confidence::High, Off), None);
    }
}
