//! Joins manifests and lockfiles into components, one workspace at a time.
//!
//! - Workspace members (and path dependencies inside the workspace, which
//!   cargo makes members too) are the product's own code, not components.
//! - Each dependency declared by a member is a direct component located at
//!   its manifest entry, with the version the lockfile resolved it to.
//! - Every other lockfile package is transitive, located at its lockfile
//!   entry, with the strongest scope of the direct dependencies reaching it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use globset::GlobBuilder;
use rayon::prelude::*;

use super::lockfile::parse_edge;
use super::registry_cache::RegistryCache;
use super::{CRATES_IO, DepKind, DepSource, Dependency, LockPackage, Lockfile, Manifest};
use crate::facts::{Component, MissingLockfile, Scope, Source};
use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};
use crate::scan::Environment;

type Sources = BTreeMap<RelPath, Arc<SourceFile>>;

pub fn resolve(
    manifests: &[Manifest],
    locks: &[Lockfile],
    sources: &Sources,
    env: &Environment,
) -> Vec<Component> {
    let cache = RegistryCache::open(env.cargo_home.as_deref());
    let mut components: Vec<Component> = workspaces(manifests)
        .into_iter()
        .flat_map(|ws| {
            let lock = locks.iter().find(|l| l.dir() == ws.root.dir());
            resolve_workspace(&ws, lock, sources)
        })
        .collect();
    components.par_iter_mut().for_each(|c| {
        if let (Source::Registry(_), Some(version)) = (&c.source, &c.purl.version) {
            c.license = cache.license(&c.purl.name, version);
        }
    });
    components
}

/// Workspaces that build a binary (`src/main.rs`, `src/bin/*.rs` or
/// `[[bin]]`) but have no `Cargo.lock`: libraries need none.
pub fn missing_lockfiles(
    manifests: &[Manifest],
    locks: &[Lockfile],
    binaries: &BTreeSet<RelPath>,
    sources: &Sources,
) -> Vec<MissingLockfile> {
    workspaces(manifests)
        .into_iter()
        .filter(|ws| !locks.iter().any(|l| l.dir() == ws.root.dir()))
        .filter(|ws| {
            ws.members.iter().any(|m| {
                m.package.is_some()
                    && (m.declares_bin
                        || binaries.iter().any(|b| {
                            b.as_str().strip_prefix(m.dir()).is_some_and(|rest| {
                                let rest = rest.trim_start_matches('/');
                                (m.dir().is_empty() || b.as_str().len() > m.dir().len())
                                    && (rest == "src/main.rs" || rest.starts_with("src/bin/"))
                            })
                        }))
            })
        })
        .filter_map(|ws| {
            let file = sources.get(&ws.root.path)?;
            Some(MissingLockfile {
                manifest: file.location(file.index.line_span(&file.text, 1)),
                ecosystem: Ecosystem::Cargo,
                expected: "Cargo.lock",
                because: "it builds a binary",
            })
        })
        .collect()
}

/// A workspace root (or a standalone package) and the manifests of its members.
struct Workspace<'a> {
    root: &'a Manifest,
    members: Vec<&'a Manifest>,
}

