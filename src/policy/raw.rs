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
    #[schemars(with = "Option<FailOn>")]
    pub fail_on: Option<Spanned<FailOn>>,
    /// Globs of repository paths (relative to the root) not to scan.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Vec<Spanned<String>>>,
    /// The product this repository builds (PSCF-SPM-POM).
    #[schemars(with = "Option<RawProduct>")]
    pub product: Option<Spanned<RawProduct>>,
    /// Delivery and quality metrics and their targets (PSCF-SPM-DM, -QM).
    pub metrics: Option<RawMetrics>,
    /// The component catalogue (PSCF-SPM-RC).
    #[schemars(with = "Option<RawComponents>")]
    pub components: Option<Spanned<RawComponents>>,
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
    /// Limits on every exception of the run: how far ahead `expires` may
    /// be for a rule of each severity, and which fields every exception
    /// must have. With `--trusted-policy`, a repository's config may only
    /// tighten what the trusted policy sets here.
    #[schemars(with = "Option<RawExceptionPolicy>")]
    pub exception_policy: Option<Spanned<RawExceptionPolicy>>,
    /// Only read from the trusted policy (`--trusted-policy`): what the
    /// repository's own config may relax. Each entry is a class —
    /// `exceptions`, `severity-lower`, `disable-rules`, `exclude`,
    /// `fail-on` — or a rule id or glob whose rules the repository may
    /// relax in any of these ways. Anything else it relaxes is refused and
    /// reported as `pscf-lint/policy-weakened`.
    #[schemars(with = "Option<Vec<String>>")]
    pub allow: Option<Vec<Spanned<String>>>,
    /// How the content rules (`hardcoded-secret`,
    /// `tls-verification-disabled`, `insecure-transport`) treat files by
    /// their context. Every file is classified once by path conventions
    /// (`tests/`, `*_test.go`, `test_*.py`, `*.spec.ts`, `testdata/`,
    /// `fixtures/`, `examples/`, `vendor/`, `node_modules/`, `dist/`,
    /// `*.min.js`, …), `.gitattributes` `linguist-vendored`,
    /// `linguist-generated` and `linguist-documentation`, generated-code
    /// header markers, and these sections' `paths`. Defaults: `production`
    /// as-is, `test` and `fixture` at most `note`, `vendored`, `generated`
    /// and `minified` off (not even read); in `test` and `fixture` files
    /// `insecure-transport` is off (tests talk to test servers).
    #[schemars(with = "Option<RawContexts>")]
    pub contexts: Option<Spanned<RawContexts>>,
    /// Whether `pscf-lint: ignore[RULE] reason` comments in the repository
    /// may suppress findings (`allow`, the default), or are refused and
    /// reported (`deny`). A `deny` in any policy file stays in force: a
    /// later file cannot allow them again.
    #[schemars(with = "Option<InlineSuppressions>")]
    pub inline_suppressions: Option<Spanned<InlineSuppressions>>,
}

/// One section per context; each is optional.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawContexts {
    /// The product's own code and configuration.
    pub production: Option<RawContext>,
    /// Test code: `tests/`, `test/`, `__tests__/`, `*_test.go`,
    /// `test_*.py`, `*_test.py`, `*.test.ts`, `*.spec.js`, benches.
    pub test: Option<RawContext>,
    /// Test data, fixtures, examples, samples, config templates
    /// (`.env.example`) and `linguist-documentation` files.
    pub fixture: Option<RawContext>,
    /// Third-party code: `vendor/`, `node_modules/`, `third_party/`,
    /// `linguist-vendored`.
    pub vendored: Option<RawContext>,
    /// Generated code: `dist/`, `*.pb.go`, `*.bundle.js`, a
    /// generated-code header marker, `linguist-generated`.
    pub generated: Option<RawContext>,
    /// Minified bundles: `*.min.js`, scripts with very long lines.
    pub minified: Option<RawContext>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InlineSuppressions {
    Allow,
    Deny,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawContext {
    /// What the content rules report in files of this context: one
    /// treatment for all three, or one per rule
    /// (`{ hardcoded-secret: note, insecure-transport: off }`).
    pub content_rules: Option<RawContentRules>,
    /// Globs of repository paths that belong to this context whatever the
    /// conventions say (`paths: ["qa/**"]` under `test`, or
    /// `paths: ["examples/server/**"]` under `production`). Where globs of
    /// several contexts match, the first context in the order above wins.
    #[schemars(with = "Option<Vec<String>>")]
    pub paths: Option<Vec<Spanned<String>>>,
}

/// Deserialised by hand rather than `untagged`: a misspelt rule in the
/// per-rule form is then reported as the unknown field it is (with a
/// "did you mean"), not as "matches no variant".
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum RawContentRules {
    All(ContentTreatment),
    PerRule(RawPerRule),
}

impl<'de> Deserialize<'de> for RawContentRules {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawContentRules;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a treatment (as-is, warning, note, off) or a mapping of rule to treatment",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                ContentTreatment::deserialize(v.into_deserializer()).map(RawContentRules::All)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                RawPerRule::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawContentRules::PerRule)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPerRule {
    pub hardcoded_secret: Option<ContentTreatment>,
    pub tls_verification_disabled: Option<ContentTreatment>,
    pub insecure_transport: Option<ContentTreatment>,
}

/// How content findings in a context are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContentTreatment {
    /// At the rule's own severity.
    AsIs,
    /// At most a warning.
    Warning,
    /// At most a note.
    Note,
    /// Not reported; the files are not read for content.
    Off,
}

