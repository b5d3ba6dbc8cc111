//! `--format sarif`: SARIF 2.1.0 that GitHub code scanning shows as the
//! policy decided — every rule of the policy at its effective severity,
//! suppressed findings left out unless asked for (code scanning would open
//! them as alerts), fingerprints unique per finding, and GitHub's limits
//! (25,000 results, 5,000 rules, 10 MiB gzipped) kept by dropping the least
//! severe results, said in the run's notifications and on stderr.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Report, RuleAbout, RuleState, RuleStatus, line_hash};
use crate::escape;
use crate::finding::{Finding, Severity};
use crate::rules::registry::RuleInfo;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/pscf-lint/pscf-lint";
/// The README section that lists what every capability's rules check
/// (`tests/outputs.rs` keeps the heading there).
pub const HELP_URI: &str = "https://github.com/pscf-lint/pscf-lint#what-it-checks-today";

/// How much one run may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub results: usize,
    pub rules: usize,
    pub gzip_bytes: usize,
}

impl Limits {
    /// GitHub code scanning's limits per run.
    pub const GITHUB: Limits = Limits {
        results: 25_000,
        rules: 5_000,
        gzip_bytes: 10 * 1024 * 1024,
    };
}

/// What to do with excepted, inline-suppressed and baselined findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Suppressed {
    /// Left out: code scanning opens suppressed results as alerts unless
    /// the repository is set to dismiss them.
    #[default]
    Omit,
    /// Kept, each result with a `suppressions` array (empty when active).
    Include,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub suppressed: Suppressed,
    /// `automationDetails.id`'s category; default `pscf-lint/` and the
    /// checked root's place in the repository. `upload-sarif` keeps an id
    /// the file already has, so this is where a category is set.
    pub category: Option<String>,
}

/// The SARIF text, and what was left out to stay within GitHub's limits
/// (for stderr: the same sentences are in the run's notifications).
#[derive(Debug)]
pub struct Output {
    pub text: String,
    pub truncated: Vec<String>,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct BaseUri {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    exit_code: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: &'static str,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    /// `false` for a rule the policy switched off or does not require.
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    /// GitHub's alert severity; only for security rules (tool findings
    /// about pscf-lint's own inputs have none).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// `None` when suppressed findings are omitted; otherwise on every
    /// result, empty when it is not suppressed (SARIF §3.27.23).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<Vec<Suppression>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
    /// The manifest line of the direct dependency a transitive component
    /// comes in through (and any other place that explains the result).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
}

/// `context`: production, test, fixture, vendored, generated or minified;
/// `precision`: the finding's own confidence, where it differs from its
/// rule's.
#[derive(Serialize)]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// `%SRCROOT%` for files of the repository; `None` for policy files
    /// outside it (a trusted policy, the built-in bundle).
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<SuppressionProperties>,
}

/// An exception's owner, ticket and expiry (SARIF has no fields of its
/// own for them).
#[derive(Serialize)]
struct SuppressionProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
}

/// SARIF's default for `enabled`, so left out.
fn is_true(value: &bool) -> bool {
    *value
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub ranks security alerts by `security-severity`: 9.0+ critical,
/// 7.0+ high, 4.0+ medium, above 0 low — so an error is high, a warning
/// medium and a note low, as the policy set them.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// How often a rule's findings are real problems (SARIF `precision`), rule
/// by rule: exact matches on lockfile or policy data are `very-high`;
/// checks that infer from conventions or from evidence that may live
/// outside the repository (an organisation-wide scanner) are `medium`.
/// A finding less sure than its rule says so in its own `precision`.
pub fn precision(id: &str) -> &'static str {
    match id {
        "PSCF-SPM-RC/banned-component"
        | "PSCF-SPM-RC/deprecated-component"
        | "PSCF-SPM-RC/unapproved-component"
        | "PSCF-SPM-RC/version-not-allowed"
        | "PSCF-SPM-RC/license-not-allowed"
        | "PSCF-SPM-RC/source-not-allowed"
        | "PSCF-SPM-DM/history-insufficient"
        | "PSCF-SPM-QM/quality-report-missing"
        | "PSCF-SPM-POM/codeowners-missing"
        | "PSCF-SPM-POM/unowned-files"
        | "PSCF-SPM-POM/lifecycle-invalid"
        | "PSCF-SPM-POM/end-of-life-passed"
        | "PSCF-SPM-MAR/unpinned-action"
        | "PSCF-SPM-MAR/unpinned-base-image"
        | "PSCF-SPM-MAR/unbounded-version-range"
        | "pscf-lint/parse-error"
        | "pscf-lint/file-skipped"
        | "pscf-lint/expired-exception"
        | "pscf-lint/unused-exception"
        | "pscf-lint/policy-weakened" => "very-high",
        "PSCF-SPM-RSS/sast"
        | "PSCF-SPM-RSS/software-composition-analysis"
        | "PSCF-SPM-RSS/dependency-updates"
        | "PSCF-SPM-RSS/secret-scanning"
        | "PSCF-SPM-DM/release-cadence"
        | "PSCF-SPM-DM/lead-time"
        | "PSCF-SPM-DM/change-failure-rate"
        | "PSCF-SPM-DM/time-to-restore"
        | "PSCF-SPM-DM/security-fix-lead-time"
        | "PSCF-SPM-QM/tests-missing"
        | "PSCF-SPM-POM/security-contact-missing"
        | "PSCF-SPM-MAR/hardcoded-secret"
        | "PSCF-SPM-MAR/insecure-transport"
        | "PSCF-SPM-MAR/dangerous-trigger" => "medium",
        _ => "high",
    }
}

