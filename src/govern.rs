//! The govern stage: exceptions suppress the findings they cover until they
//! expire; expired and unused exceptions are findings themselves, pointing
//! at the exception in its policy file.

use jiff::civil::Date;

use crate::finding::{Finding, Suppression};
use crate::policy::{Exception, Policy};
use crate::rules::Context;
use crate::rules::tool::{EXPIRED_EXCEPTION, POLICY_WEAKENED, UNUSED_EXCEPTION};

fn covers(exception: &Exception, finding: &Finding) -> bool {
    // What the repository's config relaxed is always shown.
    finding.rule != POLICY_WEAKENED.id
        && exception.rule.matches(&finding.rule)
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
}
