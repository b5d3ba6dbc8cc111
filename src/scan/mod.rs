//! The scan stage: read each discovered file once, in parallel, and turn it
//! into facts. A file that cannot be read or parsed becomes a
//! [`FileProblem`]; it never aborts the scan.

pub mod actions;
pub mod cargo;
pub mod config;
pub mod content;
pub mod docker;
pub mod golang;
pub mod npm;
pub mod python;
pub mod tooling;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{DiscoveredFile, FileKind};
use crate::facts::{Component, ContentHit, Facts, FileProblem};
use crate::location::{Location, RelPath, SourceFile};

/// Files larger than this are reported as skipped, not read: bounded memory
/// whatever a repository holds. The largest real lockfiles are a few tens of
/// megabytes.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What one file turned into.
enum Scanned {
    CargoManifest(cargo::Manifest),
    CargoLock(cargo::Lockfile),
    PackageJson(npm::PackageJson),
    NpmLock(npm::Lockfile),
    Compose(docker::Compose),
    PythonManifest(python::Manifest),
    PythonLock(python::Lockfile),
    DotEnv(HashMap<String, String>),
    Workflow(actions::Parsed),
    GoModule(Vec<Component>),
    /// A file whose presence is the fact (see [`FileKind::is_marker`]).
    Marker(FileKind),
    /// A file of no known kind: only its content was checked.
    Other,
    PreCommit(Vec<crate::facts::Spanned>),
    Dependabot(crate::facts::DependabotConfig),
    Dockerfile(docker::ParsedDockerfile),
    Problem(FileProblem),
}

/// Parsed files, grouped by what their ecosystem's resolver needs.
#[derive(Default)]
struct Documents {
    cargo_manifests: Vec<cargo::Manifest>,
    cargo_locks: Vec<cargo::Lockfile>,
    package_jsons: Vec<npm::PackageJson>,
    npm_locks: Vec<npm::Lockfile>,
    composes: Vec<docker::Compose>,
    python_manifests: Vec<python::Manifest>,
    python_locks: Vec<python::Lockfile>,
    go_modules: Vec<(RelPath, Vec<Component>)>,
    markers: Vec<(FileKind, RelPath)>,
    /// `.env` variables by directory.
    dotenvs: HashMap<String, HashMap<String, String>>,
}

/// Where the ecosystem resolvers find what they need outside the tree.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    /// The scanned root, for files a manifest names that no scanner keeps
    /// (a Cargo `license-file`); reads never leave it.
    pub root: std::path::PathBuf,
    /// Cargo's home (`$CARGO_HOME`, else `~/.cargo`), for licences of
    /// registry crates already in the local cache. Read as files only.
    pub cargo_home: Option<std::path::PathBuf>,
    /// Files whose text the rules need although they are of no known kind
    /// (`file` + `contains` evidence of shared services).
    pub retain: globset::GlobSet,
    /// Files declarative requirements assert on: parsed into config trees.
    pub configs: globset::GlobSet,
}

/// Scans every file and resolves components across files.
pub fn scan(files: &[DiscoveredFile], env: &Environment) -> Facts {
    let scanned: Vec<FileScan> = files.par_iter().filter_map(|f| scan_file(f, env)).collect();

    let mut facts = Facts {
        paths: files.iter().map(|f| f.path.clone()).collect(),
        ..Facts::default()
    };
    let mut docs = Documents::default();
    let mut sources = BTreeMap::new();
    for FileScan {
        source,
        scanned: result,
        hits,
        kind: result_kind,
    } in scanned
    {
        let keep = !matches!(result, Scanned::Other)
            || !hits.is_empty()
            || env.retain.is_match(source.path.as_str());
        facts.content_hits.extend(hits);
        match result {
            Scanned::Other => {}
            Scanned::PreCommit(hooks) => facts.precommit_hooks.extend(hooks),
            Scanned::Dependabot(config) => facts.dependabot.push(config),
            Scanned::CargoManifest(m) => docs.cargo_manifests.push(m),
            Scanned::CargoLock(l) => docs.cargo_locks.push(l),
            Scanned::PackageJson(m) => docs.package_jsons.push(m),
            Scanned::NpmLock(l) => docs.npm_locks.push(l),
            Scanned::Compose(c) => docs.composes.push(c),
            Scanned::PythonManifest(m) => docs.python_manifests.push(m),
            Scanned::PythonLock(l) => docs.python_locks.push(l),
            Scanned::DotEnv(vars) => {
                docs.dotenvs.insert(source.path.parent().to_owned(), vars);
            }
            Scanned::GoModule(c) => docs.go_modules.push((source.path.clone(), c)),
            Scanned::Marker(kind) => {
                docs.markers.push((kind, source.path.clone()));
                continue; // nothing was read: no text to keep
            }
            Scanned::Dockerfile((dockerfile, components)) => {
                facts.dockerfiles.push(dockerfile);
                facts.components.extend(components);
            }
            Scanned::Workflow((workflow, components)) => {
                facts.workflows.push(workflow);
                facts.components.extend(components);
            }
            Scanned::Problem(p) => facts.problems.push(p),
        }
        if env.configs.is_match(source.path.as_str()) {
            match config::parse(&source) {
                Some(Ok(tree)) => {
                    facts.configs.insert(source.path.clone(), tree);
                }
                Some(Err(problem)) if matches!(result_kind, FileKind::Other) => {
                    facts.problems.push(problem)
                }
                _ => {}
            }
        }
        // Other files' text is kept only where it is shown in a snippet.
        if keep || env.configs.is_match(source.path.as_str()) {
            sources.insert(source.path.clone(), source);
        }
    }
    let cargo = cargo::resolve(&docs.cargo_manifests, &docs.cargo_locks, &sources, env);
    facts.components.extend(cargo.components);
    let mut graphs = cargo.graphs;
    facts.components.extend(docker::resolve_compose(
        &docs.composes,
        &docs.dotenvs,
        &sources,
    ));
    let (npm, npm_graphs) = npm::resolve(&docs.package_jsons, &docs.npm_locks, &sources);
    facts.components.extend(npm);
    let (python, python_graphs) =
        python::resolve(&docs.python_manifests, &docs.python_locks, &sources);
    facts.components.extend(python);
    facts.missing_lockfiles = missing_lockfiles(&docs, &sources);
    for (_, components) in docs.go_modules {
        facts.components.extend(components);
    }
    facts.sources = sources;
    graphs.extend(npm_graphs);
    graphs.extend(python_graphs);
    facts.graphs = crate::graph::Graphs::new(graphs);
    facts.sorted()
}

