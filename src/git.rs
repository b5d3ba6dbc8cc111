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

    /// Writes the files of revision `rev` under `prefix` (`services/api/`,
    /// or empty for the whole tree) into the empty directory `into`, with
    /// paths relative to the prefix, without checking anything out: blobs
    /// are read from the object database and nothing from them is run.
    /// Symlinks and submodules are left out, as the walk leaves them; a
    /// blob over `limits.max_file_bytes` is written as a sparse file of its
    /// size, so the scan reports it as skipped exactly as it would in a
    /// checkout. Returns how many files were written.
    pub fn materialise(
        &self,
        rev: &str,
        prefix: &str,
        into: &Path,
        limits: &Limits,
    ) -> Result<usize, String> {
        let tree = self
            .repo
            .rev_parse_single(rev)
            .map_err(|e| format!("`{rev}` is not a revision of this repository: {e}"))?
            .object()
            .map_err(|e| format!("cannot read `{rev}`: {e}"))?
            .peel_to_tree()
            .map_err(|e| format!("cannot read the tree of `{rev}`: {e}"))?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| format!("cannot read the tree of `{rev}`: {e}"))?;
        let mut written = 0usize;
        let mut total = 0u64;
        for entry in recorder.records {
            if !entry.mode.is_blob() {
                continue;
            }
            let full = String::from_utf8_lossy(&entry.filepath);
            let Some(relative) = full.strip_prefix(prefix) else {
                continue;
            };
            let Some(target) = safe_join(into, relative) else {
                continue;
            };
            written += 1;
            if written > limits.max_files {
                return Err(format!(
                    "`{rev}` has more than {} files; it is too large to check",
                    limits.max_files
                ));
            }
            let size = self
                .repo
                .find_header(entry.oid)
                .map_err(|e| format!("cannot read `{full}` at `{rev}`: {e}"))?
                .size();
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot write `{}`: {e}", parent.display()))?;
            }
            if size > limits.max_file_bytes {
                std::fs::File::create(&target)
                    .and_then(|f| f.set_len(size))
                    .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
                continue;
            }
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(format!(
                    "the files of `{rev}` add up to more than {} bytes; it is too large to check",
                    limits.max_total_bytes
                ));
            }
            let blob = self
                .repo
                .find_blob(entry.oid)
                .map_err(|e| format!("cannot read `{full}` at `{rev}`: {e}"))?;
            std::fs::write(&target, &blob.data)
                .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
        }
        Ok(written)
    }
}

/// Bounds on what [`Repository::materialise`] writes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Larger blobs are not read (the scan skips them anyway).
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    pub max_files: usize,
}

/// `relative` (a path of a git tree, `/`-separated) under `base`, or `None`
/// when a component could leave it or is not an ordinary name: a hostile
/// tree may hold `..`, `.git` or absolute names that git itself refuses.
fn safe_join(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    let mut any = false;
    for part in relative.split('/') {
        let ordinary = !part.is_empty()
            && part != "."
            && part != ".."
            && !part.eq_ignore_ascii_case(".git")
            && !part.contains(['\\', '\0', ':']);
        if !ordinary {
            return None;
        }
        out.push(part);
        any = true;
    }
    any.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_cannot_leave_the_directory() {
        let base = Path::new("/tmp/x");
        assert_eq!(safe_join(base, "a/b.txt"), Some(base.join("a/b.txt")));
        for bad in [
            "../etc/passwd",
            "a/../../b",
            "/abs",
            ".git/config",
            "a/.GIT/hooks",
            "",
            "a//b",
            "c:\\x",
        ] {
            assert_eq!(safe_join(base, bad), None, "{bad}");
        }
    }

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
