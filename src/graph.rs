//! Dependency graphs, one per lockfile: which package pulls in which.
//!
//! Nodes are the packages a lockfile lists (the project's own packages
//! among them, marked `own`); edges are its dependency lists. An edge that
//! leaves the project's own code (own → not own) is an *entry*: it carries
//! the scope of the declaration and the manifest line that declares it.
//! Rules read graphs for inclusion paths (`lazy_static ← sharded-slab ←
//! tracing-subscriber ← (dev) my-app`); the CycloneDX `dependencies`
//! section is the same graph. Built by the ecosystem resolvers, immutable
//! afterwards.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use crate::facts::Scope;
use crate::location::{Location, RelPath};
use crate::purl::Purl;

/// A node's index in its graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub purl: Purl,
    /// A package of the project itself (workspace member, root package).
    pub own: bool,
    /// The package's lockfile entry (or the manifest of an own package that
    /// the lockfile does not list).
    pub location: Location,
    /// Outgoing edges, ordered by target, one per target.
    pub edges: Vec<Edge>,
    /// How an own package without a name is shown: its manifest's path.
    pub label: Option<String>,
}

impl Node {
    /// The package's name as people know it, or its label.
    pub fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.purl.qualified_name())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub to: NodeId,
    /// Why the dependency is there; the declaration's kind on entries,
    /// `Runtime` (or `Optional`) inside the third-party graph.
    pub scope: Scope,
    /// The manifest entry that declares it, on entries.
    pub declared: Option<Location>,
}

/// How a package is reached: from a project's own package, through the
/// entry it declares, down to the package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionPath {
    /// The own package that declares the entry.
    pub root: NodeId,
    /// The entry's scope and manifest line.
    pub scope: Scope,
    pub declared: Option<Location>,
    /// From the directly declared package down to the one asked about.
    pub nodes: Vec<NodeId>,
}

#[derive(Debug)]
pub struct DependencyGraph {
    pub lockfile: RelPath,
    pub nodes: Vec<Node>,
    /// Breadth-first trees from the entries, per requested scope (and one
    /// for any scope), built on first use.
    trees: [OnceLock<Vec<Option<Via>>>; 5],
}

/// How the breadth-first search first reached a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// Through an entry: the own node and the edge's index.
    Entry { from: NodeId, edge: usize },
    /// From another third-party node.
    Node(NodeId),
}

const SCOPES: [Scope; 4] = [Scope::Runtime, Scope::Optional, Scope::Build, Scope::Dev];

impl DependencyGraph {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.nodes.len()).map(|i| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The own packages, in lockfile order.
    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.ids()
            .filter(|id| self.node(*id).is_some_and(|n| n.own))
    }

    /// Entries (own → third-party edges) in node and edge order.
    fn entries(&self) -> impl Iterator<Item = (NodeId, usize, &Edge)> {
        self.roots().flat_map(move |root| {
            self.node(root)
                .into_iter()
                .flat_map(|n| n.edges.iter().enumerate())
                .filter(|(_, e)| self.node(e.to).is_some_and(|t| !t.own))
                .map(move |(i, e)| (root, i, e))
        })
    }

    /// The strongest scope (runtime > optional > build > dev) over every
    /// entry that reaches each node; `None` for own and unreachable nodes.
    pub fn reach_scopes(&self) -> Vec<Option<Scope>> {
        let mut scopes: Vec<Option<Scope>> = vec![None; self.nodes.len()];
        let mut stack: Vec<(NodeId, Scope)> =
            self.entries().map(|(_, _, e)| (e.to, e.scope)).collect();
        while let Some((id, scope)) = stack.pop() {
            let Some(node) = self.node(id).filter(|n| !n.own) else {
                continue;
            };
            let Some(slot) = scopes.get_mut(id.index()) else {
                continue;
            };
            if slot.is_some_and(|s| s <= scope) {
                continue; // already reached with an equal or stronger scope
            }
            *slot = Some(scope);
            stack.extend(node.edges.iter().map(|e| (e.to, scope)));
        }
        scopes
    }

    /// The shortest way `target` is reached through an entry of `scope`
    /// (the component's own scope, so the path explains it), else through
    /// any entry. Ties go to the first entry in lockfile order, so the
    /// answer is deterministic.
    pub fn inclusion_path(&self, target: NodeId, scope: Scope) -> Option<InclusionPath> {
        let slot = SCOPES.iter().position(|s| *s == scope).unwrap_or(4);
        [slot, 4]
            .into_iter()
            .find_map(|slot| self.walk_back(target, slot))
    }

    fn tree(&self, slot: usize) -> Option<&[Option<Via>]> {
        let cell = self.trees.get(slot)?;
        let wanted = SCOPES.get(slot).copied();
        Some(cell.get_or_init(|| self.breadth_first(wanted)))
    }

    fn breadth_first(&self, wanted: Option<Scope>) -> Vec<Option<Via>> {
        let mut via: Vec<Option<Via>> = vec![None; self.nodes.len()];
        let mut queue = VecDeque::new();
        for (from, edge, e) in self.entries() {
            if wanted.is_some_and(|w| w != e.scope) {
                continue;
            }
            if let Some(slot) = via.get_mut(e.to.index())
                && slot.is_none()
            {
                *slot = Some(Via::Entry { from, edge });
                queue.push_back(e.to);
            }
        }
        while let Some(id) = queue.pop_front() {
            for e in self.node(id).map_or(&[][..], |n| n.edges.as_slice()) {
                if self.node(e.to).is_none_or(|t| t.own) {
                    continue;
                }
                if let Some(slot) = via.get_mut(e.to.index())
                    && slot.is_none()
                {
                    *slot = Some(Via::Node(id));
                    queue.push_back(e.to);
                }
            }
        }
        via
    }

    fn walk_back(&self, target: NodeId, slot: usize) -> Option<InclusionPath> {
        let tree = self.tree(slot)?;
        let mut nodes = vec![target];
        let mut current = target;
        // A tree has no cycles; the bound only guards against a bug.
        for _ in 0..=self.nodes.len() {
            match tree.get(current.index()).copied().flatten()? {
                Via::Node(parent) => {
                    nodes.push(parent);
                    current = parent;
                }
                Via::Entry { from, edge } => {
                    let e = self.node(from)?.edges.get(edge)?;
                    nodes.reverse();
                    return Some(InclusionPath {
                        root: from,
                        scope: e.scope,
                        declared: e.declared.clone(),
                        nodes,
                    });
                }
            }
        }
        None
    }
}

