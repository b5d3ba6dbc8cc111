//! Security tooling configuration: `.pre-commit-config.yaml` (hook ids) and
//! Dependabot's `.github/dependabot.yml` (the ecosystems it updates).

use serde::Deserialize;

use crate::facts::{DependabotConfig, FileProblem, Spanned};
use crate::location::SourceFile;
use crate::yaml;

#[derive(Deserialize)]
struct RawPreCommit {
    repos: Option<Vec<RawRepo>>,
}

#[derive(Deserialize)]
struct RawRepo {
    hooks: Option<Vec<RawHook>>,
}

#[derive(Deserialize)]
struct RawHook {
    id: yaml::Spanned<String>,
}

fn problem(source: &SourceFile, e: yaml::YamlError) -> FileProblem {
    FileProblem::Unparsable {
        location: source.location(e.span),
        message: e.message,
    }
}

/// The hook ids a pre-commit configuration runs.
pub fn parse_precommit(source: &SourceFile) -> Result<Vec<Spanned>, FileProblem> {
    let raw: RawPreCommit = yaml::from_source(source).map_err(|e| problem(source, e))?;
    Ok(raw
        .repos
        .into_iter()
        .flatten()
        .flat_map(|r| r.hooks.unwrap_or_default())
        .map(|h| Spanned {
            location: source.location(yaml::span(&h.id, source)),
            value: h.id.value,
        })
        .collect())
}

#[derive(Deserialize)]
struct RawDependabot {
    updates: Option<Vec<RawUpdate>>,
}

#[derive(Deserialize)]
struct RawUpdate {
    #[serde(rename = "package-ecosystem")]
    ecosystem: Option<yaml::Spanned<String>>,
}

pub fn parse_dependabot(source: &SourceFile) -> Result<DependabotConfig, FileProblem> {
    let raw: RawDependabot = yaml::from_source(source).map_err(|e| problem(source, e))?;
    let ecosystems = raw
        .updates
        .into_iter()
        .flatten()
        .filter_map(|u| u.ecosystem)
        .map(|e| Spanned {
            location: source.location(yaml::span(&e, source)),
            value: e.value,
        })
        .collect();
    Ok(DependabotConfig {
        head: source.location(source.index.line_span(&source.text, 1)),
        ecosystems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn reads_hooks_and_dependabot_ecosystems() {
        let source = SourceFile::new(RelPath::new(".pre-commit-config.yaml"), "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.24.2\n    hooks:\n      - id: gitleaks\n".to_owned());
        let hooks = parse_precommit(&source).unwrap_or_default();
        assert_eq!(
            (hooks[0].value.as_str(), hooks[0].location.line),
            ("gitleaks", 5)
        );
        let source = SourceFile::new(RelPath::new(".github/dependabot.yml"), "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n  - package-ecosystem: \"github-actions\"\n    directory: /\n".to_owned());
        let d = parse_dependabot(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let names: Vec<_> = d.ecosystems.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(names, ["cargo", "github-actions"]);
    }
}