fn pascal_case(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative URI reference: path segments percent-encoded, `/` kept.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn builtin_texts(info: &RuleInfo) -> (String, String, Help) {
    let context = info
        .capability()
        .map(|c| format!(" ({} {})", c.id(), c.name()))
        .unwrap_or_default();
    (
        format!("{}{context}", info.summary),
        info.rationale.to_owned(),
        Help {
            text: format!("{}\n\nFix: {}", info.rationale, info.fix),
            markdown: format!(
                "{}\n\n**Fix:** {}\n\n**Policy:**\n\n```yaml\n{}\n```",
                info.rationale, info.fix, info.example
            ),
        },
    )
}

/// Texts of a rule the policy defines: the policy's words, escaped (code
/// scanning renders `help.markdown`).
fn policy_texts(status: &RuleStatus) -> (String, String, Help) {
    let summary = escape::report_text(&status.summary());
    let help = match &status.about {
        RuleAbout::Declared { help: Some(h), .. } => escape::report_text(h),
        RuleAbout::Service { service, .. } => format!(
            "Wire the service in: the policy's `services` entry `{}` names the evidence that counts.",
            escape::report_text(service)
        ),
        _ => "Meet the requirement the policy declares, or add an exception with a reason."
            .to_owned(),
    };
    (
        summary.clone(),
        format!("{summary}. This rule is defined by the policy."),
        Help {
            markdown: format!(
                "{}\n\n**Fix:** {}",
                escape::markdown_message(&summary),
                escape::markdown_message(&help)
            ),
            text: format!("{summary}\n\nFix: {help}"),
        },
    )
}

fn rule(status: &RuleStatus) -> Rule {
    let (short, full, help) = match &status.about {
        RuleAbout::Builtin(info) => builtin_texts(info),
        _ => policy_texts(status),
    };
    let capability = status.capability();
    let mut tags = Vec::new();
    if capability.is_some() {
        tags.push("security".to_owned());
    }
    match (capability, status.id.as_str().split_once('/')) {
        (Some(c), _) => tags.push(c.id().to_owned()),
        (None, Some((prefix, _))) => tags.push(escape::report_text(prefix)),
        (None, None) => {}
    }
    Rule {
        id: escape::report_text(status.id.as_str()),
        name: escape::report_text(&pascal_case(status.id.slug())),
        short_description: Text { text: short },
        full_description: Text { text: full },
        help_uri: HELP_URI,
        help,
        default_configuration: Configuration {
            enabled: !matches!(status.state, RuleState::Disabled | RuleState::NotRequired),
            level: level(status.severity),
        },
        properties: RuleProperties {
            tags,
            precision: precision(status.id.as_str()),
            security_severity: capability.map(|_| security_severity(status.severity)),
        },
    }
}

/// A location as SARIF gives it: from the repository's top, against
/// `%SRCROOT%` (paths outside the tree, such as a trusted policy, as they
/// are).
fn physical(report: &Report, loc: &crate::location::Location) -> PhysicalLocation {
    let external = report.external.contains(&loc.path);
    let path = if external {
        loc.path.as_str().to_owned()
    } else {
        format!("{}{}", report.prefix, loc.path)
    };
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&path),
            uri_base_id: (!external).then_some("%SRCROOT%"),
        },
        region: Region {
            start_line: loc.line,
            start_column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
        },
    }
}

