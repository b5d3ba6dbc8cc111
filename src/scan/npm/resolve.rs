//! Joins each `package.json` with the lockfile that governs it (the nearest
//! one at or above its directory) into components.
//!
//! - Direct dependencies are located at their `package.json` entry, with the
//!   version the lockfile installed for that package.
//! - Every other installed package is transitive, located at its lockfile
//!   entry.
//! - Workspace packages, `workspace:` / `link:` / `file:` entries inside the
//!   repository and lockfile `link` entries are the project's own code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::graph;
use super::{Dependency, LockKind, LockedPackage, Lockfile, NPMJS, PackageJson, split_name_at};
use crate::facts::{Component, MissingLockfile, Scope, Source};
use crate::graph::DependencyGraph;
use crate::location::{Location, RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

type Sources = BTreeMap<RelPath, Arc<SourceFile>>;

/// Components, and one dependency graph per lockfile.
pub fn resolve(
    manifests: &[PackageJson],
    locks: &[Lockfile],
    sources: &Sources,
) -> (Vec<Component>, Vec<DependencyGraph>) {
    let mut graphs = Vec::new();
    let own_names: HashSet<&str> = manifests.iter().filter_map(|m| m.name.as_deref()).collect();
    let mut components = Vec::new();
    let mut governed: BTreeMap<usize, Vec<&PackageJson>> = BTreeMap::new();
    for m in manifests {
        match governing_lock(locks, m.dir()) {
            Some(i) => governed.entry(i).or_default().push(m),
            None => {
                let Some(file) = sources.get(&m.path) else {
                    continue;
                };
                for d in m
                    .dependencies
                    .iter()
                    .filter(|d| !is_own_spec(d, &own_names))
                {
                    components.push(direct(d, None, file));
                }
            }
        }
    }
    for (i, members) in governed {
        let Some(lock) = locks.get(i) else { continue };
        components.extend(resolve_lock(
            lock,
            &members,
            &own_names,
            sources,
            &mut graphs,
        ));
    }
    (components, graphs)
}

/// Application packages (not publishable libraries) that declare
/// dependencies but have no lockfile at or above them.
pub fn missing_lockfiles(
    manifests: &[PackageJson],
    locks: &[Lockfile],
    sources: &Sources,
) -> Vec<MissingLockfile> {
    manifests
        .iter()
        .filter(|m| {
            !m.publishable && !m.dependencies.is_empty() && governing_lock(locks, m.dir()).is_none()
        })
        .filter_map(|m| {
            let file = sources.get(&m.path)?;
            Some(MissingLockfile {
                manifest: file.location(file.index.line_span(&file.text, 1)),
                ecosystem: crate::purl::Ecosystem::Npm,
                expected: "package-lock.json, pnpm-lock.yaml or yarn.lock",
                because: "it is not a published library",
            })
        })
        .collect()
}

/// The lockfile at or nearest above `dir`; in one directory npm's lock is
/// preferred, then pnpm's, then yarn's (the order the tools themselves use).
fn governing_lock(locks: &[Lockfile], dir: &str) -> Option<usize> {
    locks
        .iter()
        .enumerate()
        .filter(|(_, l)| is_ancestor(l.path.parent(), dir))
        .max_by_key(|(_, l)| (l.path.parent().len(), std::cmp::Reverse(l.kind)))
        .map(|(i, _)| i)
}

fn is_ancestor(ancestor: &str, path: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|r| r.starts_with('/'))
}

fn is_own_spec(d: &Dependency, own_names: &HashSet<&str>) -> bool {
    d.spec.starts_with("workspace:")
        || (own_names.contains(d.name.as_str())
            && ["file:", "link:", "portal:"]
                .iter()
                .any(|p| d.spec.starts_with(p)))
}

