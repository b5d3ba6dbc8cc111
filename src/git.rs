//! The scanned repository's own git metadata, read with gix: read-only,
//! isolated from the user's and the system's git configuration, never
//! running git, a hook or a filter, never touching the network.

use std::path::{Path, PathBuf};

use crate::location::RelPath;

/// A git repository whose work tree holds the scanned root.
pub struct Repository {
    repo: gix::Repository,
    /// The work tree's top directory.
    top: PathBuf,
}

/// How many parent directories are searched for the work tree's top.
const MAX_ASCENT: usize = 64;

impl Repository {
    /// The repository whose work tree contains `root` (at it or above),
    /// if there is one that gix can open.
    pub fn discover(root: &Path) -> Option<Self> {
        let start = root.canonicalize().ok()?;
        let top = start
            .ancestors()
            .take(MAX_ASCENT)
            .find(|dir| dir.join(".git").exists())?
            .to_path_buf();
        let repo = gix::open_opts(&top, gix::open::Options::isolated()).ok()?;
        Some(Repository { repo, top })
    }

    /// The work tree's top directory.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// Every file in the index (what `git ls-files` lists), relative to the
    /// work tree's top; submodules are left out (their files are another
    /// repository's).
    pub fn tracked_paths(&self) -> Result<Vec<RelPath>, String> {
        let index = self
            .repo
            .open_index()
            .map_err(|e| format!("cannot read the git index: {e}"))?;
        let mut paths: Vec<RelPath> = index
            .entries()
            .iter()
            .filter(|entry| entry.mode != gix::index::entry::Mode::COMMIT)
            .filter(|entry| entry.mode != gix::index::entry::Mode::DIR)
            .map(|entry| RelPath::new(&String::from_utf8_lossy(entry.path(&index))))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    /// The underlying gix repository, for history readers.
    pub fn gix(&self) -> &gix::Repository {
        &self.repo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_repository_there_is_none() {
        let dir = std::env::temp_dir().join(format!("pscf-git-none-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        // The temp dir may itself sit inside a checkout on some machines; only
        // assert that discovery does not panic and finds a top at or above it.
        if let Some(repo) = Repository::discover(&dir) {
            assert!(dir.canonicalize().is_ok_and(|d| d.starts_with(repo.top())));
        }
        let _ = std::fs::remove_dir(&dir);
    }
}
