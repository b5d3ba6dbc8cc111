//! `poetry.lock` and `uv.lock` (TOML, `[[package]]` entries) and
//! `Pipfile.lock` (JSON, `default` and `develop` sections).

use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;
use serde::Deserialize;
use toml::Spanned;

use super::{Locked, Lockfile, PYPI, registry};
use crate::facts::{FileProblem, Scope, Source};
use crate::json;
use crate::location::SourceFile;

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: Spanned<String>,
    version: Option<String>,
    /// poetry < 1.5: `main` or `dev`.
    category: Option<String>,
    #[serde(default)]
    optional: bool,
    source: Option<RawSource>,
    /// poetry: `[package.dependencies]` table; uv: `[{ name = .. }]`.
    dependencies: Option<RawDeps>,
    /// uv: `[package.optional-dependencies]`, per extra.
    #[serde(rename = "optional-dependencies")]
    optional_dependencies: Option<std::collections::BTreeMap<String, Vec<UvDep>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDeps {
    Uv(Vec<UvDep>),
    Poetry(std::collections::BTreeMap<String, serde::de::IgnoredAny>),
}

#[derive(Deserialize)]
struct UvDep {
    name: String,
}

impl RawPackage {
    fn edges(&self) -> Vec<(String, Scope)> {
        let mut edges: Vec<(String, Scope)> = match &self.dependencies {
            Some(RawDeps::Uv(list)) => list
                .iter()
                .map(|d| (d.name.clone(), Scope::Runtime))
                .collect(),
            Some(RawDeps::Poetry(table)) => {
                table.keys().map(|n| (n.clone(), Scope::Runtime)).collect()
            }
            None => Vec::new(),
        };
        for extra in self.optional_dependencies.iter().flat_map(|m| m.values()) {
            edges.extend(extra.iter().map(|d| (d.name.clone(), Scope::Optional)));
        }
        edges
    }
}

/// poetry: `[package.source] type = "git", url = ..., resolved_reference`;
/// uv: `source = { registry = URL }`, `{ git = URL }`, `{ editable = "." }`…
#[derive(Deserialize, Default)]
struct RawSource {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    resolved_reference: Option<String>,
    registry: Option<String>,
    git: Option<String>,
    editable: Option<String>,
    #[serde(rename = "virtual")]
    virtual_: Option<String>,
    path: Option<String>,
    directory: Option<String>,
}

fn source_of(raw: Option<&RawSource>) -> (Source, bool) {
    let Some(s) = raw else {
        return (Source::Registry(PYPI.to_owned()), false);
    };
    if s.editable.is_some() || s.virtual_.is_some() {
        return (Source::Path(".".to_owned()), true);
    }
    if let Some(git) = &s.git {
        let (url, reference) = git
            .split_once('#')
            .map_or((git.as_str(), None), |(u, r)| (u, Some(r.to_owned())));
        return (
            Source::Git {
                url: url.to_owned(),
                reference,
                follows_branch: false,
            },
            false,
        );
    }
    if let Some(url) = &s.registry {
        return (registry(url), false);
    }
    if let Some(path) = s.path.as_ref().or(s.directory.as_ref()) {
        return (Source::Path(path.clone()), false);
    }
    match (s.kind.as_deref(), &s.url) {
        (Some("git"), Some(url)) => (
            Source::Git {
                url: url.clone(),
                reference: s.resolved_reference.clone(),
                follows_branch: false,
            },
            false,
        ),
        (Some("directory" | "file"), Some(url)) => (Source::Path(url.clone()), false),
        (Some("url"), Some(url)) => (Source::Url(url.clone()), false),
        (_, Some(url)) => (registry(url), false),
        _ => (Source::Registry(PYPI.to_owned()), false),
    }
}

