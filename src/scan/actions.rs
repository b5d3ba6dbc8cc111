//! GitHub Actions: workflows (`.github/workflows/*.yml`) and composite
//! actions (`action.yml` anywhere), parsed into a spanned [`Workflow`]
//! model (triggers, permissions, jobs, steps) plus the components their
//! `uses:` name: `pkg:github/OWNER/REPO@REF#SUBPATH`, or `pkg:docker` for
//! `docker://` images. Local `./` actions are the repository's own code.
//!
//! YAML 1.2: `on:` is a key, never the boolean `true`.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::docker::ImageRef;
use crate::facts::{
    self, Component, Entry, FileProblem, Input, Job, Permissions, Scope, Source, Step, Trigger,
    Workflow,
};
use crate::location::SourceFile;
use crate::purl::{Ecosystem, Purl};
use crate::yaml::{self, Scalar, Spanned, SpannedMap};

#[derive(Deserialize)]
struct RawWorkflow {
    #[serde(rename = "on")]
    on: Option<Spanned<RawOn>>,
    permissions: Option<Spanned<RawPermissions>>,
    env: Option<RawMap>,
    jobs: Option<SpannedMap<RawJob>>,
}

/// `on: push`, `on: [push, pull_request]` or `on: {push: {...}}`; only the
/// map form gives each event its own span.
enum RawOn {
    One(String),
    Many(Vec<Spanned<String>>),
    Map(Vec<(Spanned<String>, RawEvent)>),
}

/// An event's configuration: only `inputs:` (of `workflow_dispatch` and
/// `workflow_call`) is kept; anything else (filters, cron lists) is skipped.
#[derive(Default)]
struct RawEvent {
    inputs: Vec<(String, Option<String>)>,
}

