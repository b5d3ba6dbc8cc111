//! The `product:` section (PSCF-SPM-POM): what the product declares about
//! itself, and the organisation's settings for such declarations
//! (required fields, allowed lifecycle stages, where SECURITY.md lives).
//! Validation of one file's section and the merge of several.

use jiff::civil::Date;

use super::raw::{self, SecurityPolicySource};
use super::validate::Validator;
use crate::location::Location;
pub use crate::product::ProductField;
use crate::yaml::Spanned;

/// A value declared in a policy file, with its place there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<T> {
    pub value: T,
    pub location: Location,
}

/// The descriptor fields a policy file declares.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProductDeclaration {
    pub name: Option<Placed<String>>,
    pub description: Option<Placed<String>>,
    pub owner: Option<Placed<String>>,
    pub lifecycle: Option<Placed<String>>,
    pub system: Option<Placed<String>>,
    pub kind: Option<Placed<String>>,
    pub contact: Option<Placed<String>>,
    pub end_of_life: Option<Placed<Date>>,
    pub support_until: Option<Placed<Date>>,
}

impl ProductDeclaration {
    /// Whether the section declares nothing about the product itself (only
    /// the organisation's settings), so it is no descriptor.
    pub fn is_empty(&self) -> bool {
        ProductField::ALL.into_iter().all(|f| self.get(f).is_none())
    }

    /// A field's value as text (dates as YYYY-MM-DD), with its place.
    pub fn get(&self, field: ProductField) -> Option<Placed<String>> {
        let text = |v: &Option<Placed<String>>| v.clone();
        let date = |v: &Option<Placed<Date>>| {
            v.as_ref().map(|d| Placed {
                value: d.value.to_string(),
                location: d.location.clone(),
            })
        };
        match field {
            ProductField::Name => text(&self.name),
            ProductField::Description => text(&self.description),
            ProductField::Owner => text(&self.owner),
            ProductField::Lifecycle => text(&self.lifecycle),
            ProductField::System => text(&self.system),
            ProductField::Type => text(&self.kind),
            ProductField::Contact => text(&self.contact),
            ProductField::EndOfLife => date(&self.end_of_life),
            ProductField::SupportUntil => date(&self.support_until),
        }
    }
}

/// Lifecycle stages allowed when no policy names its own.
pub const DEFAULT_LIFECYCLES: [&str; 4] =
    ["experimental", "production", "deprecated", "decommissioned"];

/// The merged `product:` section.
#[derive(Debug, Clone)]
pub struct ProductPolicy {
    pub declared: ProductDeclaration,
    /// Fields a descriptor must have, beyond owner and lifecycle (which are
    /// always required, by their own rules).
    pub required_fields: Vec<ProductField>,
    pub allowed_lifecycles: Vec<String>,
    pub security_policy: SecurityPolicySource,
    /// The `product:` key of the last policy file that has one.
    pub location: Location,
}

/// One file's `product:` section, validated.
#[derive(Debug)]
pub struct ProductLayer {
    declared: ProductDeclaration,
    required_fields: Vec<ProductField>,
    allowed_lifecycles: Option<Vec<String>>,
    security_policy: Option<SecurityPolicySource>,
    location: Location,
}

