//! One walk of the tree: every file pscf-lint knows how to read, classified
//! by kind with a single `GlobSet`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::location::RelPath;

/// The kinds of input file the scanners read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    CargoManifest,
    CargoLock,
    PackageJson,
    PackageLock,
    PnpmLock,
    YarnLock,
    GoMod,
    Workflow,
    ActionManifest,
    Dockerfile,
    Compose,
    DotEnv,
    Requirements,
    Pyproject,
    Pipfile,
    PoetryLock,
    UvLock,
    PipfileLock,
    /// `src/main.rs`, `src/bin/*.rs`: a Cargo package builds a binary (the
    /// file is also read for content checks, like any source file).
    RustBinary,
    GoSum,
    PreCommitConfig,
    Dependabot,
    /// Any other file: only its content is checked.
    Other,
}

impl FileKind {
    /// Kinds whose presence is the fact: they are noted, never read.
    /// `go.sum` holds only module paths and hashes: no secret or endpoint.
    pub fn is_marker(self) -> bool {
        matches!(self, FileKind::GoSum)
    }
}

/// Which glob classifies which kind; the first match wins.
const CLASSIFIERS: &[(&str, FileKind)] = &[
    ("**/Cargo.toml", FileKind::CargoManifest),
    ("**/Cargo.lock", FileKind::CargoLock),
    ("**/package.json", FileKind::PackageJson),
    (
        "**/{package-lock,npm-shrinkwrap}.json",
        FileKind::PackageLock,
    ),
    ("**/pnpm-lock.yaml", FileKind::PnpmLock),
    ("**/yarn.lock", FileKind::YarnLock),
    ("**/go.mod", FileKind::GoMod),
    // GitHub reads workflows only from the repository root.
    (".github/workflows/*.{yml,yaml}", FileKind::Workflow),
    ("**/action.{yml,yaml}", FileKind::ActionManifest),
    (
        "**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,*.dockerfile}",
        FileKind::Dockerfile,
    ),
    ("**/{docker-compose,compose}.{yml,yaml}", FileKind::Compose),
    (
        "**/{docker-compose,compose}.*.{yml,yaml}",
        FileKind::Compose,
    ),
    ("**/.env", FileKind::DotEnv),
    (
        "**/{requirements*.txt,requirements/*.txt,constraints*.txt}",
        FileKind::Requirements,
    ),
    ("**/pyproject.toml", FileKind::Pyproject),
    ("**/Pipfile", FileKind::Pipfile),
    ("**/poetry.lock", FileKind::PoetryLock),
    ("**/uv.lock", FileKind::UvLock),
    ("**/Pipfile.lock", FileKind::PipfileLock),
    ("**/src/{main.rs,bin/*.rs}", FileKind::RustBinary),
    ("**/go.sum", FileKind::GoSum),
    (".pre-commit-config.{yaml,yml}", FileKind::PreCommitConfig),
    (".github/dependabot.{yml,yaml}", FileKind::Dependabot),
];

/// Directories never worth walking: dependency caches and build output that
/// are not part of the product's source.
const ALWAYS_SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target", ".venv", "__pycache__"];

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiscoveredFile {
    pub path: RelPath,
    pub absolute: PathBuf,
    pub kind: FileKind,
    /// Production, test, fixture, vendored, generated or minified.
    pub context: crate::context::FileContext,
}

/// Path globs (relative to the root) that the walk leaves out.
#[derive(Clone, Debug)]
pub struct Excludes(GlobSet);

impl Excludes {
    /// Builds the matcher; `dir/**` also excludes `dir` itself so the walk
    /// prunes it instead of descending.
    pub fn new<'a>(globs: impl IntoIterator<Item = &'a Glob>) -> Result<Self, globset::Error> {
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            builder.add(glob.clone());
            if let Some(dir) = glob.glob().strip_suffix("/**") {
                builder.add(Glob::new(dir)?);
            }
        }
        Ok(Excludes(builder.build()?))
    }

    pub fn none() -> Self {
        Excludes(GlobSet::empty())
    }

    fn is_excluded(&self, path: &str) -> bool {
        self.0.is_match(path)
    }
}

