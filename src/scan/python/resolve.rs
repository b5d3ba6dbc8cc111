//! Joins Python manifests with the lockfile beside them. Requirements files
//! stand alone (pinned versions are their resolution).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::{Declared, Lockfile, Manifest, normalise};
use crate::facts::Component;
use crate::location::{RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

type Sources = BTreeMap<RelPath, Arc<SourceFile>>;

pub fn resolve(manifests: &[Manifest], locks: &[Lockfile], sources: &Sources) -> Vec<Component> {
    let mut out = Vec::new();
    let own: HashSet<String> = manifests
        .iter()
        .filter_map(|m| m.project.as_deref())
        .map(normalise)
        .collect();
    let mut claimed: HashSet<(usize, usize)> = HashSet::new();
    for m in manifests {
        let Some(file) = sources.get(&m.path) else {
            continue;
        };
        // poetry.lock, uv.lock or Pipfile.lock in the same directory.
        let lock = (!m.standalone)
            .then(|| {
                locks
                    .iter()
                    .enumerate()
                    .find(|(_, l)| l.path.parent() == m.path.parent())
            })
            .flatten();
        let index: HashMap<String, usize> = lock
            .map(|(_, l)| {
                l.packages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (normalise(&p.name), i))
                    .collect()
            })
            .unwrap_or_default();
        for d in &m.dependencies {
            let key = normalise(&d.name);
            if own.contains(&key) {
                continue;
            }
            let locked = lock.and_then(|(li, l)| {
                index
                    .get(&key)
                    .and_then(|&i| l.packages.get(i).map(|p| (li, i, p)))
            });
            if let Some((li, i, _)) = locked {
                claimed.insert((li, i));
            }
            let version = locked
                .map(|(_, _, p)| p.version.as_str())
                .or(d.pinned.as_deref());
            out.push(component(
                d,
                version,
                locked.map(|(_, _, p)| p.source.clone()),
                file,
            ));
        }
    }
    for (li, lock) in locks.iter().enumerate() {
        let Some(file) = sources.get(&lock.path) else {
            continue;
        };
        for (i, p) in lock.packages.iter().enumerate() {
            if p.own || claimed.contains(&(li, i)) || own.contains(&normalise(&p.name)) {
                continue;
            }
            out.push(Component {
                purl: Purl::new(
                    Ecosystem::Pypi,
                    &p.name,
                    Some(&p.version)
                        .filter(|v| !v.is_empty())
                        .map(|v| v.as_str()),
                ),
                requirement: None,
                scope: p.scope,
                direct: false,
                source: p.source.clone(),
                license: None,
                license_note: None,
                location: file.location(p.span.clone()),
            });
        }
    }
    out
}

/// Poetry, uv and Pipenv projects whose tool's lockfile is not beside
/// them.
pub fn missing_lockfiles(
    manifests: &[Manifest],
    locks: &[Lockfile],
    sources: &Sources,
) -> Vec<crate::facts::MissingLockfile> {
    manifests
        .iter()
        .filter(|m| !m.dependencies.is_empty())
        .filter_map(|m| {
            let expected = m.lockfile?;
            let present = locks
                .iter()
                .any(|l| l.path.parent() == m.path.parent() && l.path.file_name() == expected);
            let file = sources.get(&m.path).filter(|_| !present)?;
            Some(crate::facts::MissingLockfile {
                manifest: file.location(file.index.line_span(&file.text, 1)),
                ecosystem: crate::purl::Ecosystem::Pypi,
                expected,
                because: "its tool resolves dependencies into a lockfile",
            })
        })
        .collect()
}

fn component(
    d: &Declared,
    version: Option<&str>,
    locked_source: Option<crate::facts::Source>,
    file: &SourceFile,
) -> Component {
    Component {
        purl: Purl::new(Ecosystem::Pypi, &d.name, version.filter(|v| !v.is_empty())),
        // Empty means "any version", which the version rules must see.
        requirement: Some(d.spec.clone()),
        scope: d.scope,
        direct: d.direct,
        source: locked_source.unwrap_or_else(|| d.source.clone()),
        license: None,
        license_note: None,
        location: file.location(d.span.clone()),
    }
}
