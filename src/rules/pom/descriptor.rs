//! The product descriptor: Backstage `catalog-info.yaml` and/or the
//! policy's `product:`; present, complete, consistent, in an allowed
//! lifecycle stage, and not past its end of life.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::finding::{Finding, RuleId, Severity};
use crate::location::Location;
use crate::policy::ProductPolicy;
use crate::product::ProductField;
use crate::rules::Context;
use crate::rules::anchor;
use crate::rules::registry::RuleInfo;
use crate::shown::shown;

pub const PRODUCT_DESCRIPTOR_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/product-descriptor-missing"),
    default_severity: Severity::Error,
    summary: "neither a `catalog-info.yaml` with a `kind: Component` entity nor the policy's `product:` describes the product",
    rationale: "A product that does not say what it is, who owns it and what stage it is in cannot be supported, assessed or retired on purpose; the descriptor is where incident responders and auditors start.",
    fix: "Add a Backstage `catalog-info.yaml` at the root (`kind: Component` with `metadata.name`, `spec.owner`, `spec.lifecycle`), or a `product:` section (`name`, `owner`, `lifecycle`) to `.pscf-lint.yaml`.",
    example: "product:\n  name: payments-api\n  owner: team-payments\n  lifecycle: production\n  support: { contact: payments-oncall@example.com, end-of-life: 2029-06-30 }",
};

pub const PRODUCT_OWNER_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/product-owner-missing"),
    default_severity: Severity::Error,
    summary: "the product descriptor names no owner (`spec.owner` or `product.owner`)",
    rationale: "Without an accountable owner, vulnerabilities and incidents have nobody to go to, and nobody decides about the product's lifecycle.",
    fix: "Name the owning team: `spec.owner: group:team-payments` in catalog-info.yaml, or `product.owner: team-payments`.",
    example: "product:\n  owner: team-payments",
};

pub const LIFECYCLE_INVALID: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/lifecycle-invalid"),
    default_severity: Severity::Error,
    summary: "the product's lifecycle stage is missing or not one of the policy's `allowed-lifecycles`",
    rationale: "The lifecycle stage decides what is expected of a product (production support, a deprecation plan); an unknown stage means nothing is expected.",
    fix: "Declare one of the allowed stages (default: experimental, production, deprecated, decommissioned), or add the organisation's stage to `product.allowed-lifecycles` in its policy.",
    example: "product:\n  lifecycle: production\n  allowed-lifecycles: [experimental, production, deprecated, decommissioned]",
};

pub const END_OF_LIFE_PASSED: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/end-of-life-passed"),
    default_severity: Severity::Error,
    summary: "the declared end-of-life (or support-until) date has passed and the product is not `decommissioned`",
    rationale: "A product past its end of life gets no fixes: running it means running known and future vulnerabilities unpatched.",
    fix: "Decommission the product (and set `lifecycle: decommissioned`), or extend its support and move the date.",
    example: "product:\n  lifecycle: deprecated\n  support: { end-of-life: 2029-06-30 }",
};

pub const DECOMMISSION_PLAN_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/decommission-plan-missing"),
    default_severity: Severity::Warning,
    summary: "the product is `deprecated` but declares no end-of-life date",
    rationale: "Deprecation without a date never ends: users do not migrate and the product keeps consuming support without a plan.",
    fix: "Declare when support ends: `support.end-of-life: YYYY-MM-DD` (or the catalog annotation `pscf-lint/end-of-life`).",
    example: "product:\n  lifecycle: deprecated\n  support: { end-of-life: 2027-12-31 }",
};

/// Not in RULES.md v1, which has no id for a descriptor that is present
/// but incomplete or self-contradictory.
pub const PRODUCT_DESCRIPTOR_INVALID: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/product-descriptor-invalid"),
    default_severity: Severity::Error,
    summary: "the product descriptor lacks a field the policy requires (`required-fields`), holds an invalid value (Backstage name, date), or `catalog-info.yaml` and the policy's `product:` disagree",
    rationale: "Two descriptors that disagree (owner, lifecycle, dates) leave it open which one is true; a missing required field is a gap the organisation decided to close.",
    fix: "Make the two descriptors agree (or keep only one), and add the missing field.",
    example: "product:\n  required-fields: [name, owner, lifecycle, support.contact]",
};

/// One descriptor's fields, from one or both sources.
struct View {
    head: Location,
    /// What the descriptor is, for messages.
    what: String,
    fields: BTreeMap<ProductField, (String, Location)>,
    /// Backstage rules apply to the name (it came from catalog-info.yaml).
    backstage_name: bool,
}

