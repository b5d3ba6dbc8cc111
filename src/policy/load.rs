//! Finding, reading and merging policy files: the built-in bundle, the
//! trusted policy and the repository's config, and everything they
//! `extend`.
//!
//! Every file has a [`Trust`]. Files inside the scanned repository were
//! written by whoever wrote the repository (in a pull-request gate: a
//! possible attacker): they, their `extends` and their paths stay inside
//! the root, are never symlinks and are always regular files. Only files the
//! user names on the command line, and what those extend outside the
//! repository, may be anywhere.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use super::confine::{self, Want};
use super::merge;
use super::validate::{Layer, validate};
use super::{Policy, PolicyError, PolicyErrors};
use crate::location::{LineIndex, RelPath, SourceFile};
use crate::yaml;

/// The embedded default bundle's name in `extends`.
pub const BUILTIN_NAME: &str = "builtin:pscf-spm";

/// Config file names looked for at the root, in this order.
pub const CONFIG_NAMES: [&str; 3] = [".pscf-lint.yaml", ".pscf-lint.yml", "pscf-lint.yaml"];

/// What `--config -` and `--trusted-policy -` name: standard input.
pub const STDIN_NAME: &str = "-";
/// How standard input is named in diagnostics.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// Policy files are small; a larger one is a mistake, not a policy.
pub const MAX_POLICY_BYTES: u64 = 4 * 1024 * 1024;
/// How deep `extends` may nest, and how many files one run may load.
pub const MAX_EXTENDS_DEPTH: usize = 16;
pub const MAX_POLICY_FILES: usize = 64;

pub fn builtin_text() -> &'static str {
    include_str!("../../policies/pscf-spm.yaml")
}

/// Who wrote a policy file, which decides what it may read and whether
/// what it relaxes counts as weakening the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Trust {
    /// The built-in bundle, a file the user named on the command line, or a
    /// file outside the repository that such a file extends.
    Trusted,
    /// A file inside the scanned repository.
    Repository,
}

/// The repository's config file, if it has one (whatever its type: a
/// symlink or a FIFO there is refused when it is read, not ignored).
pub fn discover_config(root: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// What a check of `root` loads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// `--config`: used instead of the config found at the root.
    pub config: Option<&'a Path>,
    /// `--trusted-policy`: the organisation's policy, which the
    /// repository's config may tighten but only loosen where it allows.
    pub trusted: Option<&'a Path>,
}

/// Loads the policy for a check of `root`: the trusted policy (if any),
/// then `config` if given, else the config found at the root, else the
/// built-in bundle alone.
pub fn load(root: &Path, request: Request<'_>) -> Result<Policy, PolicyErrors> {
    let mut loader = Loader::new(root);
    let trusted_given = request.trusted.is_some();
    if request.trusted.is_some_and(is_stdin) && request.config.is_some_and(is_stdin) {
        return Err(PolicyError::file(
            STDIN_DISPLAY,
            "`--config -` and `--trusted-policy -` cannot both read standard input",
        )
        .with_help("give one of the two policies as a file")
        .into());
    }
    if let Some(trusted) = request.trusted {
        let target = loader.named_trusted(trusted);
        loader.load(target);
    }
    match request
        .config
        .map(Path::to_path_buf)
        .or_else(|| discover_config(root))
    {
        Some(path) if request.config.is_some() => {
            let target = loader.named(&path);
            loader.load(target);
        }
        Some(path) => {
            let target = loader.discovered(&path);
            loader.load(target);
        }
        None if !trusted_given => loader.load(Target::builtin()),
        None => {}
    }
    loader.finish(trusted_given)
}

