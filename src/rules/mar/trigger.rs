//! Dangerous triggers: `pull_request_target`, `workflow_run` and
//! `issue_comment` run with the base repository's secrets and a write token
//! on events anyone can cause. They are an error where the workflow checks
//! out or runs the pull request's code, and a note otherwise.

use std::sync::LazyLock;

use regex::Regex;

use super::check_finding;
use crate::facts::{Step, Trigger, Workflow};
use crate::finding::{Finding, RuleId, Severity};
use crate::location::Location;
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const DANGEROUS_TRIGGER: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/dangerous-trigger"),
    default_severity: Severity::Error,
    summary: "a `pull_request_target`, `workflow_run` or `issue_comment` workflow checks out or runs the pull request's code (a note when it does not)",
    rationale: "These triggers run with the base repository's secrets and a write token on events any GitHub user can cause. Checking out and building the pull request's code there lets any fork run code with those privileges (a \"pwn request\").",
    fix: "Build untrusted code under `pull_request`; if a privileged trigger is needed, do not check out the head ref, or split privileged steps into a separate `workflow_run` that only consumes artifacts as data.",
    example: "requirements:\n  - check: dangerous-trigger",
};

/// The triggers, and why each is dangerous.
const DANGEROUS: &[(&str, &str)] = &[
    (
        "pull_request_target",
        "runs for pull requests from forks with the base repository's secrets and a write token",
    ),
    (
        "workflow_run",
        "runs after another workflow, possibly one a fork's pull request started, with secrets and a write token",
    ),
    (
        "issue_comment",
        "runs for comments anyone can write, with the repository's secrets and a write token",
    ),
];

/// `actions/checkout` `ref:` / `repository:` values that name the pull
/// request's code: its head or merge ref, the triggering run's head, or a
/// head ref a previous step looked up for a comment.
static HEAD_REF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)github\.head_ref|github\.event\.pull_request\.(head\.(sha|ref|repo\.full_name|label)|merge_commit_sha)",
        r"|github\.event\.workflow_run\.(head_sha|head_branch|head_repository\.full_name|pull_requests)",
        r"|refs/pull/|github\.event\.issue\.number|github\.event\.number",
        r"|steps\.[\w-]+\.outputs\.(head_ref|head_sha|head_branch|pr_head[\w-]*|ref|sha)\b",
    ))
    .ok()
});

/// Shell commands that fetch or switch to a pull request's code.
static HEAD_COMMAND: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\bgh\s+pr\s+checkout\b|\brefs/pull/|\bpull/\$\{\{",
        r"|\bgit\s+(fetch|checkout|switch|pull)\b[^\n;&|]*(head_ref|head\.ref|head\.sha|head_sha|head_branch|pull/)",
    ))
    .ok()
});

pub(super) fn check(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    let present: Vec<(&Trigger, &str)> = workflow
        .triggers
        .iter()
        .filter_map(|t| {
            DANGEROUS
                .iter()
                .find(|(event, _)| *event == t.event)
                .map(|(_, why)| (t, *why))
        })
        .collect();
    let Some((first, why)) = present.first() else {
        return;
    };
    let names = present
        .iter()
        .map(|(t, _)| format!("`{}`", t.event))
        .collect::<Vec<_>>()
        .join(", ");
    let checkouts = head_checkouts(ctx, workflow);
    for (at, what) in &checkouts {
        out.extend(check_finding(
            ctx,
            &DANGEROUS_TRIGGER,
            at,
            &format!("{names} {what}"),
            format!(
                "{names} workflow checks out the pull request's code ({what}); `{}` {why}",
                first.event
            ),
            "build untrusted code under `pull_request`, or do not check out the head in this workflow".to_owned(),
        ));
    }
    if !checkouts.is_empty() {
        return;
    }
    for (trigger, why) in present {
        let note = check_finding(
            ctx,
            &DANGEROUS_TRIGGER,
            &trigger.location,
            &trigger.event,
            format!(
                "`{}` {why}; this workflow does not check out or run the pull request's code",
                trigger.event
            ),
            "keep it so: never check out the head ref here, and treat titles, comments and artifacts as data".to_owned(),
        );
        out.extend(note.map(|mut f| {
            f.severity = Severity::Note;
            f
        }));
    }
}

/// Every place that checks out or fetches the pull request's code.
fn head_checkouts(ctx: &Context<'_>, workflow: &Workflow) -> Vec<(Location, String)> {
    let mut found = Vec::new();
    for step in workflow.jobs.iter().flat_map(|j| &j.steps) {
        if is_checkout(step) {
            let head = HEAD_REF.as_ref();
            for entry in step
                .with
                .iter()
                .filter(|e| e.key == "ref" || e.key == "repository")
                .filter(|e| head.is_some_and(|re| re.is_match(&e.value.value)))
            {
                found.push((
                    entry.value.location.clone(),
                    format!("`{}: {}`", entry.key, entry.value.value),
                ));
            }
        }
        if let (Some(run), Some(re)) = (&step.run, HEAD_COMMAND.as_ref())
            && let Some((at, text)) = find_in(ctx, &run.location, re)
        {
            found.push((at, format!("`{text}`")));
        }
    }
    found
}

pub(super) fn is_checkout(step: &Step) -> bool {
    step.uses.as_ref().is_some_and(|u| {
        u.value
            .to_ascii_lowercase()
            .starts_with("actions/checkout@")
    })
}

/// The first match of `re` in the source text of a value, at its place.
fn find_in(ctx: &Context<'_>, within: &Location, re: &Regex) -> Option<(Location, String)> {
    let source = ctx.facts.sources.get(&within.path)?;
    let text = source.text.get(within.span.clone())?;
    let m = re.find(text)?;
    let start = within.span.start + m.start();
    Some((
        source.location(start..within.span.start + m.end()),
        m.as_str().to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_refs_and_commands() {
        let re = HEAD_REF.as_ref().unwrap_or_else(|| panic!("regex"));
        for head in [
            "${{ github.event.pull_request.head.sha }}",
            "${{ github.head_ref }}",
            "refs/pull/${{ github.event.issue.number }}/merge",
            "${{ github.event.workflow_run.head_sha }}",
            "${{ steps.comment-branch.outputs.head_ref }}",
            "${{ github.event.pull_request.head.repo.full_name }}",
        ] {
            assert!(re.is_match(head), "{head}");
        }
        for base in [
            "${{ github.event.pull_request.base.sha }}",
            "main",
            "${{ github.sha }}",
            "${{ github.event.repository.default_branch }}",
        ] {
            assert!(!re.is_match(base), "{base}");
        }
        let cmd = HEAD_COMMAND.as_ref().unwrap_or_else(|| panic!("regex"));
        for run in [
            "gh pr checkout ${{ github.event.issue.number }}",
            "git fetch origin pull/${{ github.event.issue.number }}/head:pr",
            "git checkout ${{ github.head_ref }}",
        ] {
            assert!(cmd.is_match(run), "{run}");
        }
        assert!(!cmd.is_match("git checkout main && gh pr comment 1"));
    }
}
