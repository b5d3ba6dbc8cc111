//! The policy stage: load the built-in bundle, `extends` and the
//! repository's config, validate every value against its own grammar, and
//! merge them into one [`Policy`]. Errors point at the policy file, line and
//! column.

mod confine;
mod error;
mod exception_policy;
mod load;
mod merge;
pub mod metrics;
pub mod product;
pub mod raw;
mod suggest;
mod validate;
mod weaken;

use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;

pub use error::{PolicyError, PolicyErrors};
pub use exception_policy::audit_exceptions;
pub use load::{
    BUILTIN_NAME, CONFIG_NAMES, MAX_EXTENDS_DEPTH, MAX_POLICY_BYTES, MAX_POLICY_FILES, Request,
    STDIN_DISPLAY, STDIN_NAME, Trust, builtin_text, discover_config, is_stdin, load, load_file,
};
pub use metrics::{
    Bound, CoveragePolicy, DeliveryPolicy, MetricsPolicy, QualityPolicy, ReleasePattern,
    ReportGlob, SecurityReportsPolicy, TestsPolicy,
};
pub use product::{Placed, ProductDeclaration, ProductField, ProductPolicy};
pub use raw::{
    BandScheme, ContentTreatment, Mode, Permission, SarifLevel, SecurityPolicySource,
    UnknownLicense,
};
pub use weaken::{Allowance, Weakening, WeakeningKind, permits};

use crate::context::{ContextSet, PathContext};
use crate::finding::{FailOn, RuleId, Severity};
use crate::location::{Location, SourceFile};
use crate::purl::{Purl, PurlPattern};
use crate::version::VersionRange;

/// The validated, merged policy every later stage reads.
#[derive(Debug, Default)]
pub struct Policy {
    pub fail_on: FailOn,
    pub exclude: Vec<Glob>,
    /// `None` when no loaded policy has a `product:` section.
    pub product: Option<ProductPolicy>,
    pub metrics: MetricsPolicy,
    /// `None` when no loaded policy says anything about components.
    pub components: Option<ComponentPolicy>,
    pub rules: Vec<RuleOverride>,
    /// The overrides of trusted files only: what decides the severity of
    /// `pscf-lint/policy-weakened`, which the repository cannot silence.
    pub trusted_rules: Vec<RuleOverride>,
    /// Built-in MAR checks the policy requires, in merge order.
    pub requirements: Vec<Requirement>,
    /// Shared security services, one per id (a later file's entry replaces
    /// an earlier one with the same id).
    pub services: Vec<Service>,
    /// The organisation's own requirements, one per rule id.
    pub declared: Vec<Declared>,
    pub exceptions: Vec<Exception>,
    /// Limits on every exception (`exception-policy:`).
    pub exception_policy: ExceptionPolicy,
    /// What the repository's own config relaxed (or tried to, and was
    /// refused), for `pscf-lint/policy-weakened`.
    pub weakenings: Vec<Weakening>,
    /// With `--trusted-policy`: what it allows the repository to relax
    /// (its `allow:`); `None` without one. Inline suppressions, written in
    /// the repository, are held to it too.
    pub trusted_allow: Option<Vec<Allowance>>,
    /// How content rules treat each file context, and the globs that put
    /// paths in a context.
    pub contexts: ContextPolicy,
    /// Whether the repository's `pscf-lint: ignore[...]` comments count.
    pub inline_suppressions: InlineSuppressions,
    /// The policy files loaded, in merge order (for snippets in reports).
    pub sources: Vec<Arc<SourceFile>>,
    /// Those of them that are not files of the tree (trusted files outside
    /// it, the built-in bundle), by the path reports show.
    pub external: Vec<crate::location::RelPath>,
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

/// The three content rules, in the order of `contexts.*.content-rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentRule {
    HardcodedSecret,
    TlsVerificationDisabled,
    InsecureTransport,
}

/// `contexts:`, merged: a treatment per context and content rule, and the
/// globs of every layer.
#[derive(Debug, Clone)]
pub struct ContextPolicy {
    /// Indexed by [`PathContext::index`], then [`ContentRule`].
    pub treatments: [[ContentTreatment; 3]; 6],
    pub paths: Vec<(PathContext, Glob)>,
    matcher: globset::GlobSet,
}

impl Default for ContextPolicy {
    /// Test code and fixtures are reported at most as notes; third-party,
    /// generated and minified code is not the product's own and not read.
    /// Plain HTTP in tests and fixtures is off: they talk to test servers.
    fn default() -> Self {
        use ContentTreatment::{AsIs, Note, Off};
        ContextPolicy {
            treatments: [
                [AsIs; 3],
                [Note, Note, Off],
                [Note, Note, Off],
                [Off; 3],
                [Off; 3],
                [Off; 3],
            ],
            paths: Vec::new(),
            matcher: globset::GlobSet::empty(),
        }
    }
}