/// Assigns each manifest to its workspace: the nearest enclosing
/// `[workspace]` whose `members` globs (or whose members' path
/// dependencies) take it in; a manifest no workspace claims is its own root.
fn workspaces(manifests: &[Manifest]) -> Vec<Workspace<'_>> {
    let by_dir: HashMap<&str, &Manifest> = manifests.iter().map(|m| (m.dir(), m)).collect();
    let mut root_of: BTreeMap<&str, &str> = BTreeMap::new();
    for m in manifests {
        let root = manifests
            .iter()
            .filter(|r| r.workspace.is_some() && is_ancestor(r.dir(), m.dir()))
            .filter(|r| r.dir() == m.dir() || declared_member(r, m))
            .max_by_key(|r| r.dir().len());
        if let Some(root) = root {
            root_of.insert(m.dir(), root.dir());
        }
    }
    // Path dependencies inside a workspace become members; repeat until no
    // manifest changes hands (bounded by the number of manifests).
    for _ in 0..manifests.len() {
        let mut changed = false;
        for m in manifests {
            let Some(&root) = root_of.get(m.dir()) else {
                continue;
            };
            for dep in &m.dependencies {
                let DepSource::Path(p) = &dep.source else {
                    continue;
                };
                let Some(target) = join(m.dir(), p) else {
                    continue;
                };
                if is_ancestor(root, &target)
                    && let Some((&dir, _)) = by_dir.get_key_value(target.as_str())
                    && !root_of.contains_key(dir)
                {
                    root_of.insert(dir, root);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut groups: BTreeMap<&str, Vec<&Manifest>> = BTreeMap::new();
    for m in manifests {
        let root = root_of.get(m.dir()).copied().unwrap_or(m.dir());
        groups.entry(root).or_default().push(m);
    }
    groups
        .into_iter()
        .filter_map(|(root, members)| by_dir.get(root).map(|root| Workspace { root, members }))
        .collect()
}

fn declared_member(root: &Manifest, m: &Manifest) -> bool {
    let Some(ws) = &root.workspace else {
        return false;
    };
    let relative = relative_to(root.dir(), m.dir());
    let matches = |patterns: &[String]| {
        patterns.iter().any(|pattern| {
            GlobBuilder::new(pattern.trim_end_matches('/'))
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(relative))
        })
    };
    matches(&ws.members) && !matches(&ws.exclude)
}

fn is_ancestor(ancestor: &str, path: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn relative_to<'a>(ancestor: &str, path: &'a str) -> &'a str {
    if ancestor.is_empty() {
        return path;
    }
    path.strip_prefix(ancestor)
        .map_or(path, |rest| rest.trim_start_matches('/'))
}

/// `dir/path` normalised, relative to the scan root; `None` if it leaves
/// the root (or is absolute).
fn join(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The lockfile of one workspace, indexed by package name.
struct Locked<'a> {
    packages: &'a [LockPackage],
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Locked<'a> {
    fn new(lock: Option<&'a Lockfile>) -> Self {
        let packages = lock.map_or(&[][..], |l| l.packages.as_slice());
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_name.entry(p.name.as_str()).or_default().push(i);
        }
        Locked { packages, by_name }
    }
}

fn resolve_workspace(
    ws: &Workspace<'_>,
    lock: Option<&Lockfile>,
    sources: &Sources,
) -> Vec<Component> {
    let locked = Locked::new(lock);
    let (mut components, roots) = direct_components(ws, &locked, sources);
    if let Some(file) = lock.and_then(|l| sources.get(&l.path)) {
        components.extend(transitive_components(ws, &locked, &roots, file));
    }
    components
}

/// Every dependency the members declare, with the lockfile package each
/// resolved to (the roots of the scope propagation).
fn direct_components(
    ws: &Workspace<'_>,
    locked: &Locked<'_>,
    sources: &Sources,
) -> (Vec<Component>, Vec<(usize, Scope)>) {
    let root_dir = ws.root.dir();
    let inherited: HashMap<&str, &Dependency> = ws
        .root
        .workspace
        .iter()
        .flat_map(|w| &w.dependencies)
        .map(|d| (d.key.as_str(), d))
        .collect();
    let mut roots = Vec::new();
    let mut components = Vec::new();
    for member in &ws.members {
        let Some(file) = sources.get(&member.path) else {
            continue;
        };
        for decl in &member.dependencies {
            // `{ workspace = true }` takes name, version and source from the
            // root but keeps the member's kind, optionality and location.
            let (spec, spec_dir) = match decl.source {
                DepSource::Workspace => match inherited.get(decl.key.as_str()) {
                    Some(d) => (*d, root_dir),
                    None => continue,
                },
                _ => (decl, member.dir()),
            };
            if let DepSource::Path(p) = &spec.source
                && join(spec_dir, p).is_some_and(|target| is_ancestor(root_dir, &target))
            {
                continue; // the workspace's own code
            }
            let index = find_locked(locked, spec);
            let scope = scope_of(decl.kind, decl.optional || spec.optional);
            if let Some(i) = index {
                roots.push((i, scope));
            }
            let package = index.and_then(|i| locked.packages.get(i));
            components.push(Component {
                purl: Purl::new(
                    Ecosystem::Cargo,
                    &spec.package,
                    package.map(|p| p.version.as_str()),
                ),
                requirement: spec.requirement.clone(),
                scope,
                direct: true,
                source: match (&spec.source, package) {
                    // The lockfile does not record a path; the manifest does.
                    (DepSource::Path(_), _) | (_, None) => declared_source(&spec.source),
                    (_, Some(p)) => locked_source(p.source.as_deref()),
                },
                license: None,
                license_note: None,
                location: file.location(decl.span.clone()),
            });
        }
    }
    (components, roots)
}

