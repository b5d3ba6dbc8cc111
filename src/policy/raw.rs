//! The policy file format as written: serde types with spans on every value
//! a semantic check may reject. `pscf-lint schema` prints the JSON Schema
//! generated from these types, so the doc comments here are user-facing.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::finding::{FailOn, Severity};
use crate::yaml::{Scalar, Spanned, SpannedMap};

/// A pscf-lint policy: a repository's `.pscf-lint.yaml`, or a shared bundle
/// that other policies extend.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "pscf-lint policy")]
pub struct PolicyFile {
    /// Policies this one builds on, applied first and in order:
    /// `builtin:pscf-spm` or a path relative to this file. Later files
    /// override scalars and maps by key and append to lists.
    #[schemars(with = "Option<Vec<String>>")]
    pub extends: Option<Vec<Spanned<String>>>,
    /// The lowest severity that fails the check (exit code 1).
    pub fail_on: Option<FailOn>,
    /// Globs of repository paths (relative to the root) not to scan.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Vec<Spanned<String>>>,
    /// The product this repository builds (PSCF-SPM-POM).
    pub product: Option<RawProduct>,
    /// The component catalogue (PSCF-SPM-RC).
    pub components: Option<RawComponents>,
    /// Severity and on/off overrides, keyed by rule id or glob
    /// (`PSCF-SPM-RC/*`).
    pub rules: Option<SpannedMap<RawRuleOverride>>,
    /// Shared security services the product must be wired to
    /// (PSCF-SPM-RSS).
    #[schemars(with = "Option<Vec<RawService>>")]
    pub services: Option<Vec<Spanned<RawService>>>,
    /// The organisation's minimum application requirements (PSCF-SPM-MAR):
    /// the built-in checks to run, with their parameters, and requirements
    /// of its own.
    #[schemars(with = "Option<Vec<RawRequirement>>")]
    pub requirements: Option<Vec<Spanned<RawRequirement>>>,
    /// Governed exceptions: findings accepted for a reason, until a date.
    #[schemars(with = "Option<Vec<RawException>>")]
    pub exceptions: Option<Vec<Spanned<RawException>>>,
    /// Whether `pscf-lint: ignore[RULE] reason` comments in the repository
    /// may suppress findings (`allow`, the default), or are refused and
    /// reported (`deny`). A `deny` in any policy file stays in force: a
    /// later file cannot allow them again.
    #[schemars(with = "Option<InlineSuppressions>")]
    pub inline_suppressions: Option<Spanned<InlineSuppressions>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InlineSuppressions {
    Allow,
    Deny,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProduct {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Team or person accountable for the product.
    pub owner: Option<String>,
    /// experimental | production | deprecated | decommissioned
    pub lifecycle: Option<String>,
    pub support: Option<RawSupport>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSupport {
    /// E-mail address or URL of the support contact.
    pub contact: Option<String>,
    /// Date (YYYY-MM-DD) after which the product is no longer supported.
    #[schemars(with = "Option<String>")]
    pub end_of_life: Option<Spanned<String>>,
}

/// How components outside the recommended list are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Only deprecated and banned components are flagged.
    #[default]
    Denylist,
    /// Any component that matches no recommended entry is flagged.
    Allowlist,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawComponents {
    pub mode: Option<Mode>,
    pub recommended: Option<Vec<RawRecommended>>,
    pub deprecated: Option<Vec<RawDeprecated>>,
    pub banned: Option<Vec<RawBanned>>,
    pub licenses: Option<RawLicenses>,
    pub sources: Option<RawSources>,
    pub advisories: Option<RawAdvisories>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAdvisories {
    /// A directory of OSV JSON records (as OSV publishes them per
    /// ecosystem), relative to this policy file. Never fetched.
    #[schemars(with = "String")]
    pub osv: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRecommended {
    /// Package URL or pattern (`pkg:cargo/rustls`, `pkg:npm/@types/*`).
    #[schemars(with = "String")]
    pub purl: Spanned<String>,
    /// Allowed versions, in the ecosystem's own range syntax (`>=0.23`).
    #[schemars(with = "Option<String>")]
    pub versions: Option<Spanned<String>>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawDeprecated {
    #[schemars(with = "String")]
    pub purl: Spanned<String>,
    /// Only these versions are deprecated.
    #[schemars(with = "Option<String>")]
    pub versions: Option<Spanned<String>>,
    /// Date (YYYY-MM-DD) after which use is an error, not a warning.
    #[schemars(with = "Option<String>")]
    pub sunset: Option<Spanned<String>>,
    /// Package URL of the replacement.
    #[schemars(with = "Option<String>")]
    pub use_instead: Option<Spanned<String>>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBanned {
    #[schemars(with = "String")]
    pub purl: Spanned<String>,
    /// Only these versions are banned.
    #[schemars(with = "Option<String>")]
    pub versions: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub use_instead: Option<Spanned<String>>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLicenses {
    /// SPDX licence ids; an expression is accepted when the allowed ids can
    /// satisfy it (`MIT OR GPL-3.0` passes with `MIT` allowed).
    #[schemars(with = "Option<Vec<String>>")]
    pub allow: Option<Vec<Spanned<String>>>,
    /// What to do when a component's licence is not known: `allow`, or the
    /// severity of the `license-unknown` finding.
    pub unknown: Option<UnknownLicense>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnknownLicense {
    Allow,
    Note,
    Warning,
    Error,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSources {
    /// Components fetched from git repositories.
    pub git: Option<Permission>,
    /// Components built from a directory outside the project.
    pub path: Option<Permission>,
    /// Components downloaded from a URL (tarballs, wheels).
    pub url: Option<Permission>,
    /// Registries components may come from, by name (`crates.io`) or index
    /// URL. When absent, any registry is allowed.
    pub registries: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    Allow,
    Deny,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawService {
    /// `sast`, `software-composition-analysis`, `dependency-updates`,
    /// `secret-scanning` (built-in tool catalogues), or your own id; the
    /// finding's rule id is `PSCF-SPM-RSS/<id>`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub name: Option<String>,
    /// A missing required service is a finding; an optional one is not.
    pub required: Option<bool>,
    /// Severity of the missing-service finding (default: the rule's).
    pub severity: Option<Severity>,
    /// Known tools of the category that count (others found are
    /// `unapproved-service`). Absent: every known tool counts.
    #[schemars(with = "Option<Vec<String>>")]
    pub approved: Option<Vec<Spanned<String>>>,
    /// Further evidence that the service is wired in; any one suffices.
    pub any_of: Option<Vec<RawEvidence>>,
}

/// One piece of evidence; exactly one key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawEvidence {
    /// Glob on a workflow step's or job's `uses:` without `@ref`
    /// (`github/codeql-action/analyze`, `semgrep/*`).
    #[schemars(with = "Option<String>")]
    pub workflow_uses: Option<Spanned<String>>,
    /// Regex on workflow `run:` scripts.
    #[schemars(with = "Option<String>")]
    pub workflow_run: Option<Spanned<String>>,
    /// Glob of a file in the repository...
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// ...whose content matches this regex.
    #[schemars(with = "Option<String>")]
    pub contains: Option<Spanned<String>>,
    /// A component (purl pattern) the product depends on.
    #[schemars(with = "Option<String>")]
    pub component: Option<Spanned<String>>,
    /// A hook id in `.pre-commit-config.yaml`.
    pub pre_commit_hook: Option<String>,
}

/// Either a built-in check (`check:` with its parameters) or a requirement
/// of the organisation's own (`id`, `files`, `assert`, `message`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRequirement {
    /// A built-in check by its rule slug (`pscf-lint rules` lists them).
    #[schemars(with = "Option<String>")]
    pub check: Option<Spanned<String>>,
    /// `unpinned-base-image`: also require an `@sha256:` digest.
    pub require_digest: Option<bool>,
    /// Your own requirement's id; its rule id is `<capability>/<id>`.
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// Any capability id of the PSCF catalogue (default PSCF-SPM-MAR).
    #[schemars(with = "Option<String>")]
    pub capability: Option<Spanned<String>>,
    pub severity: Option<Severity>,
    /// What the finding says.
    pub message: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Glob(s) of the files the assertion is about.
    pub files: Option<OneOrMany>,
    #[serde(rename = "assert")]
    pub assertion: Option<RawAssert>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// One assertion. Without `path`: `exists`, `absent`, `matches` or
/// `not-matches` (a regex on the file's text). With `path` (dotted, with
/// `*` and `[n]`, in YAML, JSON or TOML files): `present`, `absent`,
/// `equals`, `one-of` or `matches` (a regex on the value).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAssert {
    pub exists: Option<bool>,
    pub absent: Option<bool>,
    #[schemars(with = "Option<String>")]
    pub matches: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub not_matches: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub path: Option<Spanned<String>>,
    pub present: Option<bool>,
    #[schemars(with = "Option<serde_json::Value>")]
    pub equals: Option<Scalar>,
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub one_of: Option<Vec<Scalar>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRuleOverride {
    pub severity: Option<Severity>,
    /// `false` switches the rule off.
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawException {
    /// Rule id or glob the exception applies to.
    #[schemars(with = "String")]
    pub rule: Spanned<String>,
    /// Component it covers: a purl pattern, with `@version` to cover only
    /// that version.
    #[schemars(with = "Option<String>")]
    pub purl: Option<Spanned<String>>,
    /// Glob of the file it covers.
    #[schemars(with = "Option<String>")]
    pub path: Option<Spanned<String>>,
    /// Why the finding is accepted (shown in every report).
    pub reason: String,
    /// Date (YYYY-MM-DD) after which the finding is reported again.
    #[schemars(with = "Option<String>")]
    pub expires: Option<Spanned<String>>,
}
