//! GitHub Actions: workflows (`.github/workflows/*.yml`) and composite
//! actions (`action.yml` anywhere), parsed into a spanned [`Workflow`]
//! model (triggers, permissions, jobs, steps) plus the components their
//! `uses:` name: `pkg:github/OWNER/REPO@REF#SUBPATH`, or `pkg:docker` for
//! `docker://` images. Local `./` actions are the repository's own code.
//!
//! YAML 1.2: `on:` is a key, never the boolean `true`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::docker::ImageRef;
use crate::facts::{self, Component, FileProblem, Job, Permissions, Scope, Source, Step, Workflow};
use crate::location::SourceFile;
use crate::purl::{Ecosystem, Purl};
use crate::yaml::{self, Scalar, Spanned, SpannedMap};

#[derive(Deserialize)]
struct RawWorkflow {
    #[serde(rename = "on")]
    on: Option<Triggers>,
    permissions: Option<Spanned<RawPermissions>>,
    jobs: Option<SpannedMap<RawJob>>,
}

/// `on: push`, `on: [push, pull_request]` or `on: {push: {...}}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Triggers {
    One(String),
    Many(Vec<String>),
    Map(BTreeMap<String, serde::de::IgnoredAny>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPermissions {
    Scalar(String),
    Scopes(BTreeMap<String, String>),
}

#[derive(Deserialize)]
struct RawJob {
    permissions: Option<Spanned<RawPermissions>>,
    uses: Option<Spanned<String>>,
    steps: Option<Vec<RawStep>>,
}

#[derive(Deserialize)]
struct RawStep {
    uses: Option<Spanned<String>>,
    run: Option<Spanned<Scalar>>,
    with: Option<SpannedMap<Spanned<Scalar>>>,
    #[serde(rename = "continue-on-error")]
    continue_on_error: Option<Scalar>,
}

#[derive(Deserialize)]
struct RawAction {
    runs: Option<RawRuns>,
}

#[derive(Deserialize)]
struct RawRuns {
    steps: Option<Vec<RawStep>>,
    image: Option<Spanned<String>>,
}

fn problem(source: &SourceFile, e: yaml::YamlError) -> FileProblem {
    FileProblem::Unparsable {
        location: source.location(e.span),
        message: e.message,
    }
}

fn spanned(source: &SourceFile, value: &Spanned<String>) -> facts::Spanned {
    facts::Spanned {
        value: value.value.trim().to_owned(),
        location: source.location(yaml::span(value, source)),
    }
}

/// A parsed workflow or composite action and the components it uses.
pub type Parsed = (Workflow, Vec<Component>);

pub fn parse_workflow(source: &SourceFile) -> Result<Parsed, FileProblem> {
    let raw: RawWorkflow = yaml::from_source(source).map_err(|e| problem(source, e))?;
    let triggers = match raw.on {
        Some(Triggers::One(t)) => vec![t],
        Some(Triggers::Many(ts)) => ts,
        Some(Triggers::Map(m)) => m.into_keys().collect(),
        None => Vec::new(),
    };
    let jobs: Vec<Job> = raw
        .jobs
        .into_iter()
        .flat_map(|j| j.0)
        .map(|(id, job)| Job {
            id: id.value.clone(),
            location: source.location(yaml::span(&id, source)),
            permissions: job.permissions.as_ref().map(|p| permissions(source, p)),
            uses: job.uses.as_ref().map(|u| spanned(source, u)),
            steps: job
                .steps
                .unwrap_or_default()
                .into_iter()
                .map(|s| step(source, s))
                .collect(),
        })
        .collect();
    let workflow = Workflow {
        path: source.path.clone(),
        is_workflow: true,
        triggers,
        permissions: raw.permissions.as_ref().map(|p| permissions(source, p)),
        jobs,
        head: source.location(source.index.line_span(&source.text, 1)),
    };
    let components = uses_components(&workflow);
    Ok((workflow, components))
}

pub fn parse_action(source: &SourceFile) -> Result<Parsed, FileProblem> {
    let raw: RawAction = yaml::from_source(source).map_err(|e| problem(source, e))?;
    let (raw_steps, image) = match raw.runs {
        Some(r) => (r.steps.unwrap_or_default(), r.image),
        None => (Vec::new(), None),
    };
    let mut steps: Vec<Step> = raw_steps.into_iter().map(|s| step(source, s)).collect();
    // A Docker action's `image: docker://...` (a `Dockerfile` is built locally).
    if let Some(image) = image.filter(|i| i.value.starts_with("docker://")) {
        steps.push(Step {
            uses: Some(spanned(source, &image)),
            run: None,
            script_expressions: Vec::new(),
            with: Vec::new(),
            continue_on_error: false,
        });
    }
    let head = source.location(source.index.line_span(&source.text, 1));
    let workflow = Workflow {
        path: source.path.clone(),
        is_workflow: false,
        triggers: Vec::new(),
        permissions: None,
        jobs: vec![Job {
            id: "runs".to_owned(),
            location: head.clone(),
            permissions: None,
            uses: None,
            steps,
        }],
        head,
    };
    let components = uses_components(&workflow);
    Ok((workflow, components))
}

fn permissions(source: &SourceFile, raw: &Spanned<RawPermissions>) -> Permissions {
    let location = source.location(yaml::span(raw, source));
    match &raw.value {
        RawPermissions::Scalar(s) => Permissions::Scalar(s.clone(), location),
        RawPermissions::Scopes(map) => {
            // Scope keys lose their spans inside the untagged map: locate
            // each `scope:` key within the mapping's text.
            let region = source.text.get(location.span.clone()).unwrap_or("");
            let scopes = map
                .iter()
                .map(|(scope, level)| {
                    let at = region
                        .find(&format!("{scope}:"))
                        .map_or(location.span.start, |i| location.span.start + i);
                    (
                        scope.clone(),
                        level.clone(),
                        source.location(at..at + scope.len()),
                    )
                })
                .collect();
            Permissions::Scopes(scopes)
        }
    }
}

fn step(source: &SourceFile, raw: RawStep) -> Step {
    let mut script_expressions = raw
        .run
        .as_ref()
        .map(|r| expressions(source, yaml::span(r, source)))
        .unwrap_or_default();
    let is_github_script = raw
        .uses
        .as_ref()
        .is_some_and(|u| u.value.trim().starts_with("actions/github-script@"));
    let with: Vec<(String, facts::Spanned)> = raw
        .with
        .map(|w| w.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| {
            let span = yaml::span(&value, source);
            if is_github_script && key.value == "script" {
                script_expressions.extend(expressions(source, span.clone()));
            }
            (
                key.value,
                facts::Spanned {
                    value: value.value.0,
                    location: source.location(span),
                },
            )
        })
        .collect();
    Step {
        uses: raw.uses.as_ref().map(|u| spanned(source, u)),
        run: raw.run.as_ref().map(|r| facts::Spanned {
            value: r.value.0.clone(),
            location: source.location(yaml::span(r, source)),
        }),
        script_expressions,
        with,
        continue_on_error: raw.continue_on_error.is_some_and(|c| c.0 == "true"),
    }
}

/// Every `${{ ... }}` in the source text of a value, at its exact place
/// (block scalars are searched as written, so columns are the file's).
fn expressions(source: &SourceFile, span: std::ops::Range<usize>) -> Vec<facts::Spanned> {
    let Some(text) = source.text.get(span.clone()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|t| t.find("${{")) {
        let start = from + open;
        let Some(close) = text.get(start..).and_then(|t| t.find("}}")) else {
            break;
        };
        let end = start + close + 2;
        let inner = text.get(start + 3..end - 2).unwrap_or("").trim();
        out.push(facts::Spanned {
            value: inner.to_owned(),
            location: source.location(span.start + start..span.start + end),
        });
        from = end;
    }
    out
}

fn uses_components(workflow: &Workflow) -> Vec<Component> {
    let job_uses = workflow.jobs.iter().filter_map(|j| j.uses.as_ref());
    let step_uses = workflow
        .jobs
        .iter()
        .flat_map(|j| &j.steps)
        .filter_map(|s| s.uses.as_ref());
    job_uses.chain(step_uses).filter_map(component).collect()
}

/// The component a `uses:` names, or `None` for the repository's own
/// actions (`./path`).
fn component(uses: &facts::Spanned) -> Option<Component> {
    let text = uses.value.as_str();
    let location = uses.location.clone();
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
            license_note: None,
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
        license_note: None,
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
        let (_, c) = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = c
            .iter()
            .map(|c| (c.purl.to_string(), c.location.line))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "pkg:github/octo/shared@main#.github/workflows/ci.yml".to_owned(),
                    12
                ),
                (
                    "pkg:github/actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8"
                        .to_owned(),
                    6
                ),
                ("pkg:github/github/codeql-action@v3#analyze".to_owned(), 7),
                ("pkg:docker/library/alpine@3.20".to_owned(), 9),
            ]
        );
        assert_eq!(
            &text[c[2].location.span.clone()],
            "github/codeql-action/analyze@v3"
        );
    }

    #[test]
    fn model_keeps_triggers_permissions_and_expressions() {
        let text = "on:\n  pull_request_target:\n    types: [opened]\n  push:\npermissions:\n  contents: write\n  issues: read\njobs:\n  a:\n    permissions: write-all\n    steps:\n      - run: |\n          echo \"${{ github.event.pull_request.title }}\"\n          echo ${{ env.SAFE }}\n        continue-on-error: true\n      - uses: actions/github-script@v7\n        with:\n          script: console.log(\"${{ github.head_ref }}\")\n          retries: 3\n";
        let source = SourceFile::new(RelPath::new(".github/workflows/x.yml"), text.to_owned());
        let (w, _) = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(w.triggers, ["pull_request_target", "push"]);
        let Some(Permissions::Scopes(scopes)) = &w.permissions else {
            panic!("scopes")
        };
        assert_eq!(
            (scopes[0].0.as_str(), scopes[0].1.as_str(), scopes[0].2.line),
            ("contents", "write", 6)
        );
        assert!(
            matches!(&w.jobs[0].permissions, Some(Permissions::Scalar(s, l)) if s == "write-all" && l.line == 10)
        );
        let step = &w.jobs[0].steps[0];
        assert!(step.continue_on_error);
        let exprs: Vec<_> = step
            .script_expressions
            .iter()
            .map(|e| (e.value.as_str(), e.location.line, e.location.column))
            .collect();
        assert_eq!(
            exprs,
            [
                ("github.event.pull_request.title", 13, 17),
                ("env.SAFE", 14, 16)
            ]
        );
        let gs = &w.jobs[0].steps[1];
        assert_eq!(gs.script_expressions[0].value, "github.head_ref");
        assert_eq!(gs.with[1].1.value, "3");
    }

    #[test]
    fn composite_action_steps() {
        let text = "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n    - run: npm ci\n      shell: bash\n";
        let source = SourceFile::new(RelPath::new("action.yml"), text.to_owned());
        let (w, c) = parse_action(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!w.is_workflow);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].purl.to_string(), "pkg:github/actions/setup-node@v4");
    }
}
