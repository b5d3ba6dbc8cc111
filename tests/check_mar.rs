//! Minimum Application Requirements for workflows and containers: each rule
//! fires at its exact place, and its near misses stay quiet.

mod common;

use common::{check_json, findings, t, triples};

fn mar(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    triples(report)
        .into_iter()
        .filter(|(rule, _, _)| rule.starts_with("PSCF-SPM-MAR/"))
        .collect()
}

#[test]
fn workflow_and_container_rules_fire_exactly() {
    let (code, report) = check_json("mar", &[]);
    assert_eq!(code, 1);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-MAR/workflow-permissions", ".github/workflows/ci.yml", 4),
        t("PSCF-SPM-MAR/persisted-credentials", ".github/workflows/ci.yml", 7),
        t("PSCF-SPM-MAR/unpinned-action", ".github/workflows/ci.yml", 7),
        t("PSCF-SPM-MAR/unpinned-action", ".github/workflows/ci.yml", 11),
        t("PSCF-SPM-MAR/workflow-permissions", ".github/workflows/ci.yml", 13),
        t("PSCF-SPM-MAR/unpinned-action", ".github/workflows/ci.yml", 14),
        t("PSCF-SPM-MAR/dangerous-trigger", ".github/workflows/label.yml", 2),
        t("PSCF-SPM-MAR/persisted-credentials", ".github/workflows/pr-target.yml", 12),
        t("PSCF-SPM-MAR/dangerous-trigger", ".github/workflows/pr-target.yml", 14),
        t("PSCF-SPM-MAR/script-injection", ".github/workflows/pr-target.yml", 16),
        t("PSCF-SPM-MAR/script-injection", ".github/workflows/pr-target.yml", 24),
        t("PSCF-SPM-MAR/lockfile-missing", "deps/app-rs/Cargo.toml", 1),
        t("PSCF-SPM-MAR/lockfile-missing", "deps/svc-uv/pyproject.toml", 1),
        t("PSCF-SPM-MAR/unbounded-version-range", "deps/versions/package.json", 5),
        t("PSCF-SPM-MAR/unbounded-version-range", "deps/versions/package.json", 6),
        t("PSCF-SPM-MAR/lockfile-missing", "deps/web-app/package.json", 1),
        t("PSCF-SPM-MAR/container-root-user", "docker/Dockerfile.distroless-root", 3),
        t("PSCF-SPM-MAR/container-root-user", "docker/Dockerfile.inherit", 2),
        t("PSCF-SPM-MAR/unpinned-base-image", "docker/Dockerfile.latest", 1),
        t("PSCF-SPM-MAR/container-root-user", "docker/Dockerfile.latest", 2),
        t("PSCF-SPM-MAR/unpinned-base-image", "docker/Dockerfile.root", 1),
        t("PSCF-SPM-MAR/container-root-user", "docker/Dockerfile.root", 3),
        t("PSCF-SPM-MAR/container-root-user", "docker/Dockerfile.scratch-run", 3),
    ];
    assert_eq!(mar(&report), expected);
}

fn position(rule: &str, file: &str, line: u64) -> (u64, u64) {
    let (_, report) = check_json("mar", &[]);
    findings(&report)
        .iter()
        .find(|f| f["rule"] == rule && f["file"] == file && f["line"] == line)
        .map(|f| {
            (
                f["column"].as_u64().unwrap_or(0),
                f["end_column"].as_u64().unwrap_or(0),
            )
        })
        .unwrap_or_else(|| panic!("no {rule} at {file}:{line}"))
}

#[test]
fn findings_point_at_the_value() {
    // `uses: actions/checkout@v4`: the reference itself.
    assert_eq!(
        position(
            "PSCF-SPM-MAR/unpinned-action",
            ".github/workflows/ci.yml",
            7
        ),
        (15, 34)
    );
    // The expression inside a block scalar, columns as in the file.
    assert_eq!(
        position(
            "PSCF-SPM-MAR/script-injection",
            ".github/workflows/pr-target.yml",
            16
        ),
        (24, 62)
    );
    // The `ref:` value that checks out the head.
    assert_eq!(
        position(
            "PSCF-SPM-MAR/dangerous-trigger",
            ".github/workflows/pr-target.yml",
            14
        ),
        (16, 57)
    );
    // `USER 0:0`.
    assert_eq!(
        position(
            "PSCF-SPM-MAR/container-root-user",
            "docker/Dockerfile.root",
            3
        ),
        (6, 9)
    );
}

