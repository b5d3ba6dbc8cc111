//! A reporting channel for vulnerabilities: SECURITY.md with an e-mail
//! address or URL, or an OpenSSF Security Insights contact.

use crate::finding::{Finding, RuleId, Severity};
use crate::policy::{ProductPolicy, SecurityPolicySource};
use crate::rules::Context;
use crate::rules::anchor;
use crate::rules::registry::RuleInfo;

pub const SECURITY_POLICY_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/security-policy-missing"),
    default_severity: Severity::Error,
    summary: "no SECURITY.md in the root, `.github/` or `docs/` (and no Security Insights file with a vulnerability-reporting contact)",
    rationale: "Someone who finds a vulnerability needs to know where to report it privately; without a policy, reports go to public issues or nowhere.",
    fix: "Add SECURITY.md saying how to report a vulnerability (an e-mail address or the repository's private advisory form) and which versions get fixes. If the organisation's `.github` repository provides it, set `product.security-policy: organisation` — pscf-lint cannot see that repository offline.",
    example: "product:\n  security-policy: organisation   # SECURITY.md comes from the org's .github repository",
};

pub const SECURITY_CONTACT_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/security-contact-missing"),
    default_severity: Severity::Warning,
    summary: "SECURITY.md gives no e-mail address or URL to report to",
    rationale: "A policy without a channel tells the reporter what to do but not where: the report ends up in a public issue.",
    fix: "Name a private channel in SECURITY.md: an e-mail address, or `https://github.com/<org>/<repo>/security/advisories/new`.",
    example: "# SECURITY.md\nReport vulnerabilities to security@example.com.",
};

pub(super) fn check(ctx: &Context<'_>, product: &ProductPolicy, out: &mut Vec<Finding>) {
    let facts = &ctx.facts.product;
    let insights_contact = facts.insights.as_ref().and_then(|i| i.contact.as_ref());
    if let Some(policy) = &facts.security_policy {
        if policy.contact.is_none() && insights_contact.is_none() {
            out.extend(ctx.explained(
                &SECURITY_CONTACT_MISSING,
                &policy.head,
                "contact",
                format!(
                    "`{}` gives no e-mail address or URL to report a vulnerability to",
                    policy.head.path
                ),
                "name a private channel: an e-mail address or the repository's security advisory form".to_owned(),
            ));
        }
        return;
    }
    if insights_contact.is_some() || product.security_policy == SecurityPolicySource::Organisation {
        return;
    }
    let (at, message) = match &facts.insights {
        Some(i) => (
            i.head.clone(),
            format!(
                "no SECURITY.md, and `{}` names no vulnerability-reporting contact",
                i.head.path
            ),
        ),
        None => (
            anchor::repository_file(ctx),
            "no SECURITY.md in the root, `.github/` or `docs/`: reporters have no private channel"
                .to_owned(),
        ),
    };
    out.extend(ctx.explained(
        &SECURITY_POLICY_MISSING,
        &at,
        "security-policy",
        message,
        "add SECURITY.md with a reporting address; if your organisation's `.github` repository provides it, set `product.security-policy: organisation` (that repository cannot be seen offline)".to_owned(),
    ));
}
