//! Python: requirements files, `pyproject.toml` (PEP 621, PEP 735 groups,
//! Poetry), `Pipfile`, and the `poetry.lock`, `uv.lock` and `Pipfile.lock`
//! lockfiles. Names are PEP 503-normalised in purls.

mod lockfiles;
mod manifests;
mod pep508;
mod requirements;
mod resolve;

use std::ops::Range;

pub use lockfiles::{parse_pipfile_lock, parse_poetry_lock, parse_uv_lock};
pub use manifests::{parse_pipfile, parse_pyproject};
pub use requirements::parse_requirements;
pub use resolve::{missing_lockfiles, resolve};

use crate::facts::{Scope, Source};
use crate::location::RelPath;

pub const PYPI: &str = "pypi.org";

/// One declared dependency of a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    /// The specifier as written (`>=2.31,<3`, `^1.2`, `*`).
    pub spec: String,
    /// `Some` when the declaration itself fixes the version (`==1.2.3`).
    pub pinned: Option<String>,
    pub source: Source,
    pub scope: Scope,
    pub direct: bool,
    pub span: Range<usize>,
}

/// A manifest: its own project name and what it declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub path: RelPath,
    pub project: Option<String>,
    pub dependencies: Vec<Declared>,
    /// Requirements files stand alone; pyproject and Pipfile are resolved
    /// against the lockfile beside them.
    pub standalone: bool,
    /// The lockfile this project's tool writes (`poetry.lock`, `uv.lock`,
    /// `Pipfile.lock`), when it is managed by one.
    pub lockfile: Option<&'static str>,
}

/// One package a lockfile pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locked {
    pub name: String,
    pub version: String,
    pub source: Source,
    pub scope: Scope,
    /// The project itself (uv's editable/virtual root).
    pub own: bool,
    /// What it depends on, by name as written, with the kind of edge
    /// (uv's `optional-dependencies` are optional).
    pub dependencies: Vec<(String, Scope)>,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockfile {
    pub path: RelPath,
    pub packages: Vec<Locked>,
}

/// PEP 503 normalisation, for matching names across files.
pub fn normalise(name: &str) -> String {
    crate::purl::Purl::new(crate::purl::Ecosystem::Pypi, name, None).name
}

/// A registry by its index URL: PyPI by name, others by host.
pub(crate) fn registry(url: &str) -> Source {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or(url);
    match host {
        "pypi.org" | "files.pythonhosted.org" | "pypi.python.org" => {
            Source::Registry(PYPI.to_owned())
        }
        other => Source::Registry(other.to_owned()),
    }
}
