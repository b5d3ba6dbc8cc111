//! `Cargo.toml`: the package, the workspace and every dependency table
//! (normal, dev, build, each also per `[target.'cfg(..)']`, and
//! `[workspace.dependencies]`), each dependency with the span of its entry.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::facts::FileProblem;
use crate::location::{RelPath, SourceFile};
use crate::scan::toml_problem;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DepKind {
    Normal,
    Dev,
    Build,
}

/// Which revision of a git dependency the manifest asks for. Cargo
/// accepts one of `rev`, `tag` and `branch`; none means the default branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitRef {
    DefaultBranch,
    Branch(String),
    Tag(String),
    Rev(String),
}

impl GitRef {
    /// The name written in the manifest, if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            GitRef::DefaultBranch => None,
            GitRef::Branch(n) | GitRef::Tag(n) | GitRef::Rev(n) => Some(n),
        }
    }

    /// A branch moves: the next `cargo update` builds other code.
    pub fn follows_branch(&self) -> bool {
        matches!(self, GitRef::DefaultBranch | GitRef::Branch(_))
    }
}

/// A `[package]` field that may be inherited: `license = "MIT"` or
/// `license.workspace = true`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inheritable<T> {
    Value(T),
    FromWorkspace,
}

/// What a package says about its licence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LicenceDecl {
    /// `license`: an SPDX expression.
    pub expression: Option<Inheritable<String>>,
    /// `license-file`: a path relative to the manifest.
    pub file: Option<Inheritable<String>>,
}

/// Where a declaration says the dependency comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DepSource {
    /// A registry: `None` is the default (crates.io), `Some` a named one.
    Registry(Option<String>),
    Git {
        url: String,
        reference: GitRef,
    },
    Path(String),
    /// `{ workspace = true }`: the real declaration is in the workspace root.
    Workspace,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The package name (after `package = ` renames).
    pub package: String,
    /// The key it is declared under (differs from `package` when renamed).
    pub key: String,
    pub requirement: Option<String>,
    pub source: DepSource,
    pub kind: DepKind,
    pub optional: bool,
    /// `cfg(..)` or target triple of a `[target.*]` table.
    pub target: Option<String>,
    /// The whole `key = value` entry.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceDecl {
    pub members: Vec<String>,
    pub exclude: Vec<String>,
    pub dependencies: Vec<Dependency>,
    /// `[workspace.package]` licence fields members may inherit.
    pub package_licence: LicenceDecl,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub path: RelPath,
    pub package: Option<String>,
    pub licence: LicenceDecl,
    /// `[[bin]]` targets declared in the manifest.
    pub declares_bin: bool,
    pub workspace: Option<WorkspaceDecl>,
    pub dependencies: Vec<Dependency>,
}

impl Manifest {
    /// The manifest's directory relative to the root (`""` at the root).
    pub fn dir(&self) -> &str {
        self.path.parent()
    }
}

