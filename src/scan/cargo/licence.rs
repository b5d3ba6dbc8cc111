//! A crate's licence from its manifest: `license`, inherited
//! `license.workspace = true`, or a `license-file` whose text is matched
//! against the common licences. When it cannot be known, the reason says
//! why, for the `license-unknown` finding.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::manifest::{Inheritable, LicenceDecl};
use crate::licence_text::{self, Detection};

/// Licence files are a few KiB; a larger one is not read.
const MAX_LICENCE_FILE_BYTES: u64 = 256 * 1024;

/// What is known about one crate's licence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Licence {
    /// An SPDX expression (declared, or detected from a licence file).
    Known(String),
    /// Not known, and why.
    Unknown(String),
}

impl Licence {
    pub fn into_parts(self) -> (Option<String>, Option<String>) {
        match self {
            Licence::Known(e) => (Some(e), None),
            Licence::Unknown(why) => (None, Some(why)),
        }
    }
}

/// Where a crate's files are: its own directory, the directory of its
/// workspace root (for inherited fields), and the boundary no file read
/// may leave (the repository, the cached crate, the git checkout).
pub struct Dirs<'a> {
    pub package: &'a Path,
    pub workspace: Option<&'a Path>,
    pub boundary: &'a Path,
}

/// The licence `decl` states, with `workspace` the `[workspace.package]`
/// fields it may inherit; `manifest` names the manifest in reasons.
pub fn resolve(
    decl: &LicenceDecl,
    workspace: Option<&LicenceDecl>,
    dirs: &Dirs<'_>,
    manifest: &str,
) -> Licence {
    let inherited = |field: &'static str| {
        Licence::Unknown(format!(
            "`{manifest}` inherits `{field}` from a workspace that declares none"
        ))
    };
    match &decl.expression {
        Some(Inheritable::Value(expression)) => return Licence::Known(expression.clone()),
        Some(Inheritable::FromWorkspace) => {
            return match workspace.and_then(|w| w.expression.as_ref()) {
                Some(Inheritable::Value(expression)) => Licence::Known(expression.clone()),
                _ => inherited("license"),
            };
        }
        None => {}
    }
    let (file, base) = match &decl.file {
        Some(Inheritable::Value(file)) => (file, dirs.package),
        Some(Inheritable::FromWorkspace) => {
            match (workspace.and_then(|w| w.file.as_ref()), dirs.workspace) {
                (Some(Inheritable::Value(file)), Some(dir)) => (file, dir),
                _ => return inherited("license-file"),
            }
        }
        None => {
            return Licence::Unknown(format!(
                "`{manifest}` declares neither `license` nor `license-file`"
            ));
        }
    };
    from_file(file, base, dirs.boundary)
}

fn from_file(file: &str, base: &Path, boundary: &Path) -> Licence {
    let text = match read_inside(&base.join(file), boundary) {
        Ok(text) => text,
        Err(why) => return Licence::Unknown(format!("its `license-file` `{file}` {why}")),
    };
    match licence_text::detect(&text) {
        Detection::Match { id, .. } => Licence::Known(id.to_owned()),
        Detection::NoMatch {
            closest,
            contained: true,
            ..
        } => Licence::Unknown(format!(
            "its `license-file` `{file}` holds the {closest} text among other text (more than one licence?), so which licence applies needs a person to say"
        )),
        Detection::NoMatch { closest, score, .. } => Licence::Unknown(format!(
            "its `license-file` `{file}` matches none of the common licence texts (closest: {closest}, {:.0}% similar; {:.0}% needed)",
            score * 100.0,
            licence_text::THRESHOLD * 100.0
        )),
    }
}

/// Reads a regular file that lies inside `boundary` after symlinks are
/// resolved, at most [`MAX_LICENCE_FILE_BYTES`], as text.
pub fn read_inside(path: &Path, boundary: &Path) -> Result<String, &'static str> {
    let real = std::fs::canonicalize(path).map_err(|_| "is not there")?;
    let inside = std::fs::canonicalize(boundary).is_ok_and(|b| real.starts_with(b));
    if !inside {
        return Err("lies outside the package (not read)");
    }
    let file = File::open(&real).map_err(|_| "cannot be read")?;
    let meta = file.metadata().map_err(|_| "cannot be read")?;
    if !meta.is_file() {
        return Err("is not a regular file");
    }
    if meta.len() > MAX_LICENCE_FILE_BYTES {
        return Err("is too large to be a licence text (not read)");
    }
    let mut bytes = Vec::new();
    file.take(MAX_LICENCE_FILE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|_| "cannot be read")?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(expression: Option<Inheritable<String>>, file: Option<&str>) -> LicenceDecl {
        LicenceDecl {
            expression,
            file: file.map(|f| Inheritable::Value(f.to_owned())),
        }
    }

    #[test]
    fn declared_inherited_and_missing() {
        let here = Path::new(".");
        let dirs = Dirs {
            package: here,
            workspace: None,
            boundary: here,
        };
        let mit = Some(Inheritable::Value("MIT".to_owned()));
        assert_eq!(
            resolve(&decl(mit.clone(), None), None, &dirs, "a/Cargo.toml"),
            Licence::Known("MIT".into())
        );
        let ws = decl(mit, None);
        let inherits = decl(Some(Inheritable::FromWorkspace), None);
        assert_eq!(
            resolve(&inherits, Some(&ws), &dirs, "a/Cargo.toml"),
            Licence::Known("MIT".into())
        );
        assert_eq!(
            resolve(&inherits, None, &dirs, "a/Cargo.toml"),
            Licence::Unknown(
                "`a/Cargo.toml` inherits `license` from a workspace that declares none".into()
            )
        );
        assert_eq!(
            resolve(&decl(None, None), None, &dirs, "a/Cargo.toml"),
            Licence::Unknown("`a/Cargo.toml` declares neither `license` nor `license-file`".into())
        );
    }

    #[test]
    fn licence_files_are_read_inside_their_boundary_only() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg)?;
        std::fs::write(
            pkg.join("LICENSE"),
            include_str!("../../licence_texts/Zlib.txt"),
        )?;
        std::fs::write(dir.path().join("OUTSIDE"), "x")?;
        let dirs = Dirs {
            package: &pkg,
            workspace: None,
            boundary: &pkg,
        };
        assert_eq!(
            resolve(&decl(None, Some("LICENSE")), None, &dirs, "m"),
            Licence::Known("Zlib".into())
        );
        assert_eq!(
            resolve(&decl(None, Some("../OUTSIDE")), None, &dirs, "m"),
            Licence::Unknown(
                "its `license-file` `../OUTSIDE` lies outside the package (not read)".into()
            )
        );
        assert!(matches!(
            resolve(&decl(None, Some("missing")), None, &dirs, "m"),
            Licence::Unknown(why) if why.ends_with("is not there")
        ));
        Ok(())
    }
}
