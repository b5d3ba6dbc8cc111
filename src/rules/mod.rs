//! The evaluate stage: each rule family reads the policy and the facts and
//! returns findings. Rules know nothing about file formats.

pub mod anchor;
pub mod declared;
pub mod mar;
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

/// One family of rules: a function from the context to findings.
type Family = fn(&Context<'_>) -> Vec<Finding>;

const FAMILIES: &[Family] = &[
    rc::check,
    rss::check,
    mar::check,
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
