//! Which expression contexts someone other than the workflow's author
//! controls, and how sure that is: the capability table behind
//! `script-injection`.
//!
//! *High*: anyone on GitHub can set the value (titles, bodies and comments,
//! a fork's branch name, commit messages and authors, labels, wiki page
//! names). *Medium*: a less-trusted actor can (whoever pushes a branch or
//! tag, publishes a release, dispatches or calls the workflow), or the value
//! passes through a step or job output that may carry such text.
//! Everything else — ids, numbers, SHAs, URLs GitHub builds, logins (whose
//! alphabet cannot break out of a shell word), repository settings — is not
//! reported.

use std::sync::LazyLock;

use regex::Regex;

use crate::facts::{Job, Workflow};
use crate::finding::Confidence;

/// Who controls a context, and how sure that is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Taint {
    pub confidence: Confidence,
    pub who: &'static str,
}

const fn high(who: &'static str) -> Taint {
    Taint {
        confidence: Confidence::High,
        who,
    }
}

const fn medium(who: &'static str) -> Taint {
    Taint {
        confidence: Confidence::Medium,
        who,
    }
}

/// Event payload contexts (normalised: lower case, indices as `*`).
const PAYLOAD: &[(&str, Taint)] = &[
    (
        r"github\.head_ref|github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)|github\.event\.workflow_run\.(head_branch|pull_requests\.\*\.head\.ref)|github\.event\.(check_suite|check_run\.check_suite)\.head_branch",
        high("the pull request's branch name, chosen by its author"),
    ),
    (
        r"github|github\.event|github\.event\.(issue|pull_request|discussion|comment|review|review_comment|answer|commits|head_commit|pages|workflow_run)",
        high("the whole event payload, which carries titles, bodies and branch names"),
    ),
    (
        r"github\.event\.(issue|pull_request|discussion|comment|review|review_comment|answer)\.(title|body)|github\.event\.(issue|pull_request)\.milestone\.(title|description)|github\.event\.changes\.(title|body)\.from|github\.event\.workflow_run\.display_title",
        high(
            "text written by whoever opens the issue, pull request, discussion, review or comment",
        ),
    ),
    (
        r"github\.event\.(commits\.\*|head_commit|merge_group\.head_commit|workflow_run\.head_commit)\.(message|(author|committer)\.(name|email|username))",
        high("commit metadata, written by the commit's author"),
    ),
    (
        r"github\.event\.(label|(issue|pull_request|discussion)\.labels\.\*)\.name",
        high("a label name, written by whoever creates the label"),
    ),
    (
        r"github\.event\.pages\.\*\.(page_name|title)",
        high("a wiki page name, written by whoever edits the wiki"),
    ),
    (
        r"github\.(base_ref|ref|ref_name)|github\.event\.(ref|base_ref)|github\.event\.pull_request\.base\.(ref|label)",
        medium("a branch or tag name, chosen by whoever pushes it"),
    ),
    (
        r"github\.event\.release\.(tag_name|name|body)",
        medium("release text, written by whoever publishes the release"),
    ),
    (
        r"github\.event\.client_payload(\..+)?",
        medium("a `repository_dispatch` payload, sent by whoever holds a token for the repository"),
    ),
    (
        r"needs\.[^.]+\.outputs\..+",
        medium("another job's output, which may carry any text that job read"),
    ),
];

const INPUT: Taint = medium("a string input, given by whoever dispatches or calls the workflow");
const ACTION_INPUT: Taint = medium("an input of the action, given by the workflow that uses it");
const STEP_OUTPUT: Taint = medium("a step's output, which may carry any text the step read");

/// Actions whose outputs are versions, paths, ids, hashes or booleans they
/// compute themselves: no outside text reaches them.
const FIXED_OUTPUTS: &[&str] = &[
    "actions/setup-python",
    "actions/setup-node",
    "actions/setup-go",
    "actions/setup-java",
    "actions/setup-dotnet",
    "actions/cache",
    "actions/cache/restore",
    "actions/cache/save",
    "actions/upload-artifact",
    "actions/download-artifact",
    "actions/create-github-app-token",
    "actions/configure-pages",
    "actions/deploy-pages",
    "actions/attest-build-provenance",
    "astral-sh/setup-uv",
    "dtolnay/rust-toolchain",
    "docker/setup-buildx-action",
    "ruby/setup-ruby",
];

static COMPILED: LazyLock<Vec<(Regex, Taint)>> = LazyLock::new(|| {
    PAYLOAD
        .iter()
        .filter_map(|(pattern, taint)| {
            Regex::new(&format!("^(?:{pattern})$"))
                .ok()
                .map(|re| (re, *taint))
        })
        .collect()
});

/// Who controls a (normalised) context in this job, or `None` when no one
/// but the workflow's author does. `env.*` is resolved by the caller.
pub fn classify(path: &str, workflow: &Workflow, job: &Job) -> Option<Taint> {
    if let Some(name) = path
        .strip_prefix("inputs.")
        .or_else(|| path.strip_prefix("github.event.inputs."))
    {
        return input(name, workflow);
    }
    if let Some(rest) = path.strip_prefix("steps.") {
        return step_output(rest, job);
    }
    COMPILED
        .iter()
        .find(|(re, _)| re.is_match(path))
        .map(|(_, taint)| *taint)
}

