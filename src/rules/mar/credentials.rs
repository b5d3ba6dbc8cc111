//! Persisted credentials: `actions/checkout` writes the job's token into
//! `.git/config` unless told not to; every later step can read it, and an
//! artifact that uploads the workspace (with its hidden files) publishes it.

use super::check_finding;
use super::trigger::is_checkout;
use crate::facts::{Entry, Job, Step};
use crate::finding::{Finding, Related, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const PERSISTED_CREDENTIALS: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/persisted-credentials"),
    default_severity: Severity::Warning,
    summary: "`actions/checkout` without `persist-credentials: false` (an error when the same job then uploads an artifact holding the workspace root or `.git`)",
    rationale: "checkout stores the GITHUB_TOKEN in `.git/config` for the rest of the job: every later step and action can read it, and an artifact of the workspace (`path: .`) hands it to anyone who can download the artifact.",
    fix: "Add `with: { persist-credentials: false }` to the checkout; a step that must push can pass the token explicitly (`git push https://x-access-token:${GH_TOKEN}@github.com/...`).",
    example: "requirements:\n  - check: persisted-credentials",
};

/// The `with:` to add, as the help shows it.
const ADD_WITH: &str = "with:\n  persist-credentials: false";

pub(super) fn check(ctx: &Context<'_>, job: &Job, out: &mut Vec<Finding>) {
    for (index, step) in job.steps.iter().enumerate() {
        if !is_checkout(step) {
            continue;
        }
        let Some(uses) = &step.uses else { continue };
        let setting = step
            .input("persist-credentials")
            .map(|e| e.value.value.trim());
        // An expression cannot be judged; `true` is a deliberate, visible
        // choice (a job that pushes) and only matters with a leaking upload.
        let explicit = match setting {
            Some(v) if v.eq_ignore_ascii_case("false") => continue,
            Some(v) if v.contains("${{") => continue,
            Some(_) => true,
            None => false,
        };
        let upload = job
            .steps
            .iter()
            .skip(index + 1)
            .find_map(|s| leaking_upload(ctx, s));
        let (message, severity) = match &upload {
            Some((at, what)) => (
                format!(
                    "`{}` leaves the job's token in `.git/config`, and the artifact uploaded at line {} ({what}) includes it",
                    uses.value, at.value.location.line
                ),
                Some(Severity::Error),
            ),
            None if explicit => continue,
            None => (
                format!(
                    "`{}` leaves the job's token in `.git/config` for every later step",
                    uses.value
                ),
                None,
            ),
        };
        let help = if step.with.is_empty() {
            format!("add to the checkout step:\n{ADD_WITH}")
        } else if explicit {
            "set `persist-credentials: false` and pass the token explicitly to the step that pushes"
                .to_owned()
        } else {
            "add `persist-credentials: false` under the step's `with:`".to_owned()
        };
        let Some(mut f) = check_finding(
            ctx,
            &PERSISTED_CREDENTIALS,
            &uses.location,
            "checkout",
            message,
            help,
        ) else {
            continue;
        };
        if let Some(severity) = severity {
            f.severity = f.severity.max(severity);
        }
        if let Some((entry, _)) = upload {
            f.related.push(Related {
                location: entry.value.location.clone(),
                message: "this upload includes `.git/config`".to_owned(),
            });
        }
        out.push(f);
    }
}

/// An upload step whose `path:` holds the workspace root or `.git` with
/// hidden files included, its `path:` entry and why it leaks.
fn leaking_upload<'a>(ctx: &Context<'_>, step: &'a Step) -> Option<(&'a Entry, String)> {
    let uses = step.uses.as_ref()?;
    let (name, reference) = uses.value.split_once('@').unwrap_or((&uses.value, ""));
    // upload-pages-artifact tars with `--exclude=.git`: it cannot leak it.
    if !name.eq_ignore_ascii_case("actions/upload-artifact") {
        return None;
    }
    let path = step.input("path")?;
    let root = path
        .value
        .value
        .lines()
        .map(str::trim)
        .find(|p| is_workspace_or_git(p))?;
    let hidden = step
        .input("include-hidden-files")
        .map(|e| e.value.value.trim().eq_ignore_ascii_case("true"));
    let version = version_of(ctx, uses, reference);
    match (hidden, version) {
        (Some(true), _) => Some((
            path,
            format!("`path: {root}` with `include-hidden-files: true`"),
        )),
        // v3.2 and v4.4 stopped uploading hidden files unless asked to.
        (_, Some(v)) if v >= (4, 4) || (v.0 == 3 && v >= (3, 2)) => None,
        (Some(false), _) => None,
        (None, Some(_)) => Some((
            path,
            format!("`path: {root}`, and this version uploads hidden files"),
        )),
        (None, None) => Some((
            path,
            format!("`path: {root}`, with hidden files unless it is v3.2/v4.4 or later"),
        )),
    }
}

fn is_workspace_or_git(path: &str) -> bool {
    let path = path.trim_matches(['"', '\'']);
    let compact: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let root = compact
        .trim_end_matches('/')
        .trim_end_matches("/.")
        .to_ascii_lowercase();
    matches!(
        root.as_str(),
        "." | ".." | "${{github.workspace}}" | "$github_workspace" | "${github_workspace}"
    ) || root == ".git"
        || root.starts_with(".git/")
        || root.starts_with("./.git")
        || root.ends_with("}}/.git")
}

/// `(major, minor)` of an action reference (`v4`, `v4.6.2`), or of the
/// `# v4.6.2` comment after a SHA pin.
fn version_of(
    ctx: &Context<'_>,
    uses: &crate::facts::Spanned,
    reference: &str,
) -> Option<(u32, u32)> {
    parse_version(reference).or_else(|| {
        let source = ctx.facts.sources.get(&uses.location.path)?;
        let rest = source.text.get(uses.location.span.end..)?;
        let line = rest.split('\n').next()?;
        let comment = line.split_once('#')?.1;
        parse_version(comment.split_whitespace().next()?)
    })
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let digits = text.trim().strip_prefix('v').unwrap_or(text.trim());
    let mut parts = digits.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(u32::MAX), |m| m.parse().ok())?;
    // A bare major (`v4`) follows its latest release.
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_paths() {
        for p in [
            ".",
            "./",
            "${{ github.workspace }}",
            "${{ github.workspace }}/",
            ".git",
            "./.git/config",
            "'.'",
        ] {
            assert!(is_workspace_or_git(p), "{p}");
        }
        for p in [
            "dist/",
            "./build",
            "target/release/app",
            "coverage.xml",
            "!.git",
            "*.log",
        ] {
            assert!(!is_workspace_or_git(p), "{p}");
        }
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("v4.6.2"), Some((4, 6)));
        assert_eq!(parse_version("v4"), Some((4, u32::MAX)));
        assert_eq!(parse_version("v3.1.0"), Some((3, 1)));
        assert_eq!(parse_version("main"), None);
        assert_eq!(parse_version("0123abcd"), None);
    }
}
