//! How a transitive component gets into the build, as cargo-deny shows it
//! (`lazy_static 1.5.1 ← sharded-slab 0.1.7 ← tracing-subscriber 0.3.23 ←
//! (dev) app`): the dependency a user has to change to be rid of it. Added
//! to every RC finding about a transitive component whose lockfile has
//! edges: in `help`, as the finding's dependency path, and as a related
//! location at the manifest line that declares the direct dependency.

use crate::facts::{Component, Facts, Scope};
use crate::finding::{Finding, Related};
use crate::graph::{DependencyGraph, InclusionPath, Node};

pub(super) fn annotate(facts: &Facts, c: &Component, findings: &mut [Finding]) {
    if c.direct || findings.is_empty() {
        return;
    }
    let Some((graph, id)) = facts.graphs.locate(&c.location) else {
        return;
    };
    let Some(path) = graph.inclusion_path(id, c.scope) else {
        return;
    };
    let Some(explained) = Explained::new(graph, &path) else {
        return;
    };
    for f in findings {
        f.dependency_path.clone_from(&explained.purls);
        let help = f.help.take().unwrap_or_default();
        f.help = Some(if help.is_empty() {
            format!("inclusion path: {}", explained.chain)
        } else {
            format!("{help}; inclusion path: {}", explained.chain)
        });
        if let Some(related) = &explained.related {
            f.related.push(related.clone());
        }
    }
}

/// One inclusion path, in the forms findings carry.
struct Explained {
    /// `lazy_static 1.5.1 ← … ← (dev) app`, innermost first.
    chain: String,
    /// Purls, outermost (the own package, or an unnamed project's
    /// manifest path) first.
    purls: Vec<String>,
    /// The manifest line of the direct dependency.
    related: Option<Related>,
}

impl Explained {
    fn new(graph: &DependencyGraph, path: &InclusionPath) -> Option<Self> {
        let root = graph.node(path.root)?;
        let nodes: Vec<&Node> = path
            .nodes
            .iter()
            .map(|id| graph.node(*id))
            .collect::<Option<_>>()?;
        let (direct, target) = (nodes.first()?, nodes.last()?);
        let marker = match path.scope {
            Scope::Runtime => String::new(),
            other => format!("({other}) "),
        };
        let mut links: Vec<String> = nodes.iter().rev().map(|n| label(n)).collect();
        links.push(format!("{marker}{}", root.name()));
        // An unnamed project is known by its manifest's path.
        let purls = std::iter::once(root.label.clone().unwrap_or_else(|| root.purl.to_string()))
            .chain(nodes.iter().map(|n| n.purl.to_string()))
            .collect();
        let chain = links.join(" ← ");
        let related = path.declared.as_ref().map(|location| Related {
            location: location.clone(),
            message: format!(
                "`{}` is declared here and pulls in `{}`: {chain}",
                direct.purl.qualified_name(),
                target.purl.qualified_name()
            ),
        });
        Some(Explained {
            chain,
            purls,
            related,
        })
    }
}

fn label(n: &Node) -> String {
    match &n.purl.version {
        Some(v) => format!("{} {v}", n.purl.qualified_name()),
        None => n.purl.qualified_name(),
    }
}