/// Lockfile packages that are neither members nor direct dependencies.
fn transitive_components(
    ws: &Workspace<'_>,
    locked: &Locked<'_>,
    roots: &[(usize, Scope)],
    file: &SourceFile,
) -> Vec<Component> {
    let member_names: BTreeSet<&str> = ws
        .members
        .iter()
        .filter_map(|m| m.package.as_deref())
        .collect();
    let scopes = propagate_scopes(locked, roots);
    let claimed: BTreeSet<usize> = roots.iter().map(|(i, _)| *i).collect();
    locked
        .packages
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            let is_member = p.source.is_none() && member_names.contains(p.name.as_str());
            !claimed.contains(i) && !is_member
        })
        .map(|(i, p)| Component {
            purl: Purl::new(Ecosystem::Cargo, &p.name, Some(&p.version)),
            requirement: None,
            scope: scopes.get(i).copied().flatten().unwrap_or(Scope::Runtime),
            direct: false,
            source: locked_source(p.source.as_deref()),
            license: None,
            license_note: None,
            location: file.location(p.name_span.clone()),
        })
        .collect()
}

fn scope_of(kind: DepKind, optional: bool) -> Scope {
    match kind {
        DepKind::Dev => Scope::Dev,
        DepKind::Build => Scope::Build,
        DepKind::Normal if optional => Scope::Optional,
        DepKind::Normal => Scope::Runtime,
    }
}

/// The lockfile package a declaration resolved to: same name, same kind of
/// source, and the highest version the requirement accepts.
fn find_locked(locked: &Locked<'_>, decl: &Dependency) -> Option<usize> {
    let packages = locked.packages;
    let requirement = decl
        .requirement
        .as_deref()
        .and_then(|r| semver::VersionReq::parse(r).ok());
    locked
        .by_name
        .get(decl.package.as_str())?
        .iter()
        .copied()
        .filter(|&i| {
            packages
                .get(i)
                .is_some_and(|p| same_source_kind(&decl.source, p.source.as_deref()))
        })
        .filter_map(|i| {
            let version = packages
                .get(i)
                .and_then(|p| semver::Version::parse(&p.version).ok());
            let accepted = match (&requirement, &version) {
                (Some(req), Some(v)) => req.matches(v),
                _ => true,
            };
            accepted.then_some((version, i))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, i)| i)
}

fn same_source_kind(declared: &DepSource, locked: Option<&str>) -> bool {
    match (declared, locked) {
        (DepSource::Path(_), None) => true,
        (DepSource::Git { url, .. }, Some(s)) => s
            .strip_prefix("git+")
            .is_some_and(|rest| rest.starts_with(url.trim_end_matches(".git"))),
        (DepSource::Registry(_), Some(s)) => s.starts_with("registry+") || s.starts_with("sparse+"),
        _ => false,
    }
}

