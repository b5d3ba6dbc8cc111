//! The policy stage: load the built-in bundle, `extends` and the
//! repository's config, validate every value against its own grammar, and
//! merge them into one [`Policy`]. Errors point at the policy file, line and
//! column.

mod error;
mod load;
pub mod raw;
mod validate;

use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;

pub use error::{PolicyError, PolicyErrors};
pub use load::{BUILTIN_NAME, CONFIG_NAMES, builtin_text, discover_config, load, load_file};
pub use raw::{Mode, Permission, UnknownLicense};

use crate::finding::{FailOn, RuleId, Severity};
use crate::location::{Location, SourceFile};
use crate::purl::{Purl, PurlPattern};
use crate::version::VersionRange;

/// The validated, merged policy every later stage reads.
#[derive(Debug, Default)]
pub struct Policy {
    pub fail_on: FailOn,
    pub exclude: Vec<Glob>,
    pub product: Product,
    /// `None` when no loaded policy says anything about components.
    pub components: Option<ComponentPolicy>,
    pub rules: Vec<RuleOverride>,
    /// Built-in MAR checks the policy requires, in merge order.
    pub requirements: Vec<Requirement>,
    /// Shared security services, one per id (a later file's entry replaces
    /// an earlier one with the same id).
    pub services: Vec<Service>,
    /// The organisation's own requirements, one per rule id.
    pub declared: Vec<Declared>,
    pub exceptions: Vec<Exception>,
    /// The policy files loaded, in merge order (for snippets in reports).
    pub sources: Vec<Arc<SourceFile>>,
}

#[derive(Debug, Default, Clone)]
pub struct Product {
    pub name: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub lifecycle: Option<String>,
    pub contact: Option<String>,
    pub end_of_life: Option<Date>,
}

#[derive(Debug, Default)]
pub struct ComponentPolicy {
    pub mode: Mode,
    pub recommended: Vec<Recommended>,
    pub deprecated: Vec<Deprecated>,
    pub banned: Vec<Banned>,
    pub licenses: Option<LicensePolicy>,
    pub sources: SourcePolicy,
    /// Offline OSV database directory, resolved against its policy file.
    pub advisories: Option<std::path::PathBuf>,
}

#[derive(Debug)]
pub struct Recommended {
    pub pattern: PurlPattern,
    pub versions: Option<VersionRange>,
}

