//! What a repository's own config relaxes, compared with the policy merged
//! before it (the built-in bundle, or the organisation's trusted policy).
//!
//! In a pull-request gate the config is written by the pull request: every
//! relaxation is reported (`pscf-lint/policy-weakened`) so that a reviewer
//! sees it, and with `--trusted-policy` whatever that policy does not
//! `allow` is removed before the merge.

use super::raw::{ContentTreatment, Mode, Permission, UnknownLicense};
use super::validate::Layer;
use super::{Policy, RuleOverride, RuleSelector, severity_under};
use crate::context::PathContext;
use crate::finding::{FailOn, RuleId, Severity};
use crate::location::Location;
use crate::rules::registry;

/// A way of relaxing the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeakeningKind {
    Exceptions,
    SeverityLower,
    /// A rule switched off, or a setting that stops it from firing.
    DisableRules,
    Exclude,
    FailOn,
    /// The config does not extend the built-in bundle (no trusted policy).
    DropBuiltin,
}

impl WeakeningKind {
    /// The classes a trusted policy's `allow:` can name.
    pub const ALLOWABLE: [WeakeningKind; 5] = [
        WeakeningKind::Exceptions,
        WeakeningKind::SeverityLower,
        WeakeningKind::DisableRules,
        WeakeningKind::Exclude,
        WeakeningKind::FailOn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            WeakeningKind::Exceptions => "exceptions",
            WeakeningKind::SeverityLower => "severity-lower",
            WeakeningKind::DisableRules => "disable-rules",
            WeakeningKind::Exclude => "exclude",
            WeakeningKind::FailOn => "fail-on",
            WeakeningKind::DropBuiltin => "drop-builtin",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALLOWABLE.into_iter().find(|k| k.name() == name)
    }
}

/// One entry of a trusted policy's `allow:`.
#[derive(Debug, Clone)]
pub enum Allowance {
    Class(WeakeningKind),
    /// The repository may relax these rules in any way.
    Rules(RuleSelector),
}

/// One relaxation, at the config entry that makes it.
#[derive(Debug, Clone)]
pub struct Weakening {
    pub kind: WeakeningKind,
    pub location: Location,
    /// What it does, as a clause: "switches off `PSCF-SPM-MAR/unpinned-action`".
    pub what: String,
    /// The rules it relaxes; empty when it is not about particular rules
    /// (an `exclude`, `fail-on`).
    pub rules: Vec<RuleId>,
    /// Refused by the trusted policy: not applied.
    pub refused: bool,
}

/// The entry of a layer a weakening comes from, so a refused one can be
/// taken out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    FailOn,
    Exclude(usize),
    Rule(usize),
    Exception(usize),
    Service(usize),
    Declared(usize),
    Requirement(usize),
    Mode,
    LicenseUnknown,
    LicenseAllow,
    Sources,
    Registries,
    Advisories,
    Recommended,
    ContextTreatments,
    ContextPaths,
    /// A longer `exception-policy.max-days`: never applied under a trusted
    /// policy, whatever its `allow:` says.
    ExceptionCap,
}

/// Whether the trusted policy's `allow:` lets this relaxation through.
pub fn permitted(allow: &[Allowance], w: &Weakening) -> bool {
    permits(allow, w.kind, &w.rules)
}

/// Whether `allow:` lets a relaxation of `kind` of these rules through: by
/// its class, or because every rule it relaxes is listed.
pub fn permits(allow: &[Allowance], kind: WeakeningKind, rules: &[RuleId]) -> bool {
    allow
        .iter()
        .any(|a| matches!(a, Allowance::Class(k) if *k == kind))
        || (!rules.is_empty()
            && rules.iter().all(|rule| {
                allow
                    .iter()
                    .any(|a| matches!(a, Allowance::Rules(sel) if sel.matches(rule)))
            }))
}

