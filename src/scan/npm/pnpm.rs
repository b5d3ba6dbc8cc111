//! `pnpm-lock.yaml`, lockfile 6.x and 9.x (5.x keys are accepted too).
//!
//! pnpm writes its lockfile in a fixed block layout (two-space indents, one
//! key per line), so it is read line by line: exact line spans for every
//! entry, and no YAML DOM for lockfiles of tens of thousands of packages.
//! Lines that do not fit the layout are skipped, never trusted.

use super::{Importer, LockKind, LockedPackage, Lockfile, split_name_at};
use crate::facts::{FileProblem, Scope};
use crate::location::SourceFile;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Importers,
    /// A single project's top-level `dependencies:` (lockfile 5/6 without
    /// workspaces): the importer `.`.
    RootDeps(Scope),
    Packages,
    /// lockfile 9: each package's dependencies, per peer combination.
    Snapshots,
    Other,
}

fn dep_scope(key: &str) -> Option<Scope> {
    match key {
        "dependencies" => Some(Scope::Runtime),
        "devDependencies" => Some(Scope::Dev),
        "optionalDependencies" => Some(Scope::Optional),
        _ => None,
    }
}

/// A `key: value` line split after its indentation; the key unquoted.
fn key_value(line: &str) -> (String, &str) {
    let trimmed = line.trim();
    if let Some(quote) = trimmed.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let body = trimmed.get(1..).unwrap_or("");
        if let Some(end) = body.find(quote) {
            let key = body.get(..end).unwrap_or("").to_owned();
            let rest = body
                .get(end + 1..)
                .unwrap_or("")
                .trim_start_matches(':')
                .trim();
            return (key, rest);
        }
    }
    match trimmed.split_once(": ") {
        Some((k, v)) => (k.to_owned(), v.trim()),
        None => (trimmed.trim_end_matches(':').to_owned(), ""),
    }
}

fn unquote(value: &str) -> &str {
    value.trim().trim_matches(|c| c == '\'' || c == '"')
}

/// `/@babel/core@7.24.0(supports-color@8.1.1)` → (`@babel/core`, `7.24.0`);
/// lockfile 5 writes `/name/version`.
fn package_key(key: &str) -> (String, String) {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    let (name, version) = split_name_at(key);
    if !version.is_empty() {
        return (name.to_owned(), version.to_owned());
    }
    match key.rsplit_once('/') {
        Some((name, version)) => (name.to_owned(), version.to_owned()),
        None => (key.to_owned(), String::new()),
    }
}

