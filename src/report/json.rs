//! `--format json`: the stable machine interface, versioned. Fields are only
//! ever added; existing ones keep their names and meaning.

use schemars::JsonSchema;
use serde::Serialize;

use super::Report;
use crate::finding::Finding;

/// Bumped only for an incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The document kind, which tells this document from pscf-lint's others
/// (`inventory`, `metrics`, `rules`, `capabilities`).
pub const KIND: &str = "report";

/// `pscf-lint check --format json`.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "pscf-lint report")]
struct Document<'a> {
    /// Always 1 for this shape.
    version: u32,
    /// Always `report`.
    #[schemars(extend("const" = "report"))]
    kind: &'static str,
    tool: Tool,
    root: &'a str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub(crate) const THIS: Tool = Tool {
        name: "pscf-lint",
        version: env!("CARGO_PKG_VERSION"),
    };
}

#[derive(Serialize, JsonSchema)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
    suppressed: usize,
    /// Of the suppressed, how many a baseline marks as already known
    /// (only with `--baseline`, `--write-baseline` or `--new-since`).
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
    components: usize,
    capabilities: Vec<Capability>,
}

#[derive(Serialize, JsonSchema)]
struct Capability {
    id: &'static str,
    name: &'static str,
    status: &'static str,
    findings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize, JsonSchema)]
struct JsonFinding<'a> {
    rule: &'a str,
    capability: Option<&'static str>,
    severity: &'static str,
    message: &'a str,
    file: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    component: Option<String>,
    help: Option<&'a str>,
    fingerprint: String,
    suppressed: Option<Suppressed<'a>>,
    /// production, test, fixture, vendored, generated or minified; `null`
    /// for a place outside the tree (a policy file).
    context: Option<&'static str>,
    /// How sure the rule is (`high`, `medium`, `low`); `null`: the rule's usual precision.
    confidence: Option<&'static str>,
    /// How a transitive component is reached: purls, the project's own
    /// package first, the component last.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    #[schemars(default)]
    path: &'a [String],
    /// Further places that explain the finding (the manifest line of the
    /// direct dependency a transitive component comes in through).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(default)]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize, JsonSchema)]
struct JsonRelated<'a> {
    file: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize, JsonSchema)]
struct Suppressed<'a> {
    kind: &'static str,
    justification: String,
    /// An exception's owner, ticket and expiry, where it has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
}

fn finding<'a>(report: &Report, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule.as_str(),
        // Policy-defined rules may name any PSCF capability, not only SPM.
        capability: f
            .rule
            .as_str()
            .split_once('/')
            .map(|(c, _)| c)
            .filter(|c| *c != "pscf-lint"),
        severity: f.severity.as_str(),
        message: &f.message,
        // JSON escapes control characters itself; the path stays exact.
        file: repo_path(report, &f.location.path),
        line: f.location.line,
        column: f.location.column,
        end_line: f.location.end_line,
        end_column: f.location.end_column,
        component: f.component.as_ref().map(ToString::to_string),
        help: f.help.as_deref(),
        fingerprint: f.fingerprint(),
        suppressed: f.suppression.as_ref().map(|s| Suppressed {
            kind: s.kind(),
            justification: s.justification(),
            owner: s.owner(),
            ticket: s.ticket(),
            expires: s.expires(),
        }),
        context: f.context.map(|c| c.as_str()),
        confidence: f.confidence.map(|c| c.as_str()),
        path: &f.dependency_path,
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                file: repo_path(report, &r.location.path),
                line: r.location.line,
                column: r.location.column,
                message: &r.message,
            })
            .collect(),
    }
}

/// A path from the repository's top (JSON escapes control characters
/// itself, so the path stays exact).
fn repo_path(report: &Report, path: &crate::location::RelPath) -> String {
    if report.external.contains(path) {
        path.as_str().to_owned()
    } else {
        format!("{}{}", report.prefix, path)
    }
}

pub fn render(report: &Report) -> String {
    let counts = report.counts();
    let doc = Document {
        version: FORMAT_VERSION,
        kind: KIND,
        tool: Tool::THIS,
        root: &report.root,
        summary: Summary {
            errors: counts.errors,
            warnings: counts.warnings,
            notes: counts.notes,
            suppressed: counts.suppressed,
            baselined: Some(report.baselined()).filter(|n| *n > 0),
            components: report.components,
            capabilities: report
                .capabilities
                .iter()
                .map(|c| Capability {
                    id: c.capability.id(),
                    name: c.capability.name(),
                    status: c.status.as_str(),
                    findings: c.findings,
                    reason: c.reason.clone(),
                })
                .collect(),
        },
        findings: report.findings.iter().map(|f| finding(report, f)).collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The JSON Schema of the `check --format json` document.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Document<'static>);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
