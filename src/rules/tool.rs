//! Tool findings (`pscf-lint/*`): files that could not be read, and the
//! state of the policy's exceptions. No capability.

use super::Context;
use super::registry::RuleInfo;
use crate::facts::{FileProblem, Problem};
use crate::finding::{Finding, RuleId, Severity};

pub const PARSE_ERROR: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/parse-error"),
    default_severity: Severity::Warning,
    summary: "a file of a known kind cannot be parsed (or is over a parse limit); its rules are not evaluated (error for workflows and lockfiles, warning otherwise)",
    rationale: "A manifest or lockfile that does not parse hides its components from every rule, and a workflow that does not parse hides its triggers, permissions and scripts: a file made unparsable on purpose must not pass the gate. The scan goes on with the other files, and the capabilities the file feeds cannot `pass`.",
    fix: "Fix the syntax error at the position shown (the ecosystem's own tool will reject the file too).",
    example: "rules:\n  pscf-lint/parse-error: { severity: error }",
};

pub const FILE_SKIPPED: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/file-skipped"),
    default_severity: Severity::Warning,
    summary: "a file that would be read was over the size limit, unreadable, not a regular file, or had a name that is not UTF-8 (error for workflows and lockfiles, warning otherwise)",
    rationale: "Memory stays bounded whatever a repository holds, and a file that cannot be read is reported rather than passed over in silence: otherwise an unreadable lockfile or an oversized config would hide what it holds.",
    fix: "Make it a readable regular file under the size limit, or exclude it with `exclude:` if it is not part of the product.",
    example: "exclude:\n  - \"testdata/**\"",
};

pub const EXPIRED_EXCEPTION: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/expired-exception"),
    default_severity: Severity::Warning,
    summary: "an exception's `expires` date has passed; the finding it covered is reported again",
    rationale: "Exceptions are governed: each one is accepted for a reason until a date. After it the risk must be fixed or accepted again, explicitly.",
    fix: "Fix the finding and delete the exception, or renew it with a new reason and date.",
    example: "exceptions:\n  - rule: PSCF-SPM-RC/banned-component\n    purl: pkg:cargo/openssl\n    reason: migration to rustls tracked in SEC-142\n    expires: 2027-01-31",
};

pub const UNUSED_EXCEPTION: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/unused-exception"),
    default_severity: Severity::Warning,
    summary: "an exception or inline `pscf-lint: ignore[...]` comment matched no finding, or an inline one cannot apply (no reason, unreadable, or refused by `inline-suppressions: deny`)",
    rationale: "An exception that covers nothing is either stale (the finding was fixed) or wrong (a typo in its rule or purl), and would silently hide a future finding. An inline suppression without a reason is not a decision anyone can review, so it does not apply.",
    fix: "Delete the exception or comment, or correct its rule, `purl` or `path`; give an inline suppression its reason after the `]`.",
    example: "exceptions:\n  - rule: PSCF-SPM-RC/deprecated-component\n    purl: pkg:cargo/atty\n    reason: removed with the CLI rewrite, SEC-150",
};

pub const POLICY_WEAKENED: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/policy-weakened"),
    default_severity: Severity::Note,
    summary: "the repository's own config relaxes the policy (switches a rule off, lowers a severity, adds an exception or exclude, raises `fail-on`, or does not extend the built-in bundle); with `--trusted-policy`, what that policy does not allow is refused",
    rationale: "In a pull-request gate the repository's `.pscf-lint.yaml` is written by the pull request. Without this finding a pull request could silence the gate in its own config and pass with no trace. The repository's config cannot change this rule's severity, and exceptions do not cover it.",
    fix: "Review the change as you would a change to the gate itself. An organisation that wants to decide what repositories may relax passes its policy with `--trusted-policy` and lists what it allows under `allow:`.",
    example: "# the organisation's trusted policy\nextends: [builtin:pscf-spm]\nallow:\n  - exceptions\n  - \"PSCF-SPM-MAR/insecure-transport\"",
};

pub const RULES: &[RuleInfo] = &[
    PARSE_ERROR,
    FILE_SKIPPED,
    EXPIRED_EXCEPTION,
    UNUSED_EXCEPTION,
    POLICY_WEAKENED,
];

/// Findings for files that could not be read and for what the
/// repository's config relaxed. (Exception findings are made by the govern
/// stage, which knows which exceptions matched.)
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = weakened(ctx);
    out.extend(problems(ctx));
    out
}

/// One finding per relaxation, at its config entry. Its severity comes from
/// trusted files only: the repository cannot silence its own report.
fn weakened(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(severity) = crate::policy::severity_under(
        &ctx.policy.trusted_rules,
        &POLICY_WEAKENED.id,
        POLICY_WEAKENED.default_severity,
    ) else {
        return Vec::new();
    };
    ctx.policy
        .weakenings
        .iter()
        .map(|w| {
            let message = if w.refused {
                format!(
                    "the repository's config {}; refused: the trusted policy does not allow `{}` here",
                    w.what,
                    w.kind.name()
                )
            } else {
                format!("the repository's config {}", w.what)
            };
            let mut f = Finding::new(
                POLICY_WEAKENED.id.clone(),
                severity,
                message,
                w.location.clone(),
            );
            f.subject = format!("{} {}", w.kind.name(), w.what);
            f.help = Some(if w.refused {
                "the relaxation was not applied; ask the policy's owners to allow it in the trusted policy, or fix the findings instead".to_owned()
            } else {
                "a reviewer should confirm this relaxation of the gate; with `--trusted-policy` the organisation decides what a repository may relax".to_owned()
            });
            f
        })
        .collect()
}

fn problems(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.facts
        .problems
        .iter()
        .filter_map(|Problem { kind, problem }| {
            // Losing a workflow or a lockfile hides the most: an error by
            // default; the policy's `rules:` have the last word.
            let default = if kind.is_critical() {
                Severity::Error
            } else {
                Severity::Warning
            };
            let (rule, message, subject, help) = match problem {
                FileProblem::Unparsable { location, message } => (
                    &PARSE_ERROR,
                    format!("cannot parse `{}`: {message}", location.path),
                    "parse",
                    "its rules are not evaluated until it parses: fix it, or exclude it with `exclude:` if it is not part of the product",
                ),
                FileProblem::Skipped { location, reason } => (
                    &FILE_SKIPPED,
                    format!("`{}` was not scanned: {reason}", location.path),
                    "skipped",
                    "nothing in it is checked: make it a readable regular file under the size limit, or exclude it with `exclude:`",
                ),
            };
            let severity = ctx.policy.rule_severity(&rule.id, default)?;
            let mut f = Finding::new(rule.id.clone(), severity, message, problem.location().clone());
            f.subject = subject.to_owned();
            f.help = Some(help.to_owned());
            Some(f)
        })
        .collect()
}