/// Every relaxation in `layer` relative to `policy`.
pub fn find(policy: &Policy, layer: &Layer) -> Vec<(Entry, Weakening)> {
    let mut out = Vec::new();
    let mut push = |entry, kind, location: &Location, what: String, rules: Vec<RuleId>| {
        out.push((
            entry,
            Weakening {
                kind,
                location: location.clone(),
                what,
                rules,
                refused: false,
            },
        ));
    };
    if let Some((fail_on, at)) = &layer.fail_on
        && strictness(*fail_on) > strictness(policy.fail_on)
    {
        push(
            Entry::FailOn,
            WeakeningKind::FailOn,
            at,
            format!(
                "raises `fail-on` from `{}` to `{}`",
                fail_on_name(policy.fail_on),
                fail_on_name(*fail_on)
            ),
            Vec::new(),
        );
    }
    for (i, (glob, at)) in layer.exclude.iter().enumerate() {
        push(
            Entry::Exclude(i),
            WeakeningKind::Exclude,
            at,
            format!("excludes `{}` from every check", glob.glob()),
            Vec::new(),
        );
    }
    for (i, o) in layer.rules.iter().enumerate() {
        if let Some((kind, what, rules)) = relaxed_by_override(policy, o) {
            push(Entry::Rule(i), kind, &o.location, what, rules);
        }
    }
    for (i, e) in layer.exceptions.iter().enumerate() {
        let (name, rules) = match &e.rule {
            RuleSelector::Exact(id) => (id.as_str().to_owned(), vec![id.clone()]),
            RuleSelector::Glob { text, .. } => (text.clone(), Vec::new()),
        };
        push(
            Entry::Exception(i),
            WeakeningKind::Exceptions,
            &e.location,
            format!("adds an exception for `{name}`"),
            rules,
        );
    }
    services(policy, layer, &mut push);
    for (i, d) in layer.declared.iter().enumerate() {
        if policy.declared.iter().any(|old| old.rule == d.rule) {
            push(
                Entry::Declared(i),
                WeakeningKind::DisableRules,
                &d.location,
                format!("redefines the requirement `{}`", d.rule),
                vec![d.rule.clone()],
            );
        }
    }
    for (i, r) in layer.requirements.iter().enumerate() {
        let stricter_before = policy
            .requirement(&r.rule)
            .is_some_and(|old| old.require_digest);
        if stricter_before && !r.require_digest {
            push(
                Entry::Requirement(i),
                WeakeningKind::DisableRules,
                &r.location,
                format!("drops `require-digest` from `{}`", r.rule.slug()),
                vec![r.rule.clone()],
            );
        }
    }
    components(policy, layer, &mut push);
    contexts(policy, layer, &mut push);
    exception_caps(policy, layer, &mut push);
    out
}

/// Caps on exception expiry that the layer makes longer than the policy so
/// far has them. Under a trusted policy they never apply (the merge keeps
/// the shorter cap), and are reported as refused.
fn exception_caps(policy: &Policy, layer: &Layer, push: &mut Push<'_>) {
    let Some(limits) = &layer.exception_policy else {
        return;
    };
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let (Some((old, _)), Some(Some((new, at)))) = (
            policy.exception_policy.max_days(severity),
            limits.max_days.get(severity as usize),
        ) else {
            continue;
        };
        if new > old {
            push(
                Entry::ExceptionCap,
                WeakeningKind::Exceptions,
                at,
                format!(
                    "lets exceptions of {severity} rules last {new} days instead of {old} (`exception-policy.max-days.{severity}`)"
                ),
                Vec::new(),
            );
        }
    }
}

/// The content rules, in `contexts.*.content-rules` order.
const CONTENT_RULES: [&str; 3] = [
    "PSCF-SPM-MAR/hardcoded-secret",
    "PSCF-SPM-MAR/tls-verification-disabled",
    "PSCF-SPM-MAR/insecure-transport",
];

/// Higher is laxer.
fn treatment_rank(t: ContentTreatment) -> u8 {
    match t {
        ContentTreatment::AsIs => 0,
        ContentTreatment::Warning => 1,
        ContentTreatment::Note => 2,
        ContentTreatment::Off => 3,
    }
}

