//! `pscf-lint check` on a repository with two Cargo workspaces: licences
//! with exceptions, path and git dependencies across workspaces, registries
//! named by index URL, and inclusion paths for transitive findings.

mod common;

use common::{check_json, findings, triples};

const APP: &str = "ws-a/app/Cargo.toml";

fn at(report: &serde_json::Value, rule: &str, file: &str) -> Vec<u64> {
    triples(report)
        .into_iter()
        .filter(|(r, f, _)| r == rule && f == file)
        .map(|(_, _, l)| l)
        .collect()
}

#[test]
fn an_spdx_exception_must_be_allowed_with_its_licence() {
    let (_, report) = check_json("cargo-monorepo", &[]);
    // `Apache-2.0 WITH LLVM-exception` with only `Apache-2.0` allowed.
    assert_eq!(at(&report, "PSCF-SPM-RC/license-not-allowed", APP), [8]);
    let f = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-RC/license-not-allowed")
        .unwrap_or_default();
    assert!(
        f["help"]
            .as_str()
            .unwrap_or_default()
            .contains("add `Apache-2.0 WITH LLVM-exception` to `components.licenses.allow`"),
        "{f}"
    );
    // Near miss: the policy that allows the exception with its licence.
    let (_, allowed) = check_json(
        "cargo-monorepo",
        &[
            "--config",
            "fixtures/cargo-monorepo/allow-llvm-exception.yaml",
        ],
    );
    assert_eq!(
        at(&allowed, "PSCF-SPM-RC/license-not-allowed", APP),
        Vec::<u64>::new()
    );
}

#[test]
fn registries_given_as_index_urls_match_crates_io() {
    let (_, report) = check_json("cargo-monorepo", &[]);
    // The policy names crates.io by its sparse index, the lockfiles by its
    // git index: no registry crate is flagged (only path and git sources).
    let sources: Vec<String> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "PSCF-SPM-RC/source-not-allowed")
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect();
    assert!(!sources.is_empty());
    assert!(
        sources.iter().all(|m| !m.contains("registry")),
        "{sources:#?}"
    );
}
