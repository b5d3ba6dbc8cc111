//! Raw policy file → validated [`Layer`]: every purl, version range, SPDX id,
//! glob, date and rule id is checked against its own grammar, and each error
//! keeps the span of the offending value.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobBuilder};
use jiff::civil::Date;

use super::raw::{self, PolicyFile};
use super::{
    Allowance, AllowedLicense, Assertion, Banned, Declared, Deprecated, Evidence, Exception,
    InlineSuppressions, PathSegment, PathTest, PolicyError, Recommended, Requirement, RuleOverride,
    RuleSelector, Service, UnknownLicense, WeakeningKind,
};
use crate::context::PathContext;
use crate::finding::{Capability, FailOn, RuleId};
use crate::location::{Location, SourceFile};
use crate::purl::{Purl, PurlPattern};
use crate::rules::registry;
use crate::version::VersionRange;
use crate::yaml::{self, Spanned};

/// One policy file's validated content, before merging. Entries a
/// repository's config may use to relax the gate keep their location, for
/// `pscf-lint/policy-weakened`.
#[derive(Default)]
pub struct Layer {
    pub fail_on: Option<(FailOn, Location)>,
    pub exclude: Vec<(Glob, Location)>,
    pub product: Option<super::product::ProductLayer>,
    pub metrics: super::metrics::MetricsLayer,
    pub components: Option<ComponentsLayer>,
    pub rules: Vec<RuleOverride>,
    pub requirements: Vec<Requirement>,
    pub declared: Vec<Declared>,
    pub services: Vec<Service>,
    pub exceptions: Vec<Exception>,
    /// `exception-policy:`, as this file sets it.
    pub exception_policy: Option<super::ExceptionPolicy>,
    /// `allow:` (honoured only from trusted files).
    pub allow: Vec<Allowance>,
    pub contexts: ContextsLayer,
    pub inline_suppressions: Option<InlineSuppressions>,
}

/// A file's `contexts:`: treatments it sets and globs it adds, per context.
#[derive(Default)]
pub struct ContextsLayer {
    /// Per context, per content rule ([`super::ContentRule`] order).
    pub treatments: [[Option<raw::ContentTreatment>; 3]; 6],
    pub paths: Vec<(PathContext, Glob)>,
    /// The `contexts:` key, for findings about what this layer relaxes.
    pub location: Option<Location>,
}

#[derive(Default)]
pub struct ComponentsLayer {
    /// The `components:` key, for findings about what this layer relaxes.
    pub location: Option<Location>,
    pub mode: Option<raw::Mode>,
    pub recommended: Vec<Recommended>,
    pub deprecated: Vec<Deprecated>,
    pub banned: Vec<Banned>,
    pub license_allow: Option<Vec<AllowedLicense>>,
    pub license_unknown: Option<UnknownLicense>,
    pub git: Option<raw::Permission>,
    pub path: Option<raw::Permission>,
    pub url: Option<raw::Permission>,
    pub registries: Option<Vec<String>>,
    pub advisories: Option<std::path::PathBuf>,
}

const REASON_HINT: &str =
    "say why the finding is accepted, e.g. the ticket that tracks its removal";

pub(super) struct Validator<'a> {
    pub(super) source: &'a Arc<SourceFile>,
    /// The directory relative paths in this file are resolved against
    /// (relative to `confined` when that is set).
    base: &'a Path,
    /// For a repository's own file: the root its paths must stay inside.
    confined: Option<&'a Path>,
    pub(super) errors: Vec<PolicyError>,
}