fn contexts(policy: &Policy, layer: &Layer, push: &mut Push<'_>) {
    let c = &layer.contexts;
    let Some(at) = &c.location else {
        return;
    };
    let mut relaxed = Vec::new();
    for context in PathContext::ALL {
        let i = context.index();
        for (r, id) in CONTENT_RULES.iter().enumerate() {
            let new = c
                .treatments
                .get(i)
                .and_then(|t| t.get(r))
                .copied()
                .flatten();
            let old = policy
                .contexts
                .treatments
                .get(i)
                .and_then(|t| t.get(r))
                .copied();
            if let (Some(new), Some(old)) = (new, old)
                && treatment_rank(new) > treatment_rank(old)
                && !relaxed.contains(id)
            {
                relaxed.push(*id);
            }
        }
    }
    if !relaxed.is_empty() {
        let rules: Vec<RuleId> = relaxed.iter().map(|id| RuleId::new(id)).collect();
        push(
            Entry::ContextTreatments,
            WeakeningKind::DisableRules,
            at,
            format!("relaxes {} in some file contexts", listed(&rules)),
            rules,
        );
    }
    let moved: Vec<String> = c
        .paths
        .iter()
        .filter(|(context, _)| *context != PathContext::Production)
        .map(|(context, glob)| format!("`{}` into {}", glob.glob(), context.as_str()))
        .collect();
    if !moved.is_empty() {
        push(
            Entry::ContextPaths,
            WeakeningKind::DisableRules,
            at,
            format!(
                "moves {} (where content rules are relaxed)",
                moved.join(", ")
            ),
            CONTENT_RULES.iter().map(|id| RuleId::new(id)).collect(),
        );
    }
}

type Push<'a> = dyn FnMut(Entry, WeakeningKind, &Location, String, Vec<RuleId>) + 'a;

fn services(policy: &Policy, layer: &Layer, push: &mut Push<'_>) {
    for (i, s) in layer.services.iter().enumerate() {
        let Some(old) = policy.services.iter().find(|o| o.id == s.id) else {
            continue;
        };
        let default =
            registry::find(s.rule.as_str()).map_or(Severity::Warning, |r| r.default_severity);
        let old_severity = old.severity.unwrap_or(default);
        let new_severity = s.severity.unwrap_or(default);
        let broader = match (&old.approved, &s.approved) {
            (Some(_), None) => true,
            (Some(before), Some(after)) => after.iter().any(|t| !before.contains(t)),
            (None, _) => false,
        } || s.evidence.len() > old.evidence.len();
        let (kind, what) = if old.required && !s.required {
            (
                WeakeningKind::DisableRules,
                format!("makes the service `{}` optional", s.id),
            )
        } else if new_severity < old_severity {
            (
                WeakeningKind::SeverityLower,
                format!(
                    "lowers the service `{}` from {old_severity} to {new_severity}",
                    s.id
                ),
            )
        } else if broader {
            (
                WeakeningKind::DisableRules,
                format!("accepts more tools or evidence as the service `{}`", s.id),
            )
        } else {
            continue;
        };
        push(
            Entry::Service(i),
            kind,
            &s.location,
            what,
            vec![s.rule.clone()],
        );
    }
}