fn parse_toml_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    // One `[[package]]` at a time: bounded memory for any size of lockfile.
    let sections: Vec<(usize, RawLock)> = crate::scan::toml_sections::parse(source, "[[package]]")?;
    let packages = sections
        .into_iter()
        .flat_map(|(by, raw)| raw.package.into_iter().map(move |p| (p, by)))
        .map(|(p, by)| {
            let (src, own) = source_of(p.source.as_ref());
            let dependencies = p.edges();
            let scope = match (p.category.as_deref(), p.optional) {
                (Some("dev"), _) => Scope::Dev,
                (_, true) => Scope::Optional,
                _ => Scope::Runtime,
            };
            let span = p.name.span();
            Locked {
                span: span.start + by..span.end + by,
                name: p.name.into_inner(),
                version: p.version.unwrap_or_default(),
                source: src,
                scope,
                own,
                dependencies,
            }
        })
        .collect();
    Ok(Lockfile {
        path: source.path.clone(),
        packages,
    })
}

pub fn parse_poetry_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    parse_toml_lock(source)
}

pub fn parse_uv_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    parse_toml_lock(source)
}

pub fn parse_pipfile_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    let value = json::parse(source)?;
    let root = value.as_object().ok_or_else(|| FileProblem::Unparsable {
        location: source.location(0..0),
        message: "Pipfile.lock must hold an object".to_owned(),
    })?;
    let mut packages = Vec::new();
    for (section, scope) in [("default", Scope::Runtime), ("develop", Scope::Dev)] {
        for prop in root
            .get_object(section)
            .into_iter()
            .flat_map(|o| &o.properties)
        {
            let Value::Object(entry) = &prop.value else {
                continue;
            };
            let version = json::string(entry, "version").unwrap_or("");
            let version = version
                .strip_prefix("===")
                .or_else(|| version.strip_prefix("=="))
                .unwrap_or(version)
                .trim()
                .to_owned();
            let src = match (
                json::string(entry, "git"),
                json::string(entry, "path"),
                json::string(entry, "file"),
            ) {
                (Some(git), _, _) => Source::Git {
                    url: git.to_owned(),
                    reference: json::string(entry, "ref").map(str::to_owned),
                    follows_branch: false,
                },
                (_, Some(path), _) => Source::Path(path.to_owned()),
                (_, _, Some(file)) => Source::Url(file.to_owned()),
                _ => Source::Registry(PYPI.to_owned()),
            };
            let own = json::flag(entry, "editable")
                && json::string(entry, "path").is_some_and(|p| p == ".");
            let r = prop.name.range();
            packages.push(Locked {
                name: prop.name.as_str().to_owned(),
                version,
                source: src,
                scope,
                own,
                dependencies: Vec::new(),
                span: r.start..r.end,
            });
        }
    }
    Ok(Lockfile {
        path: source.path.clone(),
        packages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn reads_poetry_and_uv_locks() {
        let poetry = "[[package]]\nname = \"requests\"\nversion = \"2.31.0\"\ncategory = \"main\"\noptional = false\n\n[[package]]\nname = \"mylib\"\nversion = \"1.0.0\"\n\n[package.source]\ntype = \"git\"\nurl = \"https://github.com/o/mylib.git\"\nreference = \"v1\"\nresolved_reference = \"abc123\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        let l = parse_poetry_lock(&SourceFile::new(
            RelPath::new("poetry.lock"),
            poetry.to_owned(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(l.packages[0].version, "2.31.0");
        assert_eq!(
            l.packages[1].source,
            Source::Git {
                url: "https://github.com/o/mylib.git".into(),
                reference: Some("abc123".into()),
                follows_branch: false,
            }
        );

        let uv = "version = 1\nrequires-python = \">=3.11\"\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"idna\"\nversion = \"3.7\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        let l = parse_uv_lock(&SourceFile::new(RelPath::new("uv.lock"), uv.to_owned()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(l.packages[0].own);
        assert_eq!(l.packages[1].source, Source::Registry("pypi.org".into()));
    }

    #[test]
    fn reads_pipfile_lock() {
        let text = r#"{"_meta": {}, "default": {"requests": {"version": "==2.31.0", "index": "pypi"}}, "develop": {"pytest": {"version": "==8.1.1"}}}"#;
        let l = parse_pipfile_lock(&SourceFile::new(
            RelPath::new("Pipfile.lock"),
            text.to_owned(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.scope))
            .collect();
        assert_eq!(
            summary,
            [
                ("requests", "2.31.0", Scope::Runtime),
                ("pytest", "8.1.1", Scope::Dev)
            ]
        );
    }
}