/// Loads and validates one policy file (and what it extends); paths in
/// errors are shown relative to the working directory.
pub fn load_file(path: &Path) -> Result<Policy, PolicyErrors> {
    let mut loader = Loader::new(Path::new("."));
    let target = loader.named_trusted(path);
    loader.load(target);
    loader.finish(false)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Origin {
    Builtin,
    /// Relative to the root, confined to it.
    Inside(PathBuf),
    /// Anywhere (trusted); `named` when the user gave it on the command line.
    Outside {
        path: PathBuf,
        named: bool,
    },
    /// Standard input (`-`): the repository's config, confined to the root
    /// like the file it stands for, unless it is the trusted policy.
    Stdin {
        trusted: bool,
    },
}

/// Whether a policy path names standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_NAME
}

/// A file to load, with where it was named (for errors about it).
struct Target {
    origin: Origin,
    from: Option<Reference>,
}

impl Target {
    fn builtin() -> Self {
        Target {
            origin: Origin::Builtin,
            from: None,
        }
    }
}

/// Where an `extends` entry was written.
#[derive(Clone)]
struct Reference {
    source: Arc<SourceFile>,
    span: Range<usize>,
}

/// A file being loaded: its `extends` are loaded first (depth first, in
/// order), then it is validated, so layers come out in merge order.
struct Frame {
    key: Origin,
    source: Arc<SourceFile>,
    file: Option<super::raw::PolicyFile>,
    children: Vec<Target>,
    next: usize,
}

/// One validated file, ready to merge.
pub struct Loaded {
    pub layer: Layer,
    pub source: Arc<SourceFile>,
    pub trust: Trust,
}

struct Loader {
    root: PathBuf,
    /// The root as given, made absolute (lexically).
    root_abs: PathBuf,
    /// The root with symlinks resolved.
    root_canon: PathBuf,
    /// Files already merged: a diamond applies each file once.
    seen: HashSet<Origin>,
    loaded: usize,
    layers: Vec<Loaded>,
    errors: Vec<PolicyError>,
}

