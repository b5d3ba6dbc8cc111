//! Whether each project (a manifest) has tests, by its ecosystem's
//! conventions: Rust `tests/` or `#[test]` in its sources, Go `*_test.go`,
//! Python `test_*.py`/`*_test.py`/`tests/`, JavaScript `*.test.*`/
//! `*.spec.*`/`__tests__/`, JVM `src/test/`. Manifests under test,
//! fixture, example or vendored directories, and any manifest whose path
//! context is not production (test data, bundles in `dist/`), are not
//! projects.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::location::{Location, RelPath, SourceFile};

/// Rust sources searched for `#[test]` per package, at most...
const MAX_RUST_FILES: usize = 200;
/// ...and bytes read of each.
const MAX_RUST_BYTES: u64 = 1024 * 1024;

const NOT_PROJECT_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "fixtures",
    "fixture",
    "examples",
    "example",
    "vendor",
    "third_party",
    "node_modules",
    "benches",
    "docs",
    "fuzz",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Rust,
    JavaScript,
    Python,
    Go,
    Jvm,
}

impl Ecosystem {
    pub fn name(self) -> &'static str {
        match self {
            Ecosystem::Rust => "Rust",
            Ecosystem::JavaScript => "JavaScript",
            Ecosystem::Python => "Python",
            Ecosystem::Go => "Go",
            Ecosystem::Jvm => "JVM",
        }
    }

    pub fn convention(self) -> &'static str {
        match self {
            Ecosystem::Rust => "`tests/*.rs` or `#[test]` functions in its sources",
            Ecosystem::JavaScript => "`*.test.js`/`*.spec.ts` files or a `__tests__/` directory",
            Ecosystem::Python => "`test_*.py`/`*_test.py` files or a `tests/` directory",
            Ecosystem::Go => "`*_test.go` files",
            Ecosystem::Jvm => "sources under `src/test/`",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub manifest: Location,
    pub ecosystem: Ecosystem,
    /// Test files found by convention.
    pub test_files: usize,
}

fn manifest_ecosystem(
    path: &RelPath,
    sources: &BTreeMap<RelPath, Arc<SourceFile>>,
) -> Option<Ecosystem> {
    let text = || {
        sources
            .get(path)
            .map(|s| s.text.as_str())
            .unwrap_or_default()
    };
    match path.file_name() {
        // A virtual workspace root has no code of its own.
        "Cargo.toml" => text()
            .lines()
            .any(|l| l.trim() == "[package]")
            .then_some(Ecosystem::Rust),
        "package.json" => (!text().contains("\"workspaces\"")).then_some(Ecosystem::JavaScript),
        "pyproject.toml" | "setup.py" => Some(Ecosystem::Python),
        "go.mod" => Some(Ecosystem::Go),
        "pom.xml" | "build.gradle" | "build.gradle.kts" => Some(Ecosystem::Jvm),
        _ => None,
    }
}

fn test_ecosystem(path: &str) -> Option<Ecosystem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_dir = |dir: &str| path.split('/').rev().skip(1).any(|d| d == dir);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "rs" if in_dir("tests") => Some(Ecosystem::Rust),
        "go" if name.ends_with("_test.go") => Some(Ecosystem::Go),
        "py" if name.starts_with("test_")
            || name.ends_with("_test.py")
            || name == "conftest.py"
            || in_dir("tests") =>
        {
            Some(Ecosystem::Python)
        }
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs"
            if name.contains(".test.") || name.contains(".spec.") || in_dir("__tests__") =>
        {
            Some(Ecosystem::JavaScript)
        }
        "java" | "kt" | "scala" | "groovy" if path.contains("src/test/") => Some(Ecosystem::Jvm),
        _ => None,
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn contains(dir: &str, path: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Every project of the tree and how many test files it has.
pub fn projects(
    root: &Path,
    paths: &[RelPath],
    sources: &BTreeMap<RelPath, Arc<SourceFile>>,
    not_production: &BTreeMap<RelPath, crate::context::PathContext>,
) -> Vec<Project> {
    let manifests: Vec<(&RelPath, Ecosystem)> = paths
        .iter()
        .filter(|p| !not_production.contains_key(*p))
        .filter(|p| {
            !p.as_str()
                .split('/')
                .rev()
                .skip(1)
                .any(|d| NOT_PROJECT_DIRS.contains(&d))
        })
        .filter_map(|p| Some((p, manifest_ecosystem(p, sources)?)))
        .collect();
    // One project per directory and ecosystem (`pyproject.toml` beside
    // `setup.py` is one Python project).
    let mut manifests = manifests;
    let mut seen = std::collections::HashSet::new();
    manifests.retain(|(p, e)| seen.insert((dir_of(p.as_str()).to_owned(), *e)));
    let mut counts = vec![0usize; manifests.len()];
    let nearest = |path: &str, eco: Ecosystem| {
        manifests
            .iter()
            .enumerate()
            .filter(|(_, (m, e))| *e == eco && contains(dir_of(m.as_str()), path))
            .max_by_key(|(_, (m, _))| dir_of(m.as_str()).len())
            .map(|(i, _)| i)
    };
    for path in paths {
        if let Some(eco) = test_ecosystem(path.as_str())
            && let Some(i) = nearest(path.as_str(), eco)
            && let Some(c) = counts.get_mut(i)
        {
            *c += 1;
        }
    }
    // Rust unit tests live in the sources: read a bounded number of them.
    for (i, (manifest, eco)) in manifests.iter().enumerate() {
        if *eco != Ecosystem::Rust || counts.get(i).copied().unwrap_or(0) > 0 {
            continue;
        }
        let dir = dir_of(manifest.as_str());
        let sources_of_package = paths
            .iter()
            .filter(|p| p.as_str().ends_with(".rs") && contains(dir, p.as_str()))
            .filter(|p| nearest(p.as_str(), Ecosystem::Rust) == Some(i))
            .take(MAX_RUST_FILES);
        let found = sources_of_package
            .filter(|p| has_rust_test(&root.join(p.as_str())))
            .count();
        if let Some(c) = counts.get_mut(i) {
            *c += found.min(1);
        }
    }
    manifests
        .into_iter()
        .zip(counts)
        .map(|((path, ecosystem), test_files)| Project {
            manifest: match sources.get(path) {
                Some(s) => s.location(s.index.line_span(&s.text, 1)),
                None => Location::file(path.clone()),
            },
            ecosystem,
            test_files,
        })
        .collect()
}

fn has_rust_test(path: &Path) -> bool {
    let mut text = String::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_RUST_BYTES).read_to_string(&mut text));
    read.is_ok()
        && (text.contains("#[test]")
            || text.contains("#[cfg(test)]")
            || text.contains("#[tokio::test"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        assert_eq!(test_ecosystem("crate/tests/it.rs"), Some(Ecosystem::Rust));
        assert_eq!(test_ecosystem("src/lib.rs"), None);
        assert_eq!(test_ecosystem("pkg/a_test.go"), Some(Ecosystem::Go));
        assert_eq!(test_ecosystem("app/test_views.py"), Some(Ecosystem::Python));
        assert_eq!(
            test_ecosystem("web/src/App.test.tsx"),
            Some(Ecosystem::JavaScript)
        );
        assert_eq!(
            test_ecosystem("web/src/__tests__/a.js"),
            Some(Ecosystem::JavaScript)
        );
        assert_eq!(
            test_ecosystem("svc/src/test/java/ATest.java"),
            Some(Ecosystem::Jvm)
        );
        assert_eq!(test_ecosystem("web/src/latest.js"), None);
    }
}