pub fn validate(
    file: PolicyFile,
    source: &Arc<SourceFile>,
    base: &Path,
    confined: Option<&Path>,
) -> Result<Layer, Vec<PolicyError>> {
    let mut v = Validator {
        source,
        base,
        confined,
        errors: Vec::new(),
    };
    let (mut checks, mut declared) = (Vec::new(), Vec::new());
    for entry in file.requirements.into_iter().flatten() {
        match entry.value.check.is_some() {
            true => {
                let location = v.location(&entry);
                checks.extend(v.requirement(entry.value, location));
            }
            false => declared.extend(v.declared(entry)),
        }
    }
    let layer = Layer {
        fail_on: file.fail_on.as_ref().map(|f| (f.value, v.location(f))),
        exclude: file
            .exclude
            .iter()
            .flatten()
            .filter_map(|g| Some((v.path_glob(g)?, v.location(g))))
            .collect(),
        product: file.product.map(|p| v.product(p)),
        metrics: v.metrics(file.metrics),
        components: file.components.map(|c| {
            let location = v.location(&c);
            let mut layer = v.components(c.value);
            layer.location = Some(location);
            layer
        }),
        rules: file
            .rules
            .map(|m| m.0)
            .into_iter()
            .flatten()
            .filter_map(|(key, o)| {
                let location = v.location(&key);
                v.rule_selector(&key).map(|selector| RuleOverride {
                    selector,
                    severity: o.severity,
                    enabled: o.enabled,
                    location,
                })
            })
            .collect(),
        services: file
            .services
            .into_iter()
            .flatten()
            .filter_map(|s| v.service(s))
            .collect(),
        requirements: checks,
        declared,
        exceptions: file
            .exceptions
            .into_iter()
            .flatten()
            .filter_map(|e| v.exception(e))
            .collect(),
        exception_policy: file.exception_policy.map(|p| v.exception_policy(p)),
        allow: file
            .allow
            .iter()
            .flatten()
            .filter_map(|a| v.allowance(a))
            .collect(),
        contexts: file
            .contexts
            .map(|c| {
                let location = v.location(&c);
                let mut layer = v.contexts(c.value);
                layer.location = Some(location);
                layer
            })
            .unwrap_or_default(),
        inline_suppressions: file.inline_suppressions.map(|s| match s.value {
            raw::InlineSuppressions::Allow => InlineSuppressions::Allow,
            raw::InlineSuppressions::Deny => {
                InlineSuppressions::Deny(v.source.location(v.span(&s)))
            }
        }),
    };
    if v.errors.is_empty() {
        return Ok(layer);
    }
    v.errors.sort_by_key(|e| e.span.start);
    Err(v.errors)
}