/// Scope of every package reachable from the direct roots: the strongest
/// scope (runtime > optional > build > dev) over all paths reaching it.
fn propagate_scopes(locked: &Locked<'_>, roots: &[(usize, Scope)]) -> Vec<Option<Scope>> {
    let (packages, by_name) = (locked.packages, &locked.by_name);
    let mut scopes: Vec<Option<Scope>> = vec![None; packages.len()];
    let mut queue: Vec<(usize, Scope)> = roots.to_vec();
    while let Some((i, scope)) = queue.pop() {
        let Some(slot) = scopes.get_mut(i) else {
            continue;
        };
        if slot.is_some_and(|s| s <= scope) {
            continue; // already reached with an equal or stronger scope
        }
        *slot = Some(scope);
        let Some(package) = packages.get(i) else {
            continue;
        };
        for edge in &package.dependencies {
            let (name, version) = parse_edge(edge);
            let targets = by_name.get(name).map_or(&[][..], Vec::as_slice);
            for &t in targets {
                if version.is_none_or(|v| packages.get(t).is_some_and(|p| p.version == v)) {
                    queue.push((t, scope));
                }
            }
        }
    }
    scopes
}

fn declared_source(source: &DepSource) -> Source {
    match source {
        DepSource::Registry(None) | DepSource::Workspace => Source::Registry(CRATES_IO.to_owned()),
        DepSource::Registry(Some(name)) => Source::Registry(name.clone()),
        DepSource::Git { url, reference } => Source::Git {
            url: url.clone(),
            reference: reference.clone(),
        },
        DepSource::Path(p) => Source::Path(p.clone()),
    }
}

/// Interprets a lockfile `source`: `registry+URL`, `sparse+URL`,
/// `git+URL?branch=..#rev`, or none for a local path package.
fn locked_source(source: Option<&str>) -> Source {
    let Some(source) = source else {
        return Source::Path("(local)".to_owned());
    };
    if let Some(rest) = source.strip_prefix("git+") {
        let (url, rev) = rest
            .split_once('#')
            .map_or((rest, None), |(u, r)| (u, Some(r)));
        let (url, query) = url
            .split_once('?')
            .map_or((url, None), |(u, q)| (u, Some(q)));
        let reference = rev.map(str::to_owned).or_else(|| {
            query.and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.split_once('=').map(|(_, v)| v.to_owned()))
            })
        });
        return Source::Git {
            url: url.to_owned(),
            reference,
        };
    }
    let url = source
        .strip_prefix("registry+")
        .or_else(|| source.strip_prefix("sparse+"))
        .unwrap_or(source)
        .trim_end_matches('/');
    if url == "https://github.com/rust-lang/crates.io-index" || url == "https://index.crates.io" {
        Source::Registry(CRATES_IO.to_owned())
    } else {
        Source::Registry(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_inside_and_outside_the_root() {
        assert_eq!(join("crates/a", "../b").as_deref(), Some("crates/b"));
        assert_eq!(join("", "../outside"), None);
        assert_eq!(join("a", "/abs"), None);
        assert!(is_ancestor("", "x"));
        assert!(is_ancestor("ws", "ws/a"));
        assert!(!is_ancestor("ws", "wsx/a"));
    }

    #[test]
    fn interprets_lockfile_sources() {
        assert_eq!(
            locked_source(Some("sparse+https://index.crates.io/")),
            Source::Registry("crates.io".into())
        );
        assert_eq!(
            locked_source(Some(
                "registry+https://github.com/rust-lang/crates.io-index"
            )),
            Source::Registry("crates.io".into())
        );
        assert_eq!(
            locked_source(Some("registry+https://my.corp/index")),
            Source::Registry("https://my.corp/index".into())
        );
        assert_eq!(
            locked_source(Some("git+https://github.com/o/r?branch=main#0123abc")),
            Source::Git {
                url: "https://github.com/o/r".into(),
                reference: Some("0123abc".into())
            }
        );
    }
}