fn resolve_lock(
    lock: &Lockfile,
    members: &[&PackageJson],
    own_names: &HashSet<&str>,
    sources: &Sources,
    graphs: &mut Vec<DependencyGraph>,
) -> Vec<Component> {
    let lock_dir = lock.path.parent();
    let index = LockIndex::new(lock);
    let workspace = Workspace::of(members, lock_dir);
    let mut claimed = HashSet::new();
    let mut components = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for (member, m) in members.iter().enumerate() {
        let Some(file) = sources.get(&m.path) else {
            continue;
        };
        let rel = m
            .dir()
            .strip_prefix(lock_dir)
            .unwrap_or(m.dir())
            .trim_start_matches('/');
        for d in &m.dependencies {
            if is_own_spec(d, own_names) {
                continue;
            }
            // A manifest outside the workspaces (a template) is not
            // installed by this lockfile: its hoisted workspace links are
            // not what it gets.
            let in_workspace = workspace.has(m);
            let found = index
                .find(lock, rel, d)
                .filter(|&i| in_workspace || lock.packages.get(i).is_some_and(|p| !p.own));
            if let Some(i) = found {
                claimed.insert(i);
            }
            let package = found.and_then(|i| lock.packages.get(i));
            // A workspace sibling named by a range it satisfies is linked,
            // and yarn does not list it at all; a dist-tag (`latest`) is
            // fetched from the registry.
            let own = package.map_or_else(
                || own_names.contains(d.name.as_str()) && in_workspace && workspace.links(&d.spec),
                |p| p.own,
            );
            if own {
                continue;
            }
            let component = direct(d, package, file);
            if let Some(to) = found {
                entries.push(Entry {
                    member,
                    to,
                    scope: d.scope,
                    declared: component.location.clone(),
                });
            }
            components.push(component);
        }
    }
    let Some(file) = sources.get(&lock.path) else {
        return components;
    };
    let graph = graph::build(lock, file, &index, members, &entries, sources);
    // npm records each package's scope; pnpm 9 and yarn do not, so it is
    // the strongest scope of the entries that reach it.
    let reached = graph.reach_scopes();
    for (i, p) in lock.packages.iter().enumerate() {
        if claimed.contains(&i) || p.own || p.version.is_empty() {
            continue;
        }
        let scope = match lock.kind {
            LockKind::Npm => p.scope,
            LockKind::Pnpm | LockKind::Yarn => reached.get(i).copied().flatten().unwrap_or(p.scope),
        };
        components.push(Component {
            purl: Purl::new(Ecosystem::Npm, &p.name, Some(&p.version)),
            requirement: None,
            scope,
            direct: false,
            source: locked_source(p.resolved.as_deref()),
            license: p.license.clone(),
            license_note: None,
            location: file.location(p.span.clone()),
        });
    }
    graphs.push(graph);
    components
}

/// A dependency a governed manifest declares, resolved in the lockfile.
pub(super) struct Entry {
    /// Index of the manifest among the lockfile's members.
    pub member: usize,
    /// The lockfile package it resolved to.
    pub to: usize,
    pub scope: Scope,
    pub declared: Location,
}

/// The workspace globs of the manifest beside the lockfile.
struct Workspace {
    root: String,
    members: Option<globset::GlobSet>,
}

impl Workspace {
    fn of(members: &[&PackageJson], lock_dir: &str) -> Self {
        let globs = members
            .iter()
            .find(|m| m.dir() == lock_dir)
            .map(|root| root.workspaces.as_slice())
            .unwrap_or_default();
        let mut set = globset::GlobSetBuilder::new();
        for g in globs {
            if let Ok(glob) = globset::GlobBuilder::new(g.trim_end_matches('/'))
                .literal_separator(true)
                .build()
            {
                set.add(glob);
            }
        }
        Workspace {
            root: lock_dir.to_owned(),
            members: set.build().ok(),
        }
    }

    /// The lockfile's root, or a member of its workspaces.
    fn has(&self, m: &PackageJson) -> bool {
        let rel = m
            .dir()
            .strip_prefix(self.root.as_str())
            .unwrap_or(m.dir())
            .trim_start_matches('/');
        rel.is_empty() || self.members.as_ref().is_some_and(|s| s.is_match(rel))
    }

    /// Whether a member declaring `spec` of a workspace package's name
    /// gets the sibling linked: the spec is a range (the sibling satisfies
    /// it), not a dist-tag.
    fn links(&self, spec: &str) -> bool {
        nodejs_semver::Range::parse(spec).is_ok()
    }
}

/// Lookups from a manifest entry to the lockfile package installed for it.
pub(super) struct LockIndex<'a> {
    pub by_install_path: HashMap<&'a str, usize>,
    pub by_descriptor: HashMap<&'a str, usize>,
}

impl<'a> LockIndex<'a> {
    fn new(lock: &'a Lockfile) -> Self {
        let mut index = LockIndex {
            by_install_path: HashMap::new(),
            by_descriptor: HashMap::new(),
        };
        for (i, p) in lock.packages.iter().enumerate() {
            if let Some(path) = &p.install_path {
                index.by_install_path.entry(path.as_str()).or_insert(i);
            }
            for d in &p.descriptors {
                index.by_descriptor.entry(d.as_str()).or_insert(i);
            }
        }
        index
    }

    fn find(&self, lock: &Lockfile, rel: &str, d: &Dependency) -> Option<usize> {
        match lock.kind {
            LockKind::Npm => {
                let nested = (!rel.is_empty()).then(|| format!("{rel}/node_modules/{}", d.name));
                let hoisted = format!("node_modules/{}", d.name);
                nested
                    .iter()
                    .chain(std::iter::once(&hoisted))
                    .find_map(|p| self.by_install_path.get(p.as_str()).copied())
            }
            LockKind::Yarn => [
                format!("{}@{}", d.name, d.spec),
                format!("{}@npm:{}", d.name, d.spec),
            ]
            .iter()
            .find_map(|key| self.by_descriptor.get(key.as_str()).copied()),
            LockKind::Pnpm => {
                let dir = if rel.is_empty() { "." } else { rel };
                let importer = lock.importers.iter().find(|i| i.dir == dir)?;
                let (_, version) = importer
                    .dependencies
                    .iter()
                    .find(|(name, _)| *name == d.name)?;
                // An alias records `real-name@version` as its version.
                let version = version.trim_start_matches('/');
                let descriptor = match split_name_at(version) {
                    (real, v) if !v.is_empty() && !version.contains("://") => format!("{real}@{v}"),
                    _ => format!("{}@{version}", d.name),
                };
                self.by_descriptor.get(descriptor.as_str()).copied()
            }
        }
    }
}

