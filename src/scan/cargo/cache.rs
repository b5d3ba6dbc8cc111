//! Licences of crates that are not in the repository, from the local cargo
//! cache: registry crates unpacked in `$CARGO_HOME/registry/src/<index>/
//! <name>-<version>/`, git dependencies checked out in `$CARGO_HOME/git/
//! checkouts/<repo>-<hash>/<short commit>/`. Files only, each bounded:
//! cargo is never run and nothing is downloaded.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use super::licence::{self, Dirs, Licence};
use super::manifest::{LicenceDecl, RawPackage, RawWorkspace, RawWorkspacePackage};

/// A crate manifest is tiny; anything larger is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
/// Bounds the search for a package inside one git checkout.
const MAX_CHECKOUT_DIRS: usize = 5_000;
const MAX_CHECKOUT_DEPTH: usize = 8;

pub struct CargoCache {
    index_dirs: Vec<PathBuf>,
    checkouts: Option<PathBuf>,
    /// Package name → manifest, per checkout, found once.
    packages: Mutex<HashMap<PathBuf, HashMap<String, PathBuf>>>,
}

#[derive(Deserialize)]
struct CachedManifest {
    package: Option<RawPackage>,
    workspace: Option<RawWorkspace>,
}

impl CachedManifest {
    fn read(path: &Path) -> Option<Self> {
        let file = File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut text = String::new();
        file.take(MAX_MANIFEST_BYTES)
            .read_to_string(&mut text)
            .ok()?;
        toml::from_str(&text).ok()
    }

    fn licence(&self) -> LicenceDecl {
        self.package
            .as_ref()
            .map(RawPackage::licence)
            .unwrap_or_default()
    }

    fn workspace_licence(&self) -> Option<LicenceDecl> {
        self.workspace
            .as_ref()?
            .package
            .as_ref()
            .map(RawWorkspacePackage::licence)
    }
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    // Sorted so the same cache gives the same answer on every run.
    dirs.sort();
    dirs
}

fn safe_segment(s: &str) -> bool {
    !s.is_empty() && !s.contains(['/', '\\']) && !s.starts_with('.')
}

impl CargoCache {
    pub fn open(cargo_home: Option<&Path>) -> Self {
        CargoCache {
            index_dirs: cargo_home
                .map(|home| subdirs(&home.join("registry").join("src")))
                .unwrap_or_default(),
            checkouts: cargo_home.map(|home| home.join("git").join("checkouts")),
            packages: Mutex::new(HashMap::new()),
        }
    }

    /// The licence of a registry crate, if it is in the cache.
    pub fn registry_licence(&self, name: &str, version: &str) -> Licence {
        let dir_name = format!("{name}-{version}");
        if !safe_segment(&dir_name) || version.contains(['/', '\\']) {
            return Licence::Unknown("its name or version is not a crate's".to_owned());
        }
        for index in &self.index_dirs {
            let dir = index.join(&dir_name);
            if let Some(manifest) = CachedManifest::read(&dir.join("Cargo.toml")) {
                let dirs = Dirs {
                    package: &dir,
                    workspace: None,
                    boundary: &dir,
                };
                return licence::resolve(&manifest.licence(), None, &dirs, "its Cargo.toml");
            }
        }
        Licence::Unknown(
            "its manifest is not in the local cargo cache (`$CARGO_HOME/registry/src`; run `cargo fetch`)"
                .to_owned(),
        )
    }

    /// The licence of a git dependency at `commit`, if cargo checked it out.
    pub fn git_licence(&self, name: &str, url: &str, commit: Option<&str>) -> Licence {
        let not_checked_out = || {
            Licence::Unknown(
                "it is not checked out in the local cargo cache (`$CARGO_HOME/git/checkouts`; run `cargo fetch`)"
                    .to_owned(),
            )
        };
        let Some(checkout) = commit.and_then(|c| self.checkout(url, c)) else {
            return not_checked_out();
        };
        let Some(manifest_path) = self.find_package(&checkout, name) else {
            return not_checked_out();
        };
        let Some(manifest) = CachedManifest::read(&manifest_path) else {
            return not_checked_out();
        };
        let package_dir = manifest_path.parent().unwrap_or(&checkout);
        let workspace = workspace_root(package_dir, &checkout);
        let dirs = Dirs {
            package: package_dir,
            workspace: workspace.as_ref().map(|(dir, _)| dir.as_path()),
            boundary: &checkout,
        };
        let inherited = workspace.as_ref().and_then(|(_, m)| m.workspace_licence());
        licence::resolve(
            &manifest.licence(),
            inherited.as_ref(),
            &dirs,
            "its Cargo.toml",
        )
    }

    /// `checkouts/<repo>-<16 hex>/<short commit>`: the repository name is
    /// the last segment of the URL, the directory a prefix of the commit.
    fn checkout(&self, url: &str, commit: &str) -> Option<PathBuf> {
        let root = self.checkouts.as_ref()?;
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let repo = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let repo = repo.strip_suffix(".git").unwrap_or(repo);
        if !safe_segment(repo) || commit.len() < 7 || !commit.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        let prefix = format!("{repo}-");
        subdirs(root)
            .into_iter()
            .filter(|d| {
                d.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_prefix(&prefix))
                    .is_some_and(|hash| {
                        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
                    })
            })
            .flat_map(|d| subdirs(&d))
            .find(|short| {
                short
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() >= 7 && commit.starts_with(n))
            })
    }

    fn find_package(&self, checkout: &Path, name: &str) -> Option<PathBuf> {
        let mut memo = self.packages.lock().ok()?;
        let index = memo
            .entry(checkout.to_path_buf())
            .or_insert_with(|| index_packages(checkout));
        index.get(name).cloned()
    }
}

/// Every package manifest of a checkout by package name (the first one in
/// path order wins), within [`MAX_CHECKOUT_DIRS`] directories and
/// [`MAX_CHECKOUT_DEPTH`] levels; hidden and `target` directories skipped.
fn index_packages(checkout: &Path) -> HashMap<String, PathBuf> {
    let mut found = HashMap::new();
    let mut queue = vec![(checkout.to_path_buf(), 0usize)];
    let mut seen = 0;
    while let Some((dir, depth)) = queue.pop() {
        seen += 1;
        if seen > MAX_CHECKOUT_DIRS {
            break;
        }
        let manifest = dir.join("Cargo.toml");
        if let Some(name) = CachedManifest::read(&manifest)
            .and_then(|m| m.package)
            .and_then(|p| p.name)
        {
            found.entry(name).or_insert(manifest);
        }
        if depth >= MAX_CHECKOUT_DEPTH {
            continue;
        }
        let mut children: Vec<PathBuf> = subdirs(&dir)
            .into_iter()
            .filter(|d| {
                d.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && n != "target")
            })
            .collect();
        children.reverse(); // popped in path order
        queue.extend(children.into_iter().map(|d| (d, depth + 1)));
    }
    found
}

/// The nearest directory at or above `dir`, inside `boundary`, whose
/// manifest has a `[workspace]`.
fn workspace_root(dir: &Path, boundary: &Path) -> Option<(PathBuf, CachedManifest)> {
    let mut current = Some(dir);
    while let Some(d) = current.filter(|d| d.starts_with(boundary)) {
        if let Some(m) = CachedManifest::read(&d.join("Cargo.toml"))
            && m.workspace.is_some()
        {
            return Some((d.to_path_buf(), m));
        }
        current = d.parent();
    }
    None
}
