//! The vocabulary of a product descriptor (PSCF-SPM-POM), shared by the
//! policy's `product:` section, the Backstage scanner and the rules.

/// A field of a product descriptor, by its key in `product:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProductField {
    Name,
    Description,
    Owner,
    Lifecycle,
    System,
    Type,
    Contact,
    EndOfLife,
    SupportUntil,
}

impl ProductField {
    pub const ALL: [ProductField; 9] = [
        ProductField::Name,
        ProductField::Description,
        ProductField::Owner,
        ProductField::Lifecycle,
        ProductField::System,
        ProductField::Type,
        ProductField::Contact,
        ProductField::EndOfLife,
        ProductField::SupportUntil,
    ];

    /// The key as written in `product:` (and in `required-fields`).
    pub fn key(self) -> &'static str {
        match self {
            ProductField::Name => "name",
            ProductField::Description => "description",
            ProductField::Owner => "owner",
            ProductField::Lifecycle => "lifecycle",
            ProductField::System => "system",
            ProductField::Type => "type",
            ProductField::Contact => "support.contact",
            ProductField::EndOfLife => "support.end-of-life",
            ProductField::SupportUntil => "support.support-until",
        }
    }

    /// Where the field lives in a Backstage `catalog-info.yaml`.
    pub fn backstage_key(self) -> &'static str {
        match self {
            ProductField::Name => "metadata.name",
            ProductField::Description => "metadata.description",
            ProductField::Owner => "spec.owner",
            ProductField::Lifecycle => "spec.lifecycle",
            ProductField::System => "spec.system",
            ProductField::Type => "spec.type",
            ProductField::Contact => {
                "a support/on-call link or `pscf-lint/support-contact` annotation"
            }
            ProductField::EndOfLife => "annotation `pscf-lint/end-of-life`",
            ProductField::SupportUntil => "annotation `pscf-lint/support-until`",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        ProductField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Whether two declarations of this field say the same thing: owners
    /// and systems compare as entity references, other text ignoring case
    /// and surrounding space.
    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            ProductField::Owner | ProductField::System => entity_name(a) == entity_name(b),
            _ => a.trim().eq_ignore_ascii_case(b.trim()),
        }
    }
}

/// A Backstage entity reference `[kind:][namespace/]name` reduced to what
/// identifies it across sources: lower-case, without kind, and without
/// the `default` namespace.
pub fn entity_name(reference: &str) -> String {
    let reference = reference.trim().to_ascii_lowercase();
    let without_kind = reference
        .split_once(':')
        .map_or(reference.as_str(), |(_, rest)| rest);
    without_kind
        .strip_prefix("default/")
        .unwrap_or(without_kind)
        .to_owned()
}

/// Whether a descriptor's owner (an entity reference or a bare team name)
/// is a CODEOWNERS owner (`@org/team`, `@user`, an e-mail address).
pub fn owner_matches(descriptor_owner: &str, codeowner: &str) -> bool {
    let wanted = entity_name(descriptor_owner);
    let owner = codeowner
        .trim()
        .trim_start_matches('@')
        .to_ascii_lowercase();
    if owner == wanted {
        return true;
    }
    // `team-payments` names the team `@acme/team-payments`; a namespace in
    // the reference (`acme/team-payments`) must match the organisation.
    let team = owner.rsplit_once('/').map_or(owner.as_str(), |(_, t)| t);
    !wanted.contains('/') && team == wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_compare_as_entity_references() {
        assert!(owner_matches(
            "group:pscf-lint/maintainers",
            "@pscf-lint/maintainers"
        ));
        assert!(owner_matches("team-payments", "@acme/team-payments"));
        assert!(owner_matches(
            "group:default/team-payments",
            "@acme/team-payments"
        ));
        assert!(owner_matches("user:alice", "@alice"));
        assert!(!owner_matches("acme/payments", "@other/payments"));
        assert!(!owner_matches("team-payments", "@acme/team-pay"));
        assert!(ProductField::Owner.same("group:default/x", "X"));
        assert!(!ProductField::Lifecycle.same("production", "experimental"));
    }

    #[test]
    fn keys_round_trip() {
        for f in ProductField::ALL {
            assert_eq!(ProductField::from_key(f.key()), Some(f));
        }
        assert_eq!(ProductField::from_key("support"), None);
    }
}