fn suppression(s: &crate::finding::Suppression) -> Suppression {
    Suppression {
        kind: match s {
            crate::finding::Suppression::Inline { .. } => "inSource",
            _ => "external",
        },
        justification: escape::report_text(&s.justification()),
        properties: (s.owner().is_some() || s.ticket().is_some() || s.expires().is_some()).then(
            || SuppressionProperties {
                owner: s.owner().map(escape::report_text),
                ticket: s.ticket().map(escape::report_text),
                expires: s.expires().map(str::to_owned),
            },
        ),
    }
}

struct Context<'r> {
    report: &'r Report,
    options: &'r Options,
    /// Each file's line hashes, for the files that have results.
    hashes: BTreeMap<&'r str, Vec<String>>,
}

fn result<'a>(ctx: &Context<'_>, f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let loc = &f.location;
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let mut fingerprints = BTreeMap::from([("pscfLint/v1", f.fingerprint())]);
    if let Some(hash) = ctx
        .hashes
        .get(loc.path.as_str())
        .and_then(|lines| lines.get(usize::try_from(loc.line).ok()?.checked_sub(1)?))
    {
        fingerprints.insert("primaryLocationLineHash", hash.clone());
    }
    SarifResult {
        rule_id: f.rule.as_str(),
        rule_index,
        level: level(f.severity),
        message: Text { text },
        locations: [Location {
            physical_location: physical(ctx.report, loc),
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| RelatedLocation {
                id,
                physical_location: physical(ctx.report, &r.location),
                message: Text {
                    text: r.message.clone(),
                },
            })
            .collect(),
        partial_fingerprints: fingerprints,
        suppressions: (ctx.options.suppressed == Suppressed::Include)
            .then(|| f.suppression.iter().map(suppression).collect()),
        properties: (f.context.is_some() || f.confidence.is_some()).then(|| ResultProperties {
            context: f.context.map(|c| c.as_str()),
            precision: f.confidence.map(|c| c.as_str()),
        }),
    }
}

/// The `keep` most severe of `candidates` (report order breaks ties), in
/// report order.
fn most_severe<'a>(candidates: &[&'a Finding], keep: usize) -> Vec<&'a Finding> {
    let mut ranked: Vec<(usize, &Finding)> = candidates.iter().copied().enumerate().collect();
    ranked.sort_by(|(i, a), (j, b)| b.severity.cmp(&a.severity).then(i.cmp(j)));
    ranked.truncate(keep);
    ranked.sort_by_key(|(i, _)| *i);
    ranked.into_iter().map(|(_, f)| f).collect()
}

/// Rules beyond `max`: those with results are kept first, then the most
/// severe, in list order.
fn capped_rules(
    rules: Vec<RuleStatus>,
    results: &[&Finding],
    max: usize,
) -> (Vec<RuleStatus>, usize) {
    if rules.len() <= max {
        return (rules, 0);
    }
    let dropped = rules.len() - max;
    let fired = |r: &RuleStatus| results.iter().any(|f| f.rule == r.id);
    let mut ranked: Vec<(usize, bool, Severity)> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (i, fired(r), r.severity))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut kept: Vec<usize> = ranked.iter().take(max).map(|(i, ..)| *i).collect();
    kept.sort_unstable();
    let mut rules: Vec<Option<RuleStatus>> = rules.into_iter().map(Some).collect();
    let kept = kept
        .into_iter()
        .filter_map(|i| rules.get_mut(i).and_then(Option::take))
        .collect();
    (kept, dropped)
}

fn suppressed_note(omitted: &[&Finding]) -> Option<String> {
    if omitted.is_empty() {
        return None;
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for f in omitted {
        let kind = match &f.suppression {
            Some(crate::finding::Suppression::Exception { .. }) => "by exceptions",
            Some(crate::finding::Suppression::Inline { .. }) => "inline",
            Some(crate::finding::Suppression::Baseline) => "baselined",
            None => continue,
        };
        *kinds.entry(kind).or_insert(0) += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    Some(format!(
        "{} left out ({}): code scanning would open them as alerts; `--sarif-suppressed include` keeps them, marked as suppressed",
        super::plural(omitted.len(), "suppressed finding"),
        kinds.join(", ")
    ))
}

fn line_hashes<'r>(report: &'r Report, results: &[&Finding]) -> BTreeMap<&'r str, Vec<String>> {
    let mut out = BTreeMap::new();
    for f in results {
        let Some((path, source)) = report.sources.get_key_value(&f.location.path) else {
            continue;
        };
        out.entry(path.as_str())
            .or_insert_with(|| line_hash::line_hashes(&source.text));
    }
    out
}