/// Checks every descriptor; returns the product's owner (for CODEOWNERS).
pub(super) fn check(
    ctx: &Context<'_>,
    product: &ProductPolicy,
    out: &mut Vec<Finding>,
) -> Option<(String, Location)> {
    let catalog = &ctx.facts.product.descriptors;
    let config = &product.declared;
    if catalog.is_empty() && config.is_empty() {
        missing(ctx, product, out);
        return None;
    }
    let config_fields: BTreeMap<ProductField, (String, Location)> = ProductField::ALL
        .into_iter()
        .filter_map(|f| config.get(f).map(|p| (f, (p.value, p.location))))
        .collect();
    let wanted_name = config_fields.get(&ProductField::Name).map(|(n, _)| n);
    let primary = catalog
        .iter()
        .position(|d| {
            wanted_name.is_some_and(|n| d.get(ProductField::Name).is_some_and(|v| &v.value == n))
        })
        .or((!catalog.is_empty()).then_some(0));
    let mut views = Vec::new();
    for (i, d) in catalog.iter().enumerate() {
        let mut fields: BTreeMap<_, _> = d
            .fields
            .iter()
            .map(|(f, s)| (*f, (s.value.clone(), s.location.clone())))
            .collect();
        if Some(i) == primary {
            disagreements(ctx, &config_fields, &fields, out);
            fields.extend(config_fields.clone());
        }
        views.push(View {
            head: d.head.clone(),
            what: format!("the Component in `{}`", d.path),
            fields,
            backstage_name: Some(i) != primary || !config_fields.contains_key(&ProductField::Name),
        });
    }
    if primary.is_none() {
        views.push(View {
            head: anchor::or_repository(ctx, &product.location),
            what: "the policy's `product:`".to_owned(),
            fields: config_fields,
            backstage_name: false,
        });
    }
    for view in &views {
        check_view(ctx, product, view, out);
    }
    let primary_view = primary.unwrap_or(views.len().saturating_sub(1));
    views
        .get(primary_view)
        .and_then(|v| v.fields.get(&ProductField::Owner).cloned())
}

fn missing(ctx: &Context<'_>, product: &ProductPolicy, out: &mut Vec<Finding>) {
    let (at, message) = match &ctx.facts.product.catalog {
        Some(head) => (
            head.clone(),
            format!("`{}` has no `kind: Component` entity, and the policy declares no `product:`", head.path),
        ),
        None => (
            anchor::or_repository(ctx, &product.location),
            "the product has no descriptor: no `catalog-info.yaml` at the root and no `product:` in the policy".to_owned(),
        ),
    };
    out.extend(ctx.explained(
        &PRODUCT_DESCRIPTOR_MISSING,
        &at,
        "descriptor",
        message,
        "add catalog-info.yaml (`kind: Component`, `metadata.name`, `spec.owner`, `spec.lifecycle`) or `product: { name, owner, lifecycle }` to .pscf-lint.yaml".to_owned(),
    ));
}

/// Fields both sources declare, with different values.
fn disagreements(
    ctx: &Context<'_>,
    config: &BTreeMap<ProductField, (String, Location)>,
    catalog: &BTreeMap<ProductField, (String, Location)>,
    out: &mut Vec<Finding>,
) {
    for (field, (ours, at)) in config {
        let Some((theirs, their_at)) = catalog.get(field) else {
            continue;
        };
        let same = match (ours.parse::<Date>(), theirs.parse::<Date>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => field.same(ours, theirs),
        };
        if same || *field == ProductField::Description {
            continue;
        }
        let at = anchor::or_repository(ctx, at);
        let (ours, theirs) = (shown(ours), shown(theirs));
        let message = format!(
            "the policy's `product.{}` is `{ours}` but `{}` ({}) says `{theirs}`",
            field.key(),
            their_at.path,
            field.backstage_key()
        );
        if let Some(mut f) = ctx.explained(
            &PRODUCT_DESCRIPTOR_INVALID,
            &at,
            &format!("disagree:{}", field.key()),
            message,
            "make the two descriptors agree, or declare the field in one place only".to_owned(),
        ) {
            f.related.push(crate::finding::Related {
                location: their_at.clone(),
                message: format!("{} declared here", field.backstage_key()),
            });
            out.push(f);
        }
    }
}

