//! Delivery metrics from git histories built with fixed dates: every
//! figure is asserted exactly, and each DM rule fires (and has a near
//! miss) at its policy line.

mod common;
mod gitfixture;

use common::{findings, run, t, triples};
use gitfixture::{Repo, at};
use serde_json::{Value, json};

const CHECKOUT: &str = "on: push\npermissions: {}\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n        with:\n          persist-credentials: false\n";

/// Releases over early 2026: a patch release the next day, a revert, a
/// merge, a security fix, a bot commit, a pre-release, two tags on one
/// commit, a release before the window and an unreleased commit.
fn history() -> (Repo, Vec<String>) {
    let r = Repo::new();
    r.write(".github/workflows/ci.yml", CHECKOUT);
    let mut ids = vec![r.change("a.txt", "init", &at("2025-11-01", 12))];
    r.tag("v0.9.0");
    ids.push(r.change("a.txt", "feat: a", &at("2026-01-01", 12)));
    ids.push(r.change("a.txt", "feat: b", &at("2026-01-03", 12)));
    r.write("deps.txt", "x 2\n");
    ids.push(r.commit_as(
        "Bump x from 1 to 2",
        &at("2026-01-04", 12),
        (
            "dependabot[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
        ),
    ));
    r.annotated_tag("v1.0.0", &at("2026-01-05", 12));
    ids.push(r.change("a.txt", "fix: crash", &at("2026-01-06", 12)));
    r.tag("v1.0.1");
    r.tag("api-v1.0.1");
    let reverted = r.change("b.txt", "add x", &at("2026-02-01", 12));
    ids.push(reverted.clone());
    ids.push(r.change(
        "a.txt",
        "fix overflow (CVE-2026-1234)",
        &at("2026-02-03", 12),
    ));
    r.annotated_tag("v1.1.0", &at("2026-02-05", 12));
    let revert_date = at("2026-02-10", 12);
    r.run(
        &["revert", "--no-edit", &reverted],
        Some(&revert_date),
        ("Dev", "dev@example.com"),
    );
    r.git(&["checkout", "-q", "-b", "feature"]);
    ids.push(r.change("c.txt", "feature work", &at("2026-02-12", 12)));
    r.git(&["checkout", "-q", "main"]);
    ids.push(r.change("a.txt", "main work", &at("2026-02-13", 12)));
    let merge_date = at("2026-02-14", 12);
    r.run(
        &[
            "merge",
            "--no-ff",
            "-q",
            "-m",
            "Merge branch 'feature'",
            "feature",
        ],
        Some(&merge_date),
        ("Dev", "dev@example.com"),
    );
    r.annotated_tag("v1.2.0", &at("2026-02-20", 12));
    ids.push(r.change("a.txt", "feat: c", &at("2026-03-01", 12)));
    r.annotated_tag("v1.3.0-rc.1", &at("2026-03-01", 13));
    ids.push(r.change("a.txt", "feat: d", &at("2026-03-05", 12)));
    r.annotated_tag("v1.3.0", &at("2026-03-10", 12));
    ids.push(r.change("a.txt", "wip", &at("2026-04-01", 12)));
    (r, ids)
}

