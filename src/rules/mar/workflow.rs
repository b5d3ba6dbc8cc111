//! Workflow audits: pinned actions and least-privilege tokens, and the
//! entry point that runs every workflow audit (triggers, injection and
//! credentials have their own modules).

use super::check_finding;
use super::{credentials, injection, trigger};
use crate::facts::{Job, Permissions, Spanned, Workflow};
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
    summary: "a job runs with the default token (neither it nor its workflow declares `permissions:`), `write-all` is granted, or a workflow with several jobs grants write scopes to all of them",
    rationale: "Without `permissions:` the GITHUB_TOKEN gets the repository's default scopes, which may include write access to code and releases. Least privilege limits what a compromised step can do.",
    fix: "Add `permissions: { contents: read }` at the top of the workflow and grant write scopes only in the jobs that need them.",
    example: "requirements:\n  - check: workflow-permissions",
};

/// Every workflow audit over one workflow or composite action.
pub(super) fn check(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    unpinned_actions(ctx, workflow, out);
    if workflow.is_workflow {
        permissions(ctx, workflow, out);
        trigger::check(ctx, workflow, out);
    }
    injection::check(ctx, workflow, out);
    for job in &workflow.jobs {
        credentials::check(ctx, job, out);
    }
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

/// Whether a `uses:` is immutable: a full commit SHA, a local action
/// (`./` from the workspace, `$/` from the workflow's own commit), or a
/// `docker://` image with a digest.
fn is_pinned(uses: &str) -> bool {
    if uses.starts_with("./") || uses.starts_with("$/") {
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
    // A reusable workflow's token is bounded by its caller's.
    let reusable_only = workflow.triggers.iter().all(|t| t.event == "workflow_call")
        && !workflow.triggers.is_empty();
    if workflow.permissions.is_none() && !reusable_only {
        for job in workflow.jobs.iter().filter(|j| j.permissions.is_none()) {
            out.extend(default_token(ctx, job));
        }
    }
    // Write scopes at the top reach every job that declares none; with one
    // job, or when every job declares its own, moving them changes nothing.
    let inheriting = workflow
        .jobs
        .iter()
        .filter(|j| j.permissions.is_none())
        .count();
    if let Some(Permissions::Scopes(scopes)) = &workflow.permissions
        && workflow.jobs.len() > 1
        && inheriting > 0
    {
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

/// A job that gets the repository's default token: reported at the job.
fn default_token(ctx: &Context<'_>, job: &Job) -> Option<Finding> {
    let what = if job.uses.is_some() {
        "the reusable workflow it calls gets"
    } else {
        "it runs with"
    };
    check_finding(
        ctx,
        &WORKFLOW_PERMISSIONS,
        &job.location,
        &format!("default {}", job.id),
        format!(
            "job `{}` sets no `permissions:` and neither does the workflow: {what} the repository's default token scopes",
            job.id
        ),
        "add `permissions: { contents: read }` at the top of the workflow and grant write scopes in this job only if it needs them".to_owned(),
    )
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
        assert!(is_pinned("$/.github/workflows/plan.yml"));
        assert!(!is_pinned("docker://alpine:3.20"));
        assert!(is_pinned(
            "docker://alpine@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        ));
    }
}
