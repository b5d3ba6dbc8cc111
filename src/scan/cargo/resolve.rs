//! Joins manifests and lockfiles into components and dependency graphs,
//! one workspace at a time.
//!
//! - Members of any declared workspace in the repository (and path
//!   dependencies inside the workspace, which cargo makes members too) are
//!   the product's own code, not components.
//! - Each dependency declared by a member is a direct component located at
//!   its manifest entry, with the version the lockfile resolved it to.
//! - Every other lockfile package is transitive, located at its lockfile
//!   entry, with the strongest scope of the direct dependencies reaching it.
//! - The lockfile's packages and edges are the workspace's dependency graph;
//!   each member's declarations are its entries (scope and manifest line).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::CargoCache;
use super::licence::Licence;
use super::local::LocalCrates;
use super::lockfile::parse_edge;
use super::workspace::{Workspace, is_ancestor, join, workspaces};
use super::{CRATES_IO, DepKind, DepSource, Dependency, GitRef, LockPackage, Lockfile, Manifest};
use crate::facts::{Component, MissingLockfile, Scope, Source};
use crate::graph::{DependencyGraph, GraphBuilder, NodeId};
use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};
use crate::scan::Environment;

type Sources = BTreeMap<RelPath, Arc<SourceFile>>;

/// What the Cargo inputs resolve to.
#[derive(Default)]
pub struct Resolved {
    pub components: Vec<Component>,
    pub graphs: Vec<DependencyGraph>,
}

pub fn resolve(
    manifests: &[Manifest],
    locks: &[Lockfile],
    sources: &Sources,
    env: &Environment,
) -> Resolved {
    let groups = workspaces(manifests);
    let local = LocalCrates::new(&groups, &env.root);
    let mut out = Resolved::default();
    for ws in &groups {
        let lock = locks.iter().find(|l| l.dir() == ws.root.dir());
        resolve_workspace(ws, lock, sources, &local, &mut out);
    }
    let cache = CargoCache::open(env.cargo_home.as_deref());
    out.components.par_iter_mut().for_each(|c| {
        if c.license.is_some() || c.license_note.is_some() {
            return;
        }
        let licence = match (&c.source, &c.purl.version) {
            (Source::Registry(_), Some(version)) => cache.registry_licence(&c.purl.name, version),
            (Source::Git { url, reference, .. }, _) => {
                cache.git_licence(&c.purl.name, url, reference.as_deref())
            }
            (Source::Registry(_), None) => Licence::Unknown(
                "no lockfile resolves its version, so its manifest cannot be looked up in the cargo cache"
                    .to_owned(),
            ),
            _ => return,
        };
        (c.license, c.license_note) = licence.into_parts();
    });
    out
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

/// The lockfile of one workspace, indexed by package name.
struct Locked<'a> {
    packages: &'a [LockPackage],
    by_name: HashMap<&'a str, Vec<usize>>,
    /// For edges that name a version: constant time however many
    /// packages share a name.
    by_name_version: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> Locked<'a> {
    fn new(lock: Option<&'a Lockfile>) -> Self {
        let packages = lock.map_or(&[][..], |l| l.packages.as_slice());
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_name_version: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_name.entry(p.name.as_str()).or_default().push(i);
            by_name_version
                .entry((p.name.as_str(), p.version.as_str()))
                .or_default()
                .push(i);
        }
        Locked {
            packages,
            by_name,
            by_name_version,
        }
    }
}

fn resolve_workspace(
    ws: &Workspace<'_>,
    lock: Option<&Lockfile>,
    sources: &Sources,
    local: &LocalCrates<'_>,
    out: &mut Resolved,
) {
    let locked = Locked::new(lock);
    let directs = direct_components(ws, &locked, sources, local);
    let Some((lock, file)) = lock.and_then(|l| sources.get(&l.path).map(|f| (l, f))) else {
        out.components
            .extend(directs.into_iter().map(|d| d.component));
        return;
    };
    let graph = graph(ws, &locked, &directs, lock, file, local);
    out.components.extend(transitive_components(
        &locked, &directs, &graph, file, local,
    ));
    out.components
        .extend(directs.into_iter().map(|d| d.component));
    out.graphs.push(graph);
}

/// A dependency a member declares: the component, the member, and the
/// lockfile package it resolved to.
struct Direct<'a> {
    component: Component,
    member: &'a Manifest,
    locked: Option<usize>,
    scope: Scope,
}

