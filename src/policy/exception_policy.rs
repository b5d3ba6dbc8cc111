//! `exception-policy:` held against every exception of the merged policy.
//! Only the merged policy knows both: the organisation's limits (often in
//! the trusted policy) and a rule's effective severity (a later file's
//! `rules:` may raise it) apply to exceptions in any file.

use jiff::ToSpan;
use jiff::civil::Date;

use super::raw::ExceptionField;
use super::{Exception, Policy, PolicyError, PolicyErrors, RuleSelector};
use crate::finding::{RuleId, Severity};
use crate::rules::registry;

/// Every exception that breaks the limits, as policy errors at the
/// exception (a missing field) or at its `expires` (too far ahead).
pub fn audit_exceptions(policy: &Policy, today: Date) -> Result<(), PolicyErrors> {
    let mut errors = Vec::new();
    for exception in &policy.exceptions {
        errors.extend(missing_fields(policy, exception));
        errors.extend(too_long(policy, exception, today));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PolicyErrors(errors))
    }
}

fn missing_fields(policy: &Policy, e: &Exception) -> Vec<PolicyError> {
    policy
        .exception_policy
        .require
        .iter()
        .filter(|(field, _)| match field {
            ExceptionField::Owner => e.owner.is_none(),
            ExceptionField::Ticket => e.ticket.is_none(),
            ExceptionField::Expires => e.expires.is_none(),
        })
        .map(|(field, at)| {
            PolicyError::new(
                &e.source,
                e.span.start..e.span.start,
                format!(
                    "this exception for `{}` has no `{}`, which the policy requires (`exception-policy.require` at {at})",
                    e.rule_text(),
                    field.name()
                ),
            )
            .with_help(format!("add `{}:` to the exception", field.name()))
        })
        .collect()
}

/// The error for an exception that may last longer than the cap of its
/// rule's severity allows (or forever, without `expires`).
fn too_long(policy: &Policy, e: &Exception, today: Date) -> Option<PolicyError> {
    let severity = effective_severity(policy, &e.rule)?;
    let (days, at) = policy.exception_policy.max_days(severity)?;
    let latest = today.checked_add(i64::from(*days).days()).ok()?;
    let limit = format!(
        "the policy lets exceptions of {severity} rules last at most {days} days (`exception-policy.max-days.{severity}` at {at})"
    );
    match (e.expires, &e.expires_span) {
        (Some(date), Some(span)) if date > latest => Some(
            PolicyError::new(
                &e.source,
                span.clone(),
                format!(
                    "`expires: {date}` is too far ahead for `{}`: {limit}",
                    e.rule_text()
                ),
            )
            .with_help(format!(
                "set `expires:` on or before {latest}, and renew the exception when it runs out if the fix is still not done"
            )),
        ),
        (None, _) => Some(
            PolicyError::new(
                &e.source,
                e.span.start..e.span.start,
                format!(
                    "this exception for `{}` never expires: {limit}",
                    e.rule_text()
                ),
            )
            .with_help(format!("add `expires:` on or before {latest}")),
        ),
        _ => None,
    }
}

/// The most severe effective severity among the rules `selector` names
/// (built-in, declared and shared-service rules); `None` when it names no
/// rule that is on.
pub(crate) fn effective_severity(policy: &Policy, selector: &RuleSelector) -> Option<Severity> {
    let builtin = registry::all().map(|r| (r.id.clone(), r.default_severity));
    let declared = policy.declared.iter().map(|d| (d.rule.clone(), d.severity));
    let services = policy.services.iter().map(|s| {
        let default =
            registry::find(s.rule.as_str()).map_or(Severity::Warning, |r| r.default_severity);
        (s.rule.clone(), s.severity.unwrap_or(default))
    });
    builtin
        .chain(declared)
        .chain(services)
        .filter(|(id, _): &(RuleId, Severity)| selector.matches(id))
        .filter_map(|(id, default)| policy.rule_severity(&id, default))
        .max()
}
