//! Baselines and new findings only: `--write-baseline` then `--baseline`
//! round trip, malformed baselines refused, and `--new-since REV` on a git
//! repository built in the test (its earlier tree is read with gix, not
//! checked out).

mod common;
mod gitfixture;

use common::{run, t, triples};
use gitfixture::{Repo, at};
use serde_json::Value;

const POLICY: &str = "requirements:\n  - check: unpinned-action\n  - check: workflow-permissions\n";
const CI: &str = ".github/workflows/ci.yml";
const UNPINNED: &str = "PSCF-SPM-MAR/unpinned-action";

fn json(out: &common::Run) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

fn workflow(steps: &[&str]) -> String {
    let mut text = String::from(
        "name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n",
    );
    for step in steps {
        text.push_str(&format!("      - {step}\n"));
    }
    text
}

#[test]
fn new_since_reports_only_what_the_revision_did_not_have() {
    let repo = Repo::new();
    repo.write(".pscf-lint.yaml", POLICY);
    repo.write(CI, &workflow(&["uses: actions/checkout@v4"]));
    let base = repo.commit("first", &at("2026-05-01", 10));
    // A step above the old checkout moves it down a line; the new
    // `setup-node` is what the pull request adds.
    repo.write(
        CI,
        &workflow(&[
            "run: make",
            "uses: actions/checkout@v4",
            "uses: actions/setup-node@v4",
        ]),
    );
    repo.commit("second", &at("2026-05-02", 10));
    let path = repo.path_str();
    let out = run(&["check", &path, "--new-since", &base, "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = json(&out);
    assert_eq!(triples(&report), vec![t(UNPINNED, CI, 11)]);
    // The old checkout, and the note that the config drops the built-in
    // bundle (the same policy in both runs).
    assert_eq!(report["summary"]["baselined"], 2);
    let old: Vec<(u64, &str)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"]["kind"] == "baseline")
        .filter(|f| f["rule"] != "pscf-lint/policy-weakened")
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(old, vec![(10, UNPINNED)]);
    // By branch name too, and the human summary says it.
    let human = run(&["check", &path, "--new-since", "main~1", "--color", "never"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human.stdout.contains("(2 in the baseline)"),
        "{}",
        human.stdout
    );
    // Nothing new since HEAD itself.
    let same = run(&["check", &path, "--new-since", "HEAD", "--format", "json"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert_eq!(triples(&json(&same)), vec![]);
}

#[test]
fn new_since_an_unknown_revision_is_a_usage_error() {
    let repo = Repo::new();
    repo.write(".pscf-lint.yaml", POLICY);
    repo.commit("first", &at("2026-05-01", 10));
    let out = run(&["check", &repo.path_str(), "--new-since", "no-such-branch"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`no-such-branch` is not a revision of this repository"),
        "{}",
        out.stderr
    );
}

#[test]
fn new_since_reads_only_the_checked_subdirectory_of_the_revision() {
    let repo = Repo::new();
    repo.write("svc/.pscf-lint.yaml", POLICY);
    repo.write(
        &format!("svc/{CI}"),
        &workflow(&["uses: actions/checkout@v4"]),
    );
    repo.write(
        &format!("other/{CI}"),
        &workflow(&["uses: actions/cache@v4"]),
    );
    let base = repo.commit("first", &at("2026-05-01", 10));
    repo.write(
        &format!("svc/{CI}"),
        &workflow(&["uses: actions/checkout@v4", "uses: actions/cache@v4"]),
    );
    repo.commit("second", &at("2026-05-02", 10));
    let svc = repo.path().join("svc").display().to_string();
    let out = run(&["check", &svc, "--new-since", &base, "--format", "json"]);
    let report = json(&out);
    // `actions/cache` was in `other/`, not in the checked `svc/`: it is new.
    assert_eq!(
        triples(&report),
        vec![t(UNPINNED, &format!("svc/{CI}"), 10)]
    );
}

#[test]
fn a_written_baseline_round_trips() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let file = dir.path().join("baseline.json");
    let file = file.display().to_string();
    let written = run(&[
        "check",
        "fixtures/exceptions",
        "--write-baseline",
        &file,
        "--format",
        "json",
    ]);
    // What it recorded is accepted from now on, in this run already.
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(triples(&json(&written)), vec![]);
    let text = common::read(&file);
    let doc: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(doc["kind"], "pscf-lint-baseline");
    assert_eq!(doc["version"], 1);
    let entries: Vec<(&str, &str, &str)> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or_default(),
                e["rule"].as_str().unwrap_or_default(),
                e["fingerprint"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let f = |name: &str| format!("fixtures/exceptions/{name}");
    let (ci, release, policy) = (
        f(CI),
        f(".github/workflows/release.yml"),
        f(".pscf-lint.yaml"),
    );
    assert_eq!(
        entries
            .iter()
            .map(|(file, rule, _)| (*file, *rule))
            .collect::<Vec<_>>(),
        vec![
            (ci.as_str(), UNPINNED),
            (release.as_str(), UNPINNED),
            (policy.as_str(), "pscf-lint/expired-exception"),
            // It drops the built-in bundle and adds four exceptions.
            (policy.as_str(), "pscf-lint/policy-weakened"),
            (policy.as_str(), "pscf-lint/policy-weakened"),
            (policy.as_str(), "pscf-lint/policy-weakened"),
            (policy.as_str(), "pscf-lint/policy-weakened"),
            (policy.as_str(), "pscf-lint/policy-weakened"),
            (policy.as_str(), "pscf-lint/unused-exception"),
        ]
    );
    assert_eq!(entries.first().map(|e| e.2), Some("ceb184b2f376ed27"));
    let again = run(&[
        "check",
        "fixtures/exceptions",
        "--baseline",
        &file,
        "--format",
        "json",
    ]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let report = json(&again);
    assert_eq!(triples(&report), vec![]);
    assert_eq!(report["summary"]["baselined"], 9);
    // Writing it again gives the same bytes.
    let twice = run(&["check", "fixtures/exceptions", "--write-baseline", &file]);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    assert_eq!(common::read(&file), text);
}

#[test]
fn a_malformed_or_oversize_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let cases = [
        (
            "not-json.json",
            "{ nope".to_owned(),
            "is not a pscf-lint baseline",
        ),
        (
            "sarif.json",
            r#"{"kind":"sarif","version":1,"findings":[]}"#.to_owned(),
            "has `kind: sarif`",
        ),
        (
            "huge.json",
            " ".repeat(32 * 1024 * 1024 + 1),
            "is over 33554432 bytes",
        ),
    ];
    for (name, text, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        let path = file.display().to_string();
        let out = run(&["check", "fixtures/exceptions", "--baseline", &path]);
        assert_eq!(out.code, 2, "{name}");
        assert!(out.stderr.contains(says), "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: nothing is checked");
    }
    let missing = run(&["check", "fixtures/exceptions", "--baseline", "no/such.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot read the baseline `no/such.json`"),
        "{}",
        missing.stderr
    );
}