/// Every dependency the members declare that is not the project's own code.
fn direct_components<'a>(
    ws: &Workspace<'a>,
    locked: &Locked<'_>,
    sources: &Sources,
    local: &LocalCrates<'_>,
) -> Vec<Direct<'a>> {
    let root_dir = ws.root.dir();
    let inherited: HashMap<&str, &Dependency> = ws
        .root
        .workspace
        .iter()
        .flat_map(|w| &w.dependencies)
        .map(|d| (d.key.as_str(), d))
        .collect();
    let mut directs = Vec::new();
    for &member in &ws.members {
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
            let path_target = match &spec.source {
                DepSource::Path(p) => Some(join(spec_dir, p)),
                _ => None,
            };
            // The workspace's own code, or a member of another workspace
            // in the repository: the project's own code either way.
            if let Some(Some(target)) = &path_target
                && (is_ancestor(root_dir, target) || local.is_own_dir(target))
            {
                continue;
            }
            let index = find_locked(locked, spec);
            let scope = scope_of(decl.kind, decl.optional || spec.optional);
            let package = index.and_then(|i| locked.packages.get(i));
            let (license, license_note) = match &path_target {
                Some(Some(target)) => local.licence(Some(target), &spec.package),
                Some(None) => {
                    Licence::Unknown("its path is outside the repository (not read)".to_owned())
                }
                None => Licence::Unknown(String::new()),
            }
            .into_parts();
            let component = Component {
                purl: Purl::new(
                    Ecosystem::Cargo,
                    &spec.package,
                    package.map(|p| p.version.as_str()),
                ),
                requirement: spec.requirement.clone(),
                scope,
                direct: true,
                source: direct_source(&spec.source, package),
                license,
                // Registry and git licences are read from the cache later.
                license_note: license_note.filter(|n| !n.is_empty()),
                location: file.location(decl.span.clone()),
            };
            directs.push(Direct {
                component,
                member,
                locked: index,
                scope,
            });
        }
    }
    directs
}