/// What the product is and who runs it (PSCF-SPM-POM). The descriptor
/// fields may instead (or as well) come from a Backstage
/// `catalog-info.yaml`; where both say something, they must agree. The
/// organisation's settings (`required-fields`, `allowed-lifecycles`,
/// `security-policy`) usually live in a shared policy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawProduct {
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Team (or person) accountable for the product, e.g. `team-payments`
    /// or a Backstage reference `group:default/team-payments`.
    #[schemars(with = "Option<String>")]
    pub owner: Option<Spanned<String>>,
    /// The product's stage; one of `allowed-lifecycles`.
    #[schemars(with = "Option<String>")]
    pub lifecycle: Option<Spanned<String>>,
    /// The larger system the product belongs to (Backstage `spec.system`).
    #[schemars(with = "Option<String>")]
    pub system: Option<Spanned<String>>,
    /// `service`, `website`, `library`, ... (Backstage `spec.type`).
    #[serde(rename = "type")]
    #[schemars(with = "Option<String>")]
    pub kind: Option<Spanned<String>>,
    pub support: Option<RawSupport>,
    /// Descriptor fields that must be present (owner and lifecycle always
    /// are): `name`, `description`, `owner`, `lifecycle`, `system`, `type`,
    /// `support.contact`, `support.end-of-life`, `support.support-until`.
    #[schemars(with = "Option<Vec<String>>")]
    pub required_fields: Option<Vec<Spanned<String>>>,
    /// Lifecycle stages a product may declare (default: experimental,
    /// production, deprecated, decommissioned). Replaces the list it
    /// inherits rather than adding to it.
    #[schemars(with = "Option<Vec<String>>")]
    pub allowed_lifecycles: Option<Vec<Spanned<String>>>,
    /// Where the security policy lives: in this repository (default), or
    /// in the organisation's `.github` repository (which pscf-lint cannot
    /// see offline, so the repository is not asked for a SECURITY.md).
    pub security_policy: Option<SecurityPolicySource>,
}

/// Where a product's SECURITY.md is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SecurityPolicySource {
    /// SECURITY.md in the repository (root, `.github/` or `docs/`).
    #[default]
    Repository,
    /// The organisation's `.github` repository provides it.
    #[serde(alias = "organization")]
    Organisation,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSupport {
    /// E-mail address or URL of the support contact.
    #[schemars(with = "Option<String>")]
    pub contact: Option<Spanned<String>>,
    /// Date (YYYY-MM-DD) after which the product is no longer supported.
    #[schemars(with = "Option<String>")]
    pub end_of_life: Option<Spanned<String>>,
    /// Date (YYYY-MM-DD) until which the current version gets fixes.
    #[schemars(with = "Option<String>")]
    pub support_until: Option<Spanned<String>>,
}

/// Delivery and quality figures and their targets (PSCF-SPM-DM, -QM).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMetrics {
    /// Delivery figures from the local git history. Present: history is
    /// read; absent: it is not (and PSCF-SPM-DM is not evaluated).
    #[schemars(with = "Option<RawDelivery>")]
    pub delivery: Option<Spanned<RawDelivery>>,
    /// Quality figures from reports already on disk and from the tree.
    #[schemars(with = "Option<RawQuality>")]
    pub quality: Option<Spanned<RawQuality>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawDelivery {
    /// Glob on tag names that are releases (`v*`). Default: semver tags
    /// with an optional `v` or `name-v` prefix (`1.2.3`, `v1.2.3`,
    /// `api-v1.2.3`).
    #[schemars(with = "Option<String>")]
    pub release_tags: Option<Spanned<String>>,
    /// Count pre-release tags (`-rc.1`, `-beta`) as releases too.
    pub include_prereleases: Option<bool>,
    /// Days of history the figures cover, ending at HEAD's commit time (or
    /// at `--now`). Default 180.
    #[schemars(with = "Option<u32>")]
    pub window_days: Option<Spanned<i64>>,
    /// A patch release this many days after a release marks that release
    /// as failed. Default 7.
    #[schemars(with = "Option<u32>")]
    pub hotfix_window_days: Option<Spanned<i64>>,
    /// Which published performance bands figures are placed in.
    pub bands: Option<BandScheme>,
    /// Median days between releases.
    pub release_cadence_days: Option<RawMax>,
    /// Median days from a commit (author time) to the first release
    /// containing it.
    pub lead_time_days: Option<RawMax>,
    /// Share of releases followed by a revert of one of their commits or by
    /// a patch release (0.0 to 1.0).
    pub change_failure_rate: Option<RawMax>,
    /// Median days from a failed release to the release that fixes it.
    pub time_to_restore_days: Option<RawMax>,
    /// Median days from a commit naming a CVE, GHSA or RUSTSEC id to its
    /// release.
    pub security_fix_lead_time_days: Option<RawMax>,
}