impl Validator<'_> {
    pub(super) fn span<T>(&self, value: &Spanned<T>) -> Range<usize> {
        yaml::span(value, self.source)
    }

    /// Where a value is, as a finding location (a mapping's span is empty
    /// at its start: its whole first line then).
    fn location<T>(&self, value: &Spanned<T>) -> Location {
        let span = self.span(value);
        if !span.is_empty() {
            return self.source.location(span);
        }
        let line = self.source.location(span.start..span.start).line;
        let end = self.source.index.line_span(&self.source.text, line).end;
        self.source.location(span.start..end.max(span.start))
    }

    fn allowance(&mut self, value: &Spanned<String>) -> Option<Allowance> {
        if let Some(class) = WeakeningKind::from_name(&value.value) {
            return Some(Allowance::Class(class));
        }
        let names: Vec<&str> = WeakeningKind::ALLOWABLE.iter().map(|k| k.name()).collect();
        if !value.value.contains('/') {
            self.error(
                value,
                format!(
                    "`{}` is neither a class of relaxation nor a rule id",
                    value.value
                ),
                Some(&format!(
                    "classes: {}; or a rule id or glob such as `PSCF-SPM-MAR/*`",
                    names.join(", ")
                )),
            );
            return None;
        }
        self.rule_selector(value).map(Allowance::Rules)
    }

    pub(super) fn error<T>(&mut self, at: &Spanned<T>, message: String, help: Option<&str>) {
        let mut e = PolicyError::new(self.source, self.span(at), message);
        if let Some(h) = help {
            e = e.with_help(h);
        }
        self.errors.push(e);
    }

    pub(super) fn date(&mut self, value: &Spanned<String>) -> Option<Date> {
        match value.value.parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                self.error(
                    value,
                    format!("`{}` is not a date", value.value),
                    Some("write dates as YYYY-MM-DD, e.g. 2027-06-30"),
                );
                None
            }
        }
    }

    pub(super) fn path_glob(&mut self, value: &Spanned<String>) -> Option<Glob> {
        match GlobBuilder::new(&value.value)
            .literal_separator(true)
            .build()
        {
            Ok(glob) => Some(glob),
            Err(e) => {
                self.error(
                    value,
                    format!("bad glob `{}`: {}", value.value, e.kind()),
                    Some("globs use `*` within one path segment and `**` across segments"),
                );
                None
            }
        }
    }

    fn pattern(&mut self, value: &Spanned<String>) -> Option<PurlPattern> {
        match value.value.parse::<PurlPattern>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(
                    value,
                    e.0,
                    Some("write a package URL such as `pkg:cargo/openssl` or `pkg:npm/@types/*`"),
                );
                None
            }
        }
    }

    fn purl(&mut self, value: &Spanned<String>) -> Option<Purl> {
        match value.value.parse::<Purl>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(
                    value,
                    e.0,
                    Some("write a package URL such as `pkg:cargo/rustls`"),
                );
                None
            }
        }
    }

    fn versions(
        &mut self,
        pattern: Option<&PurlPattern>,
        value: Option<&Spanned<String>>,
    ) -> Option<VersionRange> {
        let (pattern, value) = (pattern?, value?);
        match VersionRange::parse(pattern.ecosystem, &value.value) {
            Ok(range) => Some(range),
            Err(message) => {
                self.error(value, message, None);
                None
            }
        }
    }

    fn components(&mut self, c: raw::RawComponents) -> ComponentsLayer {
        let recommended = c.recommended.into_iter().flatten().filter_map(|e| {
            let pattern = self.pattern(&e.purl);
            let versions = self.versions(pattern.as_ref(), e.versions.as_ref());
            Some(Recommended {
                pattern: pattern?,
                versions,
            })
        });
        let recommended = recommended.collect();
        let deprecated = c.deprecated.into_iter().flatten().filter_map(|e| {
            let pattern = self.pattern(&e.purl);
            let versions = self.versions(pattern.as_ref(), e.versions.as_ref());
            let sunset = e.sunset.as_ref().and_then(|d| self.date(d));
            let use_instead = e.use_instead.as_ref().and_then(|p| self.purl(p));
            Some(Deprecated {
                pattern: pattern?,
                versions,
                sunset,
                use_instead,
                reason: e.reason,
            })
        });
        let deprecated = deprecated.collect();
        let banned = c.banned.into_iter().flatten().filter_map(|e| {
            let pattern = self.pattern(&e.purl);
            let versions = self.versions(pattern.as_ref(), e.versions.as_ref());
            let use_instead = e.use_instead.as_ref().and_then(|p| self.purl(p));
            Some(Banned {
                pattern: pattern?,
                versions,
                use_instead,
                reason: e.reason,
            })
        });
        let banned = banned.collect();
        let (license_allow, license_unknown) = match c.licenses {
            Some(l) => (
                l.allow
                    .map(|ids| ids.iter().filter_map(|id| self.license_id(id)).collect()),
                l.unknown,
            ),
            None => (None, None),
        };
        let (git, path, url, registries) = match c.sources {
            Some(s) => (s.git, s.path, s.url, s.registries),
            None => (None, None, None, None),
        };
        let advisories = c.advisories.and_then(|a| self.advisory_dir(&a.osv));
        ComponentsLayer {
            location: None,
            advisories,
            mode: c.mode,
            recommended,
            deprecated,
            banned,
            license_allow,
            license_unknown,
            git,
            path,
            url,
            registries,
        }
    }

    fn advisory_dir(&mut self, value: &Spanned<String>) -> Option<PathBuf> {
        let path = match self.confined {
            // A repository's config may only point inside the repository.
            Some(root) => {
                match super::confine::normalise(&self.base.join(&value.value)).and_then(|rel| {
                    super::confine::resolve(root, &rel, super::confine::Want::FileOrDir)
                }) {
                    Ok(path) => path,
                    Err(why) => {
                        self.error(
                        value,
                        format!("cannot use this OSV database: {why}"),
                        Some("a repository's config names an OSV directory or .zip inside the repository; an organisation's database outside it goes in the trusted policy (`--trusted-policy`)"),
                    );
                        return None;
                    }
                }
            }
            None => self.base.join(&value.value),
        };
        let is_zip = value.value.ends_with(".zip") && path.is_file();
        if path.is_dir() || is_zip {
            return Some(path);
        }
        self.error(
            value,
            format!("cannot use `{}` as an OSV database: it is not a directory or a .zip archive", value.value),
            Some("give a directory of OSV JSON records (or OSV's all.zip), relative to this policy file"),
        );
        None
    }

    /// An allowed licence: `MIT`, `LicenseRef-…`, or `Apache-2.0 WITH
    /// LLVM-exception` (deprecated ids such as `GPL-2.0` are still accepted,
    /// because crates still declare them).
    fn license_id(&mut self, id: &Spanned<String>) -> Option<AllowedLicense> {
        let text = id.value.trim();
        let mode = spdx::ParseMode {
            allow_deprecated: true,
            ..spdx::ParseMode::STRICT
        };
        if let Ok(licensee) = spdx::Licensee::parse_mode(text, mode) {
            return Some(AllowedLicense::new(licensee));
        }
        let (licence, exception) = match text.split_once(" WITH ") {
            Some((l, e)) => (l.trim(), Some(e.trim())),
            None => (text, None),
        };
        let licence_ok = spdx::license_id(licence).is_some() || licence.starts_with("LicenseRef-");
        let (message, hint) = match exception {
            Some(e) if licence_ok => (
                format!("`{e}` is not an SPDX licence exception id"),
                "use an exception from https://spdx.org/licenses/exceptions-index.html or `AdditionRef-...`".to_owned(),
            ),
            _ => (
                format!("`{licence}` is not an SPDX licence id"),
                spdx::imprecise_license_id(licence)
                    .map(|(known, _)| format!("did you mean `{}`?", known.name))
                    .unwrap_or_else(|| {
                        "use an id from https://spdx.org/licenses/ or `LicenseRef-...`, optionally `WITH` an exception".to_owned()
                    }),
            ),
        };
        self.error(id, message, Some(&hint));
        None
    }

    /// A user-supplied regex, bounded so that compiling it cannot exhaust
    /// memory (matching is linear-time in the `regex` crate).
    pub(super) fn regex(&mut self, value: &Spanned<String>) -> Option<regex::Regex> {
        match regex::RegexBuilder::new(&value.value)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .nest_limit(64)
            .build()
        {
            Ok(re) => Some(re),
            Err(e) => {
                let why = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid")
                    .trim()
                    .to_owned();
                self.error(
                    value,
                    format!("bad regex `{}`: {why}", value.value),
                    Some("the syntax is Rust's `regex` crate (no look-around or back-references)"),
                );
                None
            }
        }
    }

    fn service(&mut self, raw: Spanned<raw::RawService>) -> Option<Service> {
        let start = self.span(&raw).start;
        let line = self.source.location(start..start).line;
        let end = self.source.index.line_span(&self.source.text, line).end;
        let location = self.source.location(start..end.max(start));
        let raw = raw.value;
        let id = raw.id.value.clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.error(
                &raw.id,
                format!("service id `{id}` must be lower-case kebab-case"),
                Some("it becomes the rule id `PSCF-SPM-RSS/<id>`, e.g. `identity-provider`"),
            );
            return None;
        }
        let full = format!("PSCF-SPM-RSS/{id}");
        let builtin = registry::find(&full);
        if builtin.is_some_and(|r| !crate::rules::rss::is_category(r.id.slug())) {
            self.error(
                &raw.id,
                format!("`{id}` is a rule of its own and cannot name a service"),
                None,
            );
            return None;
        }
        let evidence: Vec<Evidence> = raw
            .any_of
            .into_iter()
            .flatten()
            .filter_map(|e| self.evidence(e))
            .collect();
        if builtin.is_none() && evidence.is_empty() {
            self.error(&raw.id, format!("service `{id}` is not a built-in category, so it needs `any-of` evidence"), Some("built-in categories: sast, software-composition-analysis, dependency-updates, secret-scanning"));
            return None;
        }
        let approved = raw.approved.map(|names| {
            names
                .iter()
                .filter_map(|n| {
                    if crate::rules::rss::is_known_tool(&id, &n.value) {
                        Some(n.value.clone())
                    } else {
                        let known = crate::rules::rss::known_tool_names(&id).join(", ");
                        self.error(
                            n,
                            format!("`{}` is not a known {id} tool", n.value),
                            Some(&format!("known: {known}; other tools go in `any-of`")),
                        );
                        None
                    }
                })
                .collect()
        });
        Some(Service {
            rule: builtin.map_or_else(|| RuleId::policy_defined(full), |r| r.id.clone()),
            id,
            name: raw.name,
            required: raw.required.unwrap_or(true),
            severity: raw.severity,
            approved,
            evidence,
            location,
        })
    }

    fn evidence(&mut self, e: raw::RawEvidence) -> Option<Evidence> {
        let kinds = [
            e.workflow_uses.is_some(),
            e.workflow_run.is_some(),
            e.file.is_some(),
            e.component.is_some(),
            e.pre_commit_hook.is_some(),
        ];
        let anchor = e
            .workflow_uses
            .as_ref()
            .or(e.workflow_run.as_ref())
            .or(e.file.as_ref())
            .or(e.component.as_ref())
            .or(e.contains.as_ref());
        if kinds.iter().filter(|k| **k).count() != 1 || (e.contains.is_some() && e.file.is_none()) {
            let message = "each `any-of` entry needs exactly one of workflow-uses, workflow-run, file (with optional contains), component, pre-commit-hook".to_owned();
            match anchor {
                Some(a) => self.error(a, message, None),
                None => self
                    .errors
                    .push(PolicyError::new(self.source, 0..0, message)),
            }
            return None;
        }
        if let Some(glob) = &e.workflow_uses {
            let matcher = GlobBuilder::new(&glob.value)
                .literal_separator(false)
                .build()
                .map(|g| g.compile_matcher());
            return match matcher {
                Ok(m) => Some(Evidence::WorkflowUses {
                    glob: m,
                    text: glob.value.clone(),
                }),
                Err(err) => {
                    self.error(
                        glob,
                        format!("bad glob `{}`: {}", glob.value, err.kind()),
                        None,
                    );
                    None
                }
            };
        }
        if let Some(re) = &e.workflow_run {
            return self.regex(re).map(Evidence::WorkflowRun);
        }
        if let Some(file) = &e.file {
            let pattern = self.path_glob(file)?;
            let contains = match &e.contains {
                Some(c) => Some(self.regex(c)?),
                None => None,
            };
            return Some(Evidence::File {
                glob: pattern.compile_matcher(),
                pattern,
                contains,
            });
        }
        if let Some(purl) = &e.component {
            return self.pattern(purl).map(Evidence::Component);
        }
        e.pre_commit_hook.map(Evidence::PreCommitHook)
    }

    fn declared(&mut self, entry: Spanned<raw::RawRequirement>) -> Option<Declared> {
        let start = self.span(&entry).start;
        let line = self.source.location(start..start).line;
        let end = self.source.index.line_span(&self.source.text, line).end;
        let location = self.source.location(start..end.max(start));
        let raw = entry.value;
        let Some(id) = raw.id.as_ref() else {
            self.errors.push(
                PolicyError::new(
                    self.source,
                    location.span.clone(),
                    "a requirement needs `check` (a built-in check) or `id` (one of your own)",
                )
                .with_help(
                    "e.g. `- id: debug-off-in-production` with `files`, `assert` and `message`",
                ),
            );
            return None;
        };
        if id.value.is_empty()
            || !id
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.error(
                id,
                format!(
                    "requirement id `{}` must be lower-case kebab-case",
                    id.value
                ),
                None,
            );
            return None;
        }
        let capability = match &raw.capability {
            Some(c) if crate::capabilities::find(&c.value).is_none() => {
                self.error(
                    c,
                    format!("unknown capability `{}`", c.value),
                    Some("`pscf-lint capabilities` lists the 33 PSCF capability ids"),
                );
                return None;
            }
            Some(c) => c.value.clone(),
            None => "PSCF-SPM-MAR".to_owned(),
        };
        let full = format!("{capability}/{}", id.value);
        if registry::find(&full).is_some() {
            self.error(
                id,
                format!(
                    "`{full}` is a built-in rule; use `check: {}` to require it",
                    id.value
                ),
                None,
            );
            return None;
        }
        let patterns = match raw.files {
            Some(raw::OneOrMany::One(g)) => vec![g],
            Some(raw::OneOrMany::Many(gs)) => gs,
            None => Vec::new(),
        };
        if patterns.is_empty() {
            self.error(
                id,
                format!("requirement `{}` names no `files`", id.value),
                Some("`files: \"config/*.yaml\"` (a glob or a list of globs)"),
            );
            return None;
        }
        let mut globs = Vec::new();
        let mut set = globset::GlobSetBuilder::new();
        for p in &patterns {
            match GlobBuilder::new(p).literal_separator(true).build() {
                Ok(g) => {
                    set.add(g.clone());
                    globs.push(g);
                }
                Err(e) => {
                    self.error(id, format!("bad glob `{p}` in `files`: {}", e.kind()), None);
                    return None;
                }
            }
        }
        let files = set.build().ok()?;
        let Some(assertion) = raw.assertion else {
            self.error(
                id,
                format!("requirement `{}` has no `assert`", id.value),
                Some("e.g. `assert: { path: app.debug, equals: false }`"),
            );
            return None;
        };
        let assertion = self.assertion(id, assertion)?;
        let message = raw
            .message
            .unwrap_or_else(|| format!("requirement `{}` is not met", id.value));
        Some(Declared {
            rule: RuleId::policy_defined(full),
            severity: raw.severity.unwrap_or(crate::finding::Severity::Error),
            message,
            help: raw.help,
            files,
            globs,
            assertion,
            location,
        })
    }

    fn assertion(&mut self, id: &Spanned<String>, a: raw::RawAssert) -> Option<Assertion> {
        let with_path = a.path.is_some();
        let tests = [
            a.exists.is_some(),
            a.absent.is_some(),
            a.matches.is_some(),
            a.not_matches.is_some(),
            a.present.is_some(),
            a.equals.is_some(),
            a.one_of.is_some(),
        ];
        let invalid_for_files = a.present.is_some() || a.equals.is_some() || a.one_of.is_some();
        let invalid_for_path = a.exists.is_some() || a.not_matches.is_some();
        if tests.iter().filter(|t| **t).count() != 1
            || (with_path && invalid_for_path)
            || (!with_path && invalid_for_files)
        {
            self.error(
                id,
                "`assert` needs exactly one test".to_owned(),
                Some("without `path`: exists | absent | matches | not-matches; with `path`: present | absent | equals | one-of | matches"),
            );
            return None;
        }
        let Some(path) = &a.path else {
            return match (a.exists, a.absent, &a.matches, &a.not_matches) {
                (Some(true), _, _, _) => Some(Assertion::Exists),
                (_, Some(true), _, _) => Some(Assertion::Absent),
                (_, _, Some(re), _) => self.regex(re).map(Assertion::Matches),
                (_, _, _, Some(re)) => self.regex(re).map(Assertion::NotMatches),
                _ => {
                    self.error(id, "`exists` and `absent` take `true`".to_owned(), None);
                    None
                }
            };
        };
        let segments = self.path(path)?;
        let test = match (a.present, a.absent, a.equals, a.one_of, &a.matches) {
            (Some(true), ..) => PathTest::Present,
            (_, Some(true), ..) => PathTest::Absent,
            (_, _, Some(v), ..) => PathTest::Equals(v.0),
            (_, _, _, Some(vs), _) => PathTest::OneOf(vs.into_iter().map(|v| v.0).collect()),
            (_, _, _, _, Some(re)) => PathTest::Matches(self.regex(re)?),
            _ => {
                self.error(id, "`present` and `absent` take `true`".to_owned(), None);
                return None;
            }
        };
        Some(Assertion::Path {
            path: segments,
            text: path.value.clone(),
            test,
        })
    }

    /// `a.b[0].*.c` → segments; keys may be quoted when they hold dots.
    fn path(&mut self, value: &Spanned<String>) -> Option<Vec<PathSegment>> {
        let mut segments = Vec::new();
        for part in value.value.split('.') {
            let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
            match key {
                "" if rest.is_empty() => {
                    self.error(
                        value,
                        format!("empty segment in path `{}`", value.value),
                        Some("write dotted keys such as `app.debug` or `servers[0].url`"),
                    );
                    return None;
                }
                "" => {}
                "*" => segments.push(PathSegment::Any),
                k => segments.push(PathSegment::Key(k.to_owned())),
            }
            for index in rest.split('[').filter(|s| !s.is_empty()) {
                if index == "*]" {
                    segments.push(PathSegment::Any);
                    continue;
                }
                match index.trim_end_matches(']').parse::<usize>() {
                    Ok(n) if index.ends_with(']') => segments.push(PathSegment::Index(n)),
                    _ => {
                        self.error(
                            value,
                            format!("bad index `[{index}` in path `{}`", value.value),
                            Some("indexes are written `[0]`, or `[*]` for every element"),
                        );
                        return None;
                    }
                }
            }
        }
        Some(segments)
    }

    fn requirement(&mut self, raw: raw::RawRequirement, location: Location) -> Option<Requirement> {
        let check = raw.check.as_ref()?;
        if raw.id.is_some() || raw.files.is_some() || raw.assertion.is_some() {
            self.error(check, "an entry is either a built-in `check` or a requirement with `id`, `files` and `assert`, not both".to_owned(), None);
            return None;
        }
        let id = format!("PSCF-SPM-MAR/{}", check.value);
        let Some(rule) = registry::find(&id).filter(|r| registry::is_check(r)) else {
            let checks: Vec<&str> = registry::all()
                .filter(|r| registry::is_check(r))
                .map(|r| r.id.slug())
                .collect();
            let help = match registry::closest(&id) {
                Some(near) => format!(
                    "did you mean `{}`? built-in checks: {}",
                    near.rsplit('/').next().unwrap_or(near),
                    checks.join(", ")
                ),
                None => format!("built-in checks: {}", checks.join(", ")),
            };
            self.error(
                check,
                format!("unknown check `{}`", check.value),
                Some(&help),
            );
            return None;
        };
        if raw.require_digest.is_some() && rule.id.slug() != "unpinned-base-image" {
            self.error(
                check,
                format!(
                    "`require-digest` is a parameter of `unpinned-base-image`, not of `{}`",
                    check.value
                ),
                None,
            );
            return None;
        }
        Some(Requirement {
            rule: rule.id.clone(),
            require_digest: raw.require_digest.unwrap_or(false),
            location,
        })
    }

    fn rule_selector(&mut self, key: &Spanned<String>) -> Option<RuleSelector> {
        let text = key.value.as_str();
        let prefix = text.split('/').next().unwrap_or(text);
        let known_prefix = prefix == "pscf-lint" || Capability::from_id(prefix).is_some();
        if !known_prefix && !prefix.contains(['*', '?', '[', '{']) {
            let ids: Vec<&str> = Capability::ALL.iter().map(|c| c.id()).collect();
            self.error(
                key,
                format!("unknown capability `{prefix}` in `{text}`"),
                Some(&format!(
                    "rule ids start with one of {} or `pscf-lint`",
                    ids.join(", ")
                )),
            );
            return None;
        }
        if text.contains(['*', '?', '[', '{']) {
            return match GlobBuilder::new(text).literal_separator(false).build() {
                Ok(g) => Some(RuleSelector::Glob {
                    text: text.to_owned(),
                    matcher: g.compile_matcher(),
                }),
                Err(e) => {
                    self.error(key, format!("bad rule glob `{text}`: {}", e.kind()), None);
                    None
                }
            };
        }
        match registry::find(text) {
            Some(rule) => Some(RuleSelector::Exact(rule.id.clone())),
            None => {
                let help = match registry::closest(text) {
                    Some(near) => {
                        format!("did you mean `{near}`? (`pscf-lint rules` lists every rule)")
                    }
                    None => "`pscf-lint rules` lists every rule".to_owned(),
                };
                self.error(key, format!("unknown rule `{text}`"), Some(&help));
                None
            }
        }
    }

    fn contexts(&mut self, c: raw::RawContexts) -> ContextsLayer {
        let raw::RawContexts {
            production,
            test,
            fixture,
            vendored,
            generated,
            minified,
        } = c;
        let mut layer = ContextsLayer::default();
        let sections = [production, test, fixture, vendored, generated, minified];
        for (context, section) in PathContext::ALL.into_iter().zip(sections) {
            let Some(section) = section else { continue };
            if let Some(slot) = layer.treatments.get_mut(context.index()) {
                *slot = match section.content_rules {
                    None => [None; 3],
                    Some(raw::RawContentRules::All(t)) => [Some(t); 3],
                    Some(raw::RawContentRules::PerRule(r)) => [
                        r.hardcoded_secret,
                        r.tls_verification_disabled,
                        r.insecure_transport,
                    ],
                };
            }
            for glob in section.paths.iter().flatten() {
                if let Some(g) = self.path_glob(glob) {
                    layer.paths.push((context, g));
                }
            }
        }
        layer
    }

    fn exception(&mut self, e: Spanned<raw::RawException>) -> Option<Exception> {
        let location = self.location(&e);
        let span = self.span(&e);
        let raw = e.value;
        let rule = self.rule_selector(&raw.rule);
        let purl = match &raw.purl {
            Some(p) => Some(self.pattern(p)?),
            None => None,
        };
        let path = match &raw.path {
            Some(p) => Some(self.path_glob(p)?.compile_matcher()),
            None => None,
        };
        let fingerprint = match &raw.fingerprint {
            Some(f) => Some(self.fingerprint(f)?),
            None => None,
        };
        let expires = match &raw.expires {
            Some(d) => Some(self.date(d)?),
            None => None,
        };
        let reason = match &raw.reason {
            Some(r) if !r.value.trim().is_empty() => r.value.clone(),
            Some(r) => {
                self.error(
                    r,
                    "an exception needs a non-empty `reason`".to_owned(),
                    Some(REASON_HINT),
                );
                return None;
            }
            None => {
                self.errors.push(
                    PolicyError::new(
                        self.source,
                        span.start..span.start,
                        "this exception has no `reason`",
                    )
                    .with_help(REASON_HINT),
                );
                return None;
            }
        };
        let owner = self.optional_text(raw.owner.as_ref(), "owner")?;
        let ticket = self.optional_text(raw.ticket.as_ref(), "ticket")?;
        Some(Exception {
            rule: rule?,
            purl,
            path,
            fingerprint,
            reason,
            owner,
            ticket,
            expires,
            location,
            source: Arc::clone(self.source),
            span,
            expires_span: raw.expires.as_ref().map(|d| self.span(d)),
        })
    }

    /// `owner` or `ticket`: absent, or text that is not blank.
    fn optional_text(
        &mut self,
        value: Option<&Spanned<String>>,
        key: &str,
    ) -> Option<Option<String>> {
        match value {
            None => Some(None),
            Some(v) if v.value.trim().is_empty() => {
                self.error(
                    v,
                    format!("`{key}` is blank"),
                    Some(&format!("name the {key}, or leave the key out")),
                );
                None
            }
            Some(v) => Some(Some(v.value.trim().to_owned())),
        }
    }

    /// A finding's fingerprint: 16 lowercase hex digits.
    fn fingerprint(&mut self, value: &Spanned<String>) -> Option<String> {
        let text = value.value.trim();
        if text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Some(text.to_owned());
        }
        self.error(
            value,
            format!("`{}` is not a finding fingerprint", value.value),
            Some("copy the 16 lowercase hex digits of `fingerprint` from `check --format json`"),
        );
        None
    }

    fn exception_policy(&mut self, p: Spanned<raw::RawExceptionPolicy>) -> super::ExceptionPolicy {
        let mut out = super::ExceptionPolicy::default();
        let raw = p.value;
        if let Some(days) = raw.max_days {
            for (severity, value) in [
                (crate::finding::Severity::Note, days.note),
                (crate::finding::Severity::Warning, days.warning),
                (crate::finding::Severity::Error, days.error),
            ] {
                let Some(value) = value else { continue };
                if value.value == 0 {
                    self.error(
                        &value,
                        "`max-days` must be at least 1".to_owned(),
                        Some("to refuse exceptions of a rule, ask for a fix instead; an exception needs at least one day"),
                    );
                    continue;
                }
                if let Some(slot) = out.max_days.get_mut(severity as usize) {
                    *slot = Some((value.value, self.location(&value)));
                }
            }
        }
        for field in raw.require.iter().flatten() {
            out.require.push((field.value, self.location(field)));
        }
        out
    }
}