fn components(policy: &Policy, layer: &Layer, push: &mut Push<'_>) {
    let Some(c) = &layer.components else {
        return;
    };
    let Some(at) = &c.location else {
        return;
    };
    let rule = |id: &'static str| vec![RuleId::new(id)];
    let old = policy.components.as_ref();
    let old_mode = old.map(|o| o.mode).unwrap_or_default();
    let new_mode = c.mode.unwrap_or(old_mode);
    if old_mode == Mode::Allowlist && new_mode == Mode::Denylist {
        push(
            Entry::Mode,
            WeakeningKind::DisableRules,
            at,
            "switches `components.mode` from allowlist to denylist".to_owned(),
            rule("PSCF-SPM-RC/unapproved-component"),
        );
    }
    if new_mode == Mode::Allowlist && !c.recommended.is_empty() && old_mode == Mode::Allowlist {
        push(
            Entry::Recommended,
            WeakeningKind::DisableRules,
            at,
            format!(
                "adds {} recommended component(s) to the allowlist",
                c.recommended.len()
            ),
            rule("PSCF-SPM-RC/unapproved-component"),
        );
    }
    let old_unknown = old
        .and_then(|o| o.licenses.as_ref())
        .and_then(|l| l.unknown);
    if let Some(unknown) = c.license_unknown
        && unknown_rank(unknown) < unknown_rank(old_unknown.unwrap_or(UnknownLicense::Warning))
    {
        push(
            Entry::LicenseUnknown,
            WeakeningKind::DisableRules,
            at,
            "relaxes `licenses.unknown`".to_owned(),
            rule("PSCF-SPM-RC/license-unknown"),
        );
    }
    if let (Some(added), Some(before)) = (&c.license_allow, old.and_then(|o| o.licenses.as_ref()))
        && added
            .iter()
            .any(|id| !before.allow.iter().any(|b| b.to_string() == id.to_string()))
    {
        push(
            Entry::LicenseAllow,
            WeakeningKind::DisableRules,
            at,
            "allows more licences".to_owned(),
            rule("PSCF-SPM-RC/license-not-allowed"),
        );
    }
    let old_sources = old.map(|o| &o.sources);
    let loosened = |new: Option<Permission>, before: Option<Permission>| {
        new == Some(Permission::Allow) && before == Some(Permission::Deny)
    };
    if loosened(c.git, old_sources.map(|s| s.git))
        || loosened(c.path, old_sources.map(|s| s.path))
        || loosened(c.url, old_sources.map(|s| s.url))
    {
        push(
            Entry::Sources,
            WeakeningKind::DisableRules,
            at,
            "allows a component source the policy denies".to_owned(),
            rule("PSCF-SPM-RC/source-not-allowed"),
        );
    }
    if let (Some(added), Some(Some(before))) =
        (&c.registries, old_sources.map(|s| s.registries.as_ref()))
        && added.iter().any(|r| !before.contains(r))
    {
        push(
            Entry::Registries,
            WeakeningKind::DisableRules,
            at,
            "allows more registries".to_owned(),
            rule("PSCF-SPM-RC/source-not-allowed"),
        );
    }
    if c.advisories.is_some() && old.is_some_and(|o| o.advisories.is_some()) {
        push(
            Entry::Advisories,
            WeakeningKind::DisableRules,
            at,
            "replaces the policy's OSV advisory database".to_owned(),
            rule("PSCF-SPM-RC/known-vulnerability"),
        );
    }
}

/// How an override changes the rules it matches, if it relaxes any.
fn relaxed_by_override(
    policy: &Policy,
    o: &RuleOverride,
) -> Option<(WeakeningKind, String, Vec<RuleId>)> {
    let after_rules: Vec<RuleOverride> = policy
        .rules
        .iter()
        .cloned()
        .chain(std::iter::once(o.clone()))
        .collect();
    let mut disabled = Vec::new();
    let mut lowered = Vec::new();
    for (id, default) in known_rules(policy) {
        if !o.selector.matches(&id) {
            continue;
        }
        let before = severity_under(&policy.rules, &id, default);
        let after = severity_under(&after_rules, &id, default);
        match (before, after) {
            (Some(_), None) => disabled.push(id),
            (Some(b), Some(a)) if a < b => lowered.push(id),
            _ => {}
        }
    }
    let name = |ids: &[RuleId]| listed(ids);
    if !disabled.is_empty() {
        let what = format!("switches off {}", name(&disabled));
        disabled.extend(lowered);
        return Some((WeakeningKind::DisableRules, what, disabled));
    }
    if !lowered.is_empty() {
        let to = o.severity.map_or("a lower severity", |s| s.as_str());
        return Some((
            WeakeningKind::SeverityLower,
            format!("lowers {} to {to}", name(&lowered)),
            lowered,
        ));
    }
    None
}

