//! What an SBOM calls the product: its name, version and package URL.
//!
//! The name comes from the product descriptor (the policy's
//! `product.name`, else the `catalog-info.yaml` Component's
//! `metadata.name`), else from the root manifest; the version and purl
//! from the root manifest (`Cargo.toml` `[package]` or
//! `[workspace.package]`, `package.json`, `pyproject.toml` `[project]` or
//! `[tool.poetry]`, `go.mod`'s `module`). The manifests are those the scan already read; nothing
//! else is opened.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

/// The product as an SBOM names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductIdentity {
    pub name: Option<String>,
    pub version: Option<String>,
    pub purl: Option<Purl>,
}

/// The root manifest's package, if one names the product.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RootPackage {
    ecosystem: Ecosystem,
    name: Option<String>,
    version: Option<String>,
}

/// The product's identity from its descriptor name (if any) and the
/// root manifests among `sources`.
pub fn identify(
    descriptor_name: Option<&str>,
    sources: &BTreeMap<RelPath, Arc<SourceFile>>,
) -> ProductIdentity {
    let root = root_package(sources);
    let name = descriptor_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| root.as_ref().and_then(|r| r.name.clone()));
    let version = root.as_ref().and_then(|r| r.version.clone());
    let purl = root.and_then(|r| {
        r.name
            .map(|n| Purl::new(r.ecosystem, &n, r.version.as_deref()))
    });
    ProductIdentity {
        name,
        version,
        purl,
    }
}

fn root_package(sources: &BTreeMap<RelPath, Arc<SourceFile>>) -> Option<RootPackage> {
    let text = |name: &str| sources.get(&RelPath::new(name)).map(|s| s.text.as_str());
    let found = [
        text("Cargo.toml").and_then(cargo),
        text("package.json").and_then(npm),
        text("pyproject.toml").and_then(python),
        text("go.mod").and_then(golang),
    ];
    let mut found = found.into_iter().flatten();
    let first = found.next()?;
    // A virtual workspace has a version but no name: a named manifest
    // beside it names the product better.
    if first.name.is_none() {
        return Some(found.find(|p| p.name.is_some()).unwrap_or(first));
    }
    Some(first)
}

/// A string field, or `{ workspace = true }` and the like (not a value).
#[derive(Deserialize)]
#[serde(untagged)]
enum Field {
    Text(String),
    Other(serde::de::IgnoredAny),
}

impl Field {
    fn text(field: Option<&Field>) -> Option<String> {
        match field {
            Some(Field::Text(t)) if !t.trim().is_empty() => Some(t.trim().to_owned()),
            _ => None,
        }
    }
}

#[derive(Deserialize, Default)]
struct NameVersion {
    name: Option<Field>,
    version: Option<Field>,
}

#[derive(Deserialize)]
struct CargoManifest {
    package: Option<NameVersion>,
    workspace: Option<CargoWorkspace>,
}

#[derive(Deserialize)]
struct CargoWorkspace {
    package: Option<NameVersion>,
}

fn cargo(text: &str) -> Option<RootPackage> {
    let manifest: CargoManifest = toml::from_str(text).ok()?;
    let workspace_version = manifest
        .workspace
        .as_ref()
        .and_then(|w| w.package.as_ref())
        .and_then(|p| Field::text(p.version.as_ref()));
    let package = manifest.package.unwrap_or_default();
    let name = Field::text(package.name.as_ref());
    // `version.workspace = true` inherits `[workspace.package]`'s.
    let version = Field::text(package.version.as_ref()).or(workspace_version);
    (name.is_some() || version.is_some()).then_some(RootPackage {
        ecosystem: Ecosystem::Cargo,
        name,
        version,
    })
}

fn npm(text: &str) -> Option<RootPackage> {
    let manifest: NameVersion = serde_json::from_str(text).ok()?;
    named(Ecosystem::Npm, manifest)
}

#[derive(Deserialize)]
struct Pyproject {
    project: Option<NameVersion>,
    tool: Option<PyTools>,
}

#[derive(Deserialize)]
struct PyTools {
    poetry: Option<NameVersion>,
}

