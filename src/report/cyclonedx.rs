//! CycloneDX 1.5 JSON SBOM of the inventory: components with purls,
//! licences and scopes, and the dependency graph the inputs give (the
//! product depends on its direct components; each component on what its
//! lockfiles' graphs say it depends on). The product is named by its
//! descriptor or root manifest (see [`crate::identity`]). No timestamp,
//! and a serial number derived from the document itself (a name-based
//! UUID of its bytes without the serial), so the same tree gives the same
//! bytes and a different one a different serial.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::facts::Component;
use crate::graph::Graphs;
use crate::inventory::{Inventory, cyclonedx_scope, distinct};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: Metadata,
    components: Vec<BomComponent>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata {
    tools: Tools,
    component: Root,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<ToolComponent>,
}

#[derive(Serialize)]
struct ToolComponent {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Root {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

#[derive(Serialize)]
struct BomComponent {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    scope: &'static str,
    purl: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<License>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License {
    Id { license: LicenseId },
    Expression { expression: String },
}

#[derive(Serialize)]
struct LicenseId {
    id: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

const ROOT_REF: &str = "pscf-lint:root";

/// The namespace of the serial numbers pscf-lint derives (itself a
/// name-based UUID, of the project's URL).
fn serial_namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        b"https://github.com/pscf-lint/pscf-lint/cyclonedx",
    )
}

/// `urn:uuid:` of a version-5 UUID of the document's bytes.
fn serial_number(document: &[u8]) -> String {
    uuid::Uuid::new_v5(&serial_namespace(), document)
        .urn()
        .to_string()
}

fn license(text: &str) -> License {
    match spdx::license_id(text.trim()) {
        Some(id) => License::Id {
            license: LicenseId {
                id: id.name.to_owned(),
            },
        },
        None => License::Expression {
            expression: text.to_owned(),
        },
    }
}

fn component(c: &Component) -> BomComponent {
    let purl = c.purl.to_string();
    BomComponent {
        kind: if c.purl.ecosystem == crate::purl::Ecosystem::Docker {
            "container"
        } else {
            "library"
        },
        bom_ref: purl.clone(),
        group: c.purl.namespace.clone(),
        name: c.purl.name.clone(),
        version: c.purl.version.clone(),
        scope: cyclonedx_scope(c.scope),
        purl,
        licenses: c.license.iter().map(|l| license(l)).collect(),
        properties: vec![
            Property {
                name: "pscf-lint:dependency",
                value: if c.direct { "direct" } else { "transitive" }.to_owned(),
            },
            Property {
                name: "pscf-lint:source",
                value: c.source.to_string(),
            },
            Property {
                name: "pscf-lint:location",
                value: c.location.to_string(),
            },
        ],
    }
}

/// `dependsOn` of every component, from every lockfile's edges between
/// third-party packages, limited to components the SBOM lists.
fn depends_on(graphs: &Graphs, listed: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for graph in graphs.all() {
        for node in graph.nodes.iter().filter(|n| !n.own) {
            let from = node.purl.to_string();
            if !listed.contains(&from) {
                continue;
            }
            let targets = node
                .edges
                .iter()
                .filter_map(|e| graph.node(e.to))
                .filter(|t| !t.own)
                .map(|t| t.purl.to_string())
                .filter(|t| listed.contains(t) && *t != from)
                .collect::<Vec<_>>();
            edges.entry(from).or_default().extend(targets);
        }
    }
    edges
}

/// The SBOM; `fallback` names the product when neither its descriptor nor
/// a root manifest does (the checked directory's name).
pub fn render(fallback: &str, inventory: &Inventory) -> String {
    let product = &inventory.product;
    let components = distinct(&inventory.components);
    let listed: BTreeSet<String> = components.iter().map(|c| c.purl.to_string()).collect();
    let mut graph = depends_on(&inventory.graphs, &listed);
    let direct: Vec<String> = components
        .iter()
        .filter(|c| c.direct)
        .map(|c| c.purl.to_string())
        .collect();
    let mut bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.5",
        serial_number: None,
        version: 1,
        metadata: Metadata {
            tools: Tools {
                components: vec![ToolComponent {
                    kind: "application",
                    name: "pscf-lint",
                    version: env!("CARGO_PKG_VERSION"),
                }],
            },
            component: Root {
                kind: "application",
                bom_ref: ROOT_REF,
                name: product.name.clone().unwrap_or_else(|| fallback.to_owned()),
                version: product.version.clone(),
                purl: product.purl.as_ref().map(ToString::to_string),
            },
        },
        components: components.iter().map(component).collect(),
        dependencies: std::iter::once(Dependency {
            reference: ROOT_REF.to_owned(),
            depends_on: direct,
        })
        .chain(components.iter().map(|c| {
            let reference = c.purl.to_string();
            let depends_on = graph
                .remove(&reference)
                .map(|d| d.into_iter().collect())
                .unwrap_or_default();
            Dependency {
                reference,
                depends_on,
            }
        }))
        .collect(),
    };
    let unnumbered = serde_json::to_vec(&bom).unwrap_or_default();
    bom.serial_number = Some(serial_number(&unnumbered));
    let mut out = serde_json::to_string_pretty(&bom).unwrap_or_default();
    out.push('\n');
    out
}