impl Validator<'_> {
    /// Where a mapping entry starts: its whole first line (a mapping's own
    /// span is empty at its start).
    pub(super) fn entry_location<T>(&self, value: &Spanned<T>) -> Location {
        let start = self.span(value).start;
        let line = self.source.location(start..start).line;
        let end = self.source.index.line_span(&self.source.text, line).end;
        self.source.location(start..end.max(start))
    }

    pub(super) fn placed(&self, value: &Spanned<String>) -> Placed<String> {
        Placed {
            value: value.value.trim().to_owned(),
            location: self.source.location(self.span(value)),
        }
    }

    fn placed_date(&mut self, value: &Spanned<String>) -> Option<Placed<Date>> {
        let date = self.date(value)?;
        Some(Placed {
            value: date,
            location: self.source.location(self.span(value)),
        })
    }

    pub(super) fn product(&mut self, raw: Spanned<raw::RawProduct>) -> ProductLayer {
        let location = self.entry_location(&raw);
        let p = raw.value;
        let support = p.support;
        let support_field = |f: fn(&raw::RawSupport) -> &Option<Spanned<String>>| {
            support.as_ref().and_then(|s| f(s).as_ref())
        };
        let declared = ProductDeclaration {
            name: p.name.as_ref().map(|v| self.placed(v)),
            description: p.description.as_ref().map(|v| self.placed(v)),
            owner: p.owner.as_ref().map(|v| self.placed(v)),
            lifecycle: p.lifecycle.as_ref().map(|v| self.placed(v)),
            system: p.system.as_ref().map(|v| self.placed(v)),
            kind: p.kind.as_ref().map(|v| self.placed(v)),
            contact: support_field(|s| &s.contact).map(|v| self.placed(v)),
            end_of_life: support_field(|s| &s.end_of_life).and_then(|v| self.placed_date(v)),
            support_until: support_field(|s| &s.support_until).and_then(|v| self.placed_date(v)),
        };
        let required_fields = p
            .required_fields
            .iter()
            .flatten()
            .filter_map(|key| self.product_field(key))
            .collect();
        let allowed_lifecycles = p.allowed_lifecycles.map(|stages| {
            stages
                .iter()
                .filter_map(|stage| self.lifecycle_stage(stage))
                .collect()
        });
        ProductLayer {
            declared,
            required_fields,
            allowed_lifecycles,
            security_policy: p.security_policy,
            location,
        }
    }

    fn product_field(&mut self, key: &Spanned<String>) -> Option<ProductField> {
        if let Some(field) = ProductField::from_key(key.value.trim()) {
            return Some(field);
        }
        let known: Vec<&str> = ProductField::ALL.iter().map(|f| f.key()).collect();
        self.error(
            key,
            format!("`{}` is not a product field", key.value),
            Some(&format!("required fields are among: {}", known.join(", "))),
        );
        None
    }

    fn lifecycle_stage(&mut self, stage: &Spanned<String>) -> Option<String> {
        let text = stage.value.trim();
        let well_formed = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if well_formed {
            return Some(text.to_owned());
        }
        self.error(
            stage,
            format!(
                "lifecycle stage `{}` must be lower-case kebab-case",
                stage.value
            ),
            Some("e.g. `experimental`, `production`, `deprecated`, `decommissioned`"),
        );
        None
    }
}

/// Applies one file's section over the sections before it: declared
/// fields and settings override, required fields add up, and an
/// `allowed-lifecycles` list replaces the inherited one.
pub(super) fn merge(into: &mut Option<ProductPolicy>, layer: ProductLayer) {
    let policy = into.get_or_insert_with(|| ProductPolicy {
        declared: ProductDeclaration::default(),
        required_fields: Vec::new(),
        allowed_lifecycles: DEFAULT_LIFECYCLES.iter().map(|s| (*s).to_owned()).collect(),
        security_policy: SecurityPolicySource::default(),
        location: layer.location.clone(),
    });
    let ProductDeclaration {
        name,
        description,
        owner,
        lifecycle,
        system,
        kind,
        contact,
        end_of_life,
        support_until,
    } = layer.declared;
    let d = &mut policy.declared;
    d.name = name.or(d.name.take());
    d.description = description.or(d.description.take());
    d.owner = owner.or(d.owner.take());
    d.lifecycle = lifecycle.or(d.lifecycle.take());
    d.system = system.or(d.system.take());
    d.kind = kind.or(d.kind.take());
    d.contact = contact.or(d.contact.take());
    d.end_of_life = end_of_life.or(d.end_of_life.take());
    d.support_until = support_until.or(d.support_until.take());
    for field in layer.required_fields {
        if !policy.required_fields.contains(&field) {
            policy.required_fields.push(field);
        }
    }
    if let Some(stages) = layer.allowed_lifecycles {
        policy.allowed_lifecycles = stages;
    }
    if let Some(source) = layer.security_policy {
        policy.security_policy = source;
    }
    policy.location = layer.location;
}
