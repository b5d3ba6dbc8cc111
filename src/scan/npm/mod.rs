//! JavaScript: `package.json` manifests and the npm, pnpm and yarn
//! lockfiles. Parsing is per file; [`resolve`] joins each manifest with the
//! lockfile that governs it.

mod graph;
mod package_json;
mod package_lock;
mod pnpm;
mod resolve;
mod yarn;

use std::ops::Range;

pub use package_json::{Dependency, PackageJson, parse_package_json};
pub use package_lock::parse_package_lock;
pub use pnpm::parse_pnpm_lock;
pub use resolve::{missing_lockfiles, resolve};
pub use yarn::parse_yarn_lock;

use crate::facts::Scope;
use crate::location::RelPath;

/// The well-known name of the public npm registry.
pub const NPMJS: &str = "npmjs.org";

/// Which tool wrote a lockfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LockKind {
    Npm,
    Pnpm,
    Yarn,
}

/// One package a lockfile installs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedPackage {
    /// The real package name (after `npm:` aliases).
    pub name: String,
    pub version: String,
    /// npm: the install path (`node_modules/a/node_modules/b`).
    pub install_path: Option<String>,
    /// yarn: the descriptors this entry satisfies (`lodash@^4.17.0`).
    pub descriptors: Vec<String>,
    /// Where it was fetched from (`resolved` / `resolution`), as written.
    pub resolved: Option<String>,
    pub scope: Scope,
    pub license: Option<String>,
    /// A workspace package or `link:` entry: the project's own code.
    pub own: bool,
    /// What the entry depends on, as the lockfile writes it: (name, range)
    /// for npm and yarn, (name, resolved version) for pnpm.
    pub dependencies: Vec<(String, String)>,
    /// The entry's key (npm, pnpm) or header line (yarn).
    pub span: Range<usize>,
}

/// Direct dependencies of one workspace package, as pnpm records them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Importer {
    /// The package's directory relative to the lockfile (`.` for the root).
    pub dir: String,
    /// (name, resolved version or `link:` path).
    pub dependencies: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockfile {
    pub path: RelPath,
    pub kind: LockKind,
    pub packages: Vec<LockedPackage>,
    pub importers: Vec<Importer>,
}

/// `@scope/name` from an install path or descriptor prefix ending at the
/// name: the last `node_modules/` segment(s).
pub(crate) fn name_from_install_path(path: &str) -> &str {
    match path.rfind("node_modules/") {
        Some(i) => path.get(i + "node_modules/".len()..).unwrap_or(""),
        None => path,
    }
}

/// Splits `name@version-or-range`, keeping a leading `@` of a scope.
pub(crate) fn split_name_at(descriptor: &str) -> (&str, &str) {
    let search_from = usize::from(descriptor.starts_with('@'));
    match descriptor
        .get(search_from..)
        .and_then(|rest| rest.find('@'))
    {
        Some(i) => {
            let at = i + search_from;
            (
                descriptor.get(..at).unwrap_or(""),
                descriptor.get(at + 1..).unwrap_or(""),
            )
        }
        None => (descriptor, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scoped_names() {
        assert_eq!(
            split_name_at("@babel/core@7.24.0"),
            ("@babel/core", "7.24.0")
        );
        assert_eq!(
            split_name_at("lodash@npm:^4.17.21"),
            ("lodash", "npm:^4.17.21")
        );
        assert_eq!(split_name_at("plain"), ("plain", ""));
        assert_eq!(
            name_from_install_path("node_modules/a/node_modules/@s/b"),
            "@s/b"
        );
    }
}
