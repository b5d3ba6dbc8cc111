//! Reproducible dependencies: lockfiles committed, version ranges bounded.

use super::check_finding;
use crate::finding::{Finding, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

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

/// Lockfiles committed and version ranges bounded.
pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
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
    unbounded_ranges(ctx, out);
}

fn unbounded_ranges(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    for c in ctx.facts.components.iter().filter(|c| c.direct) {
        let Some(message) = unbounded(c) else {
            continue;
        };
        let name = c.purl.without_version();
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

/// Why a direct dependency accepts any future release, if it does. What
/// the manifest says decides (an npm `github:o/r` follows a branch even
/// when the lockfile pinned a commit; so does a Cargo `branch = "main"`);
/// a URL or path source with no version text is bounded by its file.
fn unbounded(c: &crate::facts::Component) -> Option<String> {
    let name = c.purl.without_version();
    if let crate::facts::Source::Git {
        follows_branch: true,
        ..
    } = c.source
    {
        return Some(format!(
            "`{name}` follows a git branch, so every new commit on it is accepted"
        ));
    }
    let requirement = c.requirement.as_deref()?;
    let why = match (&c.source, requirement.is_empty()) {
        (crate::facts::Source::Registry(_), _) | (_, false) => {
            crate::version::unbounded(c.ecosystem(), requirement)?
        }
        _ => return None,
    };
    Some(if requirement.is_empty() {
        format!("`{name}` names no version, so any release is accepted")
    } else {
        format!("`{name}` requires `{requirement}`, which {why}")
    })
}
