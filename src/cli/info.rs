//! The informational commands: `rules`, `explain`, `capabilities`,
//! `schema` and `completions`. None reads a repository.

use clap::ValueEnum;
use serde::Serialize;

use pscf_lint::capabilities::{self, CapabilityEntry};
use pscf_lint::rules::registry::{self, RuleInfo};

use super::{fail, print};

/// `rules` and `capabilities` output.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

/// Bumped only for an incompatible change of the `rules` and
/// `capabilities` documents; fields are only ever added.
const LIST_VERSION: u32 = 1;

#[derive(Serialize)]
struct RulesDocument {
    version: u32,
    /// Always `rules`.
    kind: &'static str,
    tool: Tool,
    rules: Vec<RuleJson>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: "pscf-lint",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct RuleJson {
    id: &'static str,
    /// The PSCF capability id; `null` for pscf-lint's own findings.
    capability: Option<&'static str>,
    default_severity: &'static str,
    summary: &'static str,
    rationale: &'static str,
    fix: &'static str,
    example: &'static str,
}

#[derive(Serialize)]
struct CapabilitiesDocument {
    version: u32,
    /// Always `capabilities`.
    kind: &'static str,
    tool: Tool,
    source: &'static str,
    capabilities: Vec<CapabilityEntry>,
}

const CATALOGUE_SOURCE: &str = "OWASP Product Security Capability Framework 1.0 (CC BY-SA 4.0)";

fn json<T: Serialize>(doc: &T) -> String {
    let mut out = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.push('\n');
    out
}

pub fn rules(format: ListFormat) -> i32 {
    match format {
        ListFormat::Table => print(&rules_table()),
        ListFormat::Json => print(&json(&RulesDocument {
            version: LIST_VERSION,
            kind: "rules",
            tool: TOOL,
            rules: registry::all().map(rule_json).collect(),
        })),
    }
}

fn rule_json(rule: &'static RuleInfo) -> RuleJson {
    RuleJson {
        id: rule.id.as_str(),
        capability: rule.capability().map(|c| c.id()),
        default_severity: rule.default_severity.as_str(),
        summary: rule.summary,
        rationale: rule.rationale,
        fix: rule.fix,
        example: rule.example,
    }
}

fn rules_table() -> String {
    // Wide enough for the longest id.
    let width = registry::all()
        .map(|r| r.id.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = format!("{:<width$} {:<8} {}\n", "RULE", "DEFAULT", "FIRES WHEN");
    for rule in registry::all() {
        out.push_str(&format!(
            "{:<width$} {:<8} {}\n",
            rule.id, rule.default_severity, rule.summary
        ));
    }
    out
}

/// A rule by its full id or, when that is unambiguous, its slug
/// (`unpinned-action`).
fn resolve(id: &str) -> Result<&'static RuleInfo, String> {
    if let Some(rule) = registry::find(id) {
        return Ok(rule);
    }
    match by_slug(id, registry::all().map(|r| r.id.as_str())) {
        Ok(Some(full)) => {
            if let Some(rule) = registry::find(full) {
                return Ok(rule);
            }
        }
        Ok(None) => {}
        Err(candidates) => {
            return Err(format!(
                "`{}` names {} rules: {}; give the full id",
                pscf_lint::escape::inline(id),
                candidates.len(),
                candidates.join(", ")
            ));
        }
    }
    let hint = registry::closest(id)
        .or_else(|| closest_slug(id))
        .map(|near| format!("; did you mean `{near}`?"))
        .unwrap_or_default();
    Err(format!(
        "unknown rule `{}`{hint} (`pscf-lint rules` lists every rule)",
        pscf_lint::escape::inline(id)
    ))
}

/// The one id among `ids` whose slug (the part after `/`) is `slug`;
/// `Err` with every candidate when there are several.
fn by_slug<'a>(
    slug: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<Option<&'a str>, Vec<&'a str>> {
    let found: Vec<&str> = ids
        .filter(|id| id.split_once('/').is_some_and(|(_, s)| s == slug))
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => Err(found),
    }
}