impl Loader {
    fn new(root: &Path) -> Self {
        let root_abs = confine::absolute(root);
        let root_canon = root.canonicalize().unwrap_or_else(|_| root_abs.clone());
        Loader {
            root: root.to_path_buf(),
            root_abs,
            root_canon,
            seen: HashSet::new(),
            loaded: 0,
            layers: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A file inside the root as a confined origin, by its path relative to
    /// the root.
    fn relative_to_root(&self, path: &Path) -> Option<PathBuf> {
        let abs = confine::absolute(path);
        confine::inside(&self.root_abs, &abs).or_else(|| confine::inside(&self.root_canon, &abs))
    }

    /// A file the user named on the command line: trusted, unless it lies
    /// inside the repository (then it is the repository's own file, named).
    fn named(&self, path: &Path) -> Target {
        if is_stdin(path) {
            return Target {
                origin: Origin::Stdin { trusted: false },
                from: None,
            };
        }
        let origin = match self.relative_to_root(path) {
            Some(rel) => Origin::Inside(rel),
            None => Origin::Outside {
                path: path.to_path_buf(),
                named: true,
            },
        };
        Target { origin, from: None }
    }

    /// The trusted policy (or the file `policy validate` checks): as
    /// [`Loader::named`], but standard input is trusted too.
    fn named_trusted(&self, path: &Path) -> Target {
        if is_stdin(path) {
            return Target {
                origin: Origin::Stdin { trusted: true },
                from: None,
            };
        }
        self.named(path)
    }

    /// The config found at the root.
    fn discovered(&self, path: &Path) -> Target {
        let rel = path
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| path.to_path_buf());
        Target {
            origin: Origin::Inside(rel),
            from: None,
        }
    }

    fn trust(origin: &Origin) -> Trust {
        match origin {
            Origin::Inside(_) | Origin::Stdin { trusted: false } => Trust::Repository,
            Origin::Builtin | Origin::Outside { .. } | Origin::Stdin { trusted: true } => {
                Trust::Trusted
            }
        }
    }

    /// Loads `target` and everything it extends, without recursion: the
    /// depth of `extends` is bounded, not the stack.
    fn load(&mut self, target: Target) {
        let mut stack: Vec<Frame> = Vec::new();
        if let Some(frame) = self.open(target, &stack) {
            stack.push(frame);
        }
        while let Some(top) = stack.last_mut() {
            if let Some(child) = top.children.get_mut(top.next).map(take_target) {
                top.next += 1;
                if stack.len() >= MAX_EXTENDS_DEPTH {
                    let message =
                        format!("`extends` nests more than {MAX_EXTENDS_DEPTH} files deep");
                    self.errors.push(at(
                        child.from.as_ref(),
                        message,
                        "flatten the chain: extend the files you need directly",
                    ));
                    continue;
                }
                if let Some(frame) = self.open(child, &stack) {
                    stack.push(frame);
                }
                continue;
            }
            if let Some(frame) = stack.pop() {
                self.finish_frame(frame);
            }
        }
    }

    /// Reads and parses one file, or records why it cannot be.
    fn open(&mut self, target: Target, stack: &[Frame]) -> Option<Frame> {
        let key = self.key(&target.origin);
        if stack.iter().any(|f| f.key == key) {
            let chain: Vec<String> = stack
                .iter()
                .map(|f| f.source.path.to_string())
                .chain(std::iter::once(self.display(&target.origin)))
                .collect();
            self.errors.push(at(
                target.from.as_ref(),
                format!("`extends` cycle: {}", chain.join(" -> ")),
                "remove one of the `extends` entries that lead back to this file",
            ));
            return None;
        }
        if !self.seen.insert(key.clone()) {
            return None;
        }
        self.loaded += 1;
        if self.loaded > MAX_POLICY_FILES {
            self.errors.push(at(
                target.from.as_ref(),
                format!("more than {MAX_POLICY_FILES} policy files are loaded"),
                "a policy needs a handful of files; flatten the `extends` graph",
            ));
            return None;
        }
        let source = match self.read(&target.origin) {
            Ok(source) => source,
            Err(message) => {
                let help = "`extends` takes `builtin:pscf-spm` or a path relative to the file that names it";
                let e = match &target.from {
                    Some(_) => at(target.from.as_ref(), message, help),
                    None => PolicyError::file(self.display(&target.origin), message),
                };
                self.errors.push(e);
                return None;
            }
        };
        if let Err(message) = policy_shaped(&source) {
            // Never show the text of a file that is not a policy: it may be
            // anything the repository's config pointed at.
            self.errors.push(
                PolicyError::file(source.path.to_string(), message)
                    .with_help("`extends` and `--config` take pscf-lint policy files (`pscf-lint schema` prints the format)"),
            );
            return None;
        }
        let file: super::raw::PolicyFile = match yaml::from_source(&source) {
            Ok(file) => file,
            Err(e) => {
                let help = match super::suggest::did_you_mean(&e.message) {
                    Some(near) => format!(
                        "did you mean `{}`? (`pscf-lint schema` prints the policy format)",
                        crate::escape::inline(near)
                    ),
                    None => "`pscf-lint schema` prints the policy format".to_owned(),
                };
                self.errors
                    .push(PolicyError::new(&source, e.span, e.message).with_help(help));
                return None;
            }
        };
        let children = file
            .extends
            .iter()
            .flatten()
            .filter_map(|entry| {
                let from = Reference {
                    source: Arc::clone(&source),
                    span: yaml::span(entry, &source),
                };
                match self.resolve(&target.origin, &entry.value) {
                    Ok(origin) => Some(Target {
                        origin,
                        from: Some(from),
                    }),
                    Err((message, help)) => {
                        self.errors.push(at(Some(&from), message, &help));
                        None
                    }
                }
            })
            .collect();
        Some(Frame {
            key,
            source,
            file: Some(file),
            children,
            next: 0,
        })
    }

    fn finish_frame(&mut self, mut frame: Frame) {
        let Some(file) = frame.file.take() else {
            return;
        };
        let trust = Self::trust(&frame.key);
        let base = self.base(&frame.key);
        let confined = (trust == Trust::Repository).then_some(self.root_canon.as_path());
        match validate(file, &frame.source, &base, confined) {
            Ok(layer) => self.layers.push(Loaded {
                layer,
                source: frame.source,
                trust,
            }),
            Err(errors) => self.errors.extend(errors),
        }
    }

    /// The directory relative paths in a file are resolved against: for a
    /// confined file, relative to the root.
    fn base(&self, origin: &Origin) -> PathBuf {
        match origin {
            Origin::Builtin => self.root.clone(),
            Origin::Inside(rel) => rel.parent().map(Path::to_path_buf).unwrap_or_default(),
            Origin::Outside { path, .. } => {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            }
            // Confined: relative to the root; trusted: to the working directory.
            Origin::Stdin { .. } => PathBuf::new(),
        }
    }

    fn resolve(&self, from: &Origin, entry: &str) -> Result<Origin, (String, String)> {
        if entry == BUILTIN_NAME {
            return Ok(Origin::Builtin);
        }
        if let Some(name) = entry.strip_prefix("builtin:") {
            return Err((
                format!("unknown built-in policy `{}`", crate::escape::inline(name)),
                format!("the built-in policy is `{BUILTIN_NAME}`"),
            ));
        }
        if entry.contains("://") {
            return Err((
                "a URL is not a local file: policies are never fetched from the network".to_owned(),
                "vendor the policy into the repository and name it by relative path".to_owned(),
            ));
        }
        // Standard input stands for a file at the root (untrusted) or in
        // the working directory (trusted).
        let stand_in = match from {
            Origin::Stdin { trusted: false } => Some(Origin::Inside(PathBuf::from(STDIN_NAME))),
            Origin::Stdin { trusted: true } => Some(Origin::Outside {
                path: PathBuf::from(STDIN_NAME),
                named: true,
            }),
            _ => None,
        };
        match stand_in.as_ref().unwrap_or(from) {
            Origin::Stdin { .. } => Err((
                "standard input extends nothing here".to_owned(),
                String::new(),
            )),
            Origin::Builtin => Err((
                "the built-in policy extends nothing".to_owned(),
                String::new(),
            )),
            Origin::Inside(rel) => {
                let dir = rel.parent().unwrap_or(Path::new(""));
                let joined = dir.join(entry);
                confine::normalise(&joined)
                    .map(Origin::Inside)
                    .map_err(|m| (m, "name a policy file inside the repository, by a path relative to the file that extends it".to_owned()))
            }
            Origin::Outside { path, .. } => {
                let joined = path.parent().unwrap_or(Path::new("")).join(entry);
                Ok(match self.relative_to_root(&joined) {
                    Some(rel) => Origin::Inside(rel),
                    None => Origin::Outside {
                        path: joined,
                        named: false,
                    },
                })
            }
        }
    }

    fn read(&self, origin: &Origin) -> Result<Arc<SourceFile>, String> {
        let display = RelPath::new(&self.display(origin));
        let (path, regular_only) = match origin {
            Origin::Builtin => {
                return Ok(Arc::new(SourceFile::new(
                    display,
                    builtin_text().to_owned(),
                )));
            }
            Origin::Inside(rel) => (
                confine::resolve(&self.root_canon, rel, Want::File)
                    .map_err(|m| format!("cannot read policy {m}"))?,
                true,
            ),
            // What the user named may be a pipe (`--config <(...)`); what a
            // trusted file extends must be a file.
            Origin::Outside { path, named } => (path.clone(), !named),
            Origin::Stdin { .. } => {
                return read_stdin()
                    .map(|text| Arc::new(SourceFile::new(display.clone(), text)))
                    .map_err(|m| format!("cannot read the policy from standard input: {m}"));
            }
        };
        read_bounded(&path, regular_only)
            .map(|text| Arc::new(SourceFile::new(display.clone(), text)))
            .map_err(|m| format!("cannot read policy `{display}`: {m}"))
    }

    /// The identity of a file for cycle and diamond detection.
    fn key(&self, origin: &Origin) -> Origin {
        match origin {
            Origin::Outside { path, named } => Origin::Outside {
                path: path.canonicalize().unwrap_or_else(|_| path.clone()),
                named: *named,
            },
            other => other.clone(),
        }
    }

    /// A policy file's name as reports show it: relative to the root when
    /// inside it, else as the user wrote it.
    fn display(&self, origin: &Origin) -> String {
        match origin {
            Origin::Builtin => BUILTIN_NAME.to_owned(),
            Origin::Inside(rel) => rel.to_string_lossy().replace('\\', "/"),
            Origin::Outside { path, .. } => path.display().to_string(),
            Origin::Stdin { .. } => STDIN_DISPLAY.to_owned(),
        }
    }

    fn finish(self, trusted_given: bool) -> Result<Policy, PolicyErrors> {
        if !self.errors.is_empty() {
            return Err(PolicyErrors(self.errors));
        }
        Ok(merge::merge_all(self.layers, trusted_given))
    }
}

fn take_target(t: &mut Target) -> Target {
    Target {
        origin: std::mem::replace(&mut t.origin, Origin::Builtin),
        from: t.from.take(),
    }
}

fn at(from: Option<&Reference>, message: String, help: &str) -> PolicyError {
    let e = match from {
        Some(r) => PolicyError::new(&r.source, r.span.clone(), message),
        None => PolicyError::file(BUILTIN_NAME, message),
    };
    if help.is_empty() {
        e
    } else {
        e.with_help(help)
    }
}

/// Reads at most [`MAX_POLICY_BYTES`], checking the size before reading
/// when the file says it, so nothing huge is ever read to be refused.
fn read_bounded(path: &Path, regular_only: bool) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| confine::io_reason(&e))?;
    if regular_only && !meta.is_file() {
        return Err(
            "not a regular file (FIFOs, devices and directories are never read)".to_owned(),
        );
    }
    if meta.is_dir() {
        return Err("is a directory".to_owned());
    }
    if meta.is_file() && meta.len() > MAX_POLICY_BYTES {
        return Err(format!(
            "{} bytes is over the {MAX_POLICY_BYTES}-byte limit for policy files",
            meta.len()
        ));
    }
    let file = File::open(path).map_err(|e| confine::io_reason(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| confine::io_reason(&e))?;
    utf8_within_limit(bytes)
}