#[derive(Debug)]
pub struct Deprecated {
    pub pattern: PurlPattern,
    pub versions: Option<VersionRange>,
    pub sunset: Option<Date>,
    pub use_instead: Option<Purl>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct Banned {
    pub pattern: PurlPattern,
    pub versions: Option<VersionRange>,
    pub use_instead: Option<Purl>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct LicensePolicy {
    /// Allowed licences, each an SPDX id or `LicenseRef-…`, optionally
    /// `WITH` an exception (validated).
    pub allow: Vec<AllowedLicense>,
    /// `None`: the rule's own severity.
    pub unknown: Option<UnknownLicense>,
}

#[derive(Debug)]
pub struct SourcePolicy {
    pub git: Permission,
    pub path: Permission,
    pub url: Permission,
    /// `None`: any registry.
    pub registries: Option<Vec<String>>,
}

/// One entry of `licenses.allow`: a licence, or a licence with one
/// exception. As in cargo-deny (and SPDX matching), `Apache-2.0` does not
/// allow `Apache-2.0 WITH LLVM-exception`: the exception is allowed only
/// where the policy names it with its licence.
#[derive(Debug, Clone)]
pub struct AllowedLicense(spdx::Licensee);

impl AllowedLicense {
    pub fn new(licensee: spdx::Licensee) -> Self {
        AllowedLicense(licensee)
    }

    /// Whether this entry satisfies one requirement of an expression
    /// (`GPL-2.0+` is satisfied by `GPL-3.0`; an exception must match).
    pub fn satisfies(&self, requirement: &spdx::LicenseReq) -> bool {
        self.0.satisfies(requirement)
    }
}

impl std::fmt::Display for AllowedLicense {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Default for SourcePolicy {
    fn default() -> Self {
        SourcePolicy {
            git: Permission::Allow,
            path: Permission::Allow,
            url: Permission::Allow,
            registries: None,
        }
    }
}

/// Which rules an override or exception names.
#[derive(Debug, Clone)]
pub enum RuleSelector {
    Exact(RuleId),
    Glob { text: String, matcher: GlobMatcher },
}

impl RuleSelector {
    pub fn matches(&self, id: &RuleId) -> bool {
        match self {
            RuleSelector::Exact(exact) => exact == id,
            RuleSelector::Glob { matcher, .. } => matcher.is_match(id.as_str()),
        }
    }
}

/// A shared security service the product must (or may) be wired to.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    /// `PSCF-SPM-RSS/<id>`.
    pub rule: RuleId,
    pub name: Option<String>,
    pub required: bool,
    pub severity: Option<Severity>,
    /// Known tools that count; `None`: all known tools of the category.
    pub approved: Option<Vec<String>>,
    pub evidence: Vec<Evidence>,
    /// The entry in its policy file.
    pub location: Location,
}

/// What shows that a service is wired in.
#[derive(Debug, Clone)]
pub enum Evidence {
    WorkflowUses {
        glob: GlobMatcher,
        text: String,
    },
    WorkflowRun(regex::Regex),
    /// `pattern` is `glob` uncompiled, for the scan stage's retain set.
    File {
        glob: GlobMatcher,
        pattern: Glob,
        contains: Option<regex::Regex>,
    },
    Component(PurlPattern),
    PreCommitHook(String),
}

/// A requirement of the organisation's own, evaluated on the tree.
#[derive(Debug, Clone)]
pub struct Declared {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub files: globset::GlobSet,
    pub globs: Vec<Glob>,
    pub assertion: Assertion,
    /// The entry in its policy file.
    pub location: Location,
}

#[derive(Debug, Clone)]
pub enum Assertion {
    Exists,
    Absent,
    Matches(regex::Regex),
    NotMatches(regex::Regex),
    Path {
        path: Vec<PathSegment>,
        text: String,
        test: PathTest,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Any,
    Index(usize),
}

#[derive(Debug, Clone)]
pub enum PathTest {
    Present,
    Absent,
    Equals(String),
    OneOf(Vec<String>),
    Matches(regex::Regex),
}

/// A built-in check a policy requires, with its parameters.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub rule: RuleId,
    pub require_digest: bool,
}

#[derive(Debug, Clone)]
pub struct RuleOverride {
    pub selector: RuleSelector,
    pub severity: Option<Severity>,
    pub enabled: Option<bool>,
}

#[derive(Debug)]
pub struct Exception {
    pub rule: RuleSelector,
    pub purl: Option<PurlPattern>,
    pub path: Option<GlobMatcher>,
    pub reason: String,
    pub expires: Option<Date>,
    /// The exception's own place in its policy file.
    pub location: Location,
}

impl Policy {
    /// Files whose text rules will search: `file` + `contains` evidence,
    /// `matches` / `not-matches` requirements.
    pub fn retained_files(&self) -> globset::GlobSet {
        let mut builder = globset::GlobSetBuilder::new();
        for e in self.services.iter().flat_map(|s| &s.evidence) {
            if let Evidence::File {
                pattern,
                contains: Some(_),
                ..
            } = e
            {
                builder.add(pattern.clone());
            }
        }
        for d in &self.declared {
            if matches!(
                d.assertion,
                Assertion::Matches(_) | Assertion::NotMatches(_)
            ) {
                for g in &d.globs {
                    builder.add(g.clone());
                }
            }
        }
        builder
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty())
    }

    /// Files `path:` assertions read as YAML, JSON or TOML trees.
    pub fn config_files(&self) -> globset::GlobSet {
        let mut builder = globset::GlobSetBuilder::new();
        for d in self
            .declared
            .iter()
            .filter(|d| matches!(d.assertion, Assertion::Path { .. }))
        {
            for g in &d.globs {
                builder.add(g.clone());
            }
        }
        builder
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty())
    }

    /// The requirement that switches `rule` on (the last one wins), if the
    /// policy lists it.
    pub fn requirement(&self, rule: &RuleId) -> Option<&Requirement> {
        self.requirements.iter().rev().find(|r| r.rule == *rule)
    }

    /// The effective severity of a rule, or `None` when it is switched off.
    /// Glob overrides apply first, then exact ids; within each, later wins.
    pub fn rule_severity(&self, id: &RuleId, default: Severity) -> Option<Severity> {
        let mut severity = default;
        let mut enabled = true;
        let globs = self
            .rules
            .iter()
            .filter(|o| matches!(o.selector, RuleSelector::Glob { .. }));
        let exact = self
            .rules
            .iter()
            .filter(|o| matches!(o.selector, RuleSelector::Exact(_)));
        for o in globs.chain(exact).filter(|o| o.selector.matches(id)) {
            if let Some(s) = o.severity {
                severity = s;
            }
            if let Some(e) = o.enabled {
                enabled = e;
            }
        }
        enabled.then_some(severity)
    }
}
