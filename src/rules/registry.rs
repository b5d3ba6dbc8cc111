//! Every rule pscf-lint implements, with its documentation. Rule ids are a
//! public interface (see RULES.md): once shipped, an id keeps its meaning.

use crate::finding::{Capability, RuleId, Severity};

pub struct RuleInfo {
    pub id: RuleId,
    pub default_severity: Severity,
    /// One line: when the rule fires.
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to make the finding go away properly.
    pub fix: &'static str,
    /// A policy snippet that configures the rule.
    pub example: &'static str,
}

impl RuleInfo {
    pub fn capability(&self) -> Option<Capability> {
        self.id.capability()
    }
}

/// All rules, grouped by capability, in catalogue order.
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    super::rc::RULES
        .iter()
        .chain(super::rss::RULES.iter())
        .chain(super::mar::RULES.iter())
        .chain(super::dm::RULES.iter())
        .chain(super::qm::RULES.iter())
        .chain(super::pom::RULES.iter())
        .chain(super::tool::RULES.iter())
}

/// Whether a rule is a built-in check that `requirements:` switches on.
pub fn is_check(rule: &RuleInfo) -> bool {
    rule.capability() == Some(crate::finding::Capability::MinimumApplicationRequirements)
}

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    all().find(|r| r.id.as_str() == id)
}

/// The rule id nearest to a misspelt one, if any is close enough to be the
/// likely intent.
pub fn closest(id: &str) -> Option<&'static str> {
    let lower = id.to_lowercase();
    if let Some(prefixed) = all().find(|r| r.id.as_str().to_lowercase().starts_with(&lower)) {
        return Some(prefixed.id.as_str());
    }
    all()
        .map(|r| {
            (
                edit_distance(&id.to_lowercase(), &r.id.as_str().to_lowercase()),
                r.id.as_str(),
            )
        })
        .filter(|(d, _)| *d <= id.len() / 3 + 1)
        .min()
        .map(|(_, id)| id)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev + usize::from(ca != *cb);
            let deletion = row
                .get(j + 1)
                .copied()
                .unwrap_or(usize::MAX)
                .saturating_add(1);
            let insertion = row.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            prev = row.get(j + 1).copied().unwrap_or(0);
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitution.min(deletion).min(insertion);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<_> = all().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate rule id");
        for r in all() {
            assert!(
                r.capability().is_some() || r.id.as_str().starts_with("pscf-lint/"),
                "{}",
                r.id
            );
            assert!(!r.summary.is_empty() && !r.rationale.is_empty() && !r.fix.is_empty());
        }
    }

    #[test]
    fn suggests_the_nearest_rule() {
        assert_eq!(
            closest("PSCF-SPM-RC/baned-component"),
            Some("PSCF-SPM-RC/banned-component")
        );
        assert_eq!(closest("nothing-like-it"), None);
        assert_eq!(
            closest("PSCF-SPM-RC/deprecated"),
            Some("PSCF-SPM-RC/deprecated-component")
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
