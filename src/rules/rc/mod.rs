//! PSCF-SPM-RC — Recommended Components: every component against the
//! policy's catalogue (banned, deprecated, recommended), licences and sources.

mod inclusion;
mod licence;
mod vulnerability;

use rayon::prelude::*;

use super::registry::RuleInfo;
use super::{Context, at_least};
use crate::facts::{Component, Source};
use crate::finding::{Finding, RuleId, Severity};
use crate::policy::{ComponentPolicy, Mode, Permission};
use crate::registries;

pub const BANNED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/banned-component"),
    default_severity: Severity::Error,
    summary: "a component matches a `banned` entry of the catalogue",
    rationale: "The organisation has decided this component (or these versions of it) must not ship: it is unmaintained, unsafe or legally unacceptable. Every product that still pulls it in carries that risk.",
    fix: "Remove the dependency or move to the replacement the policy names. If it cannot go yet, add an exception with a reason and an expiry date.",
    example: "components:\n  banned:\n    - purl: pkg:cargo/openssl\n      versions: \"<0.10.55\"\n      reason: vulnerable versions; use rustls\n      use-instead: pkg:cargo/rustls",
};

pub const DEPRECATED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/deprecated-component"),
    default_severity: Severity::Warning,
    summary: "a component matches a `deprecated` entry (an error once its `sunset` date has passed)",
    rationale: "Deprecated components are on their way out of the catalogue. Teams get a warning while there is time to migrate; after the sunset date the finding becomes an error.",
    fix: "Migrate to the component named by `use-instead` before the sunset date.",
    example: "components:\n  deprecated:\n    - purl: pkg:cargo/atty\n      sunset: 2027-06-30\n      reason: unmaintained (RUSTSEC-2024-0375); use std::io::IsTerminal",
};

pub const UNAPPROVED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/unapproved-component"),
    default_severity: Severity::Warning,
    summary: "`mode: allowlist` and a direct dependency matches no `recommended` entry",
    rationale: "In allowlist mode only evaluated, recommended components may be chosen. Transitive dependencies are the choice of the direct ones and are not flagged by this rule (banned and deprecated entries still apply to them).",
    fix: "Use a recommended component instead, or ask for this one to be evaluated and added to the catalogue.",
    example: "components:\n  mode: allowlist\n  recommended:\n    - purl: pkg:cargo/serde\n    - purl: pkg:cargo/tokio\n      versions: \">=1.38\"",
};

pub const VERSION_NOT_ALLOWED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/version-not-allowed"),
    default_severity: Severity::Error,
    summary: "a recommended component's resolved version is outside every allowed range",
    rationale: "A component is recommended for the versions that were evaluated. Older versions may lack fixes; newer major versions have not been reviewed.",
    fix: "Update (or pin) the dependency to a version inside the allowed range, then refresh the lockfile.",
    example: "components:\n  recommended:\n    - purl: pkg:cargo/rustls\n      versions: \">=0.23\"",
};

pub const LICENSE_NOT_ALLOWED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/license-not-allowed"),
    default_severity: Severity::Error,
    summary: "a component's SPDX licence expression cannot be satisfied by the allowed licences",
    rationale: "Shipping a component under a licence the organisation has not approved is a legal risk. `A OR B` passes when either side is allowed; `A AND B` needs both.",
    fix: "Replace the component, or have the licence reviewed and added to `components.licenses.allow`.",
    example: "components:\n  licenses:\n    allow: [MIT, Apache-2.0, BSD-3-Clause, ISC, Unicode-3.0]",
};

