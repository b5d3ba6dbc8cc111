//! Shared security services: approved tools, steps allowed to fail,
//! Dependabot coverage, `file` + `contains` evidence and a policy-defined
//! service.

mod common;

use common::{check_json, findings, read, run, t, triples};

fn rss(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    triples(report)
        .into_iter()
        .filter(|(r, _, _)| r.starts_with("PSCF-SPM-RSS/"))
        .collect()
}

#[test]
fn services_fire_exactly() {
    let (code, report) = check_json("rss", &[]);
    assert_eq!(code, 1);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-RSS/dependency-updates", ".github/dependabot.yml", 1),
        t("PSCF-SPM-RSS/dependency-updates", ".github/dependabot.yml", 1),
        t("PSCF-SPM-RSS/unapproved-service", ".github/workflows/ci.yml", 11),
        // The repository's own config asks for them: reported at its entries.
        t("PSCF-SPM-RSS/sast", ".pscf-lint.yaml", 4),
        t("PSCF-SPM-RSS/identity-provider", ".pscf-lint.yaml", 11),
    ];
    assert_eq!(rss(&report), expected);
    let messages: Vec<String> = findings(&report)
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("PSCF-SPM-RSS/"))
        })
        .map(|f| {
            format!(
                "{} {}",
                f["severity"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "warning Dependabot does not update the `github-actions` ecosystem this repository uses",
            "warning Dependabot does not update the `gomod` ecosystem this repository uses",
            "warning `semgrep` is used for static analysis (SAST) but is not an approved tool",
            // CodeQL runs with `continue-on-error: true`: it gates nothing.
            "error static analysis (SAST) is not wired in (approved: codeql); this policy entry requires it",
            "error the approved identity provider is not wired in; this policy entry requires it",
        ]
    );
}

#[test]
fn evidence_that_counts_stays_quiet() {
    let (_, report) = check_json("rss", &[]);
    let rules: Vec<String> = rss(&report).into_iter().map(|(r, _, _)| r).collect();
    // deny.toml with an `[advisories]` table (file + contains) and a
    // detect-secrets pre-commit hook wire in SCA and secret scanning.
    assert!(!rules.iter().any(|r| r.ends_with("software-composition-analysis") || r.ends_with("secret-scanning")));
    // npm is covered by Dependabot.
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["message"].as_str().is_some_and(|m| m.contains("`npm`")))
    );
}

#[test]
fn the_project_wires_every_built_in_service() {
    let (_, report) = check_json("..", &[]);
    let statuses: Vec<_> = report["summary"]["capabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c["id"].clone(), c["status"].clone()))
        .collect();
    assert!(
        statuses.contains(&("PSCF-SPM-RSS".into(), "pass".into())),
        "{statuses:?}"
    );
}

#[test]
fn sarif_describes_policy_defined_rules() {
    let out = run(&["check", "fixtures/rss", "--format", "sarif"]).stdout;
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for result in sarif["runs"][0]["results"].as_array().into_iter().flatten() {
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(
            rules.get(index).map(|r| r["id"].clone()),
            Some(result["ruleId"].clone())
        );
    }
    let schema: serde_json::Value =
        serde_json::from_str(&read("tests/schemas/sarif-schema-2.1.0.json")).unwrap_or_default();
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    assert!(validator.is_valid(&sarif));
}

#[test]
fn every_built_in_service_fires_when_nothing_is_wired() {
    // fixtures/mar has workflows but no security tooling at all.
    let (_, report) = check_json("mar", &[]);
    let missing = rss(&report);
    #[rustfmt::skip]
    let expected = vec![
        // The `pull_request` trigger of the pull-request workflow, not line 1.
        t("PSCF-SPM-RSS/dependency-updates", ".github/workflows/ci.yml", 2),
        t("PSCF-SPM-RSS/sast", ".github/workflows/ci.yml", 2),
        t("PSCF-SPM-RSS/secret-scanning", ".github/workflows/ci.yml", 2),
        t("PSCF-SPM-RSS/software-composition-analysis", ".github/workflows/ci.yml", 2),
    ];
    assert_eq!(missing, expected);
}

#[test]
fn repository_level_findings_point_at_the_pull_request_workflow() {
    // audit.yml sorts first but only runs on a schedule; ci.yml runs on
    // pull requests. `cargo deny -L debug --all-features check` (options
    // before the subcommand) and a reusable dependency-review workflow are SCA.
    let (_, report) = check_json("rss-anchor", &[]);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-RSS/dependency-updates", ".github/workflows/ci.yml", 5),
        t("PSCF-SPM-RSS/sast", ".github/workflows/ci.yml", 5),
        t("PSCF-SPM-RSS/secret-scanning", ".github/workflows/ci.yml", 5),
    ];
    assert_eq!(rss(&report), expected);
}

#[test]
fn without_workflows_they_point_at_the_root_manifest_never_the_builtin_policy() {
    let (_, report) = check_json("rss-bare", &[]);
    let files: Vec<String> = rss(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(files, ["Cargo.toml"; 4]);
    let sarif = run(&["check", "fixtures/rss-bare", "--format", "sarif"]).stdout;
    // Rule texts may name the bundle; no location may.
    let uris: Vec<&str> = sarif
        .lines()
        .filter(|l| l.trim_start().starts_with("\"uri\""))
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| !u.contains("builtin")),
        "a SARIF uri outside the repository: {uris:?}"
    );
}
