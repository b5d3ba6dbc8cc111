//! One walk of the tree: every file pscf-lint knows how to read, classified
//! by kind with a single `GlobSet`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::facts::FileProblem;
use crate::finding::Capability;
use crate::location::{Location, RelPath};

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
    /// `catalog-info.yaml`, CODEOWNERS, SECURITY.md, Security Insights:
    /// read by the POM stage from the kept texts.
    ProductFile,
    /// A coverage, test or SARIF report the QM stage reads.
    QualityReport,
}

impl FileKind {
    /// Kinds whose presence is the fact: they are noted, never read.
    /// `go.sum` holds only module paths and hashes: no secret or endpoint.
    pub fn is_marker(self) -> bool {
        matches!(self, FileKind::GoSum)
    }

    /// Kinds whose loss hides the most: a workflow or a lockfile that cannot
    /// be read makes its problem an error by default, not a warning.
    pub fn is_critical(self) -> bool {
        matches!(
            self,
            FileKind::Workflow
                | FileKind::ActionManifest
                | FileKind::CargoLock
                | FileKind::PackageLock
                | FileKind::PnpmLock
                | FileKind::YarnLock
                | FileKind::PoetryLock
                | FileKind::UvLock
                | FileKind::PipfileLock
        )
    }

    /// The capabilities whose evidence a file of this kind holds: when it
    /// cannot be read, they cannot `pass`.
    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::{
            MinimumApplicationRequirements as Mar, RecommendedComponents as Rc,
            RecommendedSharedSecurityServices as Rss,
        };
        match self {
            FileKind::Workflow | FileKind::ActionManifest => &[Rc, Rss, Mar],
            FileKind::PreCommitConfig | FileKind::Dependabot => &[Rss],
            FileKind::ProductFile => &[Capability::ProductOperatingModel],
            FileKind::QualityReport => &[Capability::QualityMetrics],
            FileKind::Other => &[Mar],
            _ => &[Rc, Mar],
        }
    }

    pub fn is_lockfile(self) -> bool {
        matches!(
            self,
            FileKind::CargoLock
                | FileKind::PackageLock
                | FileKind::PnpmLock
                | FileKind::YarnLock
                | FileKind::PoetryLock
                | FileKind::UvLock
                | FileKind::PipfileLock
                | FileKind::GoSum
        )
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

    /// Whether a repository-relative path is excluded (for walks other
    /// than the main one).
    pub fn is_excluded_path(&self, path: &str) -> bool {
        self.is_excluded(path)
            || path
                .match_indices('/')
                .any(|(i, _)| path.get(..i).is_some_and(|dir| self.is_excluded(dir)))
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

/// What the walk found: the files to scan, and those it could not take.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<DiscoveredFile>,
    /// Entries that would be scanned but cannot be: unreadable directories,
    /// names that are not UTF-8, special files of a known kind.
    pub problems: Vec<(FileKind, FileProblem)>,
}

/// The classifier, once per walk.
struct Classes {
    set: GlobSet,
    kinds: Vec<FileKind>,
}

impl Classes {
    fn new() -> Self {
        let (set, kinds) = classifier();
        Classes { set, kinds }
    }

    fn kind(&self, path: &str) -> FileKind {
        self.set
            .matches(path)
            .first()
            .and_then(|&index| self.kinds.get(index).copied())
            .unwrap_or(FileKind::Other)
    }
}

/// A repository-relative path from a walked path, faithfully: components
/// joined with `/` (a `\` in a Unix file name stays), or `None` when a
/// component is not UTF-8 (a lossy name could collide with another file's).
fn rel_path(relative: &Path) -> Option<RelPath> {
    let mut parts = Vec::new();
    for part in relative.components() {
        match part {
            std::path::Component::Normal(p) => parts.push(p.to_str()?),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    Some(RelPath::from_components(&parts))
}

fn skipped(kind: FileKind, path: RelPath, reason: String) -> (FileKind, FileProblem) {
    (
        kind,
        FileProblem::Skipped {
            location: Location::file(path),
            reason,
        },
    )
}

/// Walks `root` once, in parallel, never following symlinks, and returns
/// the classified files in path order.
///
/// `tracked` is what the git index lists under `root` (relative to it):
/// those files are scanned whatever `.gitignore` or `.ignore` say — a pull
/// request writes its own ignore files, and must not hide a committed
/// lockfile or secret with them. Ignore files apply to untracked files
/// only; ignore files above `root` and the user's global excludes are never
/// read (nothing outside the repository is).
pub fn discover(
    root: &Path,
    excludes: &Excludes,
    threads: usize,
    tracked: Option<&[RelPath]>,
) -> Discovery {
    let classes = Classes::new();
    let found = Mutex::new(Discovery::default());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .parents(false)
        .git_global(false)
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
        Box::new(move |entry| {
            let (state, visited) = visit(root, excludes, classes, entry);
            if let (Some(visited), Ok(mut d)) = (visited, found.lock()) {
                match visited {
                    Visited::File(f) => d.files.push(f),
                    Visited::Problem(p) => d.problems.push(p),
                }
            }
            state
        })
    });
    let mut discovery = found.into_inner().unwrap_or_default();
    if let Some(tracked) = tracked {
        add_tracked(root, excludes, &classes, tracked, &mut discovery);
    }
    discovery.files.sort();
    discovery.files.dedup_by(|a, b| a.path == b.path);
    crate::context::apply_gitattributes(&mut discovery.files);
    discovery
        .problems
        .sort_by(|a, b| a.1.location().cmp(b.1.location()));
    discovery
}

enum Visited {
    File(DiscoveredFile),
    Problem((FileKind, FileProblem)),
}

fn visit(
    root: &Path,
    excludes: &Excludes,
    classes: &Classes,
    entry: Result<ignore::DirEntry, ignore::Error>,
) -> (WalkState, Option<Visited>) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(error) => return (WalkState::Continue, walk_error(root, &error)),
    };
    let Ok(relative) = entry.path().strip_prefix(root) else {
        return (WalkState::Continue, None);
    };
    if relative.as_os_str().is_empty() {
        return (WalkState::Continue, None);
    }
    let Some(file_type) = entry.file_type() else {
        return (WalkState::Continue, None);
    };
    let Some(rel) = rel_path(relative) else {
        let shown = RelPath::from_components(&[&relative.to_string_lossy()]);
        let problem = skipped(
            FileKind::Other,
            shown,
            "its name is not valid UTF-8; rename it to scan it".to_owned(),
        );
        let state = if file_type.is_dir() {
            WalkState::Skip
        } else {
            WalkState::Continue
        };
        return (state, Some(Visited::Problem(problem)));
    };
    if excludes.is_excluded(rel.as_str()) {
        let state = if file_type.is_dir() {
            WalkState::Skip
        } else {
            WalkState::Continue
        };
        return (state, None);
    }
    if file_type.is_dir() {
        return (WalkState::Continue, None);
    }
    let kind = classes.kind(rel.as_str());
    if file_type.is_file() {
        return (
            WalkState::Continue,
            Some(Visited::File(DiscoveredFile {
                context: crate::context::by_path(rel.as_str()),
                path: rel,
                absolute: entry.path().to_path_buf(),
                kind,
            })),
        );
    }
    // Symlinks are never followed (their target, if inside the tree, is
    // scanned as itself); one in place of a file pscf-lint reads, and any
    // FIFO, socket or device, is reported rather than passed over.
    let reason = if file_type.is_symlink() {
        "it is a symlink, which is not followed"
    } else {
        "it is not a regular file"
    };
    let report = !file_type.is_symlink() || kind != FileKind::Other;
    let problem = report.then(|| Visited::Problem(skipped(kind, rel, reason.to_owned())));
    (WalkState::Continue, problem)
}