pub const LICENSE_UNKNOWN: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/license-unknown"),
    default_severity: Severity::Warning,
    summary: "the policy lists allowed licences but the input gives none (or no valid SPDX expression) for a component",
    rationale: "A licence that cannot be read cannot be approved. For Cargo, licences come from each crate's manifest: in the repository for path crates, in the local cargo cache for registry crates (`$CARGO_HOME/registry/src`) and git dependencies (`$CARGO_HOME/git/checkouts`) — run `cargo fetch` first so the cache holds every crate. A `license-file` is matched against the common licence texts; the finding says why a licence stays unknown.",
    fix: "Fetch the dependencies so their manifests are in the cache, or set `components.licenses.unknown: allow` to accept unknown licences.",
    example: "components:\n  licenses:\n    allow: [MIT, Apache-2.0]\n    unknown: warning   # or: allow | note | error",
};

pub const SOURCE_NOT_ALLOWED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/source-not-allowed"),
    default_severity: Severity::Error,
    summary: "a component comes from git, a path outside the project, or a registry the policy does not list",
    rationale: "Components from git repositories or unlisted registries bypass the organisation's registry controls (mirroring, scanning, yanking) and can change under the same name.",
    fix: "Depend on a released version from an approved registry. For a private registry, add its index URL to `components.sources.registries`.",
    example: "components:\n  sources:\n    git: deny\n    path: allow\n    registries: [crates.io]",
};

pub const KNOWN_VULNERABILITY: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RC/known-vulnerability"),
    default_severity: Severity::Error,
    summary: "an advisory in the configured offline OSV directory affects the component's version",
    rationale: "A recommended component is only safe at versions without known vulnerabilities. Advisories are read from a local OSV database the organisation curates and updates; nothing is fetched during a check.",
    fix: "Upgrade to the first fixed version named in the finding (then refresh the lockfile), or record an exception with the reason the vulnerable code is not reachable.",
    example: "components:\n  advisories:\n    osv: ./osv-db   # directory of OSV JSON records, relative to this file",
};

pub const RULES: &[RuleInfo] = &[
    BANNED,
    DEPRECATED,
    UNAPPROVED,
    VERSION_NOT_ALLOWED,
    LICENSE_NOT_ALLOWED,
    LICENSE_UNKNOWN,
    SOURCE_NOT_ALLOWED,
    KNOWN_VULNERABILITY,
];

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(policy) = ctx.policy.components.as_ref() else {
        return Vec::new();
    };
    ctx.facts
        .components
        .par_iter()
        .flat_map_iter(|c| check_component(ctx, policy, c))
        .collect()
}

fn check_component(ctx: &Context<'_>, policy: &ComponentPolicy, c: &Component) -> Vec<Finding> {
    let mut out = Vec::new();
    let banned = catalogue(ctx, policy, c, &mut out);
    if !banned {
        out.extend(deprecated(ctx, policy, c));
    }
    out.extend(licence::check(ctx, policy, c));
    out.extend(source(ctx, policy, c));
    out.extend(vulnerability::check(ctx, c));
    inclusion::annotate(ctx.facts, c, &mut out);
    out
}

/// Whether an entry's optional range covers the component: a component
/// whose version is not known is only covered by entries without a range.
fn in_range(range: Option<&crate::version::VersionRange>, c: &Component) -> bool {
    range.is_none_or(|r| version_in(r, &c.purl))
}

/// The purl's version is in the range; an image pinned by digest is also
/// in it when its tag is (`node:18@sha256:…` is a `18*` image).
fn version_in(range: &crate::version::VersionRange, purl: &crate::purl::Purl) -> bool {
    [purl.version.as_deref(), purl.tag.as_deref()]
        .into_iter()
        .flatten()
        .any(|v| range.contains(v) == Some(true))
}