fn gzip_len(text: &str) -> usize {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to memory cannot fail; a failure counts as "too large".
    match encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
    {
        Ok(bytes) => bytes.len(),
        Err(_) => usize::MAX,
    }
}

/// The log for `results`, with `notes` as the invocation's notifications.
fn serialise(
    ctx: &Context<'_>,
    rules: &[RuleStatus],
    results: &[&Finding],
    notes: &[(&'static str, String)],
) -> String {
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let category = ctx
        .options
        .category
        .clone()
        .unwrap_or_else(|| format!("pscf-lint/{}", ctx.report.prefix));
    let category = escape::report_text(&category);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "pscf-lint",
                    full_name: concat!(
                        "pscf-lint ",
                        env!("CARGO_PKG_VERSION"),
                        " (OWASP PSCF Secure Product Management)"
                    ),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(rule).collect(),
                },
            },
            automation_details: AutomationDetails {
                id: if category.ends_with('/') {
                    category
                } else {
                    format!("{category}/")
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                "%SRCROOT%",
                BaseUri {
                    description: Text {
                        text: "The top of the repository that was checked".to_owned(),
                    },
                },
            )]),
            invocations: [Invocation {
                execution_successful: true,
                exit_code: ctx.report.exit_code(),
                tool_execution_notifications: notes
                    .iter()
                    .map(|(level, text)| Notification {
                        level,
                        message: Text { text: text.clone() },
                    })
                    .collect(),
            }],
            column_kind: "unicodeCodePoints",
            results: results
                .iter()
                .map(|f| result(ctx, f, index.get(f.rule.as_str()).copied().unwrap_or(0)))
                .collect(),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

pub fn render(report: &Report, options: &Options) -> Output {
    render_within(report, options, Limits::GITHUB)
}

