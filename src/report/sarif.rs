//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it — the
//! rules that fired with help and `security-severity`, one physical location
//! per result, `partialFingerprints`, and `suppressions` for exceptions.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::rules::registry::{self, RuleInfo};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/pscf-lint/pscf-lint";

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
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text,
    full_description: Text,
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
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
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
    uri_base_id: &'static str,
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

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub ranks alerts by `security-severity`: 7.0+ high, 4.0+ medium.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
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

/// A rule the policy defined (a shared service of its own): described from
/// its id, since the registry does not know it.
fn policy_rule(id: &'static str) -> Rule<'static> {
    let slug = id.rsplit('/').next().unwrap_or(id);
    let text = format!("the policy requires the shared service `{slug}`, and it is not wired in");
    Rule {
        id,
        name: pascal_case(slug),
        short_description: Text { text: text.clone() },
        full_description: Text { text: text.clone() },
        help: Help {
            text: text.clone(),
            markdown: text,
        },
        default_configuration: Configuration { level: "warning" },
        properties: RuleProperties {
            tags: vec!["security", "PSCF-SPM-RSS"],
            precision: "high",
            security_severity: security_severity(Severity::Warning),
        },
    }
}

fn rule(info: &'static RuleInfo) -> Rule<'static> {
    let capability = info.capability();
    let mut tags = vec!["security"];
    if let Some(c) = capability {
        tags.push(c.id());
    }
    let context = capability
        .map(|c| format!(" ({} {})", c.id(), c.name()))
        .unwrap_or_default();
    Rule {
        id: info.id.as_str(),
        name: pascal_case(info.id.slug()),
        short_description: Text {
            text: format!("{}{context}", info.summary),
        },
        full_description: Text {
            text: info.rationale.to_owned(),
        },
        help: Help {
            text: format!("{}\n\nFix: {}", info.rationale, info.fix),
            markdown: format!(
                "{}\n\n**Fix:** {}\n\n**Policy:**\n\n```yaml\n{}\n```",
                info.rationale, info.fix, info.example
            ),
        },
        default_configuration: Configuration {
            level: level(info.default_severity),
        },
        properties: RuleProperties {
            tags,
            precision: "very-high",
            security_severity: security_severity(info.default_severity),
        },
    }
}

/// A location as SARIF gives it: from the repository's top (paths outside
/// the tree, such as a trusted policy, as they are).
fn physical(report: &Report, loc: &crate::location::Location) -> PhysicalLocation {
    let path = if report.external.contains(&loc.path) {
        loc.path.as_str().to_owned()
    } else {
        format!("{}{}", report.prefix, loc.path)
    };
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&path),
            uri_base_id: "%SRCROOT%",
        },
        region: Region {
            start_line: loc.line,
            start_column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
        },
    }
}

fn result<'a>(report: &Report, f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let loc = &f.location;
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    SarifResult {
        rule_id: f.rule.as_str(),
        rule_index,
        level: level(f.severity),
        message: Text { text },
        locations: [Location {
            physical_location: physical(report, loc),
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| RelatedLocation {
                id,
                physical_location: physical(report, &r.location),
                message: Text {
                    text: r.message.clone(),
                },
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([("pscfLint/v1", f.fingerprint())]),
        suppressions: f
            .suppression
            .iter()
            .map(|s| Suppression {
                kind: match s {
                    crate::finding::Suppression::Inline { .. } => "inSource",
                    _ => "external",
                },
                justification: s.justification(),
                properties: (s.owner().is_some() || s.ticket().is_some() || s.expires().is_some())
                    .then(|| SuppressionProperties {
                        owner: s.owner().map(str::to_owned),
                        ticket: s.ticket().map(str::to_owned),
                        expires: s.expires().map(str::to_owned),
                    }),
            })
            .collect(),
        properties: (f.context.is_some() || f.confidence.is_some()).then(|| ResultProperties {
            context: f.context.map(|c| c.as_str()),
            precision: f.confidence.map(|c| c.as_str()),
        }),
    }
}

pub fn render(report: &Report) -> String {
    // Only the rules that fired, in id order; results refer to them by index.
    let mut fired: Vec<&'static str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    fired.sort_unstable();
    fired.dedup();
    let index: BTreeMap<&str, usize> = fired.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "pscf-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: fired
                        .into_iter()
                        .map(|id| registry::find(id).map_or_else(|| policy_rule(id), rule))
                        .collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: report
                .findings
                .iter()
                .map(|f| result(report, f, index.get(f.rule.as_str()).copied().unwrap_or(0)))
                .collect(),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("banned-component"), "BannedComponent");
        assert_eq!(uri("a b/Cargo.toml"), "a%20b/Cargo.toml");
    }
}