fn direct(d: &Dependency, package: Option<&LockedPackage>, file: &SourceFile) -> Component {
    let (name, spec) = match d.spec.strip_prefix("npm:") {
        Some(aliased) => split_name_at(aliased),
        None => (d.name.as_str(), d.spec.as_str()),
    };
    let name = package.map_or(name, |p| p.name.as_str());
    Component {
        purl: Purl::new(Ecosystem::Npm, name, package.map(|p| p.version.as_str())),
        requirement: Some(d.spec.clone()),
        scope: d.scope,
        direct: true,
        source: match package {
            Some(p) => locked_source(p.resolved.as_deref()),
            None => declared_source(spec),
        },
        license: package.and_then(|p| p.license.clone()),
        license_note: None,
        location: file.location(d.span.clone()),
    }
}

/// Where a `package.json` specifier fetches from, when no lockfile says.
fn declared_source(spec: &str) -> Source {
    if spec.starts_with("git")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
    {
        let (url, reference) = spec
            .split_once('#')
            .map_or((spec, None), |(u, r)| (u, Some(r.to_owned())));
        return Source::Git {
            url: url.to_owned(),
            follows_branch: reference.is_none(),
            reference,
        };
    }
    if let Some(path) = spec
        .strip_prefix("file:")
        .or_else(|| spec.strip_prefix("link:"))
    {
        return Source::Path(path.to_owned());
    }
    if spec.starts_with("http://") || spec.starts_with("https://") {
        return Source::Url(spec.to_owned());
    }
    // `owner/repo` is GitHub shorthand.
    if spec.contains('/') && !spec.starts_with('@') && !spec.contains(' ') {
        return Source::Git {
            url: format!("github:{spec}"),
            reference: None,
            follows_branch: true,
        };
    }
    Source::Registry(NPMJS.to_owned())
}

/// Where a lockfile says a package was fetched from.
fn locked_source(resolved: Option<&str>) -> Source {
    let Some(resolved) = resolved else {
        return Source::Registry(NPMJS.to_owned());
    };
    if resolved.starts_with("git") || resolved.contains(".git#") || resolved.starts_with("github:")
    {
        let (url, reference) = resolved.split_once('#').map_or((resolved, None), |(u, r)| {
            (u, Some(r.trim_start_matches("commit=").to_owned()))
        });
        return Source::Git {
            url: url.to_owned(),
            reference,
            follows_branch: false,
        };
    }
    if let Some(path) = resolved.strip_prefix("file:") {
        return Source::Path(path.to_owned());
    }
    let Some(rest) = resolved
        .strip_prefix("https://")
        .or_else(|| resolved.strip_prefix("http://"))
    else {
        return Source::Path(resolved.to_owned());
    };
    let host = rest.split('/').next().unwrap_or(rest);
    match host {
        "registry.npmjs.org" | "registry.yarnpkg.com" => Source::Registry(NPMJS.to_owned()),
        "codeload.github.com" => Source::Git {
            url: resolved.to_owned(),
            reference: None,
            follows_branch: false,
        },
        // Registry tarballs live under `<name>/-/<file>.tgz`.
        _ if rest.contains("/-/") => Source::Registry(host.to_owned()),
        _ => Source::Url(resolved.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_from_lockfiles_and_specs() {
        assert_eq!(
            locked_source(Some("https://registry.npmjs.org/a/-/a-1.0.0.tgz")),
            Source::Registry(NPMJS.into())
        );
        assert_eq!(
            locked_source(Some("https://npm.corp.example/a/-/a-1.0.0.tgz")),
            Source::Registry("npm.corp.example".into())
        );
        assert_eq!(
            locked_source(Some("https://example.com/a.tgz")),
            Source::Url("https://example.com/a.tgz".into())
        );
        assert!(matches!(
            locked_source(Some("git+ssh://git@github.com/o/r.git#abc")),
            Source::Git { .. }
        ));
        assert_eq!(declared_source("^1.0.0"), Source::Registry(NPMJS.into()));
        assert!(matches!(
            declared_source("expressjs/express"),
            Source::Git { .. }
        ));
        assert_eq!(declared_source("file:../x"), Source::Path("../x".into()));
    }

    #[test]
    fn a_git_spec_keeps_its_ref_once() {
        assert_eq!(
            declared_source("github:o/y#main"),
            Source::Git {
                url: "github:o/y".into(),
                reference: Some("main".into()),
                follows_branch: false,
            }
        );
        assert_eq!(declared_source("github:o/y").to_string(), "git github:o/y");
    }
}
