//! The normalised model that every scanner feeds and every rule reads.
//! Built once per run, sorted deterministically, never mutated afterwards.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::location::{Location, RelPath, SourceFile};
use crate::purl::{Ecosystem, Purl};

/// Why a component is in the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Runtime,
    Optional,
    Build,
    Dev,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Runtime => "runtime",
            Scope::Optional => "optional",
            Scope::Build => "build",
            Scope::Dev => "dev",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a component's code comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A package registry, by its well-known name (`crates.io`) or its
    /// index URL without the `registry+` / `sparse+` prefix.
    Registry(String),
    /// A git repository, with the branch, tag or commit when one is named.
    Git {
        url: String,
        reference: Option<String>,
        /// The declaration follows a branch (`branch = "main"`, or no ref
        /// at all), so the next update moves it; `false` for a tag or
        /// commit, and for a lockfile's resolved commit.
        follows_branch: bool,
    },
    /// A directory outside the project, as written in the manifest.
    Path(String),
    /// A direct download (tarball or wheel URL).
    Url(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Registry(r) => write!(f, "registry {r}"),
            Source::Git {
                url,
                reference: Some(r),
                ..
            } => write!(f, "git {url}#{r}"),
            Source::Git {
                url,
                reference: None,
                ..
            } => write!(f, "git {url}"),
            Source::Path(p) => write!(f, "path {p}"),
            Source::Url(u) => write!(f, "URL {u}"),
        }
    }
}

/// A third-party component the product pulls in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Identity; carries the resolved version when a lockfile gives one.
    pub purl: Purl,
    /// The version requirement as written in the manifest (direct only).
    pub requirement: Option<String>,
    pub scope: Scope,
    pub direct: bool,
    pub source: Source,
    /// The licence expression as the input states it (or as detected
    /// from a `license-file`).
    pub license: Option<String>,
    /// Why `license` is `None`, when the scanner can say more than "the
    /// input names none" (a `license-file` that matches no common text).
    pub license_note: Option<String>,
    /// Manifest line for direct dependencies, lockfile entry otherwise.
    pub location: Location,
}

impl Component {
    pub fn ecosystem(&self) -> Ecosystem {
        self.purl.ecosystem
    }
}

/// A file of a known kind that could not be read as that kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// Broken syntax or structure; the file's rules are not evaluated.
    Unparsable { location: Location, message: String },
    /// Too large or not text; not scanned at all.
    Skipped { location: Location, reason: String },
}

/// A GitHub Actions workflow or composite action, reduced to what the
/// rules read, every value with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    pub path: RelPath,
    /// `false` for a composite `action.yml`.
    pub is_workflow: bool,
    /// Event names of `on:` (string, list or map form).
    pub triggers: Vec<String>,
    /// Top-level `permissions:`.
    pub permissions: Option<Permissions>,
    pub jobs: Vec<Job>,
    /// The first line, for findings about something missing.
    pub head: Location,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permissions {
    /// `read-all`, `write-all` or another scalar, at its value.
    Scalar(String, Location),
    /// `{scope: level}` entries, each at its key.
    Scopes(Vec<(String, String, Location)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub location: Location,
    pub permissions: Option<Permissions>,
    /// A reusable workflow called by the job.
    pub uses: Option<Spanned>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub uses: Option<Spanned>,
    /// The `run:` script.
    pub run: Option<Spanned>,
    /// `${{ ... }}` expressions of `run:` (and of `actions/github-script`'s
    /// `script:`), each at its exact place in the file.
    pub script_expressions: Vec<Spanned>,
    /// Scalar `with:` inputs.
    pub with: Vec<(String, Spanned)>,
    pub continue_on_error: bool,
}

/// A Dockerfile's build stages, reduced to what the container rules read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    pub path: RelPath,
    pub stages: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The `FROM` instruction's line.
    pub from: Location,
    /// The base image, when it is an image (not `scratch`, not an earlier
    /// stage, not an unresolvable `$VARIABLE`).
    pub image: Option<BaseImage>,
    /// `FROM scratch`.
    pub scratch: bool,
    /// The earlier stage this one builds on (`FROM build AS test`).
    pub parent: Option<usize>,
    /// `USER` values in this stage, in order.
    pub users: Vec<Spanned>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseImage {
    /// The reference after `ARG` substitution.
    pub reference: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    pub location: Location,
}

/// An application manifest whose lockfile is not in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingLockfile {
    /// The manifest's first line.
    pub manifest: Location,
    pub ecosystem: crate::purl::Ecosystem,
    /// What would satisfy it (`Cargo.lock`, `package-lock.json, yarn.lock or pnpm-lock.yaml`).
    pub expected: &'static str,
    /// Why the manifest counts as an application.
    pub because: &'static str,
}

/// A YAML, JSON or TOML document as a tree of located values, for the
/// policy's declarative `path:` assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigNode {
    /// Any scalar, as text (`true`, `8080`, `debug`); `null` is empty.
    Scalar(String, Location),
    Seq(Vec<ConfigNode>, Location),
    Map(Vec<(String, ConfigNode)>, Location),
}

impl ConfigNode {
    pub fn location(&self) -> &Location {
        match self {
            ConfigNode::Scalar(_, l) | ConfigNode::Seq(_, l) | ConfigNode::Map(_, l) => l,
        }
    }
}

/// A Dependabot configuration: which package ecosystems it updates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependabotConfig {
    pub head: Location,
    /// `updates[].package-ecosystem` values.
    pub ecosystems: Vec<Spanned>,
}

/// What a content check found in a file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitKind {
    Secret { format: &'static str },
    TlsDisabled { what: &'static str },
    InsecureUrl,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentHit {
    pub kind: HitKind,
    pub location: Location,
    /// What may be shown: a secret's redacted form, else the matched text.
    pub shown: String,
    /// The span is a secret: masked in any text kept for snippets.
    pub masked: bool,
}

/// A string value and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned {
    pub value: String,
    pub location: Location,
}

/// Everything the scanners found, in a deterministic order.
#[derive(Debug, Default)]
pub struct Facts {
    pub components: Vec<Component>,
    pub workflows: Vec<Workflow>,
    pub dockerfiles: Vec<Dockerfile>,
    pub missing_lockfiles: Vec<MissingLockfile>,
    pub content_hits: Vec<ContentHit>,
    /// Every file of the tree (after excludes), in path order.
    pub paths: Vec<RelPath>,
    /// Hook ids of `.pre-commit-config.yaml` files.
    pub precommit_hooks: Vec<Spanned>,
    pub dependabot: Vec<DependabotConfig>,
    /// Parsed configuration files that declarative requirements name.
    pub configs: BTreeMap<RelPath, ConfigNode>,
    pub problems: Vec<FileProblem>,
    /// One dependency graph per lockfile with edges.
    pub graphs: crate::graph::Graphs,
    /// Text of the scanned files, for snippets in reports.
    pub sources: BTreeMap<RelPath, Arc<SourceFile>>,
}

impl Facts {
    /// Puts every list in its canonical order so that output does not
    /// depend on thread scheduling.
    pub fn sorted(mut self) -> Self {
        self.components
            .sort_by(|a, b| (&a.location, &a.purl, a.scope).cmp(&(&b.location, &b.purl, b.scope)));
        self.problems
            .sort_by(|a, b| problem_key(a).cmp(&problem_key(b)));
        self
    }
}

fn problem_key(p: &FileProblem) -> (&Location, &str) {
    match p {
        FileProblem::Unparsable { location, message } => (location, message),
        FileProblem::Skipped { location, reason } => (location, reason),
    }
}