#[derive(Deserialize)]
struct RawInput {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `permissions: read-all` or `{scope: level}`, every scope with its key's span.
enum RawPermissions {
    Scalar(String),
    Scopes(Vec<(Spanned<String>, Scalar)>),
}

/// A `with:` or `env:` mapping of scalars. A whole-map expression
/// (`env: ${{ fromJSON(...) }}`) has no entries to read.
#[derive(Default)]
struct RawMap(Vec<(Spanned<String>, Spanned<Scalar>)>);

#[derive(Deserialize)]
struct RawJob {
    permissions: Option<Spanned<RawPermissions>>,
    uses: Option<Spanned<String>>,
    env: Option<RawMap>,
    strategy: Option<RawStrategy>,
    steps: Option<Vec<RawStep>>,
}

#[derive(Deserialize)]
struct RawStrategy {
    matrix: Option<Strings>,
}

/// Every string anywhere inside a value (a matrix's entries), in order.
#[derive(Default)]
struct Strings(Vec<String>);

#[derive(Deserialize)]
struct RawStep {
    id: Option<Scalar>,
    uses: Option<Spanned<String>>,
    run: Option<Spanned<Scalar>>,
    with: Option<RawMap>,
    env: Option<RawMap>,
    #[serde(rename = "continue-on-error")]
    continue_on_error: Option<Scalar>,
}

#[derive(Deserialize)]
struct RawAction {
    inputs: Option<SpannedMap<IgnoredAny>>,
    runs: Option<RawRuns>,
}

#[derive(Deserialize)]
struct RawRuns {
    steps: Option<Vec<RawStep>>,
    image: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawOn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawOn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event name, a list of events or a map of events")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawOn, E> {
                Ok(RawOn::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawOn, A::Error> {
                let mut events = Vec::new();
                while let Some(e) = seq.next_element()? {
                    events.push(e);
                }
                Ok(RawOn::Many(events))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawOn, A::Error> {
                let mut events = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    events.push(entry);
                }
                Ok(RawOn::Map(events))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEvent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event's configuration")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEvent, A::Error> {
                let mut event = RawEvent::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key != "inputs" {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let inputs: Option<SpannedMap<Option<RawInput>>> = map.next_value()?;
                    event.inputs = inputs
                        .map(|m| m.0)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(name, input)| (name.value, input.and_then(|i| i.kind)))
                        .collect();
                }
                Ok(event)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawEvent, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawEvent::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RawEvent, E> {
                Ok(RawEvent::default())
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawPermissions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPermissions;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`read-all`, `write-all` or a map of scopes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPermissions, E> {
                Ok(RawPermissions::Scalar(v.to_owned()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawPermissions, E> {
                Ok(RawPermissions::Scopes(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPermissions, A::Error> {
                let mut scopes = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    scopes.push(entry);
                }
                Ok(RawPermissions::Scopes(scopes))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of scalars or an expression")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawMap, E> {
                Ok(RawMap::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawMap, E> {
                Ok(RawMap::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMap, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawMap(entries))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut all = Vec::new();
                while let Some(Strings(s)) = seq.next_element()? {
                    all.extend(s);
                }
                Ok(Strings(all))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strings, A::Error> {
                let mut all = Vec::new();
                while let Some((_, Strings(s))) = map.next_entry::<IgnoredAny, Strings>()? {
                    all.extend(s);
                }
                Ok(Strings(all))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strings, E> {
                Ok(Strings::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Strings, E> {
                Ok(Strings::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Strings, E> {
                Ok(Strings::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strings, E> {
                Ok(Strings::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Strings, E> {
                Ok(Strings::default())
            }
        }
        deserializer.deserialize_any(V)
    }
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
    let (triggers, inputs) = raw.on.map(|on| triggers(source, on)).unwrap_or_default();
    let jobs: Vec<Job> = raw
        .jobs
        .into_iter()
        .flat_map(|j| j.0)
        .map(|(id, job)| Job {
            id: id.value.clone(),
            location: source.location(yaml::span(&id, source)),
            permissions: job.permissions.as_ref().map(|p| permissions(source, p)),
            uses: job.uses.as_ref().map(|u| spanned(source, u)),
            env: entries(source, job.env),
            matrix: job
                .strategy
                .and_then(|s| s.matrix)
                .map(|m| matrix_expressions(&m.0))
                .unwrap_or_default(),
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
        inputs,
        permissions: raw.permissions.as_ref().map(|p| permissions(source, p)),
        env: entries(source, raw.env),
        jobs,
        head: source.location(source.index.line_span(&source.text, 1)),
    };
    let components = uses_components(&workflow);
    Ok((workflow, components))
}

/// The events of `on:`, each at its name, and the inputs of
/// `workflow_dispatch` / `workflow_call`.
fn triggers(source: &SourceFile, on: Spanned<RawOn>) -> (Vec<Trigger>, Vec<Input>) {
    let whole = source.location(yaml::span(&on, source));
    match on.value {
        RawOn::One(event) => (
            vec![Trigger {
                event,
                location: whole,
            }],
            Vec::new(),
        ),
        RawOn::Many(events) => (
            events
                .iter()
                .map(|e| Trigger {
                    event: e.value.trim().to_owned(),
                    location: source.location(yaml::span(e, source)),
                })
                .collect(),
            Vec::new(),
        ),
        RawOn::Map(events) => {
            let mut triggers = Vec::new();
            let mut inputs = Vec::new();
            for (event, config) in events {
                triggers.push(Trigger {
                    event: event.value.clone(),
                    location: source.location(yaml::span(&event, source)),
                });
                if matches!(event.value.as_str(), "workflow_dispatch" | "workflow_call") {
                    inputs.extend(
                        config
                            .inputs
                            .into_iter()
                            .map(|(name, kind)| Input { name, kind }),
                    );
                }
            }
            (triggers, inputs)
        }
    }
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
            id: None,
            uses: Some(spanned(source, &image)),
            run: None,
            run_expressions: Vec::new(),
            with: Vec::new(),
            env: Vec::new(),
            continue_on_error: false,
        });
    }
    let head = source.location(source.index.line_span(&source.text, 1));
    let inputs = raw
        .inputs
        .map(|m| m.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, _)| Input {
            name: name.value,
            kind: None,
        })
        .collect();
    let workflow = Workflow {
        path: source.path.clone(),
        is_workflow: false,
        triggers: Vec::new(),
        inputs,
        permissions: None,
        env: Vec::new(),
        jobs: vec![Job {
            id: "runs".to_owned(),
            location: head.clone(),
            permissions: None,
            uses: None,
            env: Vec::new(),
            matrix: Vec::new(),
            steps,
        }],
        head,
    };
    let components = uses_components(&workflow);
    Ok((workflow, components))
}

fn permissions(source: &SourceFile, raw: &Spanned<RawPermissions>) -> Permissions {
    match &raw.value {
        RawPermissions::Scalar(s) => {
            Permissions::Scalar(s.clone(), source.location(yaml::span(raw, source)))
        }
        RawPermissions::Scopes(scopes) => Permissions::Scopes(
            scopes
                .iter()
                .map(|(scope, level)| {
                    (
                        scope.value.clone(),
                        level.0.clone(),
                        source.location(yaml::span(scope, source)),
                    )
                })
                .collect(),
        ),
    }
}

/// The insides of the `${{ ... }}` in a matrix's strings.
fn matrix_expressions(strings: &[String]) -> Vec<String> {
    strings
        .iter()
        .flat_map(|s| s.split("${{").skip(1))
        .filter_map(|part| {
            part.split_once("}}")
                .map(|(inner, _)| inner.trim().to_owned())
        })
        .collect()
}

/// The entries of a `with:` or `env:` map, each with its expressions.
fn entries(source: &SourceFile, raw: Option<RawMap>) -> Vec<Entry> {
    raw.unwrap_or_default()
        .0
        .into_iter()
        .map(|(key, value)| {
            let span = yaml::span(&value, source);
            Entry {
                key: key.value,
                expressions: expressions(source, span.clone()),
                value: facts::Spanned {
                    value: value.value.0,
                    location: source.location(span),
                },
            }
        })
        .collect()
}

fn step(source: &SourceFile, raw: RawStep) -> Step {
    let run_expressions = raw
        .run
        .as_ref()
        .map(|r| expressions(source, yaml::span(r, source)))
        .unwrap_or_default();
    Step {
        id: raw.id.map(|i| i.0),
        uses: raw.uses.as_ref().map(|u| spanned(source, u)),
        run: raw.run.as_ref().map(|r| facts::Spanned {
            value: r.value.0.clone(),
            location: source.location(yaml::span(r, source)),
        }),
        run_expressions,
        with: entries(source, raw.with),
        env: entries(source, raw.env),
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
/// actions (`./path`, and GitHub's self-repository form `$/path`).
fn component(uses: &facts::Spanned) -> Option<Component> {
    let text = uses.value.as_str();
    let location = uses.location.clone();
    if text.starts_with("./") || text.starts_with(".\\") || text.starts_with("$/") {
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
        let triggers: Vec<_> = w
            .triggers
            .iter()
            .map(|t| (t.event.as_str(), t.location.line, t.location.column))
            .collect();
        assert_eq!(triggers, [("pull_request_target", 2, 3), ("push", 4, 3)]);
        let Some(Permissions::Scopes(scopes)) = &w.permissions else {
            panic!("scopes")
        };
        let scopes: Vec<_> = scopes
            .iter()
            .map(|(s, l, at)| (s.as_str(), l.as_str(), at.line, at.column))
            .collect();
        // Each scope at its own key, not at the first key of the map.
        assert_eq!(
            scopes,
            [("contents", "write", 6, 3), ("issues", "read", 7, 3)]
        );
        assert!(
            matches!(&w.jobs[0].permissions, Some(Permissions::Scalar(s, l)) if s == "write-all" && l.line == 10)
        );
        let step = &w.jobs[0].steps[0];
        assert!(step.continue_on_error);
        let exprs: Vec<_> = step
            .run_expressions
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
        let script = gs.input("script").unwrap_or_else(|| panic!("script"));
        assert_eq!(script.expressions[0].value, "github.head_ref");
        assert_eq!(
            gs.input("retries").map(|e| e.value.value.as_str()),
            Some("3")
        );
    }

    #[test]
    fn trigger_forms_inputs_and_env() {
        let one = "on: issue_comment\njobs: {}\n";
        let source = SourceFile::new(RelPath::new(".github/workflows/a.yml"), one.to_owned());
        let (w, _) = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(w.triggers[0].event, "issue_comment");
        assert_eq!(w.triggers[0].location.column, 5);
        let many = "on: [push, workflow_run]\njobs: {}\n";
        let source = SourceFile::new(RelPath::new(".github/workflows/b.yml"), many.to_owned());
        let (w, _) = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let cols: Vec<_> = w.triggers.iter().map(|t| t.location.column).collect();
        assert_eq!(cols, [6, 12]);
        let text = "on:\n  schedule:\n    - cron: '0 0 * * *'\n  workflow_dispatch:\n    inputs:\n      tag: { required: true }\n      dry: { type: boolean }\nenv:\n  TAG: ${{ inputs.tag }}\njobs:\n  a:\n    env: { B: x }\n    steps:\n      - id: s1\n        env:\n          C: ${{ github.head_ref }}\n        run: echo \"$C\"\n";
        let source = SourceFile::new(RelPath::new(".github/workflows/c.yml"), text.to_owned());
        let (w, _) = parse_workflow(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let inputs: Vec<_> = w
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.kind.as_deref()))
            .collect();
        assert_eq!(inputs, [("tag", None), ("dry", Some("boolean"))]);
        assert_eq!(w.env[0].key, "TAG");
        assert_eq!(w.env[0].expressions[0].value, "inputs.tag");
        assert_eq!(w.env[0].expressions[0].location.line, 9);
        assert_eq!(w.jobs[0].env[0].value.value, "x");
        let step = &w.jobs[0].steps[0];
        assert_eq!(step.id.as_deref(), Some("s1"));
        assert_eq!(step.env[0].expressions[0].value, "github.head_ref");
        assert!(step.run_expressions.is_empty());
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