/// Every rule the policy can report, with its default severity.
fn known_rules(policy: &Policy) -> Vec<(RuleId, Severity)> {
    let mut rules: Vec<(RuleId, Severity)> = registry::all()
        .map(|r| (r.id.clone(), r.default_severity))
        .collect();
    for s in &policy.services {
        if !rules.iter().any(|(id, _)| *id == s.rule) {
            rules.push((s.rule.clone(), s.severity.unwrap_or(Severity::Warning)));
        }
    }
    for d in &policy.declared {
        rules.push((d.rule.clone(), d.severity));
    }
    rules
}

fn listed(ids: &[RuleId]) -> String {
    let shown: Vec<String> = ids.iter().take(3).map(|id| format!("`{id}`")).collect();
    match ids.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more rules", shown.join(", "), n - 3),
    }
}

/// Higher is laxer.
fn strictness(f: FailOn) -> u8 {
    match f {
        FailOn::Note => 0,
        FailOn::Warning => 1,
        FailOn::Error => 2,
        FailOn::Never => 3,
    }
}

fn fail_on_name(f: FailOn) -> &'static str {
    match f {
        FailOn::Note => "note",
        FailOn::Warning => "warning",
        FailOn::Error => "error",
        FailOn::Never => "never",
    }
}

/// Higher is stricter.
fn unknown_rank(u: UnknownLicense) -> u8 {
    match u {
        UnknownLicense::Allow => 0,
        UnknownLicense::Note => 1,
        UnknownLicense::Warning => 2,
        UnknownLicense::Error => 3,
    }
}

/// Takes the refused entries out of `layer`.
pub fn remove(layer: &mut Layer, entries: Vec<Entry>) {
    let drop_indexed = |entries: &[Entry], pick: fn(&Entry) -> Option<usize>| {
        let mut idx: Vec<usize> = entries.iter().filter_map(pick).collect();
        idx.sort_unstable();
        idx
    };
    fn retain_except<T>(items: &mut Vec<T>, drop: &[usize]) {
        let mut i = 0;
        items.retain(|_| {
            let keep = drop.binary_search(&i).is_err();
            i += 1;
            keep
        });
    }
    retain_except(
        &mut layer.exclude,
        &drop_indexed(&entries, |e| match e {
            Entry::Exclude(i) => Some(*i),
            _ => None,
        }),
    );
    retain_except(
        &mut layer.rules,
        &drop_indexed(&entries, |e| match e {
            Entry::Rule(i) => Some(*i),
            _ => None,
        }),
    );
    retain_except(
        &mut layer.exceptions,
        &drop_indexed(&entries, |e| match e {
            Entry::Exception(i) => Some(*i),
            _ => None,
        }),
    );
    retain_except(
        &mut layer.services,
        &drop_indexed(&entries, |e| match e {
            Entry::Service(i) => Some(*i),
            _ => None,
        }),
    );
    retain_except(
        &mut layer.declared,
        &drop_indexed(&entries, |e| match e {
            Entry::Declared(i) => Some(*i),
            _ => None,
        }),
    );
    retain_except(
        &mut layer.requirements,
        &drop_indexed(&entries, |e| match e {
            Entry::Requirement(i) => Some(*i),
            _ => None,
        }),
    );
    for entry in entries {
        let c = layer.components.as_mut();
        match (entry, c) {
            (Entry::FailOn, _) => layer.fail_on = None,
            (Entry::Mode, Some(c)) => c.mode = None,
            (Entry::LicenseUnknown, Some(c)) => c.license_unknown = None,
            (Entry::LicenseAllow, Some(c)) => c.license_allow = None,
            (Entry::Sources, Some(c)) => {
                c.git = c.git.filter(|p| *p == Permission::Deny);
                c.path = c.path.filter(|p| *p == Permission::Deny);
                c.url = c.url.filter(|p| *p == Permission::Deny);
            }
            (Entry::Registries, Some(c)) => c.registries = None,
            (Entry::Advisories, Some(c)) => c.advisories = None,
            (Entry::Recommended, Some(c)) => c.recommended.clear(),
            (Entry::ContextTreatments, _) => {
                layer.contexts.treatments = Default::default();
            }
            (Entry::ContextPaths, _) => layer
                .contexts
                .paths
                .retain(|(context, _)| *context == PathContext::Production),
            _ => {}
        }
    }
}