pub fn parse_pnpm_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    let text = &source.text;
    if !text.lines().any(|l| l.starts_with("lockfileVersion")) {
        return Err(FileProblem::Unparsable {
            location: source.location(0..0),
            message: "no `lockfileVersion`: not a pnpm lockfile".to_owned(),
        });
    }
    let mut section = Section::Other;
    let mut packages: Vec<LockedPackage> = Vec::new();
    let mut importers: Vec<Importer> = Vec::new();
    let mut dep_section: Option<Scope> = None;
    let mut dep_name: Option<String> = None;
    // Inside a package's or snapshot's `dependencies:` block.
    let mut in_edges = false;
    // The package the current snapshot belongs to; snapshots come after
    // all packages, which are indexed by descriptor on the first one.
    let mut snapshot: Option<usize> = None;
    let mut by_descriptor: Option<std::collections::HashMap<String, usize>> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let (key, value) = key_value(body);
        if indent == 0 {
            section = match key.as_str() {
                "importers" => Section::Importers,
                "packages" => Section::Packages,
                "snapshots" => Section::Snapshots,
                other => dep_scope(other).map_or(Section::Other, Section::RootDeps),
            };
            if let Section::RootDeps(scope) = section {
                dep_section = Some(scope);
                if importers.iter().all(|i| i.dir != ".") {
                    importers.push(Importer {
                        dir: ".".to_owned(),
                        dependencies: Vec::new(),
                    });
                }
            }
            continue;
        }
        match (section, indent) {
            (Section::Importers, 2) => {
                importers.push(Importer {
                    dir: key,
                    dependencies: Vec::new(),
                });
            }
            (Section::Importers, 4) => dep_section = dep_scope(&key),
            (Section::Importers, 6) | (Section::RootDeps(_), 2) => {
                dep_name = Some(key.clone());
                // lockfile 5: `name: version` on one line.
                if !value.is_empty() && dep_section.is_some() {
                    record(&mut importers, &key, unquote(value));
                }
            }
            (Section::Importers, 8) | (Section::RootDeps(_), 4) if key == "version" => {
                if let (Some(name), Some(_)) = (&dep_name, dep_section) {
                    record(&mut importers, name, unquote(value));
                }
            }
            (Section::Snapshots, 2) => {
                let index = by_descriptor.get_or_insert_with(|| {
                    packages
                        .iter()
                        .enumerate()
                        .filter_map(|(i, p)| p.descriptors.first().map(|d| (d.clone(), i)))
                        .collect()
                });
                // `name@1.0.0(peer@2)`: the package is `name@1.0.0`.
                let descriptor = key.split('(').next().unwrap_or(&key);
                snapshot = index.get(descriptor.trim_start_matches('/')).copied();
                in_edges = false;
            }
            (Section::Snapshots, 4) => in_edges = edge_block(&key, value),
            (Section::Snapshots, 6) if in_edges => {
                // Peer combinations repeat a package's edges; the graph
                // merges duplicates.
                if let Some(p) = snapshot.and_then(|i| packages.get_mut(i)) {
                    p.dependencies.push(edge(&key, value));
                }
            }
            (Section::Packages, 6) if in_edges => {
                if let Some(p) = packages.last_mut() {
                    p.dependencies.push(edge(&key, value));
                }
            }
            (Section::Packages, 2) => {
                in_edges = false;
                let (name, version) = package_key(&key);
                let end = start + line.len();
                packages.push(LockedPackage {
                    // Importers refer to entries by `name@version-as-keyed`
                    // (a URL for tarballs); a `version:` field may follow.
                    descriptors: vec![format!("{name}@{version}")],
                    name,
                    version,
                    install_path: None,
                    resolved: None,
                    scope: Scope::Runtime,
                    license: None,
                    own: false,
                    dependencies: Vec::new(),
                    span: start + indent..end.max(start + indent),
                });
            }
            (Section::Packages, 4) => {
                in_edges = edge_block(&key, value);
                if let Some(p) = packages.last_mut() {
                    match key.as_str() {
                        "dev" if value == "true" => p.scope = Scope::Dev,
                        "optional" if value == "true" && p.scope == Scope::Runtime => {
                            p.scope = Scope::Optional
                        }
                        "resolution" => p.resolved = resolution(value),
                        "version" => p.version = unquote(value).to_owned(),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Lockfile {
        path: source.path.clone(),
        kind: LockKind::Pnpm,
        packages,
        importers,
    })
}

/// `dependencies:` / `optionalDependencies:` opening a block of edges.
fn edge_block(key: &str, value: &str) -> bool {
    value.is_empty() && matches!(key, "dependencies" | "optionalDependencies")
}

/// `name: version(peer@1)` → (name, version without the peer suffix).
fn edge(name: &str, value: &str) -> (String, String) {
    let version = unquote(value);
    let version = version.split('(').next().unwrap_or(version);
    (name.to_owned(), version.to_owned())
}

fn record(importers: &mut [Importer], name: &str, version: &str) {
    if let Some(importer) = importers.last_mut() {
        let version = version.split('(').next().unwrap_or(version);
        importer
            .dependencies
            .push((name.to_owned(), version.to_owned()));
    }
}

/// The fetch location of a `resolution: {...}` flow map: a tarball URL or a
/// git repository; registry packages carry only an integrity hash.
fn resolution(value: &str) -> Option<String> {
    let inner = value.trim().trim_start_matches('{').trim_end_matches('}');
    let field = |name: &str| {
        inner.split(", ").find_map(|kv| {
            kv.trim()
                .strip_prefix(name)
                .map(|v| unquote(v.trim_start_matches(':')).to_owned())
        })
    };
    if let Some(repo) = field("repo:") {
        let commit = field("commit:")
            .map(|c| format!("#{c}"))
            .unwrap_or_default();
        return Some(format!("git+{repo}{commit}"));
    }
    field("tarball:")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn parse(text: &str) -> Lockfile {
        let source = SourceFile::new(RelPath::new("pnpm-lock.yaml"), text.to_owned());
        parse_pnpm_lock(&source).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn reads_v9_importers_and_packages() {
        let lock = parse(
            "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      react:\n        specifier: ^18.2.0\n        version: 18.2.0\n    devDependencies:\n      '@types/node':\n        specifier: ^20\n        version: 20.1.0\n\n  packages/a:\n    dependencies:\n      b:\n        specifier: workspace:*\n        version: link:../b\n\npackages:\n\n  '@types/node@20.1.0':\n    resolution: {integrity: sha512-x}\n\n  react@18.2.0:\n    resolution: {integrity: sha512-y}\n\n  gitdep@https://codeload.github.com/o/r/tar.gz/abc:\n    resolution: {tarball: https://codeload.github.com/o/r/tar.gz/abc}\n\nsnapshots:\n\n  react@18.2.0: {}\n",
        );
        assert_eq!(lock.importers.len(), 2);
        assert_eq!(
            lock.importers[0].dependencies,
            [
                ("react".to_owned(), "18.2.0".to_owned()),
                ("@types/node".to_owned(), "20.1.0".to_owned())
            ]
        );
        assert_eq!(
            lock.importers[1].dependencies,
            [("b".to_owned(), "link:../b".to_owned())]
        );
        let names: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("@types/node", "20.1.0"),
                ("react", "18.2.0"),
                ("gitdep", "https://codeload.github.com/o/r/tar.gz/abc")
            ]
        );
        assert_eq!(
            lock.packages[2].resolved.as_deref(),
            Some("https://codeload.github.com/o/r/tar.gz/abc")
        );
    }

    #[test]
    fn reads_v6_single_project_with_peer_suffixes_and_dev_flags() {
        let lock = parse(
            "lockfileVersion: '6.0'\n\ndependencies:\n  react-dom:\n    specifier: ^18\n    version: 18.2.0(react@18.2.0)\n\npackages:\n\n  /react-dom@18.2.0(react@18.2.0):\n    resolution: {integrity: sha512-z}\n    dev: false\n\n  /typescript@5.3.3:\n    resolution: {integrity: sha512-t}\n    dev: true\n",
        );
        assert_eq!(
            lock.importers[0].dependencies,
            [("react-dom".to_owned(), "18.2.0".to_owned())]
        );
        assert_eq!(lock.packages[0].name, "react-dom");
        assert_eq!(lock.packages[0].version, "18.2.0");
        assert!(lock.packages[0].dependencies.is_empty());
        assert_eq!(lock.packages[1].scope, Scope::Dev);
    }

    #[test]
    fn reads_edges_from_v9_snapshots_and_v6_packages() {
        let v9 = parse(
            "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: x}\n\n  b@2.0.0:\n    resolution: {integrity: y}\n\nsnapshots:\n\n  a@1.0.0(c@3.0.0):\n    dependencies:\n      b: 2.0.0(c@3.0.0)\n    optionalDependencies:\n      d: 4.0.0\n\n  b@2.0.0: {}\n",
        );
        assert_eq!(
            v9.packages[0].dependencies,
            [
                ("b".to_owned(), "2.0.0".to_owned()),
                ("d".to_owned(), "4.0.0".to_owned())
            ]
        );
        let v6 = parse(
            "lockfileVersion: '6.0'\n\npackages:\n\n  /a@1.0.0:\n    resolution: {integrity: x}\n    dependencies:\n      b: 2.0.0\n    dev: false\n",
        );
        assert_eq!(
            v6.packages[0].dependencies,
            [("b".to_owned(), "2.0.0".to_owned())]
        );
    }

    #[test]
    fn rejects_what_is_not_a_pnpm_lockfile() {
        let source = SourceFile::new(RelPath::new("pnpm-lock.yaml"), "hello: world\n".to_owned());
        assert!(parse_pnpm_lock(&source).is_err());
    }
}
