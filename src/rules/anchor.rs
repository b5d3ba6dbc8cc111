//! Where a repository-level finding points when no single line caused it:
//! always a real file of the repository a person can open.

use crate::location::{Location, RelPath};
use crate::rules::Context;

/// READMEs, in the order they are preferred.
const READMES: [&str; 5] = [
    "README.md",
    "README",
    "README.rst",
    "README.txt",
    "readme.md",
];

/// Whether a location lies in a file of the scanned tree (and not, say,
/// in the built-in policy or a policy file outside the repository).
pub fn in_repository(ctx: &Context<'_>, location: &Location) -> bool {
    ctx.facts.paths.contains(&location.path)
}

/// `preferred` when it is in the repository, else [`repository`].
pub fn or_repository(ctx: &Context<'_>, preferred: &Location) -> Location {
    if in_repository(ctx, preferred) {
        preferred.clone()
    } else {
        repository(ctx)
    }
}

/// The repository's own policy file, else its README, else its first
/// file; the policy's first source only for an empty tree.
pub fn repository(ctx: &Context<'_>) -> Location {
    let config = ctx
        .policy
        .sources
        .iter()
        .rev()
        .map(|s| s.path.clone())
        .find(|p| ctx.facts.paths.contains(p));
    let readme = || {
        READMES
            .iter()
            .map(|name| RelPath::new(name))
            .find(|p| ctx.facts.paths.contains(p))
    };
    let path = config
        .or_else(readme)
        .or_else(|| ctx.facts.paths.first().cloned())
        .or_else(|| ctx.policy.sources.first().map(|s| s.path.clone()))
        .unwrap_or_else(|| RelPath::new("."));
    match ctx.facts.sources.get(&path) {
        Some(source) => source.location(source.index.line_span(&source.text, 1)),
        None => Location::file(path),
    }
}