impl ContextPolicy {
    pub fn treatment(&self, context: PathContext, rule: ContentRule) -> ContentTreatment {
        self.treatments
            .get(context.index())
            .and_then(|t| t.get(rule as usize))
            .copied()
            .unwrap_or(ContentTreatment::AsIs)
    }

    /// Adds a layer's globs and treatments (later layers win).
    pub(crate) fn merge(
        &mut self,
        treatments: [[Option<ContentTreatment>; 3]; 6],
        paths: Vec<(PathContext, Glob)>,
    ) {
        for (slots, ts) in self.treatments.iter_mut().zip(treatments) {
            for (slot, t) in slots.iter_mut().zip(ts) {
                if let Some(t) = t {
                    *slot = t;
                }
            }
        }
        self.paths.extend(paths);
        // Sorted by context so the first matching context in
        // `PathContext::ALL` order wins.
        self.paths.sort_by_key(|(c, _)| *c);
        let mut builder = globset::GlobSetBuilder::new();
        for (_, glob) in &self.paths {
            builder.add(glob.clone());
        }
        self.matcher = builder
            .build()
            .unwrap_or_else(|_| globset::GlobSet::empty());
    }

    /// The context the policy's globs give `path`, if any.
    pub fn assign(&self, path: &str) -> Option<PathContext> {
        let first = self.matcher.matches(path).into_iter().min()?;
        self.paths.get(first).map(|(c, _)| *c)
    }

    /// Contexts whose files the content rules read.
    pub fn read(&self) -> ContextSet {
        PathContext::ALL
            .into_iter()
            .filter(|c| {
                self.treatments
                    .get(c.index())
                    .is_some_and(|t| t.iter().any(|t| *t != ContentTreatment::Off))
            })
            .fold(ContextSet::EMPTY, ContextSet::with)
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
    /// The entry in its policy file.
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct RuleOverride {
    pub selector: RuleSelector,
    pub severity: Option<Severity>,
    pub enabled: Option<bool>,
    /// The key in its policy file.
    pub location: Location,
}

#[derive(Debug)]
pub struct Exception {
    pub rule: RuleSelector,
    pub purl: Option<PurlPattern>,
    pub path: Option<GlobMatcher>,
    /// The fingerprint of the one finding it covers.
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    pub expires: Option<Date>,
    /// The exception's own place in its policy file.
    pub location: Location,
    /// Its policy file and the spans of the entry and of `expires`, for
    /// policy errors that only the merged policy can find.
    pub source: Arc<SourceFile>,
    pub span: std::ops::Range<usize>,
    pub expires_span: Option<std::ops::Range<usize>>,
}

impl Exception {
    /// What it selects besides the rule, as written (`purl pkg:npm/x`,
    /// `path vendor/**`, `fingerprint 0123…`), for the exceptions register.
    pub fn selector(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.purl {
            parts.push(format!("purl {p}"));
        }
        if let Some(p) = &self.path {
            parts.push(format!("path {}", p.glob().glob()));
        }
        if let Some(f) = &self.fingerprint {
            parts.push(format!("fingerprint {f}"));
        }
        parts.join(", ")
    }

    /// The rule selector as written.
    pub fn rule_text(&self) -> &str {
        match &self.rule {
            RuleSelector::Exact(id) => id.as_str(),
            RuleSelector::Glob { text, .. } => text,
        }
    }
}

/// `exception-policy:`, merged.
#[derive(Debug, Clone, Default)]
pub struct ExceptionPolicy {
    /// Per severity (`Severity as usize`: note, warning, error): the most
    /// days ahead `expires` may be, and where that was set.
    pub max_days: [Option<(u32, Location)>; 3],
    /// Fields every exception needs, and where each was required.
    pub require: Vec<(raw::ExceptionField, Location)>,
}

impl ExceptionPolicy {
    pub fn max_days(&self, severity: Severity) -> Option<&(u32, Location)> {
        self.max_days
            .get(severity as usize)
            .and_then(Option::as_ref)
    }
}

/// `inline-suppressions:`; `Deny` keeps where it was said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InlineSuppressions {
    #[default]
    Allow,
    Deny(Location),
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
        if self.product.is_some() {
            for g in crate::scan::product::retained_globs() {
                builder.add(g);
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
    pub fn rule_severity(&self, id: &RuleId, default: Severity) -> Option<Severity> {
        severity_under(&self.rules, id, default)
    }
}

/// A rule's severity under a list of overrides: glob overrides apply
/// first, then exact ids; within each, later wins.
pub fn severity_under(rules: &[RuleOverride], id: &RuleId, default: Severity) -> Option<Severity> {
    let mut severity = default;
    let mut enabled = true;
    let globs = rules
        .iter()
        .filter(|o| matches!(o.selector, RuleSelector::Glob { .. }));
    let exact = rules
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
