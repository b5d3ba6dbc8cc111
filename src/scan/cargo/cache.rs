//! Licences of registry crates, read from the unpacked sources in the local
//! cargo cache (`$CARGO_HOME/registry/src/<index>/<name>-<version>/`).
//! Files only: cargo is never run and nothing is downloaded.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A crate manifest in the cache is tiny; anything larger is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

pub struct RegistryCache {
    index_dirs: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct CachedManifest {
    package: Option<CachedPackage>,
}

#[derive(Deserialize)]
struct CachedPackage {
    license: Option<String>,
}

impl RegistryCache {
    pub fn open(cargo_home: Option<&Path>) -> Self {
        let mut index_dirs: Vec<PathBuf> = cargo_home
            .map(|home| home.join("registry").join("src"))
            .and_then(|src| std::fs::read_dir(src).ok())
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        // Sorted so the same cache gives the same answer on every run.
        index_dirs.sort();
        RegistryCache { index_dirs }
    }

    /// The `license` of `name` at `version`, if the crate is in the cache.
    pub fn license(&self, name: &str, version: &str) -> Option<String> {
        if name.contains(['/', '\\']) || version.contains(['/', '\\']) || name.starts_with('.') {
            return None;
        }
        let dir_name = format!("{name}-{version}");
        self.index_dirs
            .iter()
            .find_map(|index| read_license(&index.join(&dir_name).join("Cargo.toml")))
    }
}

fn read_license(path: &Path) -> Option<String> {
    let file = File::open(path).ok()?;
    let mut text = String::new();
    file.take(MAX_MANIFEST_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let manifest: CachedManifest = toml::from_str(&text).ok()?;
    manifest.package?.license
}