/// A declared input is injectable unless its type admits no free text
/// (GitHub validates booleans, numbers, choices and environments).
fn input(name: &str, workflow: &Workflow) -> Option<Taint> {
    let name = name.split('.').next().unwrap_or(name);
    let fallback = if workflow.is_workflow {
        INPUT
    } else {
        ACTION_INPUT
    };
    let declared: Vec<_> = workflow
        .inputs
        .iter()
        .filter(|i| i.name.eq_ignore_ascii_case(name))
        .collect();
    let free_text = declared.is_empty()
        || declared.iter().any(|i| {
            !matches!(
                i.kind.as_deref().map(str::to_ascii_lowercase).as_deref(),
                Some("boolean" | "number" | "choice" | "environment")
            )
        });
    free_text.then_some(fallback)
}

/// `steps.<id>.outputs.<name>`: reported unless the step is an action
/// known to compute its outputs itself, or the repository's own action
/// (`uses: ./…`): its code is reviewed with the workflow that runs it, so
/// its outputs are as trusted as the workflow (a head checkout that swaps
/// that code is `dangerous-trigger`'s finding).
fn step_output(rest: &str, job: &Job) -> Option<Taint> {
    let (id, tail) = rest.split_once('.')?;
    if tail != "outputs" && !tail.starts_with("outputs.") {
        return None; // `steps.x.outcome` / `conclusion` are fixed words
    }
    let producer = job
        .steps
        .iter()
        .find(|s| s.id.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(id)));
    let fixed = producer
        .and_then(|s| s.uses.as_ref())
        .map(|u| u.value.split('@').next().unwrap_or("").to_ascii_lowercase())
        .is_some_and(|action| action.starts_with("./") || FIXED_OUTPUTS.contains(&action.as_str()));
    (!fixed).then_some(STEP_OUTPUT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Input, Spanned, Step};
    use crate::location::{Location, RelPath};

    fn workflow(inputs: &[(&str, Option<&str>)]) -> Workflow {
        let head = Location::file(RelPath::new(".github/workflows/x.yml"));
        Workflow {
            path: RelPath::new(".github/workflows/x.yml"),
            is_workflow: true,
            triggers: Vec::new(),
            inputs: inputs
                .iter()
                .map(|(n, k)| Input {
                    name: (*n).to_owned(),
                    kind: k.map(str::to_owned),
                })
                .collect(),
            permissions: None,
            env: Vec::new(),
            jobs: Vec::new(),
            head,
        }
    }

    fn job(steps: &[(&str, &str)]) -> Job {
        let at = Location::file(RelPath::new(".github/workflows/x.yml"));
        Job {
            id: "j".into(),
            location: at.clone(),
            permissions: None,
            uses: None,
            env: Vec::new(),
            matrix: Vec::new(),
            steps: steps
                .iter()
                .map(|(id, uses)| Step {
                    id: Some((*id).to_owned()),
                    uses: Some(Spanned {
                        value: (*uses).to_owned(),
                        location: at.clone(),
                    }),
                    run: None,
                    run_expressions: Vec::new(),
                    with: Vec::new(),
                    env: Vec::new(),
                    continue_on_error: false,
                })
                .collect(),
        }
    }

    fn confidence(path: &str) -> Option<Confidence> {
        let w = workflow(&[
            ("tag", None),
            ("dry", Some("boolean")),
            ("env", Some("choice")),
        ]);
        let j = job(&[
            ("py", "actions/setup-python@v5"),
            ("meta", "some/action@v1"),
            ("own", "./"),
            ("own-sub", "./.github/actions/setup"),
        ]);
        classify(path, &w, &j).map(|t| t.confidence)
    }

    #[test]
    fn the_capability_table() {
        use Confidence::{High, Medium};
        for (path, want) in [
            ("github.event.issue.title", Some(High)),
            ("github.event.pull_request.body", Some(High)),
            ("github.event.comment.body", Some(High)),
            ("github.event.review.body", Some(High)),
            ("github.head_ref", Some(High)),
            ("github.event.pull_request.head.ref", Some(High)),
            ("github.event.commits.*.message", Some(High)),
            ("github.event.head_commit.author.email", Some(High)),
            ("github.event.pages.*.page_name", Some(High)),
            ("github.event.pull_request.labels.*.name", Some(High)),
            ("github.event.workflow_run.head_branch", Some(High)),
            ("github.event", Some(High)),
            ("github.base_ref", Some(Medium)),
            ("github.ref_name", Some(Medium)),
            ("github.event.release.tag_name", Some(Medium)),
            ("inputs.tag", Some(Medium)),
            ("github.event.inputs.tag", Some(Medium)),
            ("inputs.undeclared", Some(Medium)),
            ("needs.build.outputs.version", Some(Medium)),
            ("steps.meta.outputs.tags", Some(Medium)),
            ("steps.missing.outputs.x", Some(Medium)),
            ("inputs.dry", None),
            ("inputs.env", None),
            ("steps.py.outputs.python-path", None),
            ("steps.own.outputs.python-path", None),
            ("steps.own-sub.outputs.dir", None),
            ("steps.meta.outcome", None),
            ("github.event.pull_request.number", None),
            ("github.event.pull_request.head.sha", None),
            ("github.sha", None),
            ("github.actor", None),
            ("github.event.pull_request.user.login", None),
            ("github.repository", None),
            ("github.workspace", None),
            ("secrets.token", None),
            ("matrix.os", None),
            ("runner.temp", None),
        ] {
            assert_eq!(confidence(path), want, "{path}");
        }
        assert_eq!(COMPILED.len(), PAYLOAD.len(), "a pattern does not compile");
    }
}
