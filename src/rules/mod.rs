//! The evaluate stage: each rule family reads the policy and the facts and
//! returns findings. Rules know nothing about file formats.

pub mod anchor;
pub mod declared;
pub mod dm;
pub mod mar;
pub mod pom;
pub mod qm;
pub mod rc;
pub mod registry;
pub mod rss;
pub mod tool;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::advisories::Database;
use crate::facts::Facts;
use crate::finding::{Finding, Severity};
use crate::location::Location;
use crate::policy::Policy;
use crate::purl::Purl;
use registry::RuleInfo;

/// What every rule reads.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub facts: &'a Facts,
    /// The offline advisory database the policy names (empty if none).
    pub advisories: &'a Database,
    /// The date deadlines are compared with (sunsets, expiries).
    pub today: Date,
}

impl Context<'_> {
    /// A finding of `rule` at its effective severity, or `None` when the
    /// policy switched the rule off.
    pub fn finding(
        &self,
        rule: &RuleInfo,
        location: &Location,
        message: String,
    ) -> Option<Finding> {
        let severity = self.policy.rule_severity(&rule.id, rule.default_severity)?;
        Some(Finding::new(
            rule.id.clone(),
            severity,
            message,
            location.clone(),
        ))
    }

    /// As [`Context::finding`], with the subject its fingerprint is about
    /// and the help that says how to fix it.
    pub fn explained(
        &self,
        rule: &RuleInfo,
        location: &Location,
        subject: &str,
        message: String,
        help: String,
    ) -> Option<Finding> {
        let mut f = self.finding(rule, location, message)?;
        f.subject = subject.to_owned();
        f.help = Some(help);
        Some(f)
    }

    /// As [`Context::finding`], about a component.
    pub fn component_finding(
        &self,
        rule: &RuleInfo,
        location: &Location,
        purl: &Purl,
        message: String,
        help: Option<String>,
    ) -> Option<Finding> {
        self.finding(rule, location, message).map(|mut f| {
            f.subject = purl.to_string();
            f.component = Some(purl.clone());
            f.help = help;
            f
        })
    }
}

pub use crate::finding::MAX_PER_RULE_AND_FILE;

/// Keeps the first [`MAX_PER_RULE_AND_FILE`] findings of each rule in each
/// file (in report order) and replaces the rest with one finding that
/// counts them. `findings` must be sorted.
pub fn cap_per_file(findings: Vec<Finding>) -> Vec<Finding> {
    use std::collections::HashMap;
    let mut seen: HashMap<(RuleIdKey, String), usize> = HashMap::new();
    let mut out = Vec::with_capacity(findings.len());
    let mut dropped: std::collections::BTreeMap<(RuleIdKey, String), (Finding, usize)> =
        std::collections::BTreeMap::new();
    for f in findings {
        let key = (f.rule.as_str(), f.location.path.as_str().to_owned());
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n <= MAX_PER_RULE_AND_FILE {
            out.push(f);
            continue;
        }
        match dropped.get_mut(&key) {
            Some((first, count)) => {
                *count += 1;
                first.severity = first.severity.max(f.severity);
            }
            None => {
                dropped.insert(key, (f, 1));
            }
        }
    }
    for (mut first, count) in dropped.into_values() {
        first.message = format!(
            "{} more finding{} of `{}` in `{}` are not listed (the first {MAX_PER_RULE_AND_FILE} are)",
            count,
            if count == 1 { "" } else { "s" },
            first.rule,
            first.location.path
        );
        first.help =
            Some("fix the listed ones first; the same cause usually explains the rest".to_owned());
        first.subject = "more".to_owned();
        first.component = None;
        out.push(first);
    }
    out
}

type RuleIdKey = &'static str;

/// One family of rules: a function from the context to findings.
type Family = fn(&Context<'_>) -> Vec<Finding>;

const FAMILIES: &[Family] = &[
    rc::check,
    rss::check,
    mar::check,
    pom::check,
    dm::check,
    qm::check,
    declared::check,
    tool::check,
];

/// Runs every rule family in parallel; the caller sorts the result.
pub fn evaluate(ctx: &Context<'_>) -> Vec<Finding> {
    FAMILIES
        .par_iter()
        .flat_map_iter(|family| family(ctx))
        .collect()
}

/// Severity raised to at least `floor` (a sunset that has passed).
pub fn at_least(severity: Severity, floor: Severity) -> Severity {
    severity.max(floor)
}
