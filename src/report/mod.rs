//! The report stage: one [`Report`] value, rendered by one module per
//! output format. Reporters know nothing about rules beyond the finding.

pub mod cyclonedx;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod line_hash;
pub mod markdown;
pub mod sarif;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::finding::{Capability, FailOn, Finding, RuleId, Severity};
use crate::location::{RelPath, SourceFile};
use crate::rules::registry::RuleInfo;

/// The outcome of one check, ready to render.
#[derive(Debug)]
pub struct Report {
    /// The checked path as the user gave it.
    pub root: String,
    /// Every finding, suppressed ones included, in report order.
    pub findings: Vec<Finding>,
    pub capabilities: Vec<CapabilityStatus>,
    /// Every rule of the policy (built-in and policy-defined), as this run
    /// applied it: reports list rules that did not fire too.
    pub rules: Vec<RuleStatus>,
    pub fail_on: FailOn,
    pub components: usize,
    /// The components and dependency graphs the scan found.
    pub inventory: crate::inventory::Inventory,
    /// Texts of scanned and policy files, for snippets.
    pub sources: BTreeMap<RelPath, Arc<SourceFile>>,
    /// The checked root's place in its repository (`services/api/`, or
    /// empty): reports show paths from the repository's top, which is what
    /// GitHub annotations and code scanning resolve against.
    pub prefix: String,
    /// Paths that are not files of the tree (trusted policy files outside
    /// it, the built-in bundle): shown as they are.
    pub external: std::collections::BTreeSet<RelPath>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    NotEvaluated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotEvaluated => "not-evaluated",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CapabilityStatus {
    pub capability: Capability,
    pub status: Status,
    /// Active (not suppressed) findings of this capability.
    pub findings: usize,
    /// Why it is not evaluated, or why it fails without findings of its
    /// own (files it needs could not be read).
    pub reason: Option<String>,
}

/// One rule as the policy configured it for this run.
#[derive(Debug, Clone)]
pub struct RuleStatus {
    pub id: RuleId,
    /// The policy's effective severity (the one it would have when it is
    /// switched off).
    pub severity: Severity,
    pub state: RuleState,
    pub about: RuleAbout,
}

/// Whether a rule ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleState {
    /// Evaluated: findings of it are real, its absence a pass.
    Evaluated,
    /// Switched off by `rules: { ID: { enabled: false } }`.
    Disabled,
    /// A check or service the policy does not ask for (not in
    /// `requirements:` or `services:`).
    NotRequired,
    /// Its capability is not evaluated; the reason says why.
    NotEvaluated(String),
}

impl RuleState {
    pub fn is_evaluated(&self) -> bool {
        *self == RuleState::Evaluated
    }

    /// Why the rule did not run, for reports; `None` when it ran.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RuleState::Evaluated => None,
            RuleState::Disabled => Some("switched off by the policy"),
            RuleState::NotRequired => Some("not required by the policy"),
            RuleState::NotEvaluated(reason) => Some(reason),
        }
    }
}

/// What documents a rule: the registry for built-in rules, the policy's
/// own text (hostile, like everything in the repository) for the others.
#[derive(Clone)]
pub enum RuleAbout {
    Builtin(&'static RuleInfo),
    /// A shared service the policy defines; `name` as the policy gives it.
    Service {
        service: String,
        name: Option<String>,
    },
    /// A requirement the policy declares, with its message and help.
    Declared {
        message: String,
        help: Option<String>,
    },
}

impl std::fmt::Debug for RuleAbout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleAbout::Builtin(info) => write!(f, "Builtin({})", info.id),
            RuleAbout::Service { service, name } => f
                .debug_struct("Service")
                .field("service", service)
                .field("name", name)
                .finish(),
            RuleAbout::Declared { message, help } => f
                .debug_struct("Declared")
                .field("message", message)
                .field("help", help)
                .finish(),
        }
    }
}

impl RuleStatus {
    pub fn capability(&self) -> Option<Capability> {
        self.id.capability()
    }

    /// One line: when the rule fires (policy text not yet escaped).
    pub fn summary(&self) -> String {
        match &self.about {
            RuleAbout::Builtin(info) => info.summary.to_owned(),
            RuleAbout::Service { service, name } => format!(
                "the shared service `{}` the policy requires is not wired in",
                name.as_deref().unwrap_or(service)
            ),
            RuleAbout::Declared { message, .. } => message.clone(),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub suppressed: usize,
}

impl Report {
    /// A finding's file as reports show it: from the repository's top,
    /// hidden characters escaped.
    pub fn display_path(&self, path: &RelPath) -> String {
        if self.external.contains(path) || self.prefix.is_empty() {
            crate::escape::inline(path.as_str()).into_owned()
        } else {
            crate::escape::inline(&format!("{}{}", self.prefix, path.as_str())).into_owned()
        }
    }

    /// `file:line:column` of a location, as reports show it.
    pub fn display_location(&self, location: &crate::location::Location) -> String {
        format!(
            "{}:{}:{}",
            self.display_path(&location.path),
            location.line,
            location.column
        )
    }

    /// The policy's rules and (should a finding name a rule the list
    /// lacks) a stand-in for it, so that every finding has its rule.
    pub fn all_rules(&self) -> Vec<RuleStatus> {
        let mut rules = self.rules.clone();
        for f in &self.findings {
            if !rules.iter().any(|r| r.id == f.rule) {
                let about = crate::rules::registry::find(f.rule.as_str()).map_or_else(
                    || RuleAbout::Declared {
                        message: f.rule.as_str().to_owned(),
                        help: None,
                    },
                    RuleAbout::Builtin,
                );
                rules.push(RuleStatus {
                    id: f.rule.clone(),
                    severity: f.severity,
                    state: RuleState::Evaluated,
                    about,
                });
            }
        }
        rules
    }

    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            match (f.is_suppressed(), f.severity) {
                (true, _) => c.suppressed += 1,
                (false, Severity::Error) => c.errors += 1,
                (false, Severity::Warning) => c.warnings += 1,
                (false, Severity::Note) => c.notes += 1,
            }
        }
        c
    }

    /// How many findings a baseline (`--baseline`, `--new-since`) marks as
    /// already known.
    pub fn baselined(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| matches!(f.suppression, Some(crate::finding::Suppression::Baseline)))
            .count()
    }

    /// 1 when an active finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.active().any(|f| self.fail_on.fails(f.severity)))
    }
}

/// A report of `findings` alone, for renderers' unit tests.
#[cfg(test)]
pub(crate) fn test_report(findings: Vec<Finding>) -> Report {
    Report {
        root: ".".to_owned(),
        findings,
        capabilities: Vec::new(),
        rules: Vec::new(),
        fail_on: FailOn::Error,
        components: 0,
        inventory: crate::inventory::Inventory::default(),
        sources: BTreeMap::new(),
        prefix: String::new(),
        external: std::collections::BTreeSet::new(),
    }
}

/// Pluralises a count for summaries: `1 error`, `2 errors`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
