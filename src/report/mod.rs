//! The report stage: one [`Report`] value, rendered by one module per
//! output format. Reporters know nothing about rules beyond the finding.

pub mod cyclonedx;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::finding::{Capability, FailOn, Finding, Severity};
use crate::location::{RelPath, SourceFile};

/// The outcome of one check, ready to render.
#[derive(Debug)]
pub struct Report {
    /// The checked path as the user gave it.
    pub root: String,
    /// Every finding, suppressed ones included, in report order.
    pub findings: Vec<Finding>,
    pub capabilities: Vec<CapabilityStatus>,
    pub fail_on: FailOn,
    pub components: usize,
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

/// Pluralises a count for summaries: `1 error`, `2 errors`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
