//! Transitive findings name the way their component is reached, for every
//! lockfile that records edges: package-lock v3 and v1, pnpm 9 and 6, yarn
//! classic and Berry, poetry.lock and uv.lock (Cargo.lock: check_monorepo).

mod common;

use common::{check_json, findings, run};
use serde_json::Value;

const POLICY: &str = "fixtures/policies/ban-transitive.yaml";

/// (file, line, inclusion path, related file:line) of each transitive
/// banned-component finding.
fn paths(fixture: &str) -> Vec<(String, u64, String, String)> {
    let (_, report) = check_json(fixture, &["--config", POLICY]);
    findings(&report)
        .iter()
        .filter(|f| f["rule"] == "PSCF-SPM-RC/banned-component" && f.get("path").is_some())
        .map(|f| {
            let help = f["help"].as_str().unwrap_or_default();
            let path = help
                .split_once("inclusion path: ")
                .map_or("", |(_, p)| p)
                .to_owned();
            let related = format!(
                "{}:{}",
                f["related"][0]["file"].as_str().unwrap_or_default(),
                f["related"][0]["line"]
            );
            (
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                path,
                related,
            )
        })
        .collect()
}

fn p(file: &str, line: u64, path: &str, related: &str) -> (String, u64, String, String) {
    (file.to_owned(), line, path.to_owned(), related.to_owned())
}

#[test]
fn npm_package_lock_v3_and_v1() {
    assert_eq!(
        paths("js-npm"),
        vec![
            p(
                "legacy/package-lock.json",
                18,
                "qs 6.5.3 ← request 2.88.2 ← legacy-admin",
                "legacy/package.json:4"
            ),
            // Node's resolution: express's `ms` is the hoisted one.
            p(
                "package-lock.json",
                48,
                "ms 2.1.2 ← express 4.19.2 ← shop",
                "package.json:6"
            ),
        ]
    );
}

#[test]
fn pnpm_9_snapshots_and_6_packages() {
    assert_eq!(
        paths("js-pnpm"),
        vec![
            p(
                "legacy-v6/pnpm-lock.yaml",
                32,
                "regenerator-runtime 0.14.1 ← @babel/runtime 7.24.0 ← legacy-v6",
                "legacy-v6/package.json:3"
            ),
            p(
                "pnpm-lock.yaml",
                33,
                "js-tokens 4.0.0 ← loose-envify 1.4.0 ← react-dom 18.2.0 ← @mono/web",
                "packages/web/package.json:4"
            ),
        ]
    );
}

#[test]
fn yarn_berry_and_classic() {
    assert_eq!(
        paths("js-yarn"),
        vec![
            p(
                "berry/yarn.lock",
                53,
                "@tiny/dep 1.0.0 ← lodash 4.17.21 ← berry-app",
                "berry/package.json:5"
            ),
            p(
                "classic/yarn.lock",
                12,
                "@babel/highlight 7.13.10 ← @babel/code-frame 7.12.13 ← classic-app",
                "classic/package.json:4"
            ),
        ]
    );
}

#[test]
fn poetry_and_uv_locks() {
    assert_eq!(
        paths("python"),
        vec![
            p(
                "poetry/poetry.lock",
                4,
                "anyio 4.3.0 ← httpx 0.27.0 ← poetry-app",
                "poetry/pyproject.toml:9"
            ),
            // Reached only through a dependency group: dev.
            p(
                "uv/uv.lock",
                5,
                "iniconfig 2.0.0 ← pytest 8.1.1 ← (dev) uv-app",
                "uv/pyproject.toml:14"
            ),
        ]
    );
}

#[test]
fn sarif_points_at_the_direct_dependency_and_validates() {
    let schema: Value =
        serde_json::from_str(&common::read("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap_or_default();
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    for fixture in ["js-npm", "js-pnpm", "js-yarn", "python"] {
        let r = run(&[
            "check",
            &format!("fixtures/{fixture}"),
            "--config",
            POLICY,
            "--format",
            "sarif",
        ]);
        let sarif: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        let related: Vec<&Value> = sarif["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("relatedLocations"))
            .collect();
        assert_eq!(related.len(), 2, "{fixture}");
    }
}

#[test]
fn paths_are_the_same_at_any_thread_count() {
    let a = run(&[
        "check", "fixtures", "--config", POLICY, "--format", "json", "-j", "1",
    ])
    .stdout;
    let b = run(&[
        "check", "fixtures", "--config", POLICY, "--format", "json", "-j", "4",
    ])
    .stdout;
    assert_eq!(a, b);
    assert!(a.contains("inclusion path"));
}