fn check_view(ctx: &Context<'_>, product: &ProductPolicy, view: &View, out: &mut Vec<Finding>) {
    let get = |f: ProductField| view.fields.get(&f);
    if get(ProductField::Owner).is_none() {
        out.extend(
            ctx.explained(
                &PRODUCT_OWNER_MISSING,
                &view.head,
                "owner",
                format!("{} names no owner", view.what),
                "name the accountable team: `spec.owner: group:<team>` or `product.owner: <team>`"
                    .to_owned(),
            ),
        );
    }
    let allowed = product.allowed_lifecycles.join(", ");
    let lifecycle = get(ProductField::Lifecycle);
    match lifecycle {
        None => out.extend(ctx.explained(
            &LIFECYCLE_INVALID,
            &view.head,
            "lifecycle",
            format!("{} declares no lifecycle stage", view.what),
            format!("declare one of: {allowed}"),
        )),
        Some((stage, at)) if !product.allowed_lifecycles.iter().any(|a| a == stage) => {
            out.extend(ctx.explained(
                &LIFECYCLE_INVALID,
                at,
                "lifecycle",
                format!("lifecycle `{}` is not an allowed stage", shown(stage)),
                format!("declare one of: {allowed} (the policy's `product.allowed-lifecycles`)"),
            ))
        }
        Some(_) => {}
    }
    for field in &product.required_fields {
        if get(*field).is_none() && !matches!(field, ProductField::Owner | ProductField::Lifecycle)
        {
            out.extend(ctx.explained(
                &PRODUCT_DESCRIPTOR_INVALID,
                &view.head,
                &format!("required:{}", field.key()),
                format!(
                    "{} has no `{}`, which the policy requires",
                    view.what,
                    field.key()
                ),
                format!(
                    "add `product.{}` to the policy or {} to catalog-info.yaml",
                    field.key(),
                    field.backstage_key()
                ),
            ));
        }
    }
    if view.backstage_name
        && let Some((name, at)) = get(ProductField::Name)
        && !is_backstage_name(name)
    {
        out.extend(
            ctx.explained(
                &PRODUCT_DESCRIPTOR_INVALID,
                at,
                "name",
                format!("`{}` is not a valid Backstage entity name", shown(name)),
                "use 1-63 characters: letters and digits, separated by single `-`, `_` or `.`"
                    .to_owned(),
            ),
        );
    }
    dates(ctx, view, lifecycle.map(|(s, _)| s.as_str()), out);
}

fn dates(ctx: &Context<'_>, view: &View, lifecycle: Option<&str>, out: &mut Vec<Finding>) {
    let decommissioned = lifecycle == Some("decommissioned");
    let mut end_of_life = None;
    for field in [ProductField::EndOfLife, ProductField::SupportUntil] {
        let Some((text, at)) = view.fields.get(&field) else {
            continue;
        };
        let Ok(date) = text.parse::<Date>() else {
            out.extend(ctx.explained(
                &PRODUCT_DESCRIPTOR_INVALID,
                at,
                field.key(),
                format!("`{}` ({}) is not a date", shown(text), field.key()),
                "write dates as YYYY-MM-DD, e.g. 2029-06-30".to_owned(),
            ));
            continue;
        };
        if field == ProductField::EndOfLife {
            end_of_life = Some(date);
        }
        if ctx.today > date && !decommissioned {
            let what = match field {
                ProductField::EndOfLife => "reached its end of life",
                _ => "left support",
            };
            out.extend(ctx.explained(
                &END_OF_LIFE_PASSED,
                at,
                field.key(),
                format!("the product {what} on {date} (today is {})", ctx.today),
                "decommission it (`lifecycle: decommissioned`) or extend support and move the date"
                    .to_owned(),
            ));
        }
    }
    if lifecycle == Some("deprecated")
        && end_of_life.is_none()
        && let Some((_, at)) = view.fields.get(&ProductField::Lifecycle)
    {
        out.extend(ctx.explained(
            &DECOMMISSION_PLAN_MISSING,
            at,
            "end-of-life",
            "the product is deprecated but declares no end-of-life date".to_owned(),
            "declare `support.end-of-life: YYYY-MM-DD` (catalog annotation `pscf-lint/end-of-life`)".to_owned(),
        ));
    }
}

/// Backstage's entity name: `^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$`, at most
/// 63 characters.
fn is_backstage_name(name: &str) -> bool {
    let separators_ok = name
        .split(['-', '_', '.'])
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    !name.is_empty() && name.len() <= 63 && separators_ok
}

#[cfg(test)]
mod tests {
    use super::is_backstage_name;

    #[test]
    fn backstage_names() {
        for ok in ["a", "payments-api", "a.b_c-d", "A1"] {
            assert!(is_backstage_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "a b", "é", &"a".repeat(64)] {
            assert!(!is_backstage_name(bad), "{bad}");
        }
    }
}
