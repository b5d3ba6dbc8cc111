//! `pscf-lint check` on a repository with two Cargo workspaces: licences
//! with exceptions, path and git dependencies across workspaces, registries
//! named by index URL, and inclusion paths for transitive findings.

mod common;

use common::{check_json, findings, t, triples};

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
    // `Apache-2.0 WITH LLVM-exception` with only `Apache-2.0` allowed (8);
    // the git dependencies at 14 and 15 are ISC.
    assert_eq!(
        at(&report, "PSCF-SPM-RC/license-not-allowed", APP),
        [8, 14, 15]
    );
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
        [14, 15]
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

#[test]
fn every_finding_at_its_line() {
    let (code, report) = check_json("cargo-monorepo", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        triples(&report),
        vec![
            // reached only through a dev-dependency of `app`
            t("PSCF-SPM-RC/banned-component", "ws-a/Cargo.lock", 41),
            t("PSCF-SPM-RC/license-not-allowed", APP, 8),
            // `shared` (10) is a member of the other workspace: own code.
            // `helper` is a vendored path crate: path sources are denied.
            t("PSCF-SPM-RC/source-not-allowed", APP, 11),
            t("PSCF-SPM-RC/license-unknown", APP, 12),
            t("PSCF-SPM-RC/source-not-allowed", APP, 12),
            t("PSCF-SPM-RC/source-not-allowed", APP, 13),
            // `branch = "main"`, and no ref at all, follow a branch
            t("PSCF-SPM-MAR/unbounded-version-range", APP, 14),
            t("PSCF-SPM-RC/license-not-allowed", APP, 14),
            t("PSCF-SPM-RC/source-not-allowed", APP, 14),
            t("PSCF-SPM-MAR/unbounded-version-range", APP, 15),
            t("PSCF-SPM-RC/license-not-allowed", APP, 15),
            t("PSCF-SPM-RC/source-not-allowed", APP, 15),
            // a tag is pinned: only the source rule
            t("PSCF-SPM-RC/source-not-allowed", APP, 16),
            // the same crate at runtime in the other workspace
            t("PSCF-SPM-RC/banned-component", "ws-b/Cargo.lock", 12),
        ]
    );
}

#[test]
fn path_and_git_licences_are_read_from_their_manifests() {
    let (_, report) = check_json("cargo-monorepo", &[]);
    let unknown: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["rule"] == "PSCF-SPM-RC/license-unknown")
        .collect();
    // helper (`license = "MIT"`), bsd (`license-file`, BSD-3-Clause text),
    // pinned (git checkout, licence inherited from its workspace) are known;
    // odd's licence file is not a common licence, and the finding says so.
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["component"], "pkg:cargo/odd@0.1.0");
    assert_eq!(
        unknown[0]["message"],
        "the licence of `pkg:cargo/odd@0.1.0` is not known: its `license-file` `COPYING` matches none of the common licence texts (closest: Zlib, 4% similar; 80% needed)"
    );
    // gitdep's ISC comes from `$CARGO_HOME/git/checkouts`.
    let gitdep = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-RC/license-not-allowed" && f["line"] == 14)
        .unwrap_or_default();
    assert_eq!(
        gitdep["message"],
        "`pkg:cargo/gitdep@0.1.0` is licensed `ISC`, which the allowed licences do not satisfy"
    );
}

#[test]
fn without_the_cache_git_licences_say_why_they_are_unknown() {
    let r = common::pscf_lint()
        .args(["check", "fixtures/cargo-monorepo", "--format", "json"])
        .env("CARGO_HOME", common::root().join("fixtures/does-not-exist"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap_or_default();
    let gitdep = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-RC/license-unknown" && f["line"] == 14)
        .unwrap_or_default();
    assert_eq!(
        gitdep["message"],
        "the licence of `pkg:cargo/gitdep@0.1.0` is not known: it is not checked out in the local cargo cache (`$CARGO_HOME/git/checkouts`; run `cargo fetch`)"
    );
}

#[test]
fn transitive_findings_show_the_inclusion_path() {
    let (_, report) = check_json("cargo-monorepo", &[]);
    let banned: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["rule"] == "PSCF-SPM-RC/banned-component")
        .collect();
    assert_eq!(
        banned[0]["help"],
        "remove this dependency, or add an exception with a reason and an expiry date; inclusion path: lazy_static 1.5.1 ← sharded-slab 0.1.7 ← tracing-subscriber 0.3.23 ← (dev) app"
    );
    assert_eq!(
        banned[0]["path"],
        serde_json::json!([
            "pkg:cargo/app@0.1.0",
            "pkg:cargo/tracing-subscriber@0.3.23",
            "pkg:cargo/sharded-slab@0.1.7",
            "pkg:cargo/lazy_static@1.5.1"
        ])
    );
    // In the other workspace the same crate comes in at runtime.
    assert!(
        banned[1]["help"]
            .as_str()
            .unwrap_or_default()
            .ends_with("tracing-subscriber 0.3.23 ← tool"),
        "{}",
        banned[1]
    );
    // Direct findings carry no path.
    let direct = findings(&report)
        .into_iter()
        .find(|f| f["file"] == APP)
        .unwrap_or_default();
    assert!(direct.get("path").is_none(), "{direct}");
}
