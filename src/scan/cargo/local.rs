//! Crates in the repository itself: which are the project's own code
//! (members of a declared `[workspace]`, whichever workspace it is) and
//! which are vendored path crates (standalone packages other code points
//! at), and the licence each path crate's manifest states.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::Manifest;
use super::licence::{self, Dirs, Licence};
use super::workspace::Workspace;

pub(super) struct LocalCrates<'a> {
    root: &'a Path,
    by_dir: HashMap<&'a str, &'a Manifest>,
    by_name: HashMap<&'a str, &'a Manifest>,
    /// Member dir → its workspace root manifest.
    workspace_of: HashMap<&'a str, &'a Manifest>,
    own_dirs: HashSet<&'a str>,
    own_names: HashSet<&'a str>,
}

impl<'a> LocalCrates<'a> {
    pub fn new(workspaces: &[Workspace<'a>], root: &'a Path) -> Self {
        let mut local = LocalCrates {
            root,
            by_dir: HashMap::new(),
            by_name: HashMap::new(),
            workspace_of: HashMap::new(),
            own_dirs: HashSet::new(),
            own_names: HashSet::new(),
        };
        for ws in workspaces {
            let declared = ws.root.workspace.is_some();
            for m in &ws.members {
                local.by_dir.insert(m.dir(), m);
                local.workspace_of.insert(m.dir(), ws.root);
                if let Some(name) = m.package.as_deref() {
                    local.by_name.entry(name).or_insert(m);
                }
                if declared {
                    local.own_dirs.insert(m.dir());
                    local.own_names.extend(m.package.as_deref());
                }
            }
        }
        local
    }

    /// A member of a declared workspace in this repository: the project's
    /// own code, wherever it is referenced from.
    pub fn is_own_dir(&self, dir: &str) -> bool {
        self.own_dirs.contains(dir)
    }

    pub fn is_own_name(&self, name: &str) -> bool {
        self.own_names.contains(name)
    }

    /// The licence of the path crate in `dir` (relative to the root), or
    /// of the path crate named `name` when the lockfile gives no path.
    pub fn licence(&self, dir: Option<&str>, name: &str) -> Licence {
        let manifest = match dir {
            Some(dir) => self.by_dir.get(dir),
            None => self.by_name.get(name),
        };
        let Some(m) = manifest else {
            return Licence::Unknown(match dir {
                Some(dir) => format!("there is no `{dir}/Cargo.toml` in the repository"),
                None => "its path is outside the repository (not read)".to_owned(),
            });
        };
        let workspace = self.workspace_of.get(m.dir());
        let package_dir = self.root.join(m.dir());
        let workspace_dir = workspace.map(|ws| self.root.join(ws.dir()));
        let dirs = Dirs {
            package: &package_dir,
            workspace: workspace_dir.as_deref(),
            boundary: self.root,
        };
        let inherited = workspace
            .and_then(|ws| ws.workspace.as_ref())
            .map(|w| &w.package_licence);
        licence::resolve(&m.licence, inherited, &dirs, m.path.as_str())
    }
}
