//! `pscf-lint inventory`: every component the scanners found, as a table,
//! JSON, or a CycloneDX 1.5 SBOM.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::facts::{Component, Scope};
use crate::graph::Graphs;
use crate::location::RelPath;
use crate::report::json::Tool;

/// What `inventory` reports: the components and the lockfiles' graphs.
#[derive(Debug, Default)]
pub struct Inventory {
    pub components: Vec<Component>,
    pub graphs: Graphs,
    /// What the SBOM calls the product.
    pub product: crate::identity::ProductIdentity,
}

/// One row of the inventory: a component as one lockfile resolves it.
#[derive(Clone, Debug)]
pub struct Row {
    pub component: Component,
    /// The lockfile it belongs to; `None` for inputs without one.
    pub lockfile: Option<RelPath>,
}

impl Inventory {
    /// The lockfile whose graph lists or declares the component.
    fn lockfile_of(&self, c: &Component) -> Option<RelPath> {
        self.graphs
            .locate(&c.location)
            .map(|(g, _)| g.lockfile.clone())
    }

    /// One row per purl and lockfile: independent lockfiles (two Cargo
    /// workspaces, two npm projects) keep their own scope and location; a
    /// component declared by several manifests of one lockfile is one row,
    /// direct if any declaration is, with the strongest scope.
    pub fn rows(&self) -> Vec<Row> {
        let keyed = self
            .components
            .iter()
            .map(|c| ((c.purl.to_string(), self.lockfile_of(c)), c));
        merge(keyed)
            .into_iter()
            .map(|((_, lockfile), component)| Row {
                component,
                lockfile,
            })
            .collect()
    }
}

/// One entry per distinct purl, across lockfiles: what an SBOM lists.
pub fn distinct(components: &[Component]) -> Vec<Component> {
    merge(components.iter().map(|c| (c.purl.to_string(), c)))
        .into_values()
        .collect()
}

fn merge<'a, K: Ord>(
    components: impl Iterator<Item = (K, &'a Component)>,
) -> BTreeMap<K, Component> {
    let mut merged: BTreeMap<K, Component> = BTreeMap::new();
    for (key, c) in components {
        merged
            .entry(key)
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
    merged
}

pub fn render_table(inventory: &Inventory) -> String {
    let rows: Vec<[String; 7]> = inventory
        .rows()
        .iter()
        .map(|Row { component: c, .. }| {
            [
                c.purl.without_version().to_string(),
                c.purl.display_version().unwrap_or_else(|| "-".to_owned()),
                c.scope.to_string(),
                if c.direct { "direct" } else { "transitive" }.to_owned(),
                c.license.clone().unwrap_or_else(|| "-".to_owned()),
                c.source.to_string(),
                c.location.to_string(),
            ]
        })
        .collect();
    let header = [
        "COMPONENT",
        "VERSION",
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

/// The document kind of `inventory --format json`.
pub const KIND: &str = "inventory";

/// `pscf-lint inventory --format json`: one entry per component and
/// lockfile.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "pscf-lint inventory")]
struct JsonInventory<'a> {
    /// Always 1 for this shape.
    version: u32,
    /// Always `inventory`.
    #[schemars(extend("const" = "inventory"))]
    kind: &'static str,
    tool: Tool,
    root: &'a str,
    components: Vec<JsonComponent>,
}

#[derive(Serialize, JsonSchema)]
struct JsonComponent {
    purl: String,
    ecosystem: &'static str,
    name: String,
    version: Option<String>,
    /// A container image's tag when `version` is its digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    requirement: Option<String>,
    scope: &'static str,
    direct: bool,
    license: Option<String>,
    source: String,
    file: String,
    line: u32,
    column: u32,
    /// The lockfile this entry belongs to (one entry per lockfile).
    lockfile: Option<String>,
}

pub fn render_json(root: &str, inventory: &Inventory) -> String {
    let doc = JsonInventory {
        version: 1,
        kind: KIND,
        tool: Tool::THIS,
        root,
        components: inventory
            .rows()
            .into_iter()
            .map(
                |Row {
                     component: c,
                     lockfile,
                 }| JsonComponent {
                    purl: c.purl.to_string(),
                    ecosystem: c.purl.ecosystem.purl_type(),
                    name: c.purl.qualified_name(),
                    version: c.purl.version.clone(),
                    tag: c.purl.tag.clone(),
                    requirement: c.requirement,
                    scope: c.scope.as_str(),
                    direct: c.direct,
                    license: c.license,
                    source: c.source.to_string(),
                    file: c.location.path.to_string(),
                    line: c.location.line,
                    column: c.location.column,
                    lockfile: lockfile.map(|l| l.to_string()),
                },
            )
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The JSON Schema of the `inventory --format json` document.
pub fn schema() -> String {
    let schema = schemars::schema_for!(JsonInventory<'static>);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
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