#[test]
fn near_misses_stay_quiet() {
    let (_, report) = check_json("mar", &[]);
    let all = mar(&report);
    let at = |file: &str| all.iter().filter(|(_, f, _)| f == file).count();
    // SHA-pinned with a tag comment, local `./` and digest-pinned docker:// actions.
    assert!(!all.contains(&t(
        "PSCF-SPM-MAR/unpinned-action",
        ".github/workflows/ci.yml",
        8
    )));
    assert!(!all.contains(&t(
        "PSCF-SPM-MAR/unpinned-action",
        ".github/workflows/ci.yml",
        9
    )));
    assert!(!all.contains(&t(
        "PSCF-SPM-MAR/unpinned-action",
        ".github/workflows/ci.yml",
        10
    )));
    // pull_request_target without checking out the head: only the note;
    // non-attacker contexts are quiet.
    assert_eq!(at(".github/workflows/label.yml"), 1);
    let note = findings(&report)
        .into_iter()
        .find(|f| f["file"] == ".github/workflows/label.yml")
        .unwrap_or_default();
    assert_eq!(
        (note["rule"].as_str(), note["severity"].as_str()),
        (Some("PSCF-SPM-MAR/dangerous-trigger"), Some("note"))
    );
    // The single-job workflow's `pull-requests: write` is not reported.
    assert!(!all.contains(&t(
        "PSCF-SPM-MAR/workflow-permissions",
        ".github/workflows/pr-target.yml",
        7
    )));
    // Env indirection and `pull_request.number` are fine.
    assert!(!all.iter().any(|(r, f, l)| r.ends_with("script-injection")
        && f.ends_with("pr-target.yml")
        && (*l == 17 || *l == 19)));
    // No top-level permissions, but every job declares its own (write in a job is fine).
    assert_eq!(at(".github/workflows/per-job.yml"), 0);
    // `USER 1000` after `USER root`; tagged base images.
    assert_eq!(at("Dockerfile"), 0);
    // A distroless `nonroot` base runs as uid 65532; a final `FROM scratch`
    // that only receives build output (no CMD/ENTRYPOINT) runs nothing.
    assert_eq!(at("docker/Dockerfile.distroless"), 0);
    assert_eq!(at("docker/Dockerfile.export"), 0);
    // A Cargo library, a published npm library and a Go module with go.sum
    // need no lockfile; bounded ranges are fine.
    assert_eq!(at("deps/lib-rs/Cargo.toml"), 0);
    assert_eq!(at("deps/npm-lib/package.json"), 0);
    assert_eq!(at("deps/go-svc/go.mod"), 0);
    assert!(
        !all.iter()
            .any(|(_, f, l)| f == "deps/versions/package.json" && (*l == 7 || *l == 8))
    );
}

#[test]
fn help_names_the_fix() {
    let (_, report) = check_json("mar", &[]);
    let help = |rule: &str| {
        findings(&report)
            .iter()
            .find(|f| f["rule"] == rule)
            .and_then(|f| f["help"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    assert_eq!(
        help("PSCF-SPM-MAR/unpinned-action"),
        "pin it to the release's full commit SHA: `actions/checkout@<40-hex sha> # v4`"
    );
    assert_eq!(
        help("PSCF-SPM-MAR/script-injection"),
        "pass it through the environment: `env: { TITLE: ${{ github.event.pull_request.title }} }` and use \"$TITLE\" in the script"
    );
}

#[test]
fn require_digest_is_a_check_parameter() {
    let (_, report) = check_json("mar", &["--config", "fixtures/mar/digest-policy.yaml"]);
    let base: Vec<_> = mar(&report)
        .into_iter()
        .filter(|(r, _, _)| r.ends_with("unpinned-base-image"))
        .collect();
    let expected: Vec<_> = [
        ("Dockerfile", 2),
        ("docker/Dockerfile.distroless", 1),
        ("docker/Dockerfile.distroless", 3),
        ("docker/Dockerfile.distroless-root", 1),
        ("docker/Dockerfile.distroless-root", 3),
        ("docker/Dockerfile.export", 1),
        ("docker/Dockerfile.inherit", 1),
        ("docker/Dockerfile.latest", 1),
        ("docker/Dockerfile.root", 1),
        ("docker/Dockerfile.scratch-run", 1),
    ]
    .into_iter()
    .map(|(file, line)| t("PSCF-SPM-MAR/unpinned-base-image", file, line))
    .collect();
    assert_eq!(base, expected);
}

#[test]
fn checks_run_only_when_the_policy_requires_them() {
    // warnings-only.yaml extends the built-in bundle, which lists them all;
    // a policy without `requirements` (and without extends) runs none.
    let (_, report) = check_json(
        "mar",
        &["--config", "fixtures/policies/no-requirements.yaml"],
    );
    assert!(mar(&report).is_empty());
    assert_eq!(
        report["summary"]["capabilities"][5]["status"],
        "not-evaluated"
    );
}