/// Application manifests without their lockfile, in every ecosystem.
fn missing_lockfiles(
    docs: &Documents,
    sources: &BTreeMap<RelPath, Arc<SourceFile>>,
) -> Vec<crate::facts::MissingLockfile> {
    let marked = |kind: FileKind| {
        docs.markers
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, p)| p)
    };
    let binaries = marked(FileKind::RustBinary).cloned().collect();
    let mut missing =
        cargo::missing_lockfiles(&docs.cargo_manifests, &docs.cargo_locks, &binaries, sources);
    missing.extend(npm::missing_lockfiles(
        &docs.package_jsons,
        &docs.npm_locks,
        sources,
    ));
    missing.extend(python::missing_lockfiles(
        &docs.python_manifests,
        &docs.python_locks,
        sources,
    ));
    for (path, components) in &docs.go_modules {
        let has_sum = marked(FileKind::GoSum).any(|p| p.parent() == path.parent());
        if let (false, false, Some(file)) = (components.is_empty(), has_sum, sources.get(path)) {
            missing.push(crate::facts::MissingLockfile {
                manifest: file.location(file.index.line_span(&file.text, 1)),
                ecosystem: crate::purl::Ecosystem::Golang,
                expected: "go.sum",
                because: "it requires modules",
            });
        }
    }
    missing
}

/// What scanning one file produced.
struct FileScan {
    /// Its text (with secrets masked) for snippets.
    source: Arc<SourceFile>,
    scanned: Scanned,
    hits: Vec<ContentHit>,
    kind: FileKind,
}

/// Which content checks apply to a file, by its kind and name.
fn text_class(file: &DiscoveredFile) -> content::TextClass {
    if file.kind != FileKind::Other {
        return content::TextClass::Config;
    }
    let name = file.path.file_name().to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    let config = matches!(
        extension,
        "yml" | "yaml" | "toml" | "json" | "ini" | "cfg" | "conf" | "properties" | "env"
    ) || matches!(
        name.as_str(),
        ".npmrc" | ".yarnrc" | ".pypirc" | "pip.conf" | ".env"
    ) || name.starts_with(".env.");
    let prose = matches!(
        extension,
        "md" | "markdown" | "rst" | "adoc" | "txt" | "html" | "htm"
    );
    if config {
        content::TextClass::Config
    } else if prose {
        content::TextClass::Prose
    } else {
        content::TextClass::Code
    }
}

fn scan_file(file: &DiscoveredFile, env: &Environment) -> Option<FileScan> {
    let parsed = parse_file(file)?;
    let (source, scanned) = parsed;
    if file.kind.is_marker() {
        return Some(FileScan {
            source,
            scanned,
            hits: Vec::new(),
            kind: file.kind,
        });
    }
    let hits = content::scan(&source, text_class(file));
    let needed = file.kind != FileKind::Other
        || !hits.is_empty()
        || env.retain.is_match(file.path.as_str())
        || env.configs.is_match(file.path.as_str());
    let source = match content::redacted(&source.text, &hits) {
        Some(masked) => Arc::new(SourceFile::new(source.path.clone(), masked)),
        // Memory stays bounded by the files that matter, not the tree:
        // other files' text is dropped as soon as it was checked.
        None if !needed => Arc::new(SourceFile::new(source.path.clone(), String::new())),
        None => source,
    };
    Some(FileScan {
        source,
        scanned,
        hits,
        kind: file.kind,
    })
}

