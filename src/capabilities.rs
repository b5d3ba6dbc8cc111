//! The PSCF capability catalogue (all 33 capabilities, OWASP PSCF data,
//! CC BY-SA 4.0), embedded for `pscf-lint capabilities` and `explain`.

use serde::{Deserialize, Serialize};

use crate::location::{RelPath, SourceFile};

/// One capability; serialised for `capabilities --format json` with the
/// report's snake_case keys.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all(deserialize = "kebab-case", serialize = "snake_case"))]
pub struct CapabilityEntry {
    pub id: String,
    pub name: String,
    pub area: String,
    pub required_by: Vec<String>,
    pub accountable: Vec<String>,
    pub responsible: Vec<String>,
}

#[derive(Deserialize)]
struct Catalogue {
    capabilities: Vec<CapabilityEntry>,
}

pub fn catalogue_text() -> &'static str {
    include_str!("../policies/capabilities.yaml")
}

/// The catalogue; an error only if the embedded file is broken (a test
/// guards that it is not).
pub fn catalogue() -> Result<Vec<CapabilityEntry>, String> {
    let source = SourceFile::new(
        RelPath::new("capabilities.yaml"),
        catalogue_text().to_owned(),
    );
    crate::yaml::from_source::<Catalogue>(&source)
        .map(|c| c.capabilities)
        .map_err(|e| format!("embedded capability catalogue: {}", e.message))
}

pub fn find(id: &str) -> Option<CapabilityEntry> {
    catalogue().ok()?.into_iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Capability;

    #[test]
    fn catalogue_holds_all_33_and_the_six_spm_capabilities() -> Result<(), String> {
        let all = catalogue()?;
        assert_eq!(all.len(), 33);
        for c in Capability::ALL {
            let entry = find(c.id()).ok_or_else(|| format!("{} missing", c.id()))?;
            assert!(
                entry.name.starts_with(c.name()),
                "{} vs {}",
                entry.name,
                c.name()
            );
            assert_eq!(entry.area, "Secure Product Management");
        }
        Ok(())
    }
}
