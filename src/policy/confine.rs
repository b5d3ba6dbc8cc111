//! The trust boundary for files a repository's own configuration names:
//! they must lie inside the scanned root, be reached without symlinks, and
//! be regular files (never FIFOs, devices or `/proc` entries). A pull
//! request writes its `.pscf-lint.yaml` itself; without this boundary it
//! could make the gate read and print the runner's secrets.

use std::path::{Component, Path, PathBuf};

/// `rel` (relative to `root`, which is canonical) as an absolute path, if
/// it stays inside `root` and no existing component of it is a symlink.
/// `want` says what the last component must be.
pub fn resolve(root: &Path, rel: &Path, want: Want) -> Result<PathBuf, String> {
    let normal = normalise(rel)?;
    let mut path = root.to_path_buf();
    let count = normal.components().count();
    for (i, part) in normal.components().enumerate() {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path)
            .map_err(|e| format!("`{}`: {}", normal.display(), io_reason(&e)))?;
        if meta.file_type().is_symlink() {
            return Err(format!(
                "`{}` is reached through a symlink; files the repository's config names must not be symlinks",
                normal.display()
            ));
        }
        let last = i + 1 == count;
        if !last && !meta.is_dir() {
            return Err(format!("`{}` is not a directory path", normal.display()));
        }
        if last {
            let ok = match want {
                Want::File => meta.is_file(),
                Want::FileOrDir => meta.is_file() || meta.is_dir(),
            };
            if !ok {
                return Err(format!(
                    "`{}` is not a regular file (FIFOs, devices and sockets are never read)",
                    normal.display()
                ));
            }
        }
    }
    if count == 0 {
        return Err("an empty path names no file".to_owned());
    }
    Ok(path)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    File,
    FileOrDir,
}

/// `rel` with `.` removed and `..` applied, refusing anything that would
/// leave the root (an absolute path, a prefix, or one `..` too many).
pub fn normalise(rel: &Path) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for part in rel.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Err(format!(
                        "`{}` leads outside the repository; the repository's config may only name files inside it",
                        rel.display()
                    ));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{}` is an absolute path; the repository's config may only name files inside the repository, by relative path",
                    rel.display()
                ));
            }
        }
    }
    Ok(out)
}

/// An I/O error's reason without the path (which the caller names).
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// `path` (absolute) relative to `root` (absolute), if it lies inside it.
pub fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    path.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// `path` made absolute against the working directory and normalised
/// lexically (without touching the file system).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_never_leaves_the_root() {
        assert_eq!(
            normalise(Path::new("a/./b/../c.yaml")).ok(),
            Some(PathBuf::from("a/c.yaml"))
        );
        assert!(normalise(Path::new("../x")).is_err());
        assert!(normalise(Path::new("a/../../x")).is_err());
        assert!(normalise(Path::new("/etc/passwd")).is_err());
    }

    #[test]
    fn symlinks_and_special_files_are_refused() -> std::io::Result<()> {
        let dir = tempdir()?;
        let root = dir.canonicalize()?;
        std::fs::write(root.join("ok.yaml"), "fail-on: error\n")?;
        std::fs::create_dir(root.join("sub"))?;
        assert!(resolve(&root, Path::new("ok.yaml"), Want::File).is_ok());
        assert!(resolve(&root, Path::new("sub"), Want::File).is_err());
        assert!(resolve(&root, Path::new("sub"), Want::FileOrDir).is_ok());
        assert!(resolve(&root, Path::new("missing.yaml"), Want::File).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", root.join("link.yaml"))?;
            std::os::unix::fs::symlink(&root, root.join("sub/loop"))?;
            let e = resolve(&root, Path::new("link.yaml"), Want::File).err();
            assert!(e.is_some_and(|e| e.contains("symlink")));
            assert!(resolve(&root, Path::new("sub/loop/ok.yaml"), Want::File).is_err());
        }
        std::fs::remove_dir_all(&root)
    }

    fn tempdir() -> std::io::Result<PathBuf> {
        let dir = std::env::temp_dir().join(format!(
            "pscf-confine-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}