/// The lockfile's packages and edges; the members' declarations are the
/// entries. Node `i` is lockfile package `i`.
fn graph(
    ws: &Workspace<'_>,
    locked: &Locked<'_>,
    directs: &[Direct<'_>],
    lock: &Lockfile,
    file: &SourceFile,
    local: &LocalCrates<'_>,
) -> DependencyGraph {
    let members: BTreeSet<&str> = ws
        .members
        .iter()
        .filter_map(|m| m.package.as_deref())
        .collect();
    let mut b = GraphBuilder::new(lock.path.clone());
    let ids: Vec<NodeId> = locked
        .packages
        .iter()
        .map(|p| {
            let own = p.source.is_none()
                && (members.contains(p.name.as_str()) || local.is_own_name(&p.name));
            b.node(
                Purl::new(Ecosystem::Cargo, &p.name, Some(&p.version)),
                own,
                file.location(p.name_span.clone()),
            )
        })
        .collect();
    let own_node = |m: &Manifest| {
        let name = m.package.as_deref()?;
        locked
            .by_name
            .get(name)?
            .iter()
            .copied()
            .find(|&i| locked.packages.get(i).is_some_and(|p| p.source.is_none()))
    };
    // Entries first: the scope and line of each declaration.
    let mut declared: BTreeSet<(usize, usize)> = BTreeSet::new();
    for d in directs {
        if let (Some(from), Some(to)) = (own_node(d.member), d.locked)
            && let (Some(&f), Some(&t)) = (ids.get(from), ids.get(to))
        {
            b.edge(f, t, d.scope, Some(d.component.location.clone()));
            declared.insert((from, to));
        }
    }
    for (from, p) in locked.packages.iter().enumerate() {
        for edge in &p.dependencies {
            if let Some(to) = edge_target(locked, edge) {
                // A declaration already gave this edge its scope and line;
                // the lockfile adds what no declaration matched (own → own
                // path dependencies, `[patch]`ed crates).
                if declared.contains(&(from, to)) {
                    continue;
                }
                if let (Some(&f), Some(&t)) = (ids.get(from), ids.get(to)) {
                    b.edge(f, t, Scope::Runtime, None);
                }
            }
        }
    }
    b.build()
}

/// The package an edge (`name`, `name version` or `name version
/// (source)`) names.
fn edge_target(locked: &Locked<'_>, edge: &str) -> Option<usize> {
    let (name, version) = parse_edge(edge);
    let source = edge
        .split_once('(')
        .map(|(_, s)| s.trim_end_matches(')').trim());
    let candidates = match version {
        Some(v) => locked.by_name_version.get(&(name, v)),
        // Cargo writes a bare name only when one package has it.
        None => locked.by_name.get(name),
    };
    let candidates = candidates.map_or(&[][..], Vec::as_slice);
    match source {
        None => candidates.first().copied(),
        // Same name and version from two sources: the few of them.
        Some(s) => candidates.iter().copied().find(|&i| {
            locked
                .packages
                .get(i)
                .is_some_and(|p| p.source.as_deref() == Some(s))
        }),
    }
}

/// Lockfile packages that are neither own code nor direct dependencies.
fn transitive_components(
    locked: &Locked<'_>,
    directs: &[Direct<'_>],
    graph: &DependencyGraph,
    file: &SourceFile,
    local: &LocalCrates<'_>,
) -> Vec<Component> {
    let scopes = graph.reach_scopes();
    let claimed: BTreeSet<usize> = directs.iter().filter_map(|d| d.locked).collect();
    locked
        .packages
        .iter()
        .enumerate()
        .filter(|(i, _)| !claimed.contains(i))
        .filter(|(i, _)| graph.nodes.get(*i).is_some_and(|n| !n.own))
        .map(|(i, p)| {
            let (license, license_note) = match p.source {
                None => local.licence(None, &p.name).into_parts(),
                Some(_) => (None, None),
            };
            Component {
                purl: Purl::new(Ecosystem::Cargo, &p.name, Some(&p.version)),
                requirement: None,
                scope: scopes.get(i).copied().flatten().unwrap_or(Scope::Runtime),
                direct: false,
                source: locked_source(p.source.as_deref()),
                license,
                license_note,
                location: file.location(p.name_span.clone()),
            }
        })
        .collect()
}

/// A direct dependency's source: the lockfile's (the commit it resolved
/// to), but whether a git dependency follows a branch is the manifest's
/// to say; path dependencies as the manifest writes them.
fn direct_source(declared: &DepSource, package: Option<&LockPackage>) -> Source {
    match (declared, package) {
        (DepSource::Path(_), _) | (_, None) => declared_source(declared),
        (DepSource::Git { reference, .. }, Some(p)) => match locked_source(p.source.as_deref()) {
            Source::Git {
                url,
                reference: commit,
                ..
            } => Source::Git {
                url,
                reference: commit,
                follows_branch: reference.follows_branch(),
            },
            other => other,
        },
        (_, Some(p)) => locked_source(p.source.as_deref()),
    }
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
        (DepSource::Git { url, reference }, Some(s)) => s
            .strip_prefix("git+")
            .is_some_and(|rest| same_git(url, reference, rest)),
        (DepSource::Registry(_), Some(s)) => s.starts_with("registry+") || s.starts_with("sparse+"),
        _ => false,
    }
}

/// A lockfile git source (`URL?tag=v1#commit`) is the declared one: same
/// repository (`.git` and a trailing `/` aside) and the same kind and name
/// of reference, which cargo writes as the query.
fn same_git(url: &str, reference: &GitRef, locked: &str) -> bool {
    let repo = |u: &str| u.trim_end_matches('/').trim_end_matches(".git").to_owned();
    let without_commit = locked.split('#').next().unwrap_or(locked);
    let (locked_url, query) = without_commit
        .split_once('?')
        .map_or((without_commit, None), |(u, q)| (u, Some(q)));
    if repo(locked_url) != repo(url) {
        return false;
    }
    let wanted = match reference {
        GitRef::DefaultBranch => return query.is_none(),
        GitRef::Branch(n) => format!("branch={n}"),
        GitRef::Tag(n) => format!("tag={n}"),
        GitRef::Rev(n) => format!("rev={n}"),
    };
    query.is_some_and(|q| q.split('&').any(|kv| kv == wanted))
}

fn declared_source(source: &DepSource) -> Source {
    match source {
        DepSource::Registry(None) | DepSource::Workspace => Source::Registry(CRATES_IO.to_owned()),
        DepSource::Registry(Some(name)) => Source::Registry(name.clone()),
        DepSource::Git { url, reference } => Source::Git {
            url: url.clone(),
            reference: reference.name().map(str::to_owned),
            follows_branch: reference.follows_branch(),
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
        let named = |key: &str| {
            query.and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            })
        };
        let reference = rev.map(str::to_owned).or_else(|| {
            query.and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.split_once('=').map(|(_, v)| v.to_owned()))
            })
        });
        // Cargo records the manifest's kind: `?branch=`, `?tag=`, `?rev=`,
        // or nothing for the default branch.
        let follows_branch = named("branch").is_some() || query.is_none();
        return Source::Git {
            url: url.to_owned(),
            reference,
            follows_branch,
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
    fn git_declarations_match_their_reference() {
        let tag = GitRef::Tag("0.6.0".into());
        let url = "https://github.com/o/spdx";
        assert!(same_git(
            url,
            &tag,
            "https://github.com/o/spdx?tag=0.6.0#e4e4"
        ));
        assert!(same_git(
            &format!("{url}.git"),
            &tag,
            "https://github.com/o/spdx?tag=0.6.0#e4"
        ));
        assert!(!same_git(
            url,
            &tag,
            "https://github.com/o/spdx?tag=0.6.1#3bd2"
        ));
        assert!(!same_git(
            url,
            &tag,
            "https://github.com/o/spdx-other?tag=0.6.0#e4"
        ));
        assert!(same_git(
            url,
            &GitRef::DefaultBranch,
            "https://github.com/o/spdx#e4"
        ));
        assert!(!same_git(
            url,
            &GitRef::DefaultBranch,
            "https://github.com/o/spdx?branch=x#e4"
        ));
        assert!(same_git(
            url,
            &GitRef::Branch("main".into()),
            "https://github.com/o/spdx?branch=main#e4"
        ));
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
                reference: Some("0123abc".into()),
                follows_branch: true
            }
        );
        assert_eq!(
            locked_source(Some("git+https://github.com/o/r?tag=v1#0123abc")),
            Source::Git {
                url: "https://github.com/o/r".into(),
                reference: Some("0123abc".into()),
                follows_branch: false
            }
        );
    }
}