/// banned-component, unapproved-component and version-not-allowed; returns
/// whether the component is banned. Where several banned or deprecated
/// entries match, the last one wins: a repository's own entry overrides the
/// bundle it extends.
fn catalogue(
    ctx: &Context<'_>,
    policy: &ComponentPolicy,
    c: &Component,
    out: &mut Vec<Finding>,
) -> bool {
    let purl = &c.purl;
    if let Some(entry) = policy
        .banned
        .iter()
        .rev()
        .find(|b| b.pattern.matches(purl) && in_range(b.versions.as_ref(), c))
    {
        let reason = entry
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        let help = match &entry.use_instead {
            Some(replacement) => format!("use `{replacement}` instead"),
            None => "remove this dependency, or add an exception with a reason and an expiry date"
                .to_owned(),
        };
        out.extend(ctx.component_finding(
            &BANNED,
            &c.location,
            purl,
            format!("`{purl}` is banned{reason}"),
            Some(help),
        ));
        return true;
    }
    let recommended: Vec<_> = policy
        .recommended
        .iter()
        .filter(|r| r.pattern.matches(purl))
        .collect();
    if recommended.is_empty() {
        if policy.mode == Mode::Allowlist && c.direct {
            let message = format!(
                "`{}` is not a recommended component",
                purl.without_version()
            );
            let help = "use a recommended component, or ask for this one to be evaluated and added to `components.recommended`";
            out.extend(ctx.component_finding(
                &UNAPPROVED,
                &c.location,
                purl,
                message,
                Some(help.to_owned()),
            ));
        }
        return false;
    }
    if purl.version.is_some() {
        let ranges: Vec<_> = recommended
            .iter()
            .filter_map(|r| r.versions.as_ref())
            .collect();
        let unrestricted = recommended.iter().any(|r| r.versions.is_none());
        if !unrestricted && !ranges.iter().any(|r| version_in(r, purl)) {
            let allowed: Vec<String> = ranges.iter().map(ToString::to_string).collect();
            let message = format!(
                "`{purl}` is outside the allowed versions ({})",
                allowed.join(" or ")
            );
            let help = format!(
                "move `{}` to a version matching {}",
                purl.name,
                allowed.join(" or ")
            );
            out.extend(ctx.component_finding(
                &VERSION_NOT_ALLOWED,
                &c.location,
                purl,
                message,
                Some(help),
            ));
        }
    }
    false
}

fn deprecated(ctx: &Context<'_>, policy: &ComponentPolicy, c: &Component) -> Option<Finding> {
    let entry = policy
        .deprecated
        .iter()
        .rev()
        .find(|d| d.pattern.matches(&c.purl) && in_range(d.versions.as_ref(), c))?;
    let purl = &c.purl;
    let mut finding = ctx.component_finding(&DEPRECATED, &c.location, purl, String::new(), None)?;
    let reason = entry
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    finding.message = match entry.sunset {
        Some(sunset) if ctx.today > sunset => {
            finding.severity = at_least(finding.severity, Severity::Error);
            format!("`{purl}` is deprecated and its sunset date {sunset} has passed{reason}")
        }
        Some(sunset) => format!("`{purl}` is deprecated (sunset {sunset}){reason}"),
        None => format!("`{purl}` is deprecated{reason}"),
    };
    finding.help = Some(match &entry.use_instead {
        Some(replacement) => format!("migrate to `{replacement}`"),
        None => "migrate away from this component before its sunset date".to_owned(),
    });
    Some(finding)
}

fn source(ctx: &Context<'_>, policy: &ComponentPolicy, c: &Component) -> Option<Finding> {
    let rules = &policy.sources;
    let denied = match &c.source {
        Source::Git { .. } => rules.git == Permission::Deny,
        Source::Path(_) => rules.path == Permission::Deny,
        Source::Url(_) => rules.url == Permission::Deny,
        Source::Registry(registry) => rules
            .registries
            .as_ref()
            .is_some_and(|allowed| !allowed.iter().any(|a| registries::same(a, registry))),
    };
    if !denied {
        return None;
    }
    let purl = &c.purl;
    let message = format!(
        "`{purl}` comes from {}, which the policy does not allow",
        c.source
    );
    let help = match &c.source {
        Source::Registry(_) => {
            "depend on a release from an approved registry, or add this registry to `components.sources.registries`"
        }
        _ => "depend on a released version from an approved registry",
    };
    ctx.component_finding(
        &SOURCE_NOT_ALLOWED,
        &c.location,
        purl,
        message,
        Some(help.to_owned()),
    )
}