/// Reads standard input, bounded as policy files are.
fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| confine::io_reason(&e))?;
    utf8_within_limit(bytes)
}

/// Refuses more than [`MAX_POLICY_BYTES`] and text that is not UTF-8.
fn utf8_within_limit(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(format!(
            "it is over the {MAX_POLICY_BYTES}-byte limit for policy files"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Top-level keys of the policy format, from its JSON Schema (so a new
/// section is known as soon as it is declared).
static POLICY_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let schema = schemars::schema_for!(super::raw::PolicyFile);
    schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
});

/// A policy key, or a misspelling of one (which then gets a "did you
/// mean" from the typed parse).
fn near_policy_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    POLICY_KEYS
        .iter()
        .any(|known| crate::rules::registry::edit_distance(&key, known) <= 2)
}

/// Whether a file looks like a policy: empty, or a YAML mapping with at
/// least one policy key. The error never quotes the file.
fn policy_shaped(source: &SourceFile) -> Result<(), String> {
    let blank = source
        .text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return Ok(());
    }
    let name = crate::escape::inline(source.path.as_str()).into_owned();
    match yaml::from_source::<yaml::SpannedMap<serde::de::IgnoredAny>>(source) {
        Ok(map) if map.0.iter().any(|(k, _)| near_policy_key(&k.value)) => Ok(()),
        Ok(_) => Err(format!(
            "`{name}` is not a pscf-lint policy: none of its top-level keys is a policy key"
        )),
        Err(e) => {
            let index = LineIndex::new(&source.text);
            let (line, column) = index.line_col(&source.text, e.span.start);
            Err(format!(
                "`{name}` is not a pscf-lint policy: it is not a YAML mapping (line {line}, column {column})"
            ))
        }
    }
}
