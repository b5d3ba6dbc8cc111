//! The dependency graph of one npm, pnpm or yarn lockfile: its packages
//! and the edges each entry lists, resolved the way each tool installs.
//!
//! - npm: a dependency of the package at `node_modules/a` is the nearest
//!   `…/node_modules/<name>` up the install path (Node's resolution).
//! - pnpm: edges name the resolved version (`name: 1.2.3(peer@1)`), which
//!   keys the `packages` entry `name@1.2.3`.
//! - yarn: edges name a range (`name "^1"`, Berry `name: "npm:^1"`), which
//!   is one of the descriptors an entry's header lists.
//!
//! The governed manifests are the own roots; their declarations, already
//! resolved by the caller, are the entries.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::resolve::{Entry, LockIndex};
use super::{LockKind, Lockfile, PackageJson, split_name_at};
use crate::facts::Scope;
use crate::graph::{DependencyGraph, GraphBuilder, NodeId};
use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

pub(super) fn build(
    lock: &Lockfile,
    file: &SourceFile,
    index: &LockIndex<'_>,
    members: &[&PackageJson],
    entries: &[Entry],
    sources: &BTreeMap<RelPath, Arc<SourceFile>>,
) -> DependencyGraph {
    let mut b = GraphBuilder::new(lock.path.clone());
    let ids: Vec<NodeId> = lock
        .packages
        .iter()
        .map(|p| {
            let version = Some(p.version.as_str()).filter(|v| !v.is_empty());
            b.node(
                Purl::new(Ecosystem::Npm, &p.name, version),
                p.own,
                file.location(p.span.clone()),
            )
        })
        .collect();
    for (from, p) in lock.packages.iter().enumerate() {
        if p.own {
            continue; // own packages' edges are their manifests' entries
        }
        for (name, spec) in &p.dependencies {
            let Some(to) = target(lock, index, from, name, spec) else {
                continue;
            };
            if let (Some(&f), Some(&t)) = (ids.get(from), ids.get(to)) {
                b.edge(f, t, Scope::Runtime, None);
            }
        }
    }
    let roots: Vec<Option<NodeId>> = members
        .iter()
        .map(|m| {
            let file = sources.get(&m.path)?;
            let dir_name = m.dir().rsplit('/').next().filter(|d| !d.is_empty());
            let name = m.name.as_deref().or(dir_name).unwrap_or("root");
            let id = b.node(
                Purl::new(Ecosystem::Npm, name, None),
                true,
                file.location(file.index.line_span(&file.text, 1)),
            );
            if m.name.is_none() {
                b.unnamed(id, m.path.to_string());
            }
            Some(id)
        })
        .collect();
    for e in entries {
        if let (Some(Some(root)), Some(&to)) = (roots.get(e.member), ids.get(e.to)) {
            b.edge(*root, to, e.scope, Some(e.declared.clone()));
        }
    }
    b.build()
}

/// The lockfile package an edge of package `from` resolves to.
fn target(
    lock: &Lockfile,
    index: &LockIndex<'_>,
    from: usize,
    name: &str,
    spec: &str,
) -> Option<usize> {
    match lock.kind {
        LockKind::Npm => {
            let path = lock.packages.get(from)?.install_path.as_deref()?;
            installed(index, path, name)
        }
        LockKind::Pnpm => {
            if spec.starts_with("link:") || spec.starts_with("file:") {
                return None; // a workspace package or a local directory
            }
            // An alias records `real-name@version` as its version.
            let version = spec.trim_start_matches('/');
            let descriptor = match split_name_at(version) {
                (real, v) if !v.is_empty() && !version.contains("://") && !real.is_empty() => {
                    format!("{real}@{v}")
                }
                _ => format!("{name}@{version}"),
            };
            index.by_descriptor.get(descriptor.as_str()).copied()
        }
        LockKind::Yarn => [format!("{name}@{spec}"), format!("{name}@npm:{spec}")]
            .iter()
            .find_map(|d| index.by_descriptor.get(d.as_str()).copied()),
    }
}

/// Node's module resolution over install paths: `<dir>/node_modules/<name>`
/// from the package's own directory up to the root.
fn installed(index: &LockIndex<'_>, from: &str, name: &str) -> Option<usize> {
    let mut base = from;
    let mut candidate = String::with_capacity(from.len() + name.len() + 14);
    loop {
        candidate.clear();
        if !base.is_empty() {
            candidate.push_str(base);
            candidate.push('/');
        }
        candidate.push_str("node_modules/");
        candidate.push_str(name);
        if let Some(&i) = index.by_install_path.get(candidate.as_str()) {
            return Some(i);
        }
        if base.is_empty() {
            return None;
        }
        base = parent_package(base);
    }
}

/// The install directory above a package's: `a/node_modules/b` → `a`,
/// `node_modules/a` → the root, a workspace folder → the root.
fn parent_package(path: &str) -> &str {
    match path.rfind("/node_modules/") {
        Some(i) => path.get(..i).unwrap_or(""),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_paths_walk_up_to_the_root() {
        assert_eq!(
            parent_package("node_modules/a/node_modules/@s/b"),
            "node_modules/a"
        );
        assert_eq!(parent_package("node_modules/a"), "");
        assert_eq!(parent_package("packages/ui"), "");
        assert_eq!(parent_package("packages/ui/node_modules/x"), "packages/ui");
    }
}