/// Builds one lockfile's graph: nodes first, then edges between them.
pub struct GraphBuilder {
    lockfile: RelPath,
    nodes: Vec<Node>,
}

impl GraphBuilder {
    pub fn new(lockfile: RelPath) -> Self {
        GraphBuilder {
            lockfile,
            nodes: Vec::new(),
        }
    }

    pub fn node(&mut self, purl: Purl, own: bool, location: Location) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(Node {
            purl,
            own,
            location,
            edges: Vec::new(),
            label: None,
        });
        id
    }

    /// An own package that has no name of its own, known by `label`.
    pub fn unnamed(&mut self, id: NodeId, label: String) {
        if let Some(n) = self.nodes.get_mut(id.index()) {
            n.label = Some(label);
        }
    }

    pub fn set_own(&mut self, id: NodeId) {
        if let Some(n) = self.nodes.get_mut(id.index()) {
            n.own = true;
        }
    }

    pub fn is_own(&self, id: NodeId) -> bool {
        self.nodes.get(id.index()).is_some_and(|n| n.own)
    }

    /// An edge; self-edges are dropped. Duplicates are merged in
    /// [`GraphBuilder::build`] (linear per edge here, whatever a hostile
    /// lockfile lists).
    pub fn edge(&mut self, from: NodeId, to: NodeId, scope: Scope, declared: Option<Location>) {
        if from == to || to.index() >= self.nodes.len() {
            return;
        }
        if let Some(node) = self.nodes.get_mut(from.index()) {
            node.edges.push(Edge {
                to,
                scope,
                declared,
            });
        }
    }

    /// Edges ordered by target, one per target: the strongest scope of the
    /// duplicates, with the (first) declaration of that scope.
    pub fn build(mut self) -> DependencyGraph {
        for n in &mut self.nodes {
            // Stable: among duplicates the first added stays first.
            n.edges.sort_by_key(|e| e.to);
            let mut merged: Vec<Edge> = Vec::with_capacity(n.edges.len());
            for e in n.edges.drain(..) {
                match merged.last_mut() {
                    Some(last) if last.to == e.to => {
                        // The declaration that explains the scope is kept.
                        let explains = e.scope < last.scope && e.declared.is_some();
                        if explains || last.declared.is_none() {
                            last.declared = e.declared;
                        }
                        last.scope = last.scope.min(e.scope);
                    }
                    _ => merged.push(e),
                }
            }
            n.edges = merged;
        }
        DependencyGraph {
            lockfile: self.lockfile,
            nodes: self.nodes,
            trees: Default::default(),
        }
    }
}

/// Every lockfile's graph, sorted by lockfile, and where each component
/// location falls in them.
#[derive(Debug, Default)]
pub struct Graphs {
    list: Vec<DependencyGraph>,
    /// Lockfile entries and entry declarations → (graph, node).
    by_location: HashMap<Location, (usize, NodeId)>,
}

impl Graphs {
    pub fn new(mut list: Vec<DependencyGraph>) -> Self {
        list.sort_by(|a, b| a.lockfile.cmp(&b.lockfile));
        let mut by_location = HashMap::new();
        for (g, graph) in list.iter().enumerate() {
            for (id, node) in graph.ids().zip(&graph.nodes) {
                by_location.entry(node.location.clone()).or_insert((g, id));
                for e in &node.edges {
                    if let Some(declared) = &e.declared {
                        by_location.entry(declared.clone()).or_insert((g, e.to));
                    }
                }
            }
        }
        Graphs { list, by_location }
    }

