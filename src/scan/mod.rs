//! The scan stage: read each discovered file once, in parallel, and turn it
//! into facts. A file that cannot be read or parsed becomes a
//! [`FileProblem`]; it never aborts the scan.

pub mod actions;
pub mod cargo;
pub mod codeowners;
pub mod config;
pub mod content;
pub mod docker;
pub mod golang;
pub mod npm;
pub mod product;
pub mod python;
mod read;
pub mod reports;
pub mod suppressions;
pub mod tests_present;
mod toml_sections;
pub mod tooling;
pub mod xml;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{DiscoveredFile, Discovery, FileKind};
use crate::facts::{Component, ContentHit, Facts, FileProblem, Problem};
use crate::location::{Location, RelPath, SourceFile};

/// Files larger than this are reported as skipped, not read: bounded memory
/// whatever a repository holds. The largest real lockfiles are a few tens of
/// megabytes.
pub const MAX_FILE_BYTES: u64 = read::MAX_FILE_BYTES;

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
    /// Contexts whose files the content checks read (secrets, TLS, plain
    /// HTTP); empty for `inventory`, which needs none of them.
    pub content: crate::context::ContextSet,
}

/// Scans every file and resolves components across files.
pub fn scan(discovery: &Discovery, env: &Environment) -> Facts {
    let files = &discovery.files;
    // Lockfiles, the largest files parsed, go first so that one of them does
    // not serialise the tail of the work; results return to path order.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| files.get(i).is_none_or(|f| !f.kind.is_lockfile()));
    crate::progress::stage("scanning files", Some(files.len() as u64));
    let mut scanned: Vec<(usize, FileScan)> = order
        .par_iter()
        .filter_map(|&i| {
            let scanned = scan_file(files.get(i)?, env);
            crate::progress::advance(1);
            Some((i, scanned?))
        })
        .collect();
    scanned.sort_by_key(|(i, _)| *i);
    let scanned = scanned.into_iter().map(|(_, s)| s);

    let mut facts = Facts {
        paths: files.iter().map(|f| f.path.clone()).collect(),
        problems: discovery
            .problems
            .iter()
            .map(|(kind, problem)| Problem {
                kind: *kind,
                problem: problem.clone(),
            })
            .collect(),
        contexts: files
            .iter()
            .filter(|f| f.context.context != crate::context::PathContext::Production)
            .map(|f| (f.path.clone(), f.context.context))
            .collect(),
        ..Facts::default()
    };
    let mut docs = Documents::default();
    let mut sources = BTreeMap::new();
    for FileScan {
        source,
        scanned: result,
        hits,
        kind: result_kind,
        context,
        suppressions,
    } in scanned
    {
        if context != crate::context::PathContext::Production {
            facts.contexts.insert(source.path.clone(), context);
        }
        let keep = !matches!(result, Scanned::Other)
            || !hits.is_empty()
            || !suppressions.is_empty()
            || env.retain.is_match(source.path.as_str());
        let had_hits = !hits.is_empty();
        facts.content_hits.extend(hits);
        facts.inline_suppressions.extend(suppressions);
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
                if !had_hits {
                    continue; // no text to keep
                }
            }
            Scanned::Dockerfile((dockerfile, components)) => {
                facts.dockerfiles.push(dockerfile);
                facts.components.extend(components);
            }
            Scanned::Workflow((workflow, components)) => {
                facts.workflows.push(workflow);
                facts.components.extend(components);
            }
            Scanned::Problem(problem) => facts.problems.push(Problem {
                kind: result_kind,
                problem,
            }),
        }
        if env.configs.is_match(source.path.as_str()) {
            match config::parse(&source) {
                Some(Ok(tree)) => {
                    facts.configs.insert(source.path.clone(), tree);
                }
                Some(Err(problem)) if matches!(result_kind, FileKind::Other) => {
                    facts.problems.push(Problem {
                        kind: result_kind,
                        problem,
                    })
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
    // A lockfile that is there but could not be read or parsed is reported
    // as such (an error), not as missing.
    let broken_locks: Vec<&str> = facts
        .problems
        .iter()
        .filter(|p| p.kind.is_lockfile())
        .map(|p| p.problem.location().path.parent())
        .collect();
    facts.missing_lockfiles = missing_lockfiles(&docs, &sources)
        .into_iter()
        .filter(|m| {
            let dir = m.manifest.path.parent();
            !broken_locks.iter().any(|lock_dir| {
                lock_dir.is_empty() || dir == *lock_dir || dir.starts_with(&format!("{lock_dir}/"))
            })
        })
        .collect();
    for (_, components) in docs.go_modules {
        facts.components.extend(components);
    }
    for component in &mut facts.components {
        component.mask_credentials();
        component.normalise_licence();
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
    /// Its context, refined by its first bytes.
    context: crate::context::PathContext,
    /// `pscf-lint: ignore[...]` comments.
    suppressions: Vec<crate::facts::InlineSuppression>,
}

fn scan_file(file: &DiscoveredFile, env: &Environment) -> Option<FileScan> {
    // A file of no known kind whose context no content rule reads (vendored,
    // generated, minified by path) is not even opened.
    let read = env.content.contains(file.context.context);
    if file.kind == FileKind::Other
        && !read
        && !env.retain.is_match(file.path.as_str())
        && !env.configs.is_match(file.path.as_str())
    {
        return None;
    }
    let (source, scanned) = parse_file(file)?;
    // Header markers refine the path's context: the text is read anyway.
    let context = match file.kind {
        FileKind::Other => crate::context::refine(file.context, file.path.as_str(), &source.text),
        _ => file.context,
    }
    .context;
    let hits = if env.content.contains(context) && !file.kind.is_marker() {
        let language = content::Language::of(file.path.as_str(), file.kind);
        content::scan(&source, language, context)
    } else {
        Vec::new()
    };
    let suppressions = match suppressions::reads(file.path.file_name()) {
        true => suppressions::collect(&source),
        false => Vec::new(),
    };
    let needed = file.kind != FileKind::Other
        || !hits.is_empty()
        || !suppressions.is_empty()
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
        context,
        suppressions,
    })
}

fn parse_file(file: &DiscoveredFile) -> Option<(Arc<SourceFile>, Scanned)> {
    if file.kind.is_marker() {
        let empty = Arc::new(SourceFile::new(file.path.clone(), String::new()));
        return Some((empty, Scanned::Marker(file.kind)));
    }
    let text = match read::read(&file.absolute, file.kind == FileKind::Other) {
        read::Outcome::Text(text) => text,
        // Images, archives and other binaries: nothing a rule reads.
        read::Outcome::Binary => return None,
        read::Outcome::TooLarge(size) => {
            return Some(skipped(
                file,
                format!("{size} bytes is over the {MAX_FILE_BYTES}-byte limit"),
            ));
        }
        read::Outcome::Unreadable(reason) => {
            return Some(skipped(file, format!("it cannot be read: {reason}")));
        }
        read::Outcome::Lossy { text, first_bad } => {
            // Content rules still read it (lossily); a file of a known kind
            // is also a parse problem at its first bad byte.
            let source = Arc::new(SourceFile::new(file.path.clone(), text));
            if file.kind == FileKind::Other {
                return Some((source, Scanned::Other));
            }
            let problem = FileProblem::Unparsable {
                location: source.location(first_bad..first_bad),
                message: format!("not valid UTF-8 (first bad byte at offset {first_bad})"),
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
        // Never assigned by the walk: the later stages' own kinds.
        FileKind::Other | FileKind::ProductFile | FileKind::QualityReport => Ok(Scanned::Other),
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

/// A parse error from a TOML parser, as a problem at the parser's position.
pub(crate) fn toml_problem(source: &SourceFile, error: &toml::de::Error) -> FileProblem {
    let span = error.span().unwrap_or(0..0);
    FileProblem::Unparsable {
        location: source.location(span),
        message: error.message().trim().to_owned(),
    }
}
