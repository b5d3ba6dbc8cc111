//! Baselines: the fingerprints of the findings a team has accepted for
//! now, so that a gate fails only on new ones. `--write-baseline` records
//! them, `--baseline` marks findings found in one as suppressed (kind
//! `baseline`), and `--new-since REV` builds one in memory from the
//! findings at a git revision.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Suppression};

/// Bumped only for an incompatible change of the file format.
pub const FORMAT_VERSION: u32 = 1;

/// The `kind` every baseline file carries.
pub const KIND: &str = "pscf-lint-baseline";

/// A baseline file larger than this is refused: at about 120 bytes an
/// entry, room for well over 100,000 findings.
pub const MAX_BASELINE_BYTES: u64 = 32 * 1024 * 1024;

/// The fingerprints of a baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    kind: String,
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding. Rule and file are there for whoever reviews the
/// baseline's diff; only the fingerprint is compared.
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    rule: String,
    fingerprint: String,
}

impl Baseline {
    /// The fingerprints of these findings.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        Baseline {
            fingerprints: findings.into_iter().map(Finding::fingerprint).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Reads a baseline file, refusing one that is too large, not JSON,
    /// of another kind or version, or with a malformed fingerprint.
    pub fn read(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read the baseline `{shown}`: {e}"))?;
        let mut text = String::new();
        file.take(MAX_BASELINE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the baseline `{shown}`: {e}"))?;
        if text.len() as u64 > MAX_BASELINE_BYTES {
            return Err(format!(
                "the baseline `{shown}` is over {MAX_BASELINE_BYTES} bytes; write a new one with `--write-baseline`"
            ));
        }
        Self::parse(&text).map_err(|e| format!("the baseline `{shown}` {e}"))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let how = "write a new one with `check --write-baseline FILE`";
        let file: File = serde_json::from_str(text)
            .map_err(|e| format!("is not a pscf-lint baseline ({e}); {how}"))?;
        if file.kind != KIND {
            return Err(format!(
                "has `kind: {}`, not `{KIND}`; {how}",
                crate::escape::inline(&file.kind)
            ));
        }
        if file.version != FORMAT_VERSION {
            return Err(format!(
                "is version {}; this pscf-lint reads version {FORMAT_VERSION}; {how}",
                file.version
            ));
        }
        let mut fingerprints = BTreeSet::new();
        for (i, entry) in file.findings.into_iter().enumerate() {
            let valid = entry.fingerprint.len() == 16
                && entry
                    .fingerprint
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !valid {
                return Err(format!(
                    "has a malformed fingerprint in entry {} (16 lowercase hex digits expected); {how}",
                    i + 1
                ));
            }
            fingerprints.insert(entry.fingerprint);
        }
        Ok(Baseline { fingerprints })
    }

    /// The baseline file for these findings: sorted by file, rule and
    /// fingerprint, so that its diff in review shows what changed where.
    /// `display` gives a finding's file as reports show it.
    pub fn render<'a>(
        findings: impl IntoIterator<Item = &'a Finding>,
        display: impl Fn(&Finding) -> String,
    ) -> String {
        let mut entries: Vec<Entry> = findings
            .into_iter()
            .map(|f| Entry {
                file: display(f),
                rule: f.rule.as_str().to_owned(),
                fingerprint: f.fingerprint(),
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let file = File {
            kind: KIND.to_owned(),
            version: FORMAT_VERSION,
            findings: entries,
        };
        let mut out = serde_json::to_string_pretty(&file).unwrap_or_default();
        out.push('\n');
        out
    }

    /// Marks every active finding whose fingerprint is in the baseline as
    /// suppressed (kind `baseline`); returns how many.
    pub fn apply(&self, findings: &mut [Finding]) -> usize {
        let mut n = 0;
        for f in findings.iter_mut().filter(|f| !f.is_suppressed()) {
            if self.fingerprints.contains(&f.fingerprint()) {
                f.suppression = Some(Suppression::Baseline);
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{RuleId, Severity};
    use crate::location::{Location, RelPath};

    fn finding(subject: &str) -> Finding {
        let mut f = Finding::new(
            RuleId::new("PSCF-SPM-MAR/unpinned-action"),
            Severity::Error,
            "m".into(),
            Location::file(RelPath::new(".github/workflows/ci.yml")),
        );
        f.subject = subject.into();
        f
    }

    #[test]
    fn a_written_baseline_reads_back_and_suppresses_what_it_recorded() {
        let old = [finding("a"), finding("b")];
        let text = Baseline::render(&old, |f| f.location.path.to_string());
        let baseline = Baseline::parse(&text).unwrap_or_default();
        assert_eq!(baseline, Baseline::of(&old));
        let mut now = vec![finding("b"), finding("c")];
        assert_eq!(baseline.apply(&mut now), 1);
        assert_eq!(now.iter().filter(|f| f.is_suppressed()).count(), 1);
        assert!(now.iter().any(|f| f.subject == "c" && !f.is_suppressed()));
    }

    #[test]
    fn malformed_baselines_are_refused_with_a_reason() {
        for (text, says) in [
            ("[]", "is not a pscf-lint baseline"),
            (
                r#"{"kind":"sarif","version":1,"findings":[]}"#,
                "has `kind: sarif`",
            ),
            (
                r#"{"kind":"pscf-lint-baseline","version":9,"findings":[]}"#,
                "is version 9",
            ),
            (
                r#"{"kind":"pscf-lint-baseline","version":1,"findings":[{"file":"a","rule":"r","fingerprint":"XYZ"}]}"#,
                "has a malformed fingerprint in entry 1",
            ),
        ] {
            let err = Baseline::parse(text).err().unwrap_or_default();
            assert!(err.starts_with(says), "{err}");
        }
    }
}