fn parse_file(file: &DiscoveredFile) -> Option<(Arc<SourceFile>, Scanned)> {
    if file.kind.is_marker() {
        let empty = Arc::new(SourceFile::new(file.path.clone(), String::new()));
        return Some((empty, Scanned::Marker(file.kind)));
    }
    let text = match read_text(&file.absolute) {
        // A NUL byte means binary: not text, nothing to check.
        Ok(text) if file.kind == FileKind::Other && text.contains('\0') => return None,
        Ok(text) => text,
        Err(ReadError::Io) => return None,
        // Files of no known kind that are huge or not UTF-8 are data or
        // binaries (images, archives): skipped without a finding.
        Err(_) if file.kind == FileKind::Other => return None,
        Err(ReadError::TooLarge(size)) => {
            return Some(skipped(
                file,
                format!("{size} bytes is over the {MAX_FILE_BYTES}-byte limit"),
            ));
        }
        Err(ReadError::NotUtf8 { valid_up_to, bytes }) => {
            // Point at the first bad byte using the valid prefix.
            let prefix =
                String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or(&[])).into_owned();
            let source = Arc::new(SourceFile::new(file.path.clone(), prefix));
            let location = source.location(valid_up_to..valid_up_to);
            let problem = FileProblem::Unparsable {
                location,
                message: format!("not valid UTF-8 (first bad byte at offset {valid_up_to})"),
            };
            return Some((source, Scanned::Problem(problem)));
        }
    };
    let source = Arc::new(SourceFile::new(file.path.clone(), text));
    let result = match file.kind {
        FileKind::CargoManifest => cargo::parse_manifest(&source).map(Scanned::CargoManifest),
        FileKind::CargoLock => cargo::parse_lockfile(&source).map(Scanned::CargoLock),
        FileKind::PackageJson => npm::parse_package_json(&source).map(Scanned::PackageJson),
        FileKind::PackageLock => npm::parse_package_lock(&source).map(Scanned::NpmLock),
        FileKind::PnpmLock => npm::parse_pnpm_lock(&source).map(Scanned::NpmLock),
        FileKind::YarnLock => npm::parse_yarn_lock(&source).map(Scanned::NpmLock),
        FileKind::GoMod => golang::parse_go_mod(&source).map(Scanned::GoModule),
        FileKind::RustBinary | FileKind::GoSum => Ok(Scanned::Marker(file.kind)),
        FileKind::Other => Ok(Scanned::Other),
        FileKind::PreCommitConfig => tooling::parse_precommit(&source).map(Scanned::PreCommit),
        FileKind::Dependabot => tooling::parse_dependabot(&source).map(Scanned::Dependabot),
        FileKind::Workflow => actions::parse_workflow(&source).map(Scanned::Workflow),
        FileKind::ActionManifest => actions::parse_action(&source).map(Scanned::Workflow),
        FileKind::Dockerfile => docker::parse_dockerfile(&source).map(Scanned::Dockerfile),
        FileKind::Compose => docker::parse_compose(&source).map(Scanned::Compose),
        FileKind::Requirements => python::parse_requirements(&source).map(Scanned::PythonManifest),
        FileKind::Pyproject => python::parse_pyproject(&source).map(Scanned::PythonManifest),
        FileKind::Pipfile => python::parse_pipfile(&source).map(Scanned::PythonManifest),
        FileKind::PoetryLock => python::parse_poetry_lock(&source).map(Scanned::PythonLock),
        FileKind::UvLock => python::parse_uv_lock(&source).map(Scanned::PythonLock),
        FileKind::PipfileLock => python::parse_pipfile_lock(&source).map(Scanned::PythonLock),
        FileKind::DotEnv => Ok(Scanned::DotEnv(docker::parse_dotenv(&source.text))),
    };
    let scanned = result.unwrap_or_else(Scanned::Problem);
    Some((source, scanned))
}

fn skipped(file: &DiscoveredFile, reason: String) -> (Arc<SourceFile>, Scanned) {
    let source = Arc::new(SourceFile::new(file.path.clone(), String::new()));
    let problem = FileProblem::Skipped {
        location: Location::file(file.path.clone()),
        reason,
    };
    (source, Scanned::Problem(problem))
}

enum ReadError {
    Io,
    TooLarge(u64),
    NotUtf8 { valid_up_to: usize, bytes: Vec<u8> },
}

/// Reads at most [`MAX_FILE_BYTES`] (the size is checked on the open handle
/// and enforced while reading, so a file growing underneath cannot bypass it).
fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = File::open(path).map_err(|_| ReadError::Io)?;
    let size = file.metadata().map_err(|_| ReadError::Io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    // A UTF-8 byte-order mark is not part of the content.
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    match std::str::from_utf8(bytes.get(start..).unwrap_or(&[])) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(ReadError::NotUtf8 {
            valid_up_to: e.valid_up_to(),
            bytes: bytes.split_off(start),
        }),
    }
}

/// A parse error from a TOML parser, as a problem at the parser's position.
pub(crate) fn toml_problem(source: &SourceFile, error: &toml::de::Error) -> FileProblem {
    let span = error.span().unwrap_or(0..0);
    FileProblem::Unparsable {
        location: source.location(span),
        message: error.message().trim().to_owned(),
    }
}
