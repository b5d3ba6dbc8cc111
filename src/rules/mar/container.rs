//! Container audits: the final stage's user and pinned base images.

use super::check_finding;
use crate::facts::{BaseImage, Dockerfile, Spanned, Stage};
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const CONTAINER_ROOT_USER: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/container-root-user"),
    default_severity: Severity::Warning,
    summary: "a Dockerfile's final stage runs as root (no `USER` on a base image that runs as root, or `USER root`/`0`); a `FROM scratch` stage without `CMD`/`ENTRYPOINT` only exports files and is not checked",
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

/// Every container audit over one Dockerfile.
pub(super) fn check(ctx: &Context<'_>, dockerfile: &Dockerfile, out: &mut Vec<Finding>) {
    root_user(ctx, dockerfile, out);
    base_images(ctx, dockerfile, out);
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

/// Base images whose default user is not root: distroless `nonroot` tags
/// (uid 65532) and Chainguard's runtime images (uid 65532 unless a `-dev`
/// tag). Repository and tag only; the digest does not change the user.
fn runs_as_non_root(image: &BaseImage) -> bool {
    let name = image
        .reference
        .split('@')
        .next()
        .unwrap_or("")
        .rsplit_once(':')
        .filter(|(_, tag)| !tag.contains('/'))
        .map_or(image.reference.as_str(), |(name, _)| name)
        .to_ascii_lowercase();
    let tag = image
        .tag
        .as_deref()
        .unwrap_or("latest")
        .to_ascii_lowercase();
    if name.starts_with("gcr.io/distroless/") {
        return tag.contains("nonroot");
    }
    const CHAINGUARD: &[&str] = &["static", "glibc-dynamic", "python", "node", "jre", "nginx"];
    name.strip_prefix("cgr.dev/chainguard/")
        .is_some_and(|image| CHAINGUARD.contains(&image) && !tag.ends_with("-dev"))
}

/// The stages a stage builds on, itself first (bounded by the stage count).
fn chain(dockerfile: &Dockerfile, index: usize) -> Vec<&Stage> {
    let mut out = Vec::new();
    let mut next = Some(index);
    while let Some(i) = next {
        let Some(stage) = dockerfile.stages.get(i) else {
            break;
        };
        if out.len() > dockerfile.stages.len() {
            break;
        }
        out.push(stage);
        next = stage.parent;
    }
    out
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
    let stages = chain(dockerfile, last);
    let root = stages.last().copied().unwrap_or(final_stage);
    // `FROM scratch` + `COPY --from=build` with nothing to run exports build
    // output (`docker build --output`): no container runs from it.
    let exports_only = root.scratch && !stages.iter().any(|s| s.runs);
    let non_root_base = root.image.as_ref().is_some_and(runs_as_non_root);
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
        None if exports_only || non_root_base => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::{Location, RelPath};

    fn image(reference: &str, tag: Option<&str>) -> BaseImage {
        BaseImage {
            reference: reference.to_owned(),
            tag: tag.map(str::to_owned),
            digest: None,
            location: Location::file(RelPath::new("Dockerfile")),
        }
    }

    #[test]
    fn non_root_base_images() {
        for (r, t) in [
            ("gcr.io/distroless/static-debian12:nonroot", Some("nonroot")),
            (
                "gcr.io/distroless/base:debug-nonroot",
                Some("debug-nonroot"),
            ),
            ("cgr.dev/chainguard/static:latest", Some("latest")),
            ("cgr.dev/chainguard/python", None),
        ] {
            assert!(runs_as_non_root(&image(r, t)), "{r}");
        }
        for (r, t) in [
            ("gcr.io/distroless/static-debian12", None),
            ("gcr.io/distroless/base:debug", Some("debug")),
            ("cgr.dev/chainguard/python:latest-dev", Some("latest-dev")),
            ("cgr.dev/chainguard/wolfi-base", None),
            ("debian:12-slim", Some("12-slim")),
        ] {
            assert!(!runs_as_non_root(&image(r, t)), "{r}");
        }
    }
}