/// The full id of the rule whose slug is nearest a misspelt slug.
fn closest_slug(slug: &str) -> Option<&'static str> {
    let slug = slug.to_lowercase();
    registry::all()
        .map(|r| (registry::edit_distance(&slug, r.id.slug()), r.id.as_str()))
        .filter(|(d, _)| *d <= slug.len() / 3 + 1)
        .min()
        .map(|(_, id)| id)
}

pub fn explain(id: &str) -> i32 {
    let rule = match resolve(id) {
        Ok(rule) => rule,
        Err(message) => return fail(&message),
    };
    let mut out = format!("{} ({} by default)\n\n", rule.id, rule.default_severity);
    match rule.capability() {
        Some(c) => {
            out.push_str(&format!("Capability: {} {}\n", c.id(), c.name()));
            if let Some(entry) = capabilities::find(c.id()) {
                out.push_str(&format!("  Area:        {}\n", entry.area));
                out.push_str(&format!(
                    "  Required by: {}\n",
                    entry.required_by.join(", ")
                ));
                out.push_str(&format!(
                    "  Accountable: {}\n",
                    entry.accountable.join(", ")
                ));
                out.push_str(&format!(
                    "  Responsible: {}\n",
                    entry.responsible.join(", ")
                ));
            }
        }
        None => out.push_str("Capability: none (a pscf-lint tool finding)\n"),
    }
    out.push_str(&format!("\nWhat: fires when {}.\n", rule.summary));
    out.push_str(&format!("\nWhy: {}\n", rule.rationale));
    out.push_str(&format!("\nHow to fix: {}\n", rule.fix));
    let category = rule.id.slug();
    if pscf_lint::rules::rss::is_category(category) {
        let tools = pscf_lint::rules::rss::known_tool_names(category).join(", ");
        out.push_str(&format!(
            "\nKnown tools (restrict with `approved:`): {tools}\n"
        ));
    }
    out.push_str("\nPolicy example:\n");
    for line in rule.example.lines() {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str(&format!("\nChange its severity or switch it off:\n    rules:\n      \"{}\": {{ severity: note }}   # or {{ enabled: false }}\n", rule.id));
    print(&out)
}

pub fn capabilities(format: ListFormat) -> i32 {
    let catalogue = match capabilities::catalogue() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match format {
        ListFormat::Table => print(&capabilities_table(&catalogue)),
        ListFormat::Json => print(&json(&CapabilitiesDocument {
            version: LIST_VERSION,
            kind: "capabilities",
            tool: TOOL,
            source: CATALOGUE_SOURCE,
            capabilities: catalogue,
        })),
    }
}

fn capabilities_table(catalogue: &[CapabilityEntry]) -> String {
    let mut out = format!(
        "{:<13} {:<45} {:<28} {:<30} {:<22} {}\n",
        "ID", "NAME", "AREA", "REQUIRED BY", "ACCOUNTABLE", "RESPONSIBLE"
    );
    for c in catalogue {
        out.push_str(&format!(
            "{:<13} {:<45} {:<28} {:<30} {:<22} {}\n",
            c.id,
            c.name,
            c.area,
            c.required_by.join(", "),
            c.accountable.join(", "),
            c.responsible.join(", ")
        ));
    }
    out.push_str(&format!("\nSource: {CATALOGUE_SOURCE}.\n"));
    out
}

/// `pscf-lint completions SHELL`: the completion script for the shell.
pub fn completions(shell: clap_complete::Shell, mut command: clap::Command) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "pscf-lint", &mut script);
    print(&String::from_utf8_lossy(&script))
}

#[cfg(test)]
mod tests {
    use super::by_slug;

    #[test]
    fn a_slug_resolves_when_one_rule_has_it() {
        let ids = [
            "PSCF-SPM-RC/banned-component",
            "PSCF-SPM-MAR/unpinned-action",
        ];
        assert_eq!(
            by_slug("unpinned-action", ids.into_iter()),
            Ok(Some("PSCF-SPM-MAR/unpinned-action"))
        );
        assert_eq!(by_slug("unpinned", ids.into_iter()), Ok(None));
        let shared = ["PSCF-SPM-RSS/sast", "PSCF-SPM-MAR/sast", "PSCF-SPM-RC/x"];
        assert_eq!(
            by_slug("sast", shared.into_iter()),
            Err(vec!["PSCF-SPM-RSS/sast", "PSCF-SPM-MAR/sast"])
        );
    }
}
