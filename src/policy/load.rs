//! Finding, reading and merging policy files: the built-in bundle, the
//! repository's config, and everything they `extend`.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::validate::{ComponentsLayer, Layer, validate};
use super::{
    ComponentPolicy, InlineSuppressions, LicensePolicy, Policy, PolicyError, PolicyErrors, Product,
};
use crate::location::{RelPath, SourceFile};
use crate::yaml;

/// The embedded default bundle's name in `extends`.
pub const BUILTIN_NAME: &str = "builtin:pscf-spm";

/// Config file names looked for at the root, in this order.
pub const CONFIG_NAMES: [&str; 3] = [".pscf-lint.yaml", ".pscf-lint.yml", "pscf-lint.yaml"];

/// Policy files are small; a larger one is a mistake, not a policy.
const MAX_POLICY_BYTES: u64 = 4 * 1024 * 1024;

pub fn builtin_text() -> &'static str {
    include_str!("../../policies/pscf-spm.yaml")
}

/// The repository's config file, if it has one.
pub fn discover_config(root: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file())
}

/// Loads the policy for a check of `root`: `config` if given, else the
/// config found at the root, else the built-in bundle alone.
pub fn load(root: &Path, config: Option<&Path>) -> Result<Policy, PolicyErrors> {
    let origin = match config
        .map(Path::to_path_buf)
        .or_else(|| discover_config(root))
    {
        Some(path) => Origin::File(path),
        None => Origin::Builtin,
    };
    let mut loader = Loader::new(root);
    loader.load(&origin, None);
    loader.finish()
}

/// Loads and validates one policy file (and what it extends); paths in
/// errors are shown relative to the working directory.
pub fn load_file(path: &Path) -> Result<Policy, PolicyErrors> {
    let root = Path::new(".");
    let mut loader = Loader::new(root);
    loader.load(&Origin::File(path.to_path_buf()), None);
    loader.finish()
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Origin {
    Builtin,
    File(PathBuf),
}

struct Loader<'a> {
    root: &'a Path,
    /// Files being loaded, outermost first: a repeat is a cycle.
    stack: Vec<Origin>,
    /// Files already merged: a diamond applies each file once.
    seen: HashSet<Origin>,
    layers: Vec<(Layer, Arc<SourceFile>)>,
    errors: Vec<PolicyError>,
}

/// Where an `extends` entry was written, for errors about it.
struct Reference<'a> {
    source: &'a Arc<SourceFile>,
    entry: &'a yaml::Spanned<String>,
}

