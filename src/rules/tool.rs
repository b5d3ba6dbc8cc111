//! Tool findings (`pscf-lint/*`): files that could not be read, and the
//! state of the policy's exceptions. No capability.

use super::Context;
use super::registry::RuleInfo;
use crate::facts::FileProblem;
use crate::finding::{Finding, RuleId, Severity};

pub const PARSE_ERROR: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/parse-error"),
    default_severity: Severity::Warning,
    summary: "a file of a known kind cannot be parsed; its rules are not evaluated",
    rationale: "A manifest or lockfile that does not parse hides its components from every rule. The scan goes on with the other files.",
    fix: "Fix the syntax error at the position shown (the ecosystem's own tool will reject the file too).",
    example: "rules:\n  pscf-lint/parse-error: { severity: error }",
};

pub const FILE_SKIPPED: RuleInfo = RuleInfo {
    id: RuleId::new("pscf-lint/file-skipped"),
    default_severity: Severity::Note,
    summary: "a file was over the size limit and was not scanned",
    rationale: "Memory stays bounded whatever a repository holds; a file that large is reported rather than read.",
    fix: "Exclude the file with `exclude:` if it is not part of the product, or split it.",
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

pub const RULES: &[RuleInfo] = &[
    PARSE_ERROR,
    FILE_SKIPPED,
    EXPIRED_EXCEPTION,
    UNUSED_EXCEPTION,
];

/// Findings for files that could not be read. (Exception findings are made
/// by the govern stage, which knows which exceptions matched.)
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.facts
        .problems
        .iter()
        .filter_map(|problem| match problem {
            FileProblem::Unparsable { location, message } => {
                let mut f = ctx.finding(
                    &PARSE_ERROR,
                    location,
                    format!("cannot parse `{}`: {message}", location.path),
                )?;
                f.subject = "parse".to_owned();
                f.help =
                    Some("its components and settings are not checked until it parses".to_owned());
                Some(f)
            }
            FileProblem::Skipped { location, reason } => {
                let mut f = ctx.finding(
                    &FILE_SKIPPED,
                    location,
                    format!("`{}` was not scanned: {reason}", location.path),
                )?;
                f.subject = "skipped".to_owned();
                Some(f)
            }
        })
        .collect()
}
