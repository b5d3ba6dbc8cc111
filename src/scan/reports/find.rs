//! The walk that finds reports: unlike the main walk it does not honour
//! `.gitignore` (reports are build output) and enters `target/`, but it
//! still skips `.git` and dependency caches, never follows symlinks, and
//! stops at a bound.

use std::path::{Path, PathBuf};

use super::Kind;
use crate::discover::Excludes;
use crate::location::RelPath;
use crate::policy::ReportGlob;

/// Directory entries looked at, at most.
pub const MAX_VISITED: usize = 1_000_000;
/// Reports read, at most.
pub const MAX_REPORTS: usize = 1_000;

const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", ".venv", "__pycache__"];

/// Every file a glob of a section matches, in path order, and whether a
/// bound stopped the walk.
pub fn find(
    root: &Path,
    sections: &[(Kind, &[ReportGlob])],
    excludes: &Excludes,
) -> (Vec<(Kind, RelPath, PathBuf)>, bool) {
    if sections.is_empty() {
        return (Vec::new(), false);
    }
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .build();
    let mut found = Vec::new();
    let mut truncated = false;
    for (visited, entry) in walker.enumerate() {
        if visited >= MAX_VISITED || found.len() >= MAX_REPORTS {
            truncated = true;
            break;
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = RelPath::new(&relative.to_string_lossy());
        if excludes.is_excluded_path(path.as_str()) {
            continue;
        }
        let kind = sections
            .iter()
            .find(|(_, globs)| globs.iter().any(|g| g.matcher.is_match(path.as_str())))
            .map(|(kind, _)| *kind);
        if let Some(kind) = kind {
            found.push((kind, path, entry.path().to_path_buf()));
        }
    }
    found.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
    (found, truncated)
}