fn classifier() -> (GlobSet, Vec<FileKind>) {
    let mut builder = GlobSetBuilder::new();
    let mut kinds = Vec::with_capacity(CLASSIFIERS.len());
    for (pattern, kind) in CLASSIFIERS {
        // The patterns are constants covered by tests; a bad one is skipped
        // rather than aborting a scan.
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
            kinds.push(*kind);
        }
    }
    (builder.build().unwrap_or_else(|_| GlobSet::empty()), kinds)
}

/// Walks `root` once, in parallel, honouring `.gitignore` (also outside a git
/// checkout), never following symlinks, and returns the classified files in
/// path order.
pub fn discover(root: &Path, excludes: &Excludes, threads: usize) -> Vec<DiscoveredFile> {
    let (classes, kinds) = classifier();
    let found = Mutex::new(Vec::new());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .threads(threads)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && ALWAYS_SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .build_parallel();
    walker.run(|| {
        let found = &found;
        let classes = &classes;
        let kinds = &kinds;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            let Ok(relative) = entry.path().strip_prefix(root) else {
                return WalkState::Continue;
            };
            let rel = RelPath::new(&relative.to_string_lossy());
            let Some(file_type) = entry.file_type() else {
                return WalkState::Continue;
            };
            if !rel.as_str().is_empty() && excludes.is_excluded(rel.as_str()) {
                return if file_type.is_dir() {
                    WalkState::Skip
                } else {
                    WalkState::Continue
                };
            }
            if !file_type.is_file() {
                return WalkState::Continue;
            }
            // Every file is read for content checks (secrets, TLS); known
            // kinds are parsed as well.
            let kind = classes
                .matches(rel.as_str())
                .first()
                .and_then(|&index| kinds.get(index).copied())
                .unwrap_or(FileKind::Other);
            let context = crate::context::by_path(rel.as_str());
            if let Ok(mut list) = found.lock() {
                list.push(DiscoveredFile {
                    path: rel,
                    absolute: entry.path().to_path_buf(),
                    kind,
                    context,
                });
            }
            WalkState::Continue
        })
    });
    let mut files = found.into_inner().unwrap_or_default();
    files.sort();
    crate::context::apply_gitattributes(&mut files);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_classifier_glob_compiles() {
        let (set, kinds) = classifier();
        assert_eq!(set.len(), CLASSIFIERS.len());
        assert_eq!(kinds.len(), CLASSIFIERS.len());
        assert_eq!(set.matches("a/b/Cargo.toml"), vec![0]);
        assert_eq!(set.matches("Cargo.lock"), vec![1]);
        assert_eq!(set.matches("web/npm-shrinkwrap.json"), vec![3]);
        let kind = |p: &str| set.matches(p).first().and_then(|&i| kinds.get(i)).copied();
        assert_eq!(kind(".github/workflows/ci.yaml"), Some(FileKind::Workflow));
        assert_eq!(kind("sub/.github/workflows/ci.yaml"), None);
        assert_eq!(kind("svc/api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(
            kind("deploy/docker-compose.prod.yml"),
            Some(FileKind::Compose)
        );
        assert_eq!(kind("compose.yaml"), Some(FileKind::Compose));
        assert_eq!(kind("deploy/.env"), Some(FileKind::DotEnv));
        assert_eq!(kind("requirements/dev.txt"), Some(FileKind::Requirements));
        assert_eq!(
            kind("api/requirements-test.txt"),
            Some(FileKind::Requirements)
        );
        assert!(set.matches("Cargo.toml.bak").is_empty());
    }

    #[test]
    fn dir_globs_prune_the_dir_itself() -> Result<(), globset::Error> {
        let globs = [Glob::new("fixtures/**")?];
        let ex = Excludes::new(globs.iter())?;
        assert!(ex.is_excluded("fixtures"));
        assert!(ex.is_excluded("fixtures/a/Cargo.toml"));
        assert!(!ex.is_excluded("src/fixtures.rs"));
        Ok(())
    }
}
