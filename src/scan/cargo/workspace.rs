//! Which manifests form a workspace: the nearest enclosing `[workspace]`
//! whose `members` globs (or whose members' path dependencies) take a
//! manifest in; paths relative to the scan root.

use std::collections::{BTreeMap, HashMap};

use globset::GlobBuilder;

use super::{DepSource, Manifest};

/// A workspace root (or a standalone package) and the manifests of its members.
pub(super) struct Workspace<'a> {
    pub root: &'a Manifest,
    pub members: Vec<&'a Manifest>,
}

/// Assigns each manifest to its workspace: the nearest enclosing
/// `[workspace]` whose `members` globs (or whose members' path
/// dependencies) take it in; a manifest no workspace claims is its own root.
pub(super) fn workspaces(manifests: &[Manifest]) -> Vec<Workspace<'_>> {
    let by_dir: HashMap<&str, &Manifest> = manifests.iter().map(|m| (m.dir(), m)).collect();
    let mut root_of: BTreeMap<&str, &str> = BTreeMap::new();
    for m in manifests {
        let root = manifests
            .iter()
            .filter(|r| r.workspace.is_some() && is_ancestor(r.dir(), m.dir()))
            .filter(|r| r.dir() == m.dir() || declared_member(r, m))
            .max_by_key(|r| r.dir().len());
        if let Some(root) = root {
            root_of.insert(m.dir(), root.dir());
        }
    }
    // Path dependencies inside a workspace become members; repeat until no
    // manifest changes hands (bounded by the number of manifests).
    for _ in 0..manifests.len() {
        let mut changed = false;
        for m in manifests {
            let Some(&root) = root_of.get(m.dir()) else {
                continue;
            };
            for dep in &m.dependencies {
                let DepSource::Path(p) = &dep.source else {
                    continue;
                };
                let Some(target) = join(m.dir(), p) else {
                    continue;
                };
                if is_ancestor(root, &target)
                    && let Some((&dir, _)) = by_dir.get_key_value(target.as_str())
                    && !root_of.contains_key(dir)
                {
                    root_of.insert(dir, root);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut groups: BTreeMap<&str, Vec<&Manifest>> = BTreeMap::new();
    for m in manifests {
        let root = root_of.get(m.dir()).copied().unwrap_or(m.dir());
        groups.entry(root).or_default().push(m);
    }
    groups
        .into_iter()
        .filter_map(|(root, members)| by_dir.get(root).map(|root| Workspace { root, members }))
        .collect()
}

fn declared_member(root: &Manifest, m: &Manifest) -> bool {
    let Some(ws) = &root.workspace else {
        return false;
    };
    let relative = relative_to(root.dir(), m.dir());
    let matches = |patterns: &[String]| {
        patterns.iter().any(|pattern| {
            GlobBuilder::new(pattern.trim_end_matches('/'))
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(relative))
        })
    };
    matches(&ws.members) && !matches(&ws.exclude)
}

pub(super) fn is_ancestor(ancestor: &str, path: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn relative_to<'a>(ancestor: &str, path: &'a str) -> &'a str {
    if ancestor.is_empty() {
        return path;
    }
    path.strip_prefix(ancestor)
        .map_or(path, |rest| rest.trim_start_matches('/'))
}

/// `dir/path` normalised, relative to the scan root; `None` if it leaves
/// the root (or is absolute).
pub(super) fn join(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_inside_and_outside_the_root() {
        assert_eq!(join("crates/a", "../b").as_deref(), Some("crates/b"));
        assert_eq!(join("", "../outside"), None);
        assert_eq!(join("a", "/abs"), None);
        assert!(is_ancestor("", "x"));
        assert!(is_ancestor("ws", "ws/a"));
        assert!(!is_ancestor("ws", "wsx/a"));
    }
}