type DepTable = BTreeMap<Spanned<String>, Spanned<RawDep>>;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawManifest {
    package: Option<RawPackage>,
    workspace: Option<RawWorkspace>,
    bin: Option<Vec<serde::de::IgnoredAny>>,
    // Not `#[serde(flatten)]` with `RawDepTables`: flattening buffers the
    // values and loses their spans.
    dependencies: Option<DepTable>,
    #[serde(alias = "dev_dependencies")]
    dev_dependencies: Option<DepTable>,
    #[serde(alias = "build_dependencies")]
    build_dependencies: Option<DepTable>,
    target: Option<BTreeMap<String, RawDepTables>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawDepTables {
    dependencies: Option<DepTable>,
    #[serde(alias = "dev_dependencies")]
    dev_dependencies: Option<DepTable>,
    #[serde(alias = "build_dependencies")]
    build_dependencies: Option<DepTable>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct RawPackage {
    pub name: Option<String>,
    license: Option<RawInheritable>,
    license_file: Option<RawInheritable>,
}

impl RawPackage {
    pub(super) fn licence(&self) -> LicenceDecl {
        LicenceDecl {
            expression: self.license.as_ref().and_then(RawInheritable::get),
            file: self.license_file.as_ref().and_then(RawInheritable::get),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawInheritable {
    Value(String),
    Workspace { workspace: bool },
}

impl RawInheritable {
    fn get(&self) -> Option<Inheritable<String>> {
        match self {
            RawInheritable::Value(v) => Some(Inheritable::Value(v.clone())),
            RawInheritable::Workspace { workspace: true } => Some(Inheritable::FromWorkspace),
            RawInheritable::Workspace { workspace: false } => None,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct RawWorkspace {
    members: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    dependencies: Option<DepTable>,
    pub package: Option<RawWorkspacePackage>,
}

/// `[workspace.package]`: only the licence fields are read.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct RawWorkspacePackage {
    license: Option<String>,
    license_file: Option<String>,
}

impl RawWorkspacePackage {
    pub(super) fn licence(&self) -> LicenceDecl {
        LicenceDecl {
            expression: self.license.clone().map(Inheritable::Value),
            file: self.license_file.clone().map(Inheritable::Value),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDep {
    Version(String),
    Detailed(RawDetail),
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
struct RawDetail {
    version: Option<String>,
    package: Option<String>,
    git: Option<String>,
    branch: Option<String>,
    tag: Option<String>,
    rev: Option<String>,
    path: Option<String>,
    registry: Option<String>,
    registry_index: Option<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    workspace: bool,
}

pub fn parse_manifest(source: &SourceFile) -> Result<Manifest, FileProblem> {
    let raw: RawManifest = toml::from_str(&source.text).map_err(|e| toml_problem(source, &e))?;
    let mut dependencies = Vec::new();
    collect(
        raw.dependencies.as_ref(),
        DepKind::Normal,
        None,
        &mut dependencies,
    );
    collect(
        raw.dev_dependencies.as_ref(),
        DepKind::Dev,
        None,
        &mut dependencies,
    );
    collect(
        raw.build_dependencies.as_ref(),
        DepKind::Build,
        None,
        &mut dependencies,
    );
    for (target, tables) in raw.target.iter().flatten() {
        collect_tables(tables, Some(target), &mut dependencies);
    }
    let workspace = raw.workspace.map(|ws| {
        let mut deps = Vec::new();
        collect(ws.dependencies.as_ref(), DepKind::Normal, None, &mut deps);
        WorkspaceDecl {
            members: ws.members.unwrap_or_default(),
            exclude: ws.exclude.unwrap_or_default(),
            dependencies: deps,
            package_licence: ws
                .package
                .as_ref()
                .map(RawWorkspacePackage::licence)
                .unwrap_or_default(),
        }
    });
    dependencies.sort_by_key(|d| d.span.start);
    Ok(Manifest {
        path: source.path.clone(),
        licence: raw
            .package
            .as_ref()
            .map(RawPackage::licence)
            .unwrap_or_default(),
        package: raw.package.and_then(|p| p.name),
        declares_bin: raw.bin.is_some_and(|b| !b.is_empty()),
        workspace,
        dependencies,
    })
}

fn collect_tables(tables: &RawDepTables, target: Option<&str>, out: &mut Vec<Dependency>) {
    collect(tables.dependencies.as_ref(), DepKind::Normal, target, out);
    collect(tables.dev_dependencies.as_ref(), DepKind::Dev, target, out);
    collect(
        tables.build_dependencies.as_ref(),
        DepKind::Build,
        target,
        out,
    );
}

fn collect(
    table: Option<&DepTable>,
    kind: DepKind,
    target: Option<&str>,
    out: &mut Vec<Dependency>,
) {
    for (key, value) in table.into_iter().flatten() {
        let span = key.span().start..value.span().end;
        let key = key.get_ref().clone();
        let dep = match value.get_ref() {
            RawDep::Version(req) => Dependency {
                package: key.clone(),
                key,
                requirement: Some(req.clone()),
                source: DepSource::Registry(None),
                kind,
                optional: false,
                target: target.map(str::to_owned),
                span,
            },
            RawDep::Detailed(d) => Dependency {
                package: d.package.clone().unwrap_or_else(|| key.clone()),
                key,
                requirement: d.version.clone(),
                source: detail_source(d),
                kind,
                optional: d.optional,
                target: target.map(str::to_owned),
                span,
            },
        };
        out.push(dep);
    }
}

fn detail_source(d: &RawDetail) -> DepSource {
    if d.workspace {
        DepSource::Workspace
    } else if let Some(url) = &d.git {
        let reference = match (&d.rev, &d.tag, &d.branch) {
            (Some(rev), _, _) => GitRef::Rev(rev.clone()),
            (None, Some(tag), _) => GitRef::Tag(tag.clone()),
            (None, None, Some(branch)) => GitRef::Branch(branch.clone()),
            (None, None, None) => GitRef::DefaultBranch,
        };
        DepSource::Git {
            url: url.clone(),
            reference,
        }
    } else if let Some(path) = &d.path {
        // `path` with `version` publishes from the registry, but builds from
        // the path: the path is what the product actually compiles.
        DepSource::Path(path.clone())
    } else {
        DepSource::Registry(d.registry.clone().or_else(|| d.registry_index.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Manifest {
        let source = SourceFile::new(RelPath::new("Cargo.toml"), text.to_owned());
        parse_manifest(&source).unwrap_or_else(|p| panic!("{p:?}"))
    }

    #[test]
    fn reads_every_table_with_spans() {
        let text = "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\nfoo = { package = \"bar\", version = \"0.2\", optional = true }\n\n[dev-dependencies]\ninsta = \"1\"\n\n[target.'cfg(windows)'.build-dependencies]\nwinres = { git = \"https://example.com/winres\", tag = \"v1\" }\n";
        let m = parse(text);
        assert_eq!(m.package.as_deref(), Some("app"));
        let names: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.package.as_str(), d.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("serde", DepKind::Normal),
                ("bar", DepKind::Normal),
                ("insta", DepKind::Dev),
                ("winres", DepKind::Build)
            ]
        );
        let bar = &m.dependencies[1];
        assert_eq!(
            &text[bar.span.clone()],
            "foo = { package = \"bar\", version = \"0.2\", optional = true }"
        );
        assert!(bar.optional);
        assert_eq!(m.dependencies[3].target.as_deref(), Some("cfg(windows)"));
        assert_eq!(
            m.dependencies[3].source,
            DepSource::Git {
                url: "https://example.com/winres".into(),
                reference: GitRef::Tag("v1".into())
            }
        );
    }

    #[test]
    fn reads_workspace_inheritance() {
        let m = parse(
            "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nserde = { version = \"1.0.200\" }\n[dependencies]\nserde = { workspace = true }\n",
        );
        let ws = m.workspace.unwrap_or_else(|| panic!("no workspace"));
        assert_eq!(ws.members, ["crates/*"]);
        assert_eq!(ws.dependencies[0].requirement.as_deref(), Some("1.0.200"));
        assert_eq!(m.dependencies[0].source, DepSource::Workspace);
    }

    #[test]
    fn broken_toml_is_a_problem_with_position() {
        let source = SourceFile::new(RelPath::new("Cargo.toml"), "[package]\nname = \n".into());
        match parse_manifest(&source) {
            Err(FileProblem::Unparsable { location, .. }) => assert_eq!(location.line, 2),
            other => panic!("expected a parse problem, got {other:?}"),
        }
    }
}
