//! The govern stage: exceptions suppress the findings they cover until they
//! expire; expired and unused exceptions are findings themselves, pointing
//! at the exception in its policy file. Inline `pscf-lint: ignore[...]`
//! comments are governed the same way: they need a reason, a policy can
//! refuse them, and one that suppresses nothing is a finding at the comment.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::facts::InlineSuppression;
use crate::finding::{Finding, RuleId, Suppression};
use crate::policy::{Exception, InlineSuppressions, Policy};
use crate::rules::Context;
use crate::rules::registry;
use crate::rules::tool::{EXPIRED_EXCEPTION, UNUSED_EXCEPTION};

fn covers(exception: &Exception, finding: &Finding) -> bool {
    exception.rule.matches(&finding.rule)
        && exception
            .purl
            .as_ref()
            .is_none_or(|p| finding.component.as_ref().is_some_and(|c| p.matches(c)))
        && exception
            .path
            .as_ref()
            .is_none_or(|g| g.is_match(finding.location.path.as_str()))
}

fn expired(exception: &Exception, today: Date) -> bool {
    exception.expires.is_some_and(|date| today > date)
}

/// Suppresses covered findings and adds the exception findings.
pub fn govern(ctx: &Context<'_>, findings: &mut Vec<Finding>) {
    let policy: &Policy = ctx.policy;
    let mut used = vec![false; policy.exceptions.len()];
    for finding in findings.iter_mut() {
        for (i, exception) in policy.exceptions.iter().enumerate() {
            if !covers(exception, finding) {
                continue;
            }
            if let Some(flag) = used.get_mut(i) {
                *flag = true;
            }
            if !expired(exception, ctx.today) {
                finding.suppression = Some(Suppression::Exception {
                    reason: exception.reason.clone(),
                    expires: exception.expires.map(|d| d.to_string()),
                });
                break;
            }
        }
    }
    for (exception, used) in policy.exceptions.iter().zip(used) {
        let subject = exception.location.span.start.to_string();
        let finding = if expired(exception, ctx.today) {
            let date = exception.expires.map(|d| d.to_string()).unwrap_or_default();
            ctx.finding(
                &EXPIRED_EXCEPTION,
                &exception.location,
                format!(
                    "this exception expired on {date}; the findings it covered are reported again"
                ),
            )
            .map(|mut f| {
                f.help = Some(format!(
                    "fix the finding and delete the exception, or renew it (reason was: {})",
                    exception.reason
                ));
                f.subject = subject;
                f
            })
        } else if !used {
            ctx.finding(
                &UNUSED_EXCEPTION,
                &exception.location,
                "this exception matches no finding".to_owned(),
            )
            .map(|mut f| {
                f.help = Some("delete it, or correct its `rule`, `purl` or `path`".to_owned());
                f.subject = subject;
                f
            })
        } else {
            None
        };
        findings.extend(finding);
    }
    inline(ctx, findings);
}

/// Findings about governance itself cannot be silenced where they point.
fn silenceable(rule: &RuleId) -> bool {
    *rule != UNUSED_EXCEPTION.id && *rule != EXPIRED_EXCEPTION.id
}

/// Whether a name of `ignore[...]` names a rule: its full id, its slug, or
/// a glob over either (`PSCF-SPM-MAR/*`).
fn names(name: &str, rule: &RuleId) -> bool {
    if name.eq_ignore_ascii_case(rule.as_str()) || name.eq_ignore_ascii_case(rule.slug()) {
        return true;
    }
    name.contains(['*', '?', '['])
        && globset::Glob::new(name)
            .map(|g| g.compile_matcher())
            .is_ok_and(|m| m.is_match(rule.as_str()) || m.is_match(rule.slug()))
}

/// Applies the repository's inline suppressions: a comment at line L of a
/// file covers findings of that file at L or L+1 whose rule it names.
fn inline(ctx: &Context<'_>, findings: &mut Vec<Finding>) {
    let comments = &ctx.facts.inline_suppressions;
    let refused = match &ctx.policy.inline_suppressions {
        InlineSuppressions::Deny(at) => Some(at),
        InlineSuppressions::Allow => None,
    };
    let mut used = vec![false; comments.len()];
    if refused.is_none() {
        let mut by_place: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
        for (i, c) in comments.iter().enumerate() {
            if c.malformed.is_none() && c.reason.is_some() {
                let path = c.location.path.as_str();
                by_place.entry((path, c.location.line)).or_default().push(i);
            }
        }
        for finding in findings.iter_mut().filter(|f| silenceable(&f.rule)) {
            let line = finding.location.line;
            let path = finding.location.path.as_str();
            let candidates = [line, line.saturating_sub(1)]
                .into_iter()
                .filter_map(|l| by_place.get(&(path, l)))
                .flatten()
                .copied()
                .collect::<Vec<_>>();
            for i in candidates {
                let Some(comment) = comments.get(i) else {
                    continue;
                };
                if !comment.rules.iter().any(|n| names(n, &finding.rule)) {
                    continue;
                }
                if let Some(flag) = used.get_mut(i) {
                    *flag = true;
                }
                if finding.suppression.is_none() {
                    finding.suppression = Some(Suppression::Inline {
                        reason: comment.reason.clone().unwrap_or_default(),
                        location: comment.location.clone(),
                    });
                }
            }
        }
    }
    for (comment, used) in comments.iter().zip(used) {
        if !used {
            findings.extend(unapplied(ctx, comment, refused));
        }
    }
}

/// The finding for a comment that suppressed nothing, saying why.
fn unapplied(
    ctx: &Context<'_>,
    comment: &InlineSuppression,
    refused: Option<&crate::location::Location>,
) -> Option<Finding> {
    let (message, help) = if let Some(at) = refused {
        (
            format!(
                "inline suppressions are refused by the policy (`inline-suppressions: deny` at {at}): this comment suppresses nothing"
            ),
            "fix the finding, or ask for a governed exception in the policy".to_owned(),
        )
    } else if let Some(why) = comment.malformed {
        (
            format!("this `pscf-lint:` comment cannot be read: {why}"),
            "write `pscf-lint: ignore[RULE, ...] reason` in a comment".to_owned(),
        )
    } else if comment.reason.is_none() {
        (
            "this inline suppression gives no reason, so it suppresses nothing".to_owned(),
            "say after the `]` why the finding is accepted, e.g. `ignore[script-injection] input is validated above (SEC-123)`".to_owned(),
        )
    } else {
        let unknown: Vec<&str> = comment
            .rules
            .iter()
            .map(String::as_str)
            .filter(|n| !n.contains(['*', '?', '[']))
            .filter(|n| {
                !registry::all().any(|r| {
                    n.eq_ignore_ascii_case(r.id.as_str()) || n.eq_ignore_ascii_case(r.id.slug())
                })
            })
            .collect();
        let help = match unknown.first() {
            Some(name) => format!("`{name}` is no rule id or slug (`pscf-lint rules` lists them)"),
            None => "delete it, or put it on the finding's line or the line above".to_owned(),
        };
        (
            "this inline suppression matches no finding on its line or the next".to_owned(),
            help,
        )
    };
    let mut f = ctx.finding(&UNUSED_EXCEPTION, &comment.location, message)?;
    f.help = Some(help);
    f.subject = format!("inline {}", comment.rules.join(","));
    Some(f)
}
