//! `pyproject.toml` (PEP 621 `dependencies` and `optional-dependencies`,
//! PEP 735 `dependency-groups`, Poetry's dependency tables) and `Pipfile`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Declared, Manifest, PYPI, pep508, registry};
use crate::facts::{FileProblem, Scope, Source};
use crate::location::SourceFile;
use crate::scan::toml_problem;

#[derive(Deserialize)]
struct RawPyproject {
    project: Option<RawProject>,
    #[serde(rename = "dependency-groups")]
    dependency_groups: Option<BTreeMap<String, Vec<Spanned<GroupItem>>>>,
    tool: Option<RawTool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawProject {
    name: Option<String>,
    dependencies: Option<Vec<Spanned<String>>>,
    optional_dependencies: Option<BTreeMap<String, Vec<Spanned<String>>>>,
}

/// A PEP 735 group entry: a requirement or `{include-group = "..."}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum GroupItem {
    Requirement(String),
    Include(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct RawTool {
    poetry: Option<RawPoetry>,
    uv: Option<serde::de::IgnoredAny>,
}

type PoetryTable = BTreeMap<Spanned<String>, Spanned<PoetryDep>>;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawPoetry {
    name: Option<String>,
    dependencies: Option<PoetryTable>,
    dev_dependencies: Option<PoetryTable>,
    group: Option<BTreeMap<String, RawPoetryGroup>>,
}

#[derive(Deserialize)]
struct RawPoetryGroup {
    dependencies: Option<PoetryTable>,
}

/// Poetry and Pipfile entries: `"^1.2"`, `{ version, git, path, url, ... }`,
/// or a list of constrained alternatives.
#[derive(Deserialize)]
#[serde(untagged)]
enum PoetryDep {
    Version(String),
    Detailed(PoetryDetail),
    Multiple(serde::de::IgnoredAny),
}

#[derive(Deserialize, Default)]
struct PoetryDetail {
    version: Option<String>,
    git: Option<String>,
    rev: Option<String>,
    tag: Option<String>,
    branch: Option<String>,
    path: Option<String>,
    url: Option<String>,
    file: Option<String>,
    index: Option<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    editable: bool,
}

pub fn parse_pyproject(source: &SourceFile) -> Result<Manifest, FileProblem> {
    let raw: RawPyproject = toml::from_str(&source.text).map_err(|e| toml_problem(source, &e))?;
    let mut deps = Vec::new();
    let mut project = None;
    let uses_uv =
        raw.tool.as_ref().is_some_and(|t| t.uv.is_some()) || raw.dependency_groups.is_some();
    if let Some(p) = raw.project {
        project = p.name;
        requirement_list(p.dependencies.iter().flatten(), Scope::Runtime, &mut deps);
        for list in p.optional_dependencies.iter().flat_map(|m| m.values()) {
            requirement_list(list.iter(), Scope::Optional, &mut deps);
        }
    }
    for items in raw.dependency_groups.iter().flat_map(|g| g.values()) {
        for item in items {
            if let GroupItem::Requirement(text) = item.get_ref() {
                deps.extend(pep508::declared(text, Scope::Dev, item.span()));
            }
        }
    }
    let mut lockfile = uses_uv.then_some("uv.lock");
    if let Some(poetry) = raw.tool.and_then(|t| t.poetry) {
        lockfile = Some("poetry.lock");
        project = project.or(poetry.name);
        table(poetry.dependencies.as_ref(), Scope::Runtime, &mut deps);
        table(poetry.dev_dependencies.as_ref(), Scope::Dev, &mut deps);
        for group in poetry.group.iter().flat_map(|g| g.values()) {
            table(group.dependencies.as_ref(), Scope::Dev, &mut deps);
        }
    }
    deps.sort_by_key(|d| d.span.start);
    Ok(Manifest {
        path: source.path.clone(),
        project,
        dependencies: deps,
        standalone: false,
        lockfile,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawPipfile {
    packages: Option<PoetryTable>,
    dev_packages: Option<PoetryTable>,
}

pub fn parse_pipfile(source: &SourceFile) -> Result<Manifest, FileProblem> {
    let raw: RawPipfile = toml::from_str(&source.text).map_err(|e| toml_problem(source, &e))?;
    let mut deps = Vec::new();
    table(raw.packages.as_ref(), Scope::Runtime, &mut deps);
    table(raw.dev_packages.as_ref(), Scope::Dev, &mut deps);
    deps.sort_by_key(|d| d.span.start);
    Ok(Manifest {
        path: source.path.clone(),
        project: None,
        dependencies: deps,
        standalone: false,
        lockfile: Some("Pipfile.lock"),
    })
}

fn requirement_list<'a>(
    items: impl Iterator<Item = &'a Spanned<String>>,
    scope: Scope,
    out: &mut Vec<Declared>,
) {
    for item in items {
        out.extend(pep508::declared(item.get_ref(), scope, item.span()));
    }
}

fn table(table: Option<&PoetryTable>, scope: Scope, out: &mut Vec<Declared>) {
    for (name, dep) in table.into_iter().flatten() {
        if name.get_ref().eq_ignore_ascii_case("python") {
            continue; // the interpreter constraint, not a package
        }
        let span = name.span().start..dep.span().end;
        let (spec, source, optional) = match dep.get_ref() {
            PoetryDep::Version(v) => (v.clone(), Source::Registry(PYPI.to_owned()), false),
            PoetryDep::Multiple(_) => (String::new(), Source::Registry(PYPI.to_owned()), false),
            PoetryDep::Detailed(d) => {
                if d.editable
                    || (d.path.is_some() && d.git.is_none())
                        && d.path.as_deref().is_some_and(|p| !p.starts_with(".."))
                {
                    continue; // a local package of this repository
                }
                let source = if let Some(git) = &d.git {
                    Source::Git {
                        url: git.clone(),
                        reference: d.rev.clone().or(d.tag.clone()).or(d.branch.clone()),
                        follows_branch: d.rev.is_none() && d.tag.is_none(),
                    }
                } else if let Some(path) = d.path.as_ref().or(d.file.as_ref()) {
                    Source::Path(path.clone())
                } else if let Some(url) = &d.url {
                    Source::Url(url.clone())
                } else {
                    d.index
                        .as_deref()
                        .map_or_else(|| Source::Registry(PYPI.to_owned()), registry)
                };
                (d.version.clone().unwrap_or_default(), source, d.optional)
            }
        };
        out.push(Declared {
            name: name.get_ref().clone(),
            pinned: pep508::exact_pin(&spec).map(str::to_owned),
            spec,
            source,
            scope: if optional && scope == Scope::Runtime {
                Scope::Optional
            } else {
                scope
            },
            direct: true,
            span,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn reads_pep621_pep735_and_poetry() {
        let text = "[project]\nname = \"app\"\ndependencies = [\n  \"requests>=2.31\",\n  \"rich==13.7.1\",\n]\n[project.optional-dependencies]\nyaml = [\"PyYAML>=6\"]\n\n[dependency-groups]\ntest = [\"pytest>=8\", {include-group = \"lint\"}]\nlint = [\"ruff\"]\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nhttpx = { version = \"^0.27\", optional = true }\nmylib = { git = \"https://github.com/o/mylib.git\", tag = \"v1\" }\nlocal = { path = \"libs/local\", develop = true }\n\n[tool.poetry.group.dev.dependencies]\nblack = \"^24\"\n";
        let source = SourceFile::new(RelPath::new("pyproject.toml"), text.to_owned());
        let m = parse_pyproject(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(m.project.as_deref(), Some("app"));
        let summary: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.scope, d.pinned.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("requests", Scope::Runtime, None),
                ("rich", Scope::Runtime, Some("13.7.1")),
                ("PyYAML", Scope::Optional, None),
                ("pytest", Scope::Dev, None),
                ("ruff", Scope::Dev, None),
                ("httpx", Scope::Optional, None),
                ("mylib", Scope::Runtime, None),
                ("black", Scope::Dev, None),
            ]
        );
        assert_eq!(&text[m.dependencies[0].span.clone()], "\"requests>=2.31\"");
        assert!(matches!(m.dependencies[6].source, Source::Git { .. }));
    }

    #[test]
    fn reads_pipfile() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nrequests = \"*\"\nflask = {version = \"==3.0.0\"}\n\n[dev-packages]\npytest = \"*\"\n";
        let source = SourceFile::new(RelPath::new("Pipfile"), text.to_owned());
        let m = parse_pipfile(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.scope, d.pinned.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("requests", Scope::Runtime, None),
                ("flask", Scope::Runtime, Some("3.0.0")),
                ("pytest", Scope::Dev, None)
            ]
        );
    }
}