impl<'a> Loader<'a> {
    fn new(root: &'a Path) -> Self {
        Loader {
            root,
            stack: Vec::new(),
            seen: HashSet::new(),
            layers: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn load(&mut self, origin: &Origin, from: Option<Reference<'_>>) {
        let key = canonical(origin);
        if self.stack.contains(&key) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .chain(std::iter::once(&key))
                .map(|o| self.display(o))
                .collect();
            self.errors.push(self.at(
                from,
                format!("`extends` cycle: {}", chain.join(" -> ")),
                "remove one of the `extends` entries that lead back to this file",
            ));
            return;
        }
        if !self.seen.insert(key.clone()) {
            return;
        }
        let source = match self.read(origin) {
            Ok(source) => source,
            Err(message) => {
                let help = "`extends` takes `builtin:pscf-spm` or a path relative to the file that names it";
                let e = match from {
                    Some(_) => self.at(from, message, help),
                    None => PolicyError::file(self.display(origin), message),
                };
                self.errors.push(e);
                return;
            }
        };
        let file: super::raw::PolicyFile = match yaml::from_source(&source) {
            Ok(file) => file,
            Err(e) => {
                self.errors.push(
                    PolicyError::new(&source, e.span, e.message)
                        .with_help("`pscf-lint schema` prints the policy format"),
                );
                return;
            }
        };
        self.stack.push(key);
        for entry in file.extends.iter().flatten() {
            let reference = Reference {
                source: &source,
                entry,
            };
            match self.resolve(origin, &entry.value) {
                Ok(parent) => self.load(&parent, Some(reference)),
                Err((message, help)) => self.errors.push(self.at(Some(reference), message, &help)),
            }
        }
        self.stack.pop();
        let base = match origin {
            Origin::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            Origin::Builtin => self.root.to_path_buf(),
        };
        match validate(file, &source, &base) {
            Ok(layer) => self.layers.push((layer, source)),
            Err(errors) => self.errors.extend(errors),
        }
    }

    fn resolve(&self, from: &Origin, entry: &str) -> Result<Origin, (String, String)> {
        if entry == BUILTIN_NAME {
            return Ok(Origin::Builtin);
        }
        if let Some(name) = entry.strip_prefix("builtin:") {
            return Err((
                format!("unknown built-in policy `{name}`"),
                format!("the built-in policy is `{BUILTIN_NAME}`"),
            ));
        }
        if entry.contains("://") {
            return Err((
                format!(
                    "`{entry}` is not a local file: policies are never fetched from the network"
                ),
                "vendor the policy into the repository and name it by relative path".to_owned(),
            ));
        }
        let base = match from {
            Origin::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            Origin::Builtin => self.root.to_path_buf(),
        };
        Ok(Origin::File(base.join(entry)))
    }

    fn read(&self, origin: &Origin) -> Result<Arc<SourceFile>, String> {
        let display = RelPath::new(&self.display(origin));
        match origin {
            Origin::Builtin => Ok(Arc::new(SourceFile::new(
                display,
                builtin_text().to_owned(),
            ))),
            Origin::File(path) => {
                let file = File::open(path)
                    .map_err(|e| format!("cannot read policy `{}`: {e}", path.display()))?;
                let mut text = String::new();
                file.take(MAX_POLICY_BYTES)
                    .read_to_string(&mut text)
                    .map_err(|e| format!("cannot read policy `{}`: {e}", path.display()))?;
                Ok(Arc::new(SourceFile::new(display, text)))
            }
        }
    }

    /// A policy file's name as reports show it: relative to the scanned
    /// root when inside it.
    fn display(&self, origin: &Origin) -> String {
        match origin {
            Origin::Builtin => BUILTIN_NAME.to_owned(),
            Origin::File(path) => {
                let canonical_root = self
                    .root
                    .canonicalize()
                    .unwrap_or_else(|_| self.root.to_path_buf());
                let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
                canonical.strip_prefix(&canonical_root).map_or_else(
                    |_| path.display().to_string(),
                    |rel| rel.to_string_lossy().replace('\\', "/"),
                )
            }
        }
    }

    fn at(&self, from: Option<Reference<'_>>, message: String, help: &str) -> PolicyError {
        match from {
            Some(r) => {
                PolicyError::new(r.source, yaml::span(r.entry, r.source), message).with_help(help)
            }
            None => PolicyError::file(BUILTIN_NAME, message).with_help(help),
        }
    }

    fn finish(self) -> Result<Policy, PolicyErrors> {
        if !self.errors.is_empty() {
            return Err(PolicyErrors(self.errors));
        }
        let mut policy = Policy::default();
        for (layer, source) in self.layers {
            merge(&mut policy, layer);
            policy.sources.push(source);
        }
        Ok(policy)
    }
}

fn canonical(origin: &Origin) -> Origin {
    match origin {
        Origin::Builtin => Origin::Builtin,
        Origin::File(p) => Origin::File(p.canonicalize().unwrap_or_else(|_| p.clone())),
    }
}

/// Applies one layer on top of the policy so far: scalars and map keys
/// override, lists append.
fn merge(policy: &mut Policy, layer: Layer) {
    if let Some(fail_on) = layer.fail_on {
        policy.fail_on = fail_on;
    }
    policy.exclude.extend(layer.exclude);
    if let Some(p) = layer.product {
        merge_product(&mut policy.product, p);
    }
    if let Some(c) = layer.components {
        merge_components(
            policy
                .components
                .get_or_insert_with(ComponentPolicy::default),
            c,
        );
    }
    policy.rules.extend(layer.rules);
    policy.requirements.extend(layer.requirements);
    for declared in layer.declared {
        match policy.declared.iter_mut().find(|d| d.rule == declared.rule) {
            Some(existing) => *existing = declared,
            None => policy.declared.push(declared),
        }
    }
    for service in layer.services {
        match policy.services.iter_mut().find(|s| s.id == service.id) {
            Some(existing) => *existing = service,
            None => policy.services.push(service),
        }
    }
    policy.exceptions.extend(layer.exceptions);
    // A refusal of inline suppressions cannot be lifted by a later file
    // (typically the repository's own config).
    if let Some(inline) = layer.inline_suppressions
        && !matches!(policy.inline_suppressions, InlineSuppressions::Deny(_))
    {
        policy.inline_suppressions = inline;
    }
}

fn merge_product(into: &mut Product, p: Product) {
    let Product {
        name,
        description,
        owner,
        lifecycle,
        contact,
        end_of_life,
    } = p;
    into.name = name.or(into.name.take());
    into.description = description.or(into.description.take());
    into.owner = owner.or(into.owner.take());
    into.lifecycle = lifecycle.or(into.lifecycle.take());
    into.contact = contact.or(into.contact.take());
    into.end_of_life = end_of_life.or(into.end_of_life.take());
}

fn merge_components(into: &mut ComponentPolicy, c: ComponentsLayer) {
    if let Some(mode) = c.mode {
        into.mode = mode;
    }
    into.recommended.extend(c.recommended);
    into.deprecated.extend(c.deprecated);
    into.banned.extend(c.banned);
    if c.license_allow.is_some() || c.license_unknown.is_some() {
        let licenses = into.licenses.get_or_insert_with(|| LicensePolicy {
            allow: Vec::new(),
            unknown: None,
        });
        licenses.allow.extend(c.license_allow.into_iter().flatten());
        if c.license_unknown.is_some() {
            licenses.unknown = c.license_unknown;
        }
    }
    if let Some(git) = c.git {
        into.sources.git = git;
    }
    if let Some(path) = c.path {
        into.sources.path = path;
    }
    if let Some(url) = c.url {
        into.sources.url = url;
    }
    if c.advisories.is_some() {
        into.advisories = c.advisories;
    }
    if let Some(registries) = c.registries {
        into.sources
            .registries
            .get_or_insert_with(Vec::new)
            .extend(registries);
    }
}
