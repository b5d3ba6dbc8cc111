//! Merging validated layers into one [`Policy`], in load order: scalars and
//! map keys override, lists append. A repository's own layer is first
//! checked for what it relaxes ([`super::weaken`]); with a trusted policy,
//! what that policy does not allow is removed before the merge.

use super::load::{Loaded, Trust};
use super::validate::{ComponentsLayer, Layer};
use super::weaken::{self, Allowance, Weakening, WeakeningKind};
use super::{ComponentPolicy, ExceptionPolicy, InlineSuppressions, LicensePolicy, Policy};

/// The policy of one run from its layers, in merge order.
pub fn merge_all(layers: Vec<Loaded>, trusted_given: bool) -> Policy {
    let mut policy = Policy::default();
    let mut allow: Vec<Allowance> = Vec::new();
    if !layers.iter().any(|l| l.trust == Trust::Trusted)
        && let Some(first) = layers.first()
    {
        let head = first.source.index.line_span(&first.source.text, 1);
        policy.weakenings.push(Weakening {
            kind: WeakeningKind::DropBuiltin,
            location: first.source.location(head),
            what: format!(
                "does not extend `{}`, so none of the built-in rules apply unless it lists them",
                super::BUILTIN_NAME
            ),
            rules: Vec::new(),
            refused: false,
        });
    }
    for Loaded {
        mut layer,
        source,
        trust,
    } in layers
    {
        match trust {
            Trust::Trusted => {
                allow.append(&mut layer.allow);
                policy.trusted_rules.extend(layer.rules.iter().cloned());
            }
            Trust::Repository => {
                // A repository cannot grant itself anything.
                layer.allow.clear();
                let mut refused = Vec::new();
                for (entry, mut weakening) in weaken::find(&policy, &layer) {
                    let cap = entry == weaken::Entry::ExceptionCap;
                    if trusted_given && (cap || !weaken::permitted(&allow, &weakening)) {
                        weakening.refused = true;
                        refused.push(entry);
                    }
                    policy.weakenings.push(weakening);
                }
                weaken::remove(&mut layer, refused);
            }
        }
        if let Some(limits) = layer.exception_policy.take() {
            // Under a trusted policy the repository's limits can only add to
            // the trusted ones: a later, longer cap never replaces a shorter.
            let tighten_only = trusted_given && trust == Trust::Repository;
            merge_exception_policy(&mut policy.exception_policy, limits, tighten_only);
        }
        merge(&mut policy, layer);
        if trusted_given {
            policy.trusted_allow = Some(allow.clone());
        }
        // Standard input is no file of the tree, whoever it stands for:
        // reports name it `<stdin>`, without the root's place before it.
        if trust == Trust::Trusted || source.path.as_str() == super::STDIN_DISPLAY {
            policy.external.push(source.path.clone());
        }
        policy.sources.push(source);
    }
    policy
}

/// Applies one layer on top of the policy so far: scalars and map keys
/// override, lists append.
fn merge(policy: &mut Policy, layer: Layer) {
    if let Some((fail_on, _)) = layer.fail_on {
        policy.fail_on = fail_on;
    }
    policy
        .exclude
        .extend(layer.exclude.into_iter().map(|(glob, _)| glob));
    if let Some(p) = layer.product {
        super::product::merge(&mut policy.product, p);
    }
    super::metrics::merge(&mut policy.metrics, layer.metrics);
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
    policy
        .contexts
        .merge(layer.contexts.treatments, layer.contexts.paths);
}

/// A layer's `exception-policy:` over the limits so far: each cap it sets
/// replaces the earlier one (or, `tighten_only`, only a longer or absent
/// one); required fields add up.
fn merge_exception_policy(into: &mut ExceptionPolicy, layer: ExceptionPolicy, tighten_only: bool) {
    for (slot, new) in into.max_days.iter_mut().zip(layer.max_days) {
        let Some((days, at)) = new else { continue };
        let tighter = slot.as_ref().is_none_or(|(old, _)| days < *old);
        if tighter || !tighten_only {
            *slot = Some((days, at));
        }
    }
    for (field, at) in layer.require {
        if !into.require.iter().any(|(f, _)| *f == field) {
            into.require.push((field, at));
        }
    }
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
