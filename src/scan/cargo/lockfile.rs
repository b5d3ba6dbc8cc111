//! `Cargo.lock`, format versions 1 to 4: every package with its version,
//! source, dependency edges and the span of its `name = ` value.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::facts::FileProblem;
use crate::location::{RelPath, SourceFile};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockPackage {
    pub name: String,
    pub version: String,
    /// `registry+URL`, `sparse+URL` or `git+URL?..#rev`; `None` for path
    /// packages (workspace members and other local crates).
    pub source: Option<String>,
    /// Edges as written: `name`, `name version` or `name version (source)`.
    pub dependencies: Vec<String>,
    pub name_span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockfile {
    pub path: RelPath,
    pub packages: Vec<LockPackage>,
}

impl Lockfile {
    pub fn dir(&self) -> &str {
        self.path.parent()
    }
}

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: Spanned<String>,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub fn parse_lockfile(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    // One `[[package]]` at a time: bounded memory for any size of lockfile.
    let sections: Vec<(usize, RawLock)> = crate::scan::toml_sections::parse(source, "[[package]]")?;
    let packages = sections
        .into_iter()
        .flat_map(|(by, raw)| raw.package.into_iter().map(move |p| (p, by)))
        .map(|(p, by)| LockPackage {
            name_span: p.name.span().start + by..p.name.span().end + by,
            name: p.name.into_inner(),
            version: p.version,
            source: p.source,
            dependencies: p.dependencies,
        })
        .collect();
    Ok(Lockfile {
        path: source.path.clone(),
        packages,
    })
}

/// Splits a dependency edge into name and, when given, version.
pub fn parse_edge(edge: &str) -> (&str, Option<&str>) {
    let mut parts = edge.split_whitespace();
    let name = parts.next().unwrap_or("");
    (name, parts.next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_v1_and_v4_packages() {
        let v1 = "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[metadata]\n\"checksum b 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)\" = \"abc\"\n";
        let source = SourceFile::new(RelPath::new("Cargo.lock"), v1.to_owned());
        let lock = parse_lockfile(&source).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(lock.packages.len(), 2);
        assert_eq!(
            parse_edge(&lock.packages[0].dependencies[0]),
            ("b", Some("1.0.0"))
        );
        assert_eq!(source.location(lock.packages[1].name_span.clone()).line, 9);

        let v4 = "version = 4\n\n[[package]]\nname = \"c\"\nversion = \"2.0.0\"\nsource = \"sparse+https://index.crates.io/\"\nchecksum = \"00\"\n";
        let source = SourceFile::new(RelPath::new("Cargo.lock"), v4.to_owned());
        let lock = parse_lockfile(&source).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(
            lock.packages[0].source.as_deref(),
            Some("sparse+https://index.crates.io/")
        );
        assert_eq!(parse_edge("c"), ("c", None));
    }

    #[test]
    fn a_package_without_version_is_a_problem() {
        let source = SourceFile::new(
            RelPath::new("Cargo.lock"),
            "[[package]]\nname = \"a\"\n".into(),
        );
        assert!(matches!(
            parse_lockfile(&source),
            Err(FileProblem::Unparsable { .. })
        ));
    }
}