/// A directory or file the walk could not enter or read.
fn walk_error(root: &Path, error: &ignore::Error) -> Option<Visited> {
    let path = error_path(error)?;
    let relative = path.strip_prefix(root).ok()?;
    let rel = RelPath::from_components(&[&relative.to_string_lossy()]);
    let reason = match error.io_error() {
        Some(io) => format!("cannot be read: {}", io_reason(io)),
        None => format!("cannot be read: {error}"),
    };
    Some(Visited::Problem(skipped(FileKind::Other, rel, reason)))
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotFound => "it vanished during the scan".to_owned(),
        _ => e.to_string(),
    }
}

/// Tracked files the walk left out because an ignore file matched them.
fn add_tracked(
    root: &Path,
    excludes: &Excludes,
    classes: &Classes,
    tracked: &[RelPath],
    discovery: &mut Discovery,
) {
    let walked: std::collections::HashSet<&RelPath> =
        discovery.files.iter().map(|f| &f.path).collect();
    let mut extra = Vec::new();
    for path in tracked {
        if walked.contains(path)
            || excludes.is_excluded(path.as_str())
            || path
                .as_str()
                .split('/')
                .any(|part| ALWAYS_SKIPPED_DIRS.contains(&part))
        {
            continue;
        }
        let absolute = root.join(path.as_str());
        // Only what is a regular file in the work tree now: a tracked file
        // deleted locally is not there to scan, and a symlink is not
        // followed.
        match std::fs::symlink_metadata(&absolute) {
            Ok(meta) if meta.is_file() => extra.push(DiscoveredFile {
                context: crate::context::by_path(path.as_str()),
                path: path.clone(),
                absolute,
                kind: classes.kind(path.as_str()),
            }),
            _ => {}
        }
    }
    discovery.files.extend(extra);
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
    fn names_keep_backslashes_and_refuse_non_utf8() {
        assert_eq!(
            rel_path(Path::new("a\\x.yml")).map(|p| p.as_str().to_owned()),
            Some("a\\x.yml".to_owned())
        );
        assert_eq!(
            rel_path(Path::new("a/x.yml")).map(|p| p.as_str().to_owned()),
            Some("a/x.yml".to_owned())
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let bad = std::ffi::OsStr::from_bytes(b"dir/\xfe.yml");
            assert_eq!(rel_path(Path::new(bad)), None);
        }
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