fn python(text: &str) -> Option<RootPackage> {
    let manifest: Pyproject = toml::from_str(text).ok()?;
    manifest
        .project
        .and_then(|p| named(Ecosystem::Pypi, p))
        .or_else(|| {
            manifest
                .tool
                .and_then(|t| t.poetry)
                .and_then(|p| named(Ecosystem::Pypi, p))
        })
}

/// `module example.com/app` (a Go module has no version of its own).
fn golang(text: &str) -> Option<RootPackage> {
    let module = text
        .lines()
        .take(1000)
        .find_map(|l| {
            l.trim()
                .strip_prefix("module")
                .filter(|rest| rest.starts_with([' ', '\t']))
        })?
        .split("//")
        .next()?
        .trim()
        .trim_matches('"');
    (!module.is_empty() && !module.contains(char::is_whitespace)).then(|| RootPackage {
        ecosystem: Ecosystem::Golang,
        name: Some(module.to_owned()),
        version: None,
    })
}

fn named(ecosystem: Ecosystem, manifest: NameVersion) -> Option<RootPackage> {
    let name = Field::text(manifest.name.as_ref())?;
    Some(RootPackage {
        ecosystem,
        name: Some(name),
        version: Field::text(manifest.version.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> BTreeMap<RelPath, Arc<SourceFile>> {
        files
            .iter()
            .map(|(path, text)| {
                let path = RelPath::new(path);
                (
                    path.clone(),
                    Arc::new(SourceFile::new(path, (*text).to_owned())),
                )
            })
            .collect()
    }

    #[test]
    fn descriptor_name_with_the_manifest_version_and_purl() {
        let s = sources(&[(
            "Cargo.toml",
            "[package]\nname = \"pay-core\"\nversion = \"1.2.3\"\n",
        )]);
        let id = identify(Some("payments"), &s);
        assert_eq!(id.name.as_deref(), Some("payments"));
        assert_eq!(id.version.as_deref(), Some("1.2.3"));
        assert_eq!(
            id.purl.map(|p| p.to_string()).as_deref(),
            Some("pkg:cargo/pay-core@1.2.3")
        );
    }

    #[test]
    fn root_manifests_of_each_ecosystem() {
        let id = identify(
            None,
            &sources(&[(
                "Cargo.toml",
                "[workspace.package]\nversion = \"2.0.0\"\n[package]\nname = \"app\"\nversion.workspace = true\n",
            )]),
        );
        assert_eq!(
            (id.name.as_deref(), id.version.as_deref()),
            (Some("app"), Some("2.0.0"))
        );
        let id = identify(
            None,
            &sources(&[(
                "package.json",
                "{\"name\": \"@acme/web\", \"version\": \"0.1.0\"}",
            )]),
        );
        assert_eq!(
            id.purl.map(|p| p.to_string()).as_deref(),
            Some("pkg:npm/%40acme/web@0.1.0")
        );
        let id = identify(
            None,
            &sources(&[(
                "pyproject.toml",
                "[tool.poetry]\nname = \"Svc\"\nversion = \"3\"\n",
            )]),
        );
        assert_eq!(id.name.as_deref(), Some("Svc"));
        let id = identify(
            None,
            &sources(&[(
                "go.mod",
                "// x\nmodule \"github.com/acme/api\" // main\n\ngo 1.22\n",
            )]),
        );
        assert_eq!(
            id.purl.map(|p| p.to_string()).as_deref(),
            Some("pkg:golang/github.com/acme/api")
        );
        // A virtual workspace gives way to a named manifest beside it.
        let id = identify(
            None,
            &sources(&[
                ("Cargo.toml", "[workspace]\nmembers = []\n"),
                ("package.json", "{\"name\": \"web\"}"),
            ]),
        );
        assert_eq!(id.name.as_deref(), Some("web"));
    }

    #[test]
    fn hostile_or_absent_manifests_give_nothing() {
        assert_eq!(identify(None, &sources(&[])), ProductIdentity::default());
        let id = identify(
            None,
            &sources(&[
                ("Cargo.toml", "[package\nname ="),
                ("package.json", "[1, 2]"),
                ("pyproject.toml", "project = 3"),
            ]),
        );
        assert_eq!(id, ProductIdentity::default());
    }
}
