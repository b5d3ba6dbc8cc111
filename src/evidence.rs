//! Evidence that is not one file at a time, added to the facts after the
//! per-file scan: the product's descriptor, ownership and security files
//! (read from the scan's retained texts), the tracked files, quality
//! reports on disk, and the git history. Each is gathered only when the
//! policy has a rule that reads it.

use std::path::Path;

use jiff::civil::Date;

use crate::discover::Excludes;
use crate::discover::FileKind;
use crate::facts::Facts;
use crate::facts::Problem;
use crate::finding::{Capability, RuleId, Severity};
use crate::history;
use crate::policy::Policy;
use crate::policy::QualityPolicy;
use crate::rules::{self, registry::RuleInfo};
use crate::scan;
use crate::scan::reports::QualityFacts;

/// Completes `facts` with what the policy's POM, QM and DM rules read.
pub fn gather(
    root: &Path,
    policy: &Policy,
    excludes: &Excludes,
    now: Option<Date>,
    tracked_at_top: Option<&[crate::location::RelPath]>,
    facts: &mut Facts,
) {
    if policy.product.is_some() {
        let (product, problems) = scan::product::collect(&facts.sources);
        facts.product = product;
        facts
            .problems
            .extend(problems.into_iter().map(|problem| Problem {
                kind: FileKind::ProductFile,
                problem,
            }));
        if facts.product.codeowners.is_some() {
            facts.product.tracked = scan::product::tracked_files(tracked_at_top, &facts.paths);
        }
    }
    if let Some(quality) = &policy.metrics.quality {
        let (reports, problems) = scan::reports::collect(root, quality, excludes);
        facts
            .problems
            .extend(problems.into_iter().map(|problem| Problem {
                kind: FileKind::QualityReport,
                problem,
            }));
        facts.quality = Some(QualityFacts {
            projects: scan::tests_present::projects(
                root,
                &facts.paths,
                &facts.sources,
                &facts.contexts,
            ),
            ..reports
        });
    }
    if let Some(delivery) = &policy.metrics.delivery {
        facts.delivery = Some(history::read(root, delivery, now.and_then(end_of_day)));
    }
    facts.sort_problems();
}

/// Reports and projects for `pscf-lint metrics` (problems are dropped:
/// `check` reports them).
pub fn quality(
    root: &Path,
    policy: &QualityPolicy,
    excludes: &Excludes,
    facts: &Facts,
) -> QualityFacts {
    let (reports, _) = scan::reports::collect(root, policy, excludes);
    QualityFacts {
        projects: scan::tests_present::projects(
            root,
            &facts.paths,
            &facts.sources,
            &facts.contexts,
        ),
        ..reports
    }
}

/// The last second of `date`, UTC: `--now 2026-06-01` includes that day.
pub fn end_of_day(date: Date) -> Option<history::Seconds> {
    jiff::tz::Offset::UTC
        .to_timestamp(date.at(23, 59, 59, 0))
        .ok()
        .map(|t| t.as_second())
}

/// Why a capability is not evaluated under this policy and these facts
/// (and what would change that), or `None` when it is.
pub fn not_evaluated(capability: Capability, policy: &Policy, facts: &Facts) -> Option<String> {
    let any_on = |rules: &[RuleInfo]| {
        rules
            .iter()
            .any(|r| policy.rule_severity(&r.id, r.default_severity).is_some())
    };
    let switched_off = |id: &str| format!("the policy switches off every {id} rule");
    match capability {
        Capability::RecommendedComponents => policy.components.is_none().then(|| {
            "the policy has no `components:` catalogue (add one, or extend builtin:pscf-spm)"
                .to_owned()
        }),
        Capability::RecommendedSharedSecurityServices => {
            let on = policy
                .services
                .iter()
                .any(|s| policy.rule_severity(&s.rule, Severity::Note).is_some());
            (!on).then(|| {
                "the policy lists no shared services that are switched on (`services:`)".to_owned()
            })
        }
        Capability::MinimumApplicationRequirements => {
            let on = policy
                .requirements
                .iter()
                .any(|r| policy.rule_severity(&r.rule, Severity::Note).is_some());
            (!on).then(|| "the policy requires no built-in check (`requirements:`)".to_owned())
        }
        Capability::ProductOperatingModel => match &policy.product {
            None => Some(
                "the policy has no `product:` section (add one, or extend builtin:pscf-spm)"
                    .to_owned(),
            ),
            Some(_) if !any_on(rules::pom::RULES) => Some(switched_off(capability.id())),
            Some(_) => None,
        },
        Capability::DeliveryMetrics => delivery_reason(policy, facts),
        Capability::QualityMetrics => quality_reason(policy, facts),
    }
}

fn delivery_reason(policy: &Policy, facts: &Facts) -> Option<String> {
    if policy.metrics.delivery.is_none() {
        return Some("the policy asks for no delivery figures (add `metrics.delivery`, or extend builtin:pscf-spm)".to_owned());
    }
    let on = rules::dm::RULES
        .iter()
        .any(|r| policy.rule_severity(&r.id, r.default_severity).is_some());
    if !on {
        return Some("the policy switches off every PSCF-SPM-DM rule".to_owned());
    }
    let history = facts.delivery.as_ref()?;
    let why = history.insufficient.as_ref()?;
    Some(format!(
        "{}; {}",
        why.describe(history.window.as_ref()),
        rules::dm::how_to_get_history(why)
    ))
}

fn quality_reason(policy: &Policy, facts: &Facts) -> Option<String> {
    if policy.metrics.quality.is_none() {
        return Some("the policy asks for no quality figures (add `metrics.quality`, or extend builtin:pscf-spm)".to_owned());
    }
    let on = |rule: &RuleInfo| {
        policy
            .rule_severity(&rule.id, rule.default_severity)
            .is_some()
    };
    if !rules::qm::RULES.iter().any(on) {
        return Some("the policy switches off every PSCF-SPM-QM rule".to_owned());
    }
    let quality = facts.quality.as_ref()?;
    let reports =
        !quality.coverage.is_empty() || !quality.tests.is_empty() || !quality.security.is_empty();
    let tree = on(&rules::qm::TESTS_MISSING) && !quality.projects.is_empty();
    (!reports && !tree).then(|| {
        if quality.missing.is_empty() {
            "no project manifest to look for tests in, and the policy names no reports: list coverage, JUnit or SARIF files under `metrics.quality.*.reports`".to_owned()
        } else {
            "no report matched the policy's globs: produce coverage, JUnit or SARIF reports before running pscf-lint".to_owned()
        }
    })
}

/// Rules whose findings say a figure could not be computed: they never
/// make a capability fail.
pub fn is_informational(rule: &RuleId) -> bool {
    *rule == rules::dm::HISTORY_INSUFFICIENT.id || *rule == rules::qm::QUALITY_REPORT_MISSING.id
}