    pub fn all(&self) -> &[DependencyGraph] {
        &self.list
    }

    /// The graph and node of the package listed or declared at `location`
    /// (a component's location).
    pub fn locate(&self, location: &Location) -> Option<(&DependencyGraph, NodeId)> {
        let &(g, id) = self.by_location.get(location)?;
        Some((self.list.get(g)?, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purl::Ecosystem;

    fn loc(line: u32) -> Location {
        let mut l = Location::file(RelPath::new("Cargo.lock"));
        l.line = line;
        l
    }

    /// app →(dev) sub → slab → lazy; app →(runtime) big → mid → slab;
    /// tool →(runtime) lazy.
    fn graph() -> (DependencyGraph, [NodeId; 7]) {
        let mut b = GraphBuilder::new(RelPath::new("Cargo.lock"));
        let mut n = |name: &str, own: bool, line: u32| {
            b.node(
                Purl::new(Ecosystem::Cargo, name, Some("1.0.0")),
                own,
                loc(line),
            )
        };
        let ids = [
            n("app", true, 1),
            n("sub", false, 2),
            n("slab", false, 3),
            n("lazy", false, 4),
            n("big", false, 5),
            n("mid", false, 6),
            n("tool", true, 7),
        ];
        let [app, sub, slab, lazy, big, mid, tool] = ids;
        b.edge(app, sub, Scope::Dev, Some(loc(100)));
        b.edge(app, big, Scope::Runtime, Some(loc(101)));
        b.edge(sub, slab, Scope::Runtime, None);
        b.edge(slab, lazy, Scope::Runtime, None);
        b.edge(big, mid, Scope::Runtime, None);
        b.edge(mid, slab, Scope::Runtime, None);
        b.edge(slab, slab, Scope::Runtime, None);
        b.edge(tool, big, Scope::Build, Some(loc(102)));
        (b.build(), ids)
    }

    #[test]
    fn scopes_are_the_strongest_over_all_entries() {
        let (g, [app, sub, slab, lazy, big, _, _]) = graph();
        let scopes = g.reach_scopes();
        assert_eq!(scopes[app.index()], None);
        assert_eq!(scopes[sub.index()], Some(Scope::Dev));
        assert_eq!(scopes[slab.index()], Some(Scope::Runtime));
        assert_eq!(scopes[lazy.index()], Some(Scope::Runtime));
        assert_eq!(scopes[big.index()], Some(Scope::Runtime));
    }

    #[test]
    fn inclusion_paths_explain_the_scope_and_are_shortest() {
        let (g, [app, sub, slab, lazy, big, mid, _]) = graph();
        // Runtime: through big and mid, although the dev path is shorter.
        let runtime = g.inclusion_path(lazy, Scope::Runtime);
        assert_eq!(
            runtime,
            Some(InclusionPath {
                root: app,
                scope: Scope::Runtime,
                declared: Some(loc(101)),
                nodes: vec![big, mid, slab, lazy],
            })
        );
        // Dev: the shortest dev path.
        let dev = g.inclusion_path(lazy, Scope::Dev).map(|p| p.nodes);
        assert_eq!(dev, Some(vec![sub, slab, lazy]));
        // No optional entry: any scope, shortest first.
        let any = g.inclusion_path(lazy, Scope::Optional).map(|p| p.nodes);
        assert_eq!(any, Some(vec![sub, slab, lazy]));
        // Own packages are not reached.
        assert_eq!(g.inclusion_path(app, Scope::Runtime), None);
    }

    #[test]
    fn duplicate_edges_merge_to_the_strongest_scope_and_its_declaration() {
        let mut b = GraphBuilder::new(RelPath::new("Cargo.lock"));
        let app = b.node(Purl::new(Ecosystem::Cargo, "app", None), true, loc(1));
        let dep = b.node(Purl::new(Ecosystem::Cargo, "dep", None), false, loc(2));
        b.edge(app, dep, Scope::Dev, Some(loc(10)));
        // A hostile lockfile may repeat an edge any number of times.
        for _ in 0..100_000 {
            b.edge(app, dep, Scope::Runtime, Some(loc(11)));
        }
        let g = b.build();
        assert_eq!(
            g.node(app).map(|n| n.edges.clone()),
            Some(vec![Edge {
                to: dep,
                scope: Scope::Runtime,
                declared: Some(loc(11)),
            }])
        );
    }

    #[test]
    fn graphs_locate_lockfile_entries_and_declarations() {
        let (g, [_, sub, _, lazy, ..]) = graph();
        let graphs = Graphs::new(vec![g]);
        assert_eq!(graphs.locate(&loc(4)).map(|(_, id)| id), Some(lazy));
        assert_eq!(graphs.locate(&loc(100)).map(|(_, id)| id), Some(sub));
        assert!(graphs.locate(&loc(99)).is_none());
    }
}
