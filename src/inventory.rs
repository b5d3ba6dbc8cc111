//! `pscf-lint inventory`: every component the scanners found, as a table,
//! JSON, or a CycloneDX 1.5 SBOM.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::facts::{Component, Scope};
use crate::report::json::Tool;

/// One row per distinct purl: a component declared in several manifests is
/// one entry, direct if any declaration is, with its first location.
pub fn distinct(components: &[Component]) -> Vec<Component> {
    let mut by_purl: BTreeMap<String, Component> = BTreeMap::new();
    for c in components {
        by_purl
            .entry(c.purl.to_string())
            .and_modify(|seen| {
                // Show where the product asks for it, not where a lockfile
                // happens to list it first.
                if c.direct && !seen.direct {
                    seen.location = c.location.clone();
                }
                seen.direct |= c.direct;
                seen.scope = seen.scope.min(c.scope);
                if seen.license.is_none() {
                    seen.license.clone_from(&c.license);
                }
            })
            .or_insert_with(|| c.clone());
    }
    by_purl.into_values().collect()
}

pub fn render_table(components: &[Component]) -> String {
    let rows: Vec<[String; 6]> = distinct(components)
        .iter()
        .map(|c| {
            [
                c.purl.to_string(),
                c.scope.to_string(),
                if c.direct { "direct" } else { "transitive" }.to_owned(),
                c.license.clone().unwrap_or_else(|| "-".to_owned()),
                c.source.to_string(),
                c.location.to_string(),
            ]
        })
        .collect();
    let header = [
        "PURL",
        "SCOPE",
        "DEPENDENCY",
        "LICENCE",
        "SOURCE",
        "LOCATION",
    ]
    .map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("\n{} components\n", rows.len()));
    out
}

#[derive(Serialize)]
struct JsonInventory<'a> {
    version: u32,
    tool: Tool,
    root: &'a str,
    components: Vec<JsonComponent>,
}

#[derive(Serialize)]
struct JsonComponent {
    purl: String,
    ecosystem: &'static str,
    name: String,
    version: Option<String>,
    requirement: Option<String>,
    scope: &'static str,
    direct: bool,
    license: Option<String>,
    source: String,
    file: String,
    line: u32,
    column: u32,
}

pub fn render_json(root: &str, components: &[Component]) -> String {
    let doc = JsonInventory {
        version: 1,
        tool: Tool::THIS,
        root,
        components: distinct(components)
            .into_iter()
            .map(|c| JsonComponent {
                purl: c.purl.to_string(),
                ecosystem: c.purl.ecosystem.purl_type(),
                name: c.purl.qualified_name(),
                version: c.purl.version.clone(),
                requirement: c.requirement,
                scope: c.scope.as_str(),
                direct: c.direct,
                license: c.license,
                source: c.source.to_string(),
                file: c.location.path.to_string(),
                line: c.location.line,
                column: c.location.column,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// CycloneDX scope: what ships (`required`), what may (`optional`), and
/// what only builds or tests it (`excluded`).
pub(crate) fn cyclonedx_scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Runtime => "required",
        Scope::Optional => "optional",
        Scope::Build | Scope::Dev => "excluded",
    }
}
