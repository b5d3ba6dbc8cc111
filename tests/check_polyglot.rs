//! One catalogue across ecosystems: every RC rule fires on npm, PyPI, Go,
//! Docker or Actions components, and advisories come from an offline OSV
//! directory.

mod common;

use common::{check_json, findings, t, triples};

#[test]
fn every_rc_rule_fires_outside_cargo() {
    let (code, report) = check_json("rc-polyglot", &[]);
    assert_eq!(code, 1);
    let rc: Vec<_> = triples(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("PSCF-SPM-RC/"))
        .collect();
    assert_eq!(
        rc,
        vec![
            t(
                "PSCF-SPM-RC/version-not-allowed",
                ".github/workflows/ci.yml",
                9
            ),
            t("PSCF-SPM-RC/deprecated-component", "Dockerfile", 1),
            t("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt", 1),
            t("PSCF-SPM-RC/version-not-allowed", "api/requirements.txt", 2),
            t("PSCF-SPM-RC/source-not-allowed", "api/requirements.txt", 3),
            t("PSCF-SPM-RC/banned-component", "go.mod", 6),
            t("PSCF-SPM-RC/known-vulnerability", "web/package.json", 5),
            t("PSCF-SPM-RC/banned-component", "web/package.json", 6),
            t("PSCF-SPM-RC/deprecated-component", "web/package.json", 7),
            t("PSCF-SPM-RC/source-not-allowed", "web/package.json", 8),
            t("PSCF-SPM-RC/license-not-allowed", "web/package.json", 9),
            t("PSCF-SPM-RC/license-unknown", "web/package.json", 10),
            t("PSCF-SPM-RC/unapproved-component", "web/package.json", 11),
            t("PSCF-SPM-RC/version-not-allowed", "web/package.json", 14),
        ]
    );
}

fn finding(rule: &str, file: &str) -> serde_json::Value {
    let (_, report) = check_json("rc-polyglot", &[]);
    findings(&report)
        .into_iter()
        .find(|f| f["rule"] == rule && f["file"] == file && f["suppressed"].is_null())
        .unwrap_or_else(|| panic!("no {rule} in {file}"))
}

#[test]
fn advisories_name_id_aliases_severity_and_first_fix() {
    let lodash = finding("PSCF-SPM-RC/known-vulnerability", "web/package.json");
    assert_eq!(
        lodash["message"],
        "`pkg:npm/lodash@4.17.20` is affected by GHSA-35jh-r3h4-6jhm (CVE-2021-23337), severity HIGH: Command Injection in lodash"
    );
    assert_eq!(lodash["help"], "upgrade `lodash` to 4.17.21 or later");
    let django = finding("PSCF-SPM-RC/known-vulnerability", "api/requirements.txt");
    assert_eq!(django["help"], "upgrade `django` to 4.2.11 or later");
    assert_eq!(django["component"], "pkg:pypi/django@4.2.10");
}

#[test]
fn ranges_use_each_ecosystems_semantics() {
    // npm range `>=20` against a version from package-lock.json.
    assert_eq!(
        finding("PSCF-SPM-RC/version-not-allowed", "web/package.json")["component"],
        "pkg:npm/%40types/node@18.19.31"
    );
    // PEP 440 `>=6`.
    assert_eq!(
        finding("PSCF-SPM-RC/version-not-allowed", "api/requirements.txt")["component"],
        "pkg:pypi/pyyaml@5.3.1"
    );
    // Actions refs: a tag glob or a full SHA; `v3` is neither.
    let action = finding(
        "PSCF-SPM-RC/version-not-allowed",
        ".github/workflows/ci.yml",
    );
    assert_eq!(action["component"], "pkg:github/actions/setup-node@v3");
    assert_eq!(action["column"], 15);
    // Docker tag globs.
    assert_eq!(
        finding("PSCF-SPM-RC/deprecated-component", "Dockerfile")["severity"],
        "warning"
    );
}

#[test]
fn exceptions_by_path_cover_inputs_without_licence_data() {
    let (_, report) = check_json("rc-polyglot", &[]);
    let suppressed: Vec<String> = findings(&report)
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap_or_default(),
                f["component"].as_str().unwrap_or_default()
            )
        })
        .collect();
    // Every Python, Go, Docker and Actions component has no licence data.
    assert_eq!(suppressed.len(), 9, "{suppressed:#?}");
    assert!(
        suppressed
            .iter()
            .all(|s| s.starts_with("PSCF-SPM-RC/license-unknown"))
    );
    // The withdrawn advisory on moment does not fire.
    assert!(findings(&report).iter().all(|f| {
        f["message"]
            .as_str()
            .is_none_or(|m| !m.contains("GHSA-withdrawn"))
    }));
}

#[test]
fn digest_pinned_images_keep_their_tag_for_version_ranges() {
    let (_, report) = check_json("rc-images", &[]);
    // `node:18.20-alpine@sha256:…` is a `18*` image; `node:20-…` is not.
    assert_eq!(
        triples(&report),
        vec![t("PSCF-SPM-RC/deprecated-component", "Dockerfile", 1)]
    );
    assert_eq!(
        findings(&report)[0]["component"],
        "pkg:docker/library/node@sha256:1435d5d2f3ad3b7a2bc9e1b1e1f3e2a3c4b5d6e7f8091a2b3c4d5e6f708192a3?tag=18.20-alpine"
    );
}
