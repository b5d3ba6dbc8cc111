//! Product Operating Model: descriptor, CODEOWNERS and security policy
//! rules fire at their exact places, and their near misses stay quiet.

mod common;
mod gitfixture;

use common::{check_json, findings, t, triples};

fn pom(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    triples(report)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("PSCF-SPM-POM/"))
        .collect()
}

fn status(report: &serde_json::Value, id: &str) -> (String, String) {
    report["summary"]["capabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == id)
        .map(|c| {
            (
                c["status"].as_str().unwrap_or_default().to_owned(),
                c["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .unwrap_or_default()
}

fn message(report: &serde_json::Value, rule: &str, file: &str, line: u64) -> String {
    findings(report)
        .iter()
        .find(|f| f["rule"] == rule && f["file"] == file && f["line"] == line)
        .and_then(|f| f["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no {rule} at {file}:{line}"))
}

#[test]
fn every_pom_rule_fires_at_its_place() {
    let (code, report) = check_json("pom-violations", &[]);
    assert_eq!(code, 1);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-POM/unowned-files", ".github/CODEOWNERS", 1),
        t("PSCF-SPM-POM/codeowners-invalid", ".github/CODEOWNERS", 3),
        t("PSCF-SPM-POM/codeowners-invalid", ".github/CODEOWNERS", 4),
        t("PSCF-SPM-POM/codeowners-invalid", ".github/CODEOWNERS", 5),
        t("PSCF-SPM-POM/product-descriptor-invalid", ".pscf-lint.yaml", 7),
        t("PSCF-SPM-POM/unowned-files", ".pscf-lint.yaml", 7),
        t("PSCF-SPM-POM/end-of-life-passed", ".pscf-lint.yaml", 10),
        t("PSCF-SPM-POM/security-contact-missing", "SECURITY.md", 1),
        t("PSCF-SPM-POM/product-descriptor-invalid", "catalog-info.yaml", 2),
        t("PSCF-SPM-POM/product-descriptor-invalid", "catalog-info.yaml", 11),
        t("PSCF-SPM-POM/product-owner-missing", "catalog-info.yaml", 11),
        t("PSCF-SPM-POM/product-descriptor-invalid", "catalog-info.yaml", 13),
        t("PSCF-SPM-POM/decommission-plan-missing", "catalog-info.yaml", 15),
        t("PSCF-SPM-POM/product-descriptor-invalid", "catalog-info.yaml", 18),
        t("PSCF-SPM-POM/lifecycle-invalid", "catalog-info.yaml", 23),
    ];
    assert_eq!(pom(&report), expected);
    assert_eq!(status(&report, "PSCF-SPM-POM").0, "fail");
    let columns: Vec<u64> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "PSCF-SPM-POM/codeowners-invalid")
        .map(|f| f["column"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(columns, vec![1, 6, 14]);
    assert_eq!(
        message(
            &report,
            "PSCF-SPM-POM/unowned-files",
            ".github/CODEOWNERS",
            1
        ),
        "1 of 6 files have no code owner: `generated/schema.rs`"
    );
    assert!(
        message(
            &report,
            "PSCF-SPM-POM/product-descriptor-invalid",
            ".pscf-lint.yaml",
            7
        )
        .contains("`team-billing` but `catalog-info.yaml` (spec.owner) says `group:team-payments`")
    );
}

#[test]
fn near_misses_stay_quiet() {
    // Backstage and policy owners that are the same entity, a deprecated
    // product with a future end of life, a decommissioned one past it, the
    // root CODEOWNERS winning over a broken docs/CODEOWNERS, escaped
    // spaces, inline comments, and a Security Insights contact.
    let (code, report) = check_json("pom-clean", &[]);
    assert_eq!(pom(&report), vec![], "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(status(&report, "PSCF-SPM-POM").0, "pass");
}

#[test]
fn an_organisation_security_policy_is_trusted() {
    let (code, report) = check_json("pom-org", &[]);
    assert_eq!((code, pom(&report)), (0, vec![]));
}

#[test]
fn a_repository_that_declares_nothing_is_reported_at_its_readme() {
    let (_, report) = check_json("pom-missing", &[]);
    assert_eq!(
        pom(&report),
        vec![
            t("PSCF-SPM-POM/codeowners-missing", "README.md", 1),
            t("PSCF-SPM-POM/product-descriptor-missing", "README.md", 1),
            t("PSCF-SPM-POM/security-policy-missing", "README.md", 1),
        ]
    );
}

#[test]
fn without_a_product_section_pom_is_not_evaluated_and_says_why() {
    let (_, report) = check_json(
        "pom-violations",
        &["--config", "fixtures/policies/no-requirements.yaml"],
    );
    assert_eq!(pom(&report), vec![]);
    let (state, reason) = status(&report, "PSCF-SPM-POM");
    assert_eq!(state, "not-evaluated");
    assert!(reason.contains("no `product:` section"), "{reason}");
}

#[test]
fn unowned_files_come_from_the_git_index_at_a_work_tree_top() {
    let repo = gitfixture::Repo::new();
    repo.write("CODEOWNERS", "* @acme/payments\n/docs/\n");
    repo.write("README.md", "# x\n");
    repo.write("SECURITY.md", "Report to security@example.com\n");
    repo.write("docs/a.md", "a\n");
    repo.write(
        ".pscf-lint.yaml",
        "extends: [builtin:pscf-spm]\nrules:\n  \"PSCF-SPM-{RC,RSS,MAR,DM,QM}/*\": { enabled: false }\nproduct: { name: x, owner: acme/payments, lifecycle: production }\n",
    );
    repo.commit("initial", "2026-01-01T10:00:00Z");
    // Not in the index: not a tracked file, so not counted.
    repo.write("docs/untracked.md", "b\n");
    let r = common::run(&["check", &repo.path_str(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    assert_eq!(
        message(&report, "PSCF-SPM-POM/unowned-files", "CODEOWNERS", 1),
        "1 of 5 tracked files have no code owner: `docs/a.md`"
    );
}
