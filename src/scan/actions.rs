//! GitHub Actions: every `uses:` of workflows (`.github/workflows/*.yml`,
//! steps and job-level reusable workflows) and of composite actions
//! (`action.yml` anywhere), as `pkg:github/OWNER/REPO@REF#SUBPATH`.
//! `docker://` images become `pkg:docker` components; local `./` actions
//! are the repository's own code.

use serde::Deserialize;

use super::docker::ImageRef;
use crate::facts::{Component, FileProblem, Scope, Source};
use crate::location::SourceFile;
use crate::purl::{Ecosystem, Purl};
use crate::yaml::{self, Spanned, SpannedMap};

#[derive(Deserialize)]
struct Workflow {
    jobs: Option<SpannedMap<Job>>,
}

#[derive(Deserialize)]
struct Job {
    uses: Option<Spanned<String>>,
    steps: Option<Vec<Step>>,
}

#[derive(Deserialize)]
struct Step {
    uses: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct ActionManifest {
    runs: Option<Runs>,
}

#[derive(Deserialize)]
struct Runs {
    steps: Option<Vec<Step>>,
    image: Option<Spanned<String>>,
}

fn problem(source: &SourceFile, e: yaml::YamlError) -> FileProblem {
    FileProblem::Unparsable {
        location: source.location(e.span),
        message: e.message,
    }
}

pub fn parse_workflow(source: &SourceFile) -> Result<Vec<Component>, FileProblem> {
    let workflow: Workflow = yaml::from_source(source).map_err(|e| problem(source, e))?;
    let mut uses = Vec::new();
    for (_, job) in workflow.jobs.into_iter().flat_map(|j| j.0) {
        uses.extend(job.uses);
        uses.extend(job.steps.into_iter().flatten().filter_map(|s| s.uses));
    }
    Ok(uses.iter().filter_map(|u| component(source, u)).collect())
}

pub fn parse_action(source: &SourceFile) -> Result<Vec<Component>, FileProblem> {
    let action: ActionManifest = yaml::from_source(source).map_err(|e| problem(source, e))?;
    let Some(runs) = action.runs else {
        return Ok(Vec::new());
    };
    let mut uses: Vec<Spanned<String>> = runs
        .steps
        .into_iter()
        .flatten()
        .filter_map(|s| s.uses)
        .collect();
    // A Docker action's `image: docker://...` (a `Dockerfile` is built locally).
    uses.extend(runs.image.filter(|i| i.value.starts_with("docker://")));
    Ok(uses.iter().filter_map(|u| component(source, u)).collect())
}

/// The component a `uses:` names, or `None` for the repository's own
/// actions (`./path`).
fn component(source: &SourceFile, uses: &Spanned<String>) -> Option<Component> {
    let text = uses.value.trim();
    let location = source.location(yaml::span(uses, source));
    if text.starts_with("./") || text.starts_with(".\\") {
        return None;
    }
    if let Some(image) = text.strip_prefix("docker://") {
        let image = ImageRef::parse(image)?;
        return Some(Component {
            purl: image.purl(),
            requirement: None,
            scope: Scope::Build,
            direct: true,
            source: image.source(),
            license: None,
            location,
        });
    }
    let (path, reference) = match text.rsplit_once('@') {
        Some((p, r)) => (p, Some(r)),
        None => (text, None),
    };
    let mut segments = path.splitn(3, '/');
    let (owner, repo) = (
        segments.next().filter(|s| !s.is_empty())?,
        segments.next().filter(|s| !s.is_empty())?,
    );
    let purl = Purl::new(Ecosystem::Github, &format!("{owner}/{repo}"), reference)
        .with_subpath(segments.next());
    Some(Component {
        purl,
        requirement: reference.map(str::to_owned),
        scope: Scope::Build,
        direct: true,
        source: Source::Registry("github.com".to_owned()),
        license: None,
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn workflow_uses_with_subpaths_reusable_and_docker() {
        let text = "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n      - uses: github/codeql-action/analyze@v3\n      - uses: ./local/action\n      - uses: docker://alpine:3.20\n      - run: echo hi\n  call:\n    uses: octo/shared/.github/workflows/ci.yml@main\n";
        let source = SourceFile::new(RelPath::new(".github/workflows/ci.yml"), text.to_owned());
        let c = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = c
            .iter()
            .map(|c| (c.purl.to_string(), c.location.line))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "pkg:github/actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8"
                        .to_owned(),
                    6
                ),
                ("pkg:github/github/codeql-action@v3#analyze".to_owned(), 7),
                ("pkg:docker/library/alpine@3.20".to_owned(), 9),
                (
                    "pkg:github/octo/shared@main#.github/workflows/ci.yml".to_owned(),
                    12
                ),
            ]
        );
        assert_eq!(
            &text[c[1].location.span.clone()],
            "github/codeql-action/analyze@v3"
        );
    }

    #[test]
    fn composite_action_steps() {
        let text = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n    - run: npm ci\n      shell: bash\n";
        let source = SourceFile::new(RelPath::new("action.yml"), text.to_owned());
        let c = parse_action(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].purl.to_string(), "pkg:github/actions/setup-node@v4");
    }
}
