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

    /// Rewrites a legacy licence expression (`MIT/Apache-2.0`) as SPDX,
    /// so that every report shows the same valid expression.
    pub fn normalise_licence(&mut self) {
        if let Some(text) = &self.license
            && let std::borrow::Cow::Owned(spdx) = crate::licence_expression::normalise(text)
        {
            self.license = Some(spdx);
        }
    }

    /// Masks credentials in every URL the component carries
    /// (a token as the user or password of a git dependency's URL):
    /// no rule needs them, and every report and inventory shows these.
    pub fn mask_credentials(&mut self) {
        let mask = |s: &mut String| {
            if let std::borrow::Cow::Owned(masked) = crate::escape::credentials(s) {
                *s = masked;
            }
        };
        match &mut self.source {
            Source::Registry(url) | Source::Path(url) | Source::Url(url) => mask(url),
            Source::Git { url, reference, .. } => {
                mask(url);
                if let Some(r) = reference {
                    mask(r);
                }
            }
        }
        for s in [
            self.purl.version.as_mut(),
            self.purl.repository_url.as_mut(),
            self.requirement.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            mask(s);
        }
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

/// A file that could not be read, with the kind it was read as (which
/// decides the finding's default severity and the capabilities it hides).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: crate::discover::FileKind,
    pub problem: FileProblem,
}

impl FileProblem {
    pub fn location(&self) -> &Location {
        match self {
            FileProblem::Unparsable { location, .. } | FileProblem::Skipped { location, .. } => {
                location
            }
        }
    }
}

/// A GitHub Actions workflow or composite action, reduced to what the
/// rules read, every value with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    pub path: RelPath,
    /// `false` for a composite `action.yml`.
    pub is_workflow: bool,
    /// Events of `on:` (string, list or map form), each at its name.
    pub triggers: Vec<Trigger>,
    /// Inputs of `workflow_dispatch` and `workflow_call` (of `inputs:` for
    /// an action), with their declared `type`.
    pub inputs: Vec<Input>,
    /// Top-level `permissions:`.
    pub permissions: Option<Permissions>,
    /// Top-level `env:`.
    pub env: Vec<Entry>,
    pub jobs: Vec<Job>,
    /// The first line, for findings about something missing.
    pub head: Location,
}

impl Workflow {
    pub fn has_trigger(&self, event: &str) -> bool {
        self.triggers.iter().any(|t| t.event == event)
    }
}

/// One event of `on:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub event: String,
    pub location: Location,
}

/// A declared input of a workflow (dispatch or call) or of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    /// `string`, `boolean`, `number`, `choice`, `environment`; `None` when
    /// not declared (a string).
    pub kind: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Permissions {
    /// `read-all`, `write-all` or another scalar, at its value.
    Scalar(String, Location),
    /// `{scope: level}` entries, each at its own key.
    Scopes(Vec<(String, String, Location)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub location: Location,
    pub permissions: Option<Permissions>,
    /// A reusable workflow called by the job.
    pub uses: Option<Spanned>,
    /// Job-level `env:`.
    pub env: Vec<Entry>,
    /// The `${{ ... }}` expressions inside `strategy.matrix` (empty for a
    /// static matrix or none).
    pub matrix: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The step's `id:`, which `steps.<id>.outputs` refer to.
    pub id: Option<String>,
    pub uses: Option<Spanned>,
    /// The `run:` script.
    pub run: Option<Spanned>,
    /// `${{ ... }}` expressions of `run:`, each at its exact place.
    pub run_expressions: Vec<Spanned>,
    /// Scalar `with:` inputs.
    pub with: Vec<Entry>,
    /// Step-level `env:`.
    pub env: Vec<Entry>,
    pub continue_on_error: bool,
}

impl Step {
    /// The `with:` input named `key`.
    pub fn input(&self, key: &str) -> Option<&Entry> {
        self.with.iter().find(|e| e.key == key)
    }
}

/// A `key: value` of `with:` or `env:`: the value as parsed, at its place,
/// and the `${{ ... }}` expressions of its source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: Spanned,
    pub expressions: Vec<Spanned>,
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
    /// The stage sets `CMD` or `ENTRYPOINT`: it is meant to run.
    pub runs: bool,
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
    /// What may be shown: a secret's redacted form, else the matched text
    /// with any secret in it masked.
    pub shown: String,
    /// Byte spans of secrets, masked in any text kept for snippets.
    pub masks: Vec<std::ops::Range<usize>>,
    /// How sure the detector is (a checksum-valid token, an entropy guess).
    pub confidence: crate::finding::Confidence,
    /// Why it is believed: "its CRC-32 checksum is valid", …
    pub why: String,
    /// A further place that explains it (an AWS key id's secret).
    pub related: Option<crate::finding::Related>,
    /// The context of the file it is in.
    pub context: crate::context::PathContext,
}

/// A `pscf-lint: ignore[RULE, ...] reason` comment in a scanned file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineSuppression {
    /// From `pscf-lint:` to the closing `]` (or the end of the line).
    pub location: Location,
    /// Rule ids, slugs or globs, as written.
    pub rules: Vec<String>,
    /// `None` when the comment gives no reason.
    pub reason: Option<String>,
    /// Why the comment cannot be read, if it cannot (no closing `]`, no rule).
    pub malformed: Option<&'static str>,
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
    pub problems: Vec<Problem>,
    /// Descriptor, CODEOWNERS and security policy (PSCF-SPM-POM).
    pub product: crate::scan::product::ProductFacts,
    /// Releases and their commits (PSCF-SPM-DM); `None` when the policy
    /// asks for no delivery figures (the history is then never read).
    pub delivery: Option<crate::history::History>,
    /// Reports on disk and projects' tests (PSCF-SPM-QM); `None` when the
    /// policy asks for no quality figures.
    pub quality: Option<crate::scan::reports::QualityFacts>,
    /// `pscf-lint: ignore[...]` comments, in path and line order.
    pub inline_suppressions: Vec<InlineSuppression>,
    /// One dependency graph per lockfile with edges.
    pub graphs: crate::graph::Graphs,
    /// Text of the scanned files, for snippets in reports.
    pub sources: BTreeMap<RelPath, Arc<SourceFile>>,
    /// The context of every file that is not production code.
    pub contexts: BTreeMap<RelPath, crate::context::PathContext>,
}

impl Facts {
    /// The context of a file of the tree, `None` for other paths.
    pub fn context_of(&self, path: &RelPath) -> Option<crate::context::PathContext> {
        match self.contexts.get(path) {
            Some(context) => Some(*context),
            None => self
                .paths
                .binary_search(path)
                .ok()
                .map(|_| crate::context::PathContext::Production),
        }
    }

    /// Puts every list in its canonical order so that output does not
    /// depend on thread scheduling.
    pub fn sorted(mut self) -> Self {
        self.components
            .sort_by(|a, b| (&a.location, &a.purl, a.scope).cmp(&(&b.location, &b.purl, b.scope)));
        self.sort_problems();
        self.inline_suppressions
            .sort_by(|a, b| a.location.cmp(&b.location));
        self
    }

    /// Problems in their canonical order (also after later stages add some).
    pub fn sort_problems(&mut self) {
        self.problems
            .sort_by(|a, b| problem_key(&a.problem).cmp(&problem_key(&b.problem)));
    }
}

fn problem_key(p: &FileProblem) -> (&Location, &str) {
    match p {
        FileProblem::Unparsable { location, message } => (location, message),
        FileProblem::Skipped { location, reason } => (location, reason),
    }
}
