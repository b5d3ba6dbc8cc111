//! known-vulnerability on pins whose version is easy to lose (PEP 440
//! epochs, `===`), and one finding for records that alias each other.

mod common;

use common::{check_json, findings, t, triples};

#[test]
fn epoch_and_arbitrary_equality_pins_keep_their_version() {
    let (code, report) = check_json("rc-advisories", &[]);
    assert_eq!(code, 1);
    // Fires in api/ (affected pins); the worker's fixed pins are near misses.
    assert_eq!(
        triples(&report),
        vec![
            t("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt", 1),
            t("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt", 1),
            t("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt", 2),
            t("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt", 3),
        ]
    );
    let all: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["rule"] == "PSCF-SPM-RC/known-vulnerability")
        .collect();
    assert_eq!(all[2]["component"], "pkg:pypi/epochpkg@1!0.5");
    assert_eq!(all[2]["help"], "upgrade `epochpkg` to 1!0.6 or later");
    assert_eq!(all[3]["component"], "pkg:pypi/arbitrary@2.0.0");
}

#[test]
fn aliased_records_are_one_finding_naming_every_id() {
    let (_, report) = check_json("rc-advisories", &[]);
    let messages: Vec<String> = findings(&report)
        .iter()
        .filter(|f| f["line"] == 1)
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect();
    // PYSEC-2024-47 and GHSA-vm8q-m57g-pff3 alias each other: one finding.
    // The unrelated GHSA on the same versions stays a finding of its own.
    assert_eq!(
        messages,
        [
            "`pkg:pypi/django@4.2.10` is affected by GHSA-2222-3333-4444 (CVE-2024-99999): Another, unrelated issue in the same versions",
            "`pkg:pypi/django@4.2.10` is affected by GHSA-vm8q-m57g-pff3 (PYSEC-2024-47, CVE-2024-27351), severity MODERATE: Django Regular expression denial-of-service in django.utils.text.Truncator.words()",
        ]
    );
}