fn metrics(repo: &Repo, extra: &[&str]) -> Value {
    let path = repo.path_str();
    let mut args = vec!["metrics", path.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn every_figure_of_a_known_history() {
    let (repo, _) = history();
    let doc = metrics(&repo, &["--now", "2026-06-01"]);
    let d = &doc["delivery"];
    assert_eq!(doc["kind"], "metrics");
    assert_eq!(doc["window"]["from"], "2025-12-03T23:59:59Z");
    assert_eq!(doc["window"]["to"], "2026-06-01T23:59:59Z");
    assert_eq!(doc["window"]["ends-at"], "now");
    assert_eq!(d["evaluated"], true);
    assert_eq!(d["reason"], Value::Null);
    assert_eq!(d["releases"], 5);
    assert_eq!(d["previous-release"], "v0.9.0");
    assert_eq!(d["unreleased-commits"], 1);
    let tags: Vec<Value> = d["release-list"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| json!([r["tags"], r["date"], r["commits"], r["restored-by"]]))
        .collect();
    assert_eq!(
        tags,
        vec![
            json!([["v1.0.0"], "2026-01-05T12:00:00Z", 3, "api-v1.0.1"]),
            json!([["api-v1.0.1", "v1.0.1"], "2026-01-06T12:00:00Z", 1, null]),
            json!([["v1.1.0"], "2026-02-05T12:00:00Z", 2, "v1.2.0"]),
            json!([["v1.2.0"], "2026-02-20T12:00:00Z", 4, null]),
            json!([["v1.3.0"], "2026-03-10T12:00:00Z", 2, null]),
        ]
    );
    assert_eq!(d["release-list"][0]["failure"]["kind"], "patch-release");
    assert_eq!(d["release-list"][2]["failure"]["kind"], "revert");
    // Intervals 1, 30, 15 and 18 days.
    assert_eq!(
        d["release-cadence-days"],
        json!({"median": 16.5, "samples": 4})
    );
    // Nine human, non-merge commits with lead times 4, 2 | 4, 2 | 10, 8,
    // 7 | 9, 5 days; the bot's commit, the merge and the zero lead time of
    // the commit tagged as it was made are left out.
    assert_eq!(d["lead-time-days"], json!({"median": 5.0, "samples": 9}));
    assert_eq!(d["change-failure-rate"], 0.4);
    assert_eq!(d["failed-releases"], 2);
    // Restored after 1 day (patch release) and 15 days (the revert's release).
    assert_eq!(
        d["time-to-restore-days"],
        json!({"median": 8.0, "samples": 2})
    );
    assert_eq!(
        d["security-fix-lead-time-days"],
        json!({"median": 2.0, "samples": 1})
    );
    assert_eq!(
        d["bands"],
        json!({
            "scheme": "dora-2023",
            "release-cadence": "medium",
            "lead-time": "high",
            "change-failure-rate": "low",
            "time-to-restore": "low",
            "security-fix-lead-time": "high"
        })
    );
}

#[test]
fn the_metrics_document_matches_its_schema() {
    let (repo, _) = history();
    let schema: Value = serde_json::from_str(&run(&["schema", "--metrics"]).stdout)
        .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    for doc in [
        metrics(&repo, &["--now", "2026-06-01"]),
        metrics(&repo, &["--now", "2026-01-02"]),
    ] {
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    let table = run(&["metrics", &repo.path_str(), "--now", "2026-06-01"]).stdout;
    assert!(
        table.contains("lead time for changes (median)     5.00 d"),
        "{table}"
    );
}

#[test]
fn the_window_ends_at_head_without_now() {
    let (repo, _) = history();
    let out = common::pscf_lint()
        .env_remove("PSCF_LINT_TODAY")
        .args(["metrics", &repo.path_str(), "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(doc["window"]["to"], "2026-04-01T12:00:00Z");
    assert_eq!(doc["window"]["ends-at"], "head");
    // 180 days before HEAD (2025-10-03) the first release is in too.
    assert_eq!(doc["delivery"]["releases"], 6);
    assert_eq!(doc["delivery"]["previous-release"], Value::Null);
}

#[test]
fn pre_releases_count_only_when_asked() {
    let (repo, _) = history();
    repo.write(
        ".pscf-lint.yaml",
        "metrics:\n  delivery:\n    include-prereleases: true\n",
    );
    let doc = metrics(&repo, &["--now", "2026-06-01"]);
    assert_eq!(doc["delivery"]["releases"], 6);
}

const TARGETS: &str = "extends: [builtin:pscf-spm]
rules:
  \"PSCF-SPM-{RC,RSS,MAR,POM,QM}/*\": { enabled: false }
metrics:
  delivery:
    release-cadence-days: { max: CADENCE }
    lead-time-days: { max: LEAD }
    change-failure-rate: { max: RATE }
    time-to-restore-days: { max: RESTORE }
    security-fix-lead-time-days: { max: SECURITY }
";

fn targets(cadence: &str, lead: &str, rate: &str, restore: &str, security: &str) -> String {
    TARGETS
        .replace("CADENCE", cadence)
        .replace("LEAD", lead)
        .replace("RATE", rate)
        .replace("RESTORE", restore)
        .replace("SECURITY", security)
}

fn check(repo: &Repo) -> Value {
    let out = run(&[
        "check",
        &repo.path_str(),
        "--format",
        "json",
        "--now",
        "2026-06-01",
    ]);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr))
}

#[test]
fn each_target_fires_at_its_policy_line_and_not_at_its_value() {
    let (repo, _) = history();
    repo.write(".pscf-lint.yaml", &targets("10", "4", "0.3", "5", "1"));
    let report = check(&repo);
    assert_eq!(
        triples(&report),
        vec![
            t("PSCF-SPM-DM/release-cadence", ".pscf-lint.yaml", 6),
            t("PSCF-SPM-DM/lead-time", ".pscf-lint.yaml", 7),
            t("PSCF-SPM-DM/change-failure-rate", ".pscf-lint.yaml", 8),
            t("PSCF-SPM-DM/time-to-restore", ".pscf-lint.yaml", 9),
            t("PSCF-SPM-DM/security-fix-lead-time", ".pscf-lint.yaml", 10),
        ]
    );
    let lead = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-DM/lead-time")
        .unwrap_or_default();
    assert_eq!(
        lead["message"],
        "median lead time for changes is 5.00 days over 9 commits (DORA 2023 band: high), in 5 releases from 2025-12-03 to 2026-06-01"
    );
    assert_eq!(report["summary"]["capabilities"][2]["status"], "fail");
    // Exactly at the target is within it.
    repo.write(".pscf-lint.yaml", &targets("16.5", "5", "0.4", "8", "2"));
    let report = check(&repo);
    assert_eq!(triples(&report), vec![]);
    assert_eq!(report["summary"]["capabilities"][2]["status"], "pass");
}

#[test]
fn a_shallow_clone_is_a_note_at_the_checkout_step_never_a_failure() {
    let (repo, _) = history();
    repo.write(".pscf-lint.yaml", &targets("1", "1", "0.1", "1", "1"));
    repo.commit("policy", &at("2026-04-02", 12));
    let shallow = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = shallow.path().join("clone");
    let url = format!("file://{}", repo.path_str());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&target)
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let out = run(&[
        "check",
        &target.display().to_string(),
        "--format",
        "json",
        "--now",
        "2026-06-01",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(
        triples(&report),
        vec![t(
            "PSCF-SPM-DM/history-insufficient",
            ".github/workflows/ci.yml",
            7
        )]
    );
    let f = &findings(&report)[0];
    assert_eq!(f["severity"], "note");
    assert!(
        f["help"]
            .as_str()
            .unwrap_or_default()
            .contains("fetch-depth: 0")
    );
    let dm = &report["summary"]["capabilities"][2];
    assert_eq!(dm["status"], "not-evaluated");
    assert!(
        dm["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("shallow"),
        "{dm}"
    );
}

#[test]
fn too_few_releases_and_too_short_a_history_are_not_evaluated() {
    let r = Repo::new();
    r.change("a.txt", "zero", &at("2025-10-01", 12));
    r.change("a.txt", "one", &at("2026-05-01", 12));
    r.tag("v1.0.0");
    r.change("a.txt", "two", &at("2026-05-02", 12));
    let doc = metrics(&r, &["--now", "2026-06-01"]);
    assert_eq!(doc["delivery"]["evaluated"], false);
    let reason = doc["delivery"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with(
            "1 release in the 180-day window 2025-12-03 to 2026-06-01 (at least 2 are needed)"
        ),
        "{reason}"
    );
    assert_eq!(
        doc["delivery"]["release-cadence-days"]["median"],
        Value::Null
    );
    assert_eq!(doc["delivery"]["bands"]["lead-time"], Value::Null);
    // A window reaching before the first commit: the history is too short.
    r.write(
        ".pscf-lint.yaml",
        "metrics:\n  delivery:\n    window-days: 300\n",
    );
    let doc = metrics(&r, &["--now", "2026-06-01"]);
    let reason = doc["delivery"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with(
            "the history starts on 2025-10-01, after the 300-day window's start (2025-08-05)"
        ),
        "{reason}"
    );
}

#[test]
fn history_is_not_read_when_the_policy_asks_for_no_delivery_figures() {
    // A `.git` that cannot be opened: reading it gives a note; not
    // reading it gives nothing at all.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join(".git"), "gitdir: /nonexistent\n").unwrap_or_default();
    std::fs::write(dir.path().join("README.md"), "# x\n").unwrap_or_default();
    let path = dir.path().display().to_string();
    let with = run(&["check", &path, "--format", "json"]);
    let report: Value = serde_json::from_str(&with.stdout).unwrap_or_default();
    assert!(triples(&report).contains(&t("PSCF-SPM-DM/history-insufficient", "README.md", 1)));
    std::fs::write(
        dir.path().join(".pscf-lint.yaml"),
        "requirements: [{ check: unpinned-action }]\n",
    )
    .unwrap_or_default();
    let without = run(&["check", &path, "--format", "json"]);
    let report: Value = serde_json::from_str(&without.stdout).unwrap_or_default();
    assert_eq!(triples(&report), vec![]);
    let dm = &report["summary"]["capabilities"][2];
    assert_eq!(dm["status"], "not-evaluated");
    assert!(
        dm["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("asks for no delivery figures")
    );
}

#[test]
fn a_long_release_is_attributed_whole() {
    // More commits in one release than the walk's clock-skew slop: every
    // one is found (a regression: the walk once stopped after 32).
    let r = Repo::new();
    r.change("a.txt", "old", &at("2025-06-01", 12));
    r.tag("v1.0.0");
    for day in 1..=28 {
        for hour in [9, 15] {
            r.change("a.txt", "work", &at(&format!("2026-02-{day:02}"), hour));
        }
    }
    r.annotated_tag("v1.1.0", &at("2026-03-01", 12));
    r.change("a.txt", "more", &at("2026-03-02", 12));
    r.annotated_tag("v1.2.0", &at("2026-03-03", 12));
    let doc = metrics(&r, &["--now", "2026-06-01"]);
    assert_eq!(doc["delivery"]["release-list"][0]["commits"], 56);
    assert_eq!(doc["delivery"]["lead-time-days"]["samples"], 57);
}

#[test]
fn today_is_still_accepted_for_now() {
    let (repo, _) = history();
    let path = repo.path_str();
    let out = run(&[
        "--today",
        "2026-06-01",
        "metrics",
        &path,
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(doc["window"]["to"], "2026-06-01T23:59:59Z");
}