/// [`render`] under any limits (tests use small ones).
pub fn render_within(report: &Report, options: &Options, limits: Limits) -> Output {
    let (candidates, omitted): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| options.suppressed == Suppressed::Include || !f.is_suppressed());
    let mut notes: Vec<(&'static str, String)> = Vec::new();
    let mut truncated = Vec::new();
    if let Some(note) = suppressed_note(&omitted) {
        notes.push(("note", note));
    }
    let (rules, dropped_rules) = capped_rules(report.all_rules(), &candidates, limits.rules);
    let mut results: Vec<&Finding> = candidates
        .iter()
        .copied()
        .filter(|f| rules.iter().any(|r| r.id == f.rule))
        .collect();
    if dropped_rules > 0 {
        truncated.push(format!(
            "{} of {} left out of SARIF (GitHub accepts {} per run), with {} of theirs",
            super::plural(dropped_rules, "rule"),
            rules.len() + dropped_rules,
            limits.rules,
            super::plural(candidates.len() - results.len(), "result"),
        ));
    }
    let total = results.len();
    if total > limits.results {
        results = most_severe(&results, limits.results);
    }
    let ctx = Context {
        report,
        options,
        hashes: line_hashes(report, &results),
    };
    let with_notes = |notes: &[(&'static str, String)], truncated: &[String], kept: usize| {
        let mut all = notes.to_vec();
        all.extend(truncated.iter().map(|t| ("warning", t.clone())));
        if kept < total {
            all.push((
                "warning",
                format!(
                    "only the {kept} most severe of {total} results are in this SARIF (at most {} results and {} KiB gzipped per run); the JSON report has them all",
                    limits.results,
                    limits.gzip_bytes / 1024
                ),
            ));
        }
        all
    };
    let mut text = serialise(
        &ctx,
        &rules,
        &results,
        &with_notes(&notes, &truncated, results.len()),
    );
    // Uncompressed text this small cannot exceed the limit gzipped; only
    // larger logs are compressed to measure them.
    let mut tries = 0;
    while text.len() > limits.gzip_bytes && tries < 16 {
        let gzipped = gzip_len(&text);
        if gzipped <= limits.gzip_bytes || results.is_empty() {
            break;
        }
        // Shrink in proportion, with a margin, at least by one result.
        let ratio = limits.gzip_bytes as f64 * 0.95 / gzipped as f64;
        let keep = ((results.len() as f64 * ratio) as usize).min(results.len() - 1);
        results = most_severe(&results, keep);
        text = serialise(
            &ctx,
            &rules,
            &results,
            &with_notes(&notes, &truncated, results.len()),
        );
        tries += 1;
    }
    truncated.extend(
        with_notes(&[], &[], results.len())
            .into_iter()
            .map(|(_, t)| t),
    );
    Output { text, truncated }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::RuleId;
    use crate::location::{Location as Loc, RelPath};

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("banned-component"), "BannedComponent");
        assert_eq!(uri("a b/Cargo.toml"), "a%20b/Cargo.toml");
    }

    #[test]
    fn every_precision_entry_names_a_rule() {
        let source = include_str!("sarif.rs");
        let table = source
            .split("pub fn precision")
            .nth(1)
            .and_then(|rest| rest.split("_ => \"high\"").next())
            .unwrap_or_default();
        let named: Vec<&str> = table
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.contains('/'))
            .collect();
        assert!(named.len() > 30, "{named:?}");
        for id in named {
            assert!(
                crate::rules::registry::find(id).is_some(),
                "`{id}` is not a rule"
            );
        }
    }

    use super::super::test_report as report;

    fn finding(i: usize, message: String) -> Finding {
        let mut location = Loc::file(RelPath::new(&format!("f{}", i / 100)));
        location.line = u32::try_from(i % 100 + 1).unwrap_or(1);
        let severity = match i % 3 {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => Severity::Note,
        };
        Finding::new(
            RuleId::new("PSCF-SPM-MAR/insecure-transport"),
            severity,
            message,
            location,
        )
    }

    #[test]
    fn beyond_25000_results_the_most_severe_stay_and_the_run_says_so() {
        let findings = (0..25_010).map(|i| finding(i, format!("m{i}"))).collect();
        let out = render(&report(findings), &Options::default());
        let log: serde_json::Value = serde_json::from_str(&out.text).unwrap_or_default();
        let results = log["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(results.len(), 25_000);
        // Ten notes went: every error and warning is still there.
        let notes = results.iter().filter(|r| r["level"] == "note").count();
        assert_eq!(notes, 25_010 / 3 - 10);
        assert_eq!(out.truncated.len(), 1, "{:?}", out.truncated);
        assert!(out.truncated[0].starts_with("only the 25000 most severe of 25010 results"));
        let said = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
        assert_eq!(said["level"], "warning");
        assert_eq!(said["message"]["text"], out.truncated[0].as_str());
    }

    #[test]
    fn beyond_the_gzipped_limit_results_are_dropped_until_it_fits() {
        // Messages of pseudo-random hex compress about two to one; the
        // limit is scaled down from GitHub's 10 MiB to keep the test quick.
        let limits = Limits {
            gzip_bytes: 256 * 1024,
            ..Limits::GITHUB
        };
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut noise = |len: usize| {
            (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from(b"0123456789abcdef"[(state % 16) as usize])
                })
                .collect::<String>()
        };
        let findings: Vec<Finding> = (0..300).map(|i| finding(i, noise(4_000))).collect();
        let out = render_within(&report(findings), &Options::default(), limits);
        assert!(out.text.len() > limits.gzip_bytes, "{}", out.text.len());
        let gzipped = gzip_len(&out.text);
        assert!(gzipped <= limits.gzip_bytes, "{gzipped}");
        assert!(
            gzipped > limits.gzip_bytes * 3 / 4,
            "dropped too much: {gzipped}"
        );
        assert_eq!(out.truncated.len(), 1, "{:?}", out.truncated);
        assert!(out.truncated[0].contains("most severe of 300 results"));
        let log: serde_json::Value = serde_json::from_str(&out.text).unwrap_or_default();
        let kept = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
        assert!(out.truncated[0].starts_with(&format!("only the {kept} most severe")));
    }

    #[test]
    fn the_most_severe_are_kept_in_report_order() {
        let f = |severity, line| {
            let mut location = Loc::file(RelPath::new("a"));
            location.line = line;
            Finding::new(
                RuleId::new("pscf-lint/parse-error"),
                severity,
                String::new(),
                location,
            )
        };
        let all = [
            f(Severity::Note, 1),
            f(Severity::Error, 2),
            f(Severity::Warning, 3),
            f(Severity::Error, 4),
        ];
        let refs: Vec<&Finding> = all.iter().collect();
        let kept: Vec<u32> = most_severe(&refs, 3)
            .iter()
            .map(|f| f.location.line)
            .collect();
        assert_eq!(kept, [2, 3, 4]);
    }
}