/// Published DORA performance bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BandScheme {
    /// State of DevOps 2023 (the default).
    #[default]
    Dora2023,
    /// State of DevOps 2021.
    Dora2021,
}

/// An upper bound on a figure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMax {
    #[schemars(with = "f64")]
    pub max: Spanned<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawQuality {
    /// LCOV, Cobertura XML and JaCoCo XML reports (merged).
    pub coverage: Option<RawCoverage>,
    /// JUnit XML reports (surefire, pytest, jest-junit, cargo-nextest).
    pub tests: Option<RawTests>,
    /// SARIF 2.1.0 reports of other tools.
    pub security: Option<RawSecurity>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCoverage {
    /// Globs of report files, relative to the repository root (also
    /// git-ignored build output such as `target/` or `coverage/`).
    #[schemars(with = "Vec<String>")]
    pub reports: Vec<Spanned<String>>,
    /// Minimum line coverage, in percent.
    #[schemars(with = "Option<f64>")]
    pub line_min: Option<Spanned<f64>>,
    /// Minimum branch coverage, in percent.
    #[schemars(with = "Option<f64>")]
    pub branch_min: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTests {
    /// Globs of JUnit XML report files.
    #[schemars(with = "Option<Vec<String>>")]
    pub reports: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSecurity {
    /// Globs of SARIF report files.
    #[schemars(with = "Vec<String>")]
    pub reports: Vec<Spanned<String>>,
    /// Results at or above this level are open findings (default `error`).
    pub fail_at: Option<SarifLevel>,
    /// Results whose rule has a `security-severity` at or above this are
    /// open findings whatever their level (default 7.0, GitHub's "high").
    #[schemars(with = "Option<f64>")]
    pub security_severity_min: Option<Spanned<f64>>,
}

/// A SARIF result level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SarifLevel {
    Note,
    Warning,
    Error,
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
    /// The one finding it covers: the 16-hex-digit `fingerprint` of the
    /// JSON report (`partialFingerprints` in SARIF).
    #[schemars(with = "Option<String>")]
    pub fingerprint: Option<Spanned<String>>,
    /// Why the finding is accepted (shown in every report). Required.
    #[schemars(with = "String")]
    pub reason: Option<Spanned<String>>,
    /// Who answers for the accepted risk (a person or team).
    #[schemars(with = "Option<String>")]
    pub owner: Option<Spanned<String>>,
    /// The ticket that tracks the fix (`SEC-123`, an issue URL).
    #[schemars(with = "Option<String>")]
    pub ticket: Option<Spanned<String>>,
    /// Date (YYYY-MM-DD) after which the finding is reported again.
    #[schemars(with = "Option<String>")]
    pub expires: Option<Spanned<String>>,
}

/// `exception-policy:`, e.g. `{ max-days: { error: 90, warning: 180 },
/// require: [owner, ticket] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawExceptionPolicy {
    /// The most days after today an exception of a rule with this
    /// (effective) severity may `expires`; an exception of such a rule then
    /// needs `expires`. A glob exception is held to its most severe rule.
    pub max_days: Option<RawMaxDays>,
    /// Fields every exception must have.
    #[schemars(with = "Option<Vec<ExceptionField>>")]
    pub require: Option<Vec<Spanned<ExceptionField>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawMaxDays {
    #[schemars(with = "Option<u32>")]
    pub error: Option<Spanned<u32>>,
    #[schemars(with = "Option<u32>")]
    pub warning: Option<Spanned<u32>>,
    #[schemars(with = "Option<u32>")]
    pub note: Option<Spanned<u32>>,
}

/// A field `exception-policy.require` can ask every exception for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExceptionField {
    Owner,
    Ticket,
    Expires,
}

impl ExceptionField {
    pub fn name(self) -> &'static str {
        match self {
            ExceptionField::Owner => "owner",
            ExceptionField::Ticket => "ticket",
            ExceptionField::Expires => "expires",
        }
    }
}
