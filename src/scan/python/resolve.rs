//! Joins Python manifests with the lockfile beside them. Requirements files
//! stand alone (pinned versions are their resolution).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::{Declared, Lockfile, Manifest, normalise};
use crate::facts::{Component, Scope};
use crate::graph::{DependencyGraph, GraphBuilder, NodeId};
use crate::location::{Location, RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

type Sources = BTreeMap<RelPath, Arc<SourceFile>>;

/// Components, and one dependency graph per lockfile.
pub fn resolve(
    manifests: &[Manifest],
    locks: &[Lockfile],
    sources: &Sources,
) -> (Vec<Component>, Vec<DependencyGraph>) {
    let mut out = Vec::new();
    let own: HashSet<String> = manifests
        .iter()
        .filter_map(|m| m.project.as_deref())
        .map(normalise)
        .collect();
    let mut claimed: HashSet<(usize, usize)> = HashSet::new();
    // Per lockfile: (manifest, lockfile package, scope, declaration).
    let mut entries: BTreeMap<usize, Vec<(usize, usize, Scope, Location)>> = BTreeMap::new();
    for (mi, m) in manifests.iter().enumerate() {
        let Some(file) = sources.get(&m.path) else {
            continue;
        };
        // poetry.lock, uv.lock or Pipfile.lock in the same directory.
        let lock = (!m.standalone)
            .then(|| {
                locks
                    .iter()
                    .enumerate()
                    .find(|(_, l)| l.path.parent() == m.path.parent())
            })
            .flatten();
        let index: HashMap<String, usize> = lock.map(|(_, l)| name_index(l)).unwrap_or_default();
        for d in &m.dependencies {
            let key = normalise(&d.name);
            if own.contains(&key) {
                continue;
            }
            let locked = lock.and_then(|(li, l)| {
                index
                    .get(&key)
                    .and_then(|&i| l.packages.get(i).map(|p| (li, i, p)))
            });
            let version = locked
                .map(|(_, _, p)| p.version.as_str())
                .or(d.pinned.as_deref());
            let c = component(d, version, locked.map(|(_, _, p)| p.source.clone()), file);
            if let Some((li, i, _)) = locked {
                claimed.insert((li, i));
                entries
                    .entry(li)
                    .or_default()
                    .push((mi, i, d.scope, c.location.clone()));
            }
            out.push(c);
        }
    }
    let mut graphs = Vec::new();
    for (li, lock) in locks.iter().enumerate() {
        let Some(file) = sources.get(&lock.path) else {
            continue;
        };
        let lock_entries = entries.get(&li).map_or(&[][..], Vec::as_slice);
        let graph = graph(lock, file, manifests, lock_entries, sources);
        // Locks record no scope (or poetry < 1.5's `category`): the
        // strongest scope of the declarations that reach the package.
        let reached = graph.reach_scopes();
        for (i, p) in lock.packages.iter().enumerate() {
            if p.own || claimed.contains(&(li, i)) || own.contains(&normalise(&p.name)) {
                continue;
            }
            out.push(Component {
                purl: Purl::new(
                    Ecosystem::Pypi,
                    &p.name,
                    Some(&p.version)
                        .filter(|v| !v.is_empty())
                        .map(|v| v.as_str()),
                ),
                requirement: None,
                scope: reached.get(i).copied().flatten().unwrap_or(p.scope),
                direct: false,
                source: p.source.clone(),
                license: None,
                license_note: None,
                location: file.location(p.span.clone()),
            });
        }
        graphs.push(graph);
    }
    (out, graphs)
}

fn name_index(lock: &Lockfile) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, p) in lock.packages.iter().enumerate() {
        index.entry(normalise(&p.name)).or_insert(i);
    }
    index
}

/// The lockfile's packages and their edges (by PEP 503 name); the
/// manifests beside it are the own roots, their declarations the entries.
fn graph(
    lock: &Lockfile,
    file: &SourceFile,
    manifests: &[Manifest],
    entries: &[(usize, usize, Scope, Location)],
    sources: &Sources,
) -> DependencyGraph {
    let mut b = GraphBuilder::new(lock.path.clone());
    let ids: Vec<NodeId> = lock
        .packages
        .iter()
        .map(|p| {
            let version = Some(p.version.as_str()).filter(|v| !v.is_empty());
            b.node(
                Purl::new(Ecosystem::Pypi, &p.name, version),
                p.own,
                file.location(p.span.clone()),
            )
        })
        .collect();
    let index = name_index(lock);
    for (from, p) in lock.packages.iter().enumerate() {
        if p.own {
            continue; // the project's edges are its manifest's declarations
        }
        for (name, scope) in &p.dependencies {
            if let (Some(&f), Some(&t)) = (
                ids.get(from),
                index.get(&normalise(name)).and_then(|&i| ids.get(i)),
            ) {
                b.edge(f, t, *scope, None);
            }
        }
    }
    let mut roots: BTreeMap<usize, NodeId> = BTreeMap::new();
    for (mi, to, scope, declared) in entries {
        let root = match roots.get(mi) {
            Some(&r) => r,
            None => {
                let Some(m) = manifests.get(*mi) else {
                    continue;
                };
                let Some(mfile) = sources.get(&m.path) else {
                    continue;
                };
                let dir_name = m.path.parent().rsplit('/').next().filter(|d| !d.is_empty());
                let name = m.project.as_deref().or(dir_name).unwrap_or("root");
                let r = b.node(
                    Purl::new(Ecosystem::Pypi, name, None),
                    true,
                    mfile.location(mfile.index.line_span(&mfile.text, 1)),
                );
                if m.project.is_none() {
                    b.unnamed(r, m.path.to_string());
                }
                roots.insert(*mi, r);
                r
            }
        };
        if let Some(&t) = ids.get(*to) {
            b.edge(root, t, *scope, Some(declared.clone()));
        }
    }
    b.build()
}

/// Poetry, uv and Pipenv projects whose tool's lockfile is not beside
/// them.
pub fn missing_lockfiles(
    manifests: &[Manifest],
    locks: &[Lockfile],
    sources: &Sources,
) -> Vec<crate::facts::MissingLockfile> {
    manifests
        .iter()
        .filter(|m| !m.dependencies.is_empty())
        .filter_map(|m| {
            let expected = m.lockfile?;
            let present = locks
                .iter()
                .any(|l| l.path.parent() == m.path.parent() && l.path.file_name() == expected);
            let file = sources.get(&m.path).filter(|_| !present)?;
            Some(crate::facts::MissingLockfile {
                manifest: file.location(file.index.line_span(&file.text, 1)),
                ecosystem: crate::purl::Ecosystem::Pypi,
                expected,
                because: "its tool resolves dependencies into a lockfile",
            })
        })
        .collect()
}

fn component(
    d: &Declared,
    version: Option<&str>,
    locked_source: Option<crate::facts::Source>,
    file: &SourceFile,
) -> Component {
    Component {
        purl: Purl::new(Ecosystem::Pypi, &d.name, version.filter(|v| !v.is_empty())),
        // Empty means "any version", which the version rules must see.
        requirement: Some(d.spec.clone()),
        scope: d.scope,
        direct: d.direct,
        source: locked_source.unwrap_or_else(|| d.source.clone()),
        license: None,
        license_note: None,
        location: file.location(d.span.clone()),
    }
}
