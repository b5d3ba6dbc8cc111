//! Where a finding about the repository as a whole points ("SAST is not
//! wired in"): always a file of the repository, and the most relevant one —
//! never the built-in policy, never an arbitrary first file.

use crate::facts::{Facts, Workflow};
use crate::location::{Location, RelPath};
use crate::rules::Context;

/// A place for a repository-level finding, and what it is.
pub struct Anchor {
    pub location: Location,
    pub kind: AnchorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorKind {
    /// The entry of the repository's own policy file that asks for it.
    PolicyEntry,
    /// The trigger of the workflow that runs on pull requests (or pushes).
    CiWorkflow,
    /// The first line of the root manifest or README.
    RootFile,
}

const ROOT_FILES: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "setup.py",
    "Gemfile",
    "composer.json",
    "README.md",
    "README",
    "README.rst",
    "README.txt",
    "readme.md",
];

/// Workflow file stems that usually hold the main pipeline, first wins.
const CI_NAMES: &[&str] = &["ci", "build", "test", "tests", "main", "checks", "pr"];

/// Parts of names of workflows that test the code, and of side pipelines
/// that do not (docs, images, releases, triage).
const CI_WORDS: &[&str] = &["test", "ci", "check", "build", "validat", "lint"];
const SIDE_WORDS: &[&str] = &[
    "doc", "docker", "image", "release", "publish", "deploy", "preview", "label", "stale", "lock",
    "profil", "bench", "triage", "issue", "comment", "bot",
];

/// The anchor for a repository-level finding. `entry` is the policy entry
/// behind it: used when that policy file is part of the repository.
pub fn repository(facts: &Facts, entry: Option<&Location>) -> Option<Anchor> {
    if let Some(at) = entry.filter(|at| facts.paths.contains(&at.path)) {
        return Some(Anchor {
            location: at.clone(),
            kind: AnchorKind::PolicyEntry,
        });
    }
    if let Some(location) = primary_workflow(facts) {
        return Some(Anchor {
            location,
            kind: AnchorKind::CiWorkflow,
        });
    }
    let root = ROOT_FILES
        .iter()
        .map(|name| RelPath::new(name))
        .find(|p| facts.paths.contains(p))
        .or_else(|| facts.paths.first().cloned())?;
    let location = match facts.sources.get(&root) {
        Some(source) if !source.text.is_empty() => {
            source.location(source.index.line_span(&source.text, 1))
        }
        _ => Location::file(root),
    };
    Some(Anchor {
        location,
        kind: AnchorKind::RootFile,
    })
}

/// The `pull_request` (else `push`) trigger of the repository's main CI
/// workflow: pull-request workflows first, then conventional names, then path.
fn primary_workflow(facts: &Facts) -> Option<Location> {
    let rank = |w: &Workflow| {
        let event = ["pull_request", "push"]
            .iter()
            .position(|e| w.has_trigger(e))?;
        let stem = w
            .path
            .file_name()
            .rsplit_once('.')
            .map_or(w.path.file_name(), |(s, _)| s)
            .to_ascii_lowercase();
        // Exact conventional names, then test-like names, then others, and
        // side pipelines last.
        let side = CI_NAMES.len() + CI_WORDS.len() + 1;
        let name = match CI_NAMES.iter().position(|n| *n == stem) {
            Some(i) => i,
            None if SIDE_WORDS.iter().any(|w| stem.contains(w)) => side,
            None => CI_WORDS
                .iter()
                .position(|w| stem.contains(w))
                .map_or(side - 1, |i| CI_NAMES.len() + i),
        };
        // The main pipeline usually runs on pushes too.
        let both = usize::from(!(w.has_trigger("pull_request") && w.has_trigger("push")));
        Some((event, both, name, stem.len()))
    };
    let best = facts
        .workflows
        .iter()
        .filter(|w| w.is_workflow)
        .filter_map(|w| rank(w).map(|r| (r, w)))
        .min_by(|(a, wa), (b, wb)| a.cmp(b).then_with(|| wa.path.cmp(&wb.path)))?
        .1;
    best.triggers
        .iter()
        .find(|t| t.event == "pull_request")
        .or_else(|| best.triggers.iter().find(|t| t.event == "push"))
        .map(|t| t.location.clone())
}

/// Whether a location lies in a file of the scanned tree (and not, say,
/// in the built-in policy or a policy file outside the repository).
pub fn in_repository(ctx: &Context<'_>, location: &Location) -> bool {
    ctx.facts.paths.contains(&location.path)
}

/// `preferred` when it is in the repository, else [`repository_file`].
pub fn or_repository(ctx: &Context<'_>, preferred: &Location) -> Location {
    if in_repository(ctx, preferred) {
        preferred.clone()
    } else {
        repository_file(ctx)
    }
}

/// For findings about the product as a whole (no SECURITY.md, no
/// CODEOWNERS): the repository's own policy file, else its root manifest
/// or README, else its first file; the policy's first source only for an
/// empty tree.
pub fn repository_file(ctx: &Context<'_>) -> Location {
    let config = ctx
        .policy
        .sources
        .iter()
        .rev()
        .map(|s| s.path.clone())
        .find(|p| ctx.facts.paths.contains(p));
    let root = || {
        ROOT_FILES
            .iter()
            .rev()
            .map(|name| RelPath::new(name))
            .find(|p| ctx.facts.paths.contains(p))
    };
    let path = config
        .or_else(root)
        .or_else(|| ctx.facts.paths.first().cloned())
        .or_else(|| ctx.policy.sources.first().map(|s| s.path.clone()))
        .unwrap_or_else(|| RelPath::new("."));
    match ctx.facts.sources.get(&path) {
        Some(source) if !source.text.is_empty() => {
            source.location(source.index.line_span(&source.text, 1))
        }
        _ => Location::file(path),
    }
}
