//! PSCF-SPM-MAR — Minimum Application Requirements: the baseline every
//! product meets. Each built-in check runs when the policy's
//! `requirements:` lists it (the built-in bundle lists them all). One
//! module per concern: workflows, containers, lockfiles, file content.

mod container;
mod content;
mod contexts;
mod credentials;
mod expression;
mod injection;
mod lockfile;
mod trigger;
mod workflow;

use super::Context;
use super::registry::RuleInfo;
use crate::finding::Finding;

pub use container::{CONTAINER_ROOT_USER, UNPINNED_BASE_IMAGE};
pub use content::{HARDCODED_SECRET, INSECURE_TRANSPORT, TLS_VERIFICATION_DISABLED};
pub use credentials::PERSISTED_CREDENTIALS;
pub use injection::SCRIPT_INJECTION;
pub use lockfile::{LOCKFILE_MISSING, UNBOUNDED_VERSION_RANGE};
pub use trigger::DANGEROUS_TRIGGER;
pub use workflow::{UNPINNED_ACTION, WORKFLOW_PERMISSIONS};

pub const RULES: &[RuleInfo] = &[
    UNPINNED_ACTION,
    WORKFLOW_PERMISSIONS,
    DANGEROUS_TRIGGER,
    SCRIPT_INJECTION,
    PERSISTED_CREDENTIALS,
    CONTAINER_ROOT_USER,
    UNPINNED_BASE_IMAGE,
    LOCKFILE_MISSING,
    UNBOUNDED_VERSION_RANGE,
    HARDCODED_SECRET,
    TLS_VERIFICATION_DISABLED,
    INSECURE_TRANSPORT,
];

/// A finding of a built-in check, or `None` when the policy does not
/// require the check or switched the rule off.
pub(super) fn check_finding(
    ctx: &Context<'_>,
    rule: &RuleInfo,
    at: &crate::location::Location,
    subject: &str,
    message: String,
    help: String,
) -> Option<Finding> {
    ctx.policy.requirement(&rule.id)?;
    ctx.explained(rule, at, subject, message, help)
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for workflow in &ctx.facts.workflows {
        workflow::check(ctx, workflow, &mut out);
    }
    for dockerfile in &ctx.facts.dockerfiles {
        container::check(ctx, dockerfile, &mut out);
    }
    lockfile::check(ctx, &mut out);
    content::check(ctx, &mut out);
    out
}
