//! Governed exceptions on `fixtures/exceptions`: unique fingerprints for
//! findings alike, an exception by fingerprint, expired and unused ones,
//! `exception-policy` caps (and a trusted policy's cap a repository cannot
//! loosen), and the `exceptions` risk register in its three formats.

mod common;

use common::{check_json, findings, run, t, triples};
use serde_json::Value;

const CI: &str = ".github/workflows/ci.yml";
const RELEASE: &str = ".github/workflows/release.yml";
const UNPINNED: &str = "PSCF-SPM-MAR/unpinned-action";

fn unpinned_in_ci(report: &Value) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["rule"] == UNPINNED && f["file"] == CI)
        .collect()
}

#[test]
fn three_checkouts_alike_have_three_fingerprints() {
    let (_, report) = check_json("exceptions", &[]);
    let prints: Vec<String> = unpinned_in_ci(&report)
        .iter()
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_owned))
        .collect();
    // The first keeps the fingerprint a lone finding always had; the next
    // ones count on from it.
    assert_eq!(
        prints,
        ["ceb184b2f376ed27", "b63799794c727a86", "b63433794c6f975d"]
    );
}

#[test]
fn exceptions_suppress_what_they_select_until_they_expire() {
    let (code, report) = check_json("exceptions", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        triples(&report),
        vec![
            // The first checkout: no exception selects its fingerprint.
            t(UNPINNED, CI, 9),
            // Its exception expired on 2026-05-01: back at its own severity.
            t(UNPINNED, RELEASE, 9),
            t("pscf-lint/expired-exception", ".pscf-lint.yaml", 16),
            t("pscf-lint/unused-exception", ".pscf-lint.yaml", 29),
        ]
    );
    let release = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == UNPINNED && f["file"] == RELEASE)
        .unwrap_or_default();
    assert_eq!(release["severity"], "error");
    let suppressed: Vec<(u64, Value)> = unpinned_in_ci(&report)
        .into_iter()
        .filter(|f| !f["suppressed"].is_null())
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["suppressed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        suppressed,
        vec![
            (
                11,
                serde_json::json!({
                    "kind": "exception",
                    "justification": "pinned by the organisation's ruleset (exception expires 2026-08-01)",
                    "owner": "platform-team",
                    "ticket": "SEC-12",
                    "expires": "2026-08-01",
                })
            ),
            (
                13,
                serde_json::json!({
                    "kind": "exception",
                    "justification": "replaced by the reusable workflow in June (exception expires 2026-06-20)",
                    "owner": "platform-team",
                    "ticket": "https://tickets.example/SEC-14",
                    "expires": "2026-06-20",
                })
            ),
        ]
    );
}

#[test]
fn fingerprints_survive_a_line_added_above() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let copy = dir.path().join("repo");
    let workflows = copy.join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let policy = common::read("fixtures/exceptions/.pscf-lint.yaml");
    std::fs::write(copy.join(".pscf-lint.yaml"), policy).unwrap_or_else(|e| panic!("{e}"));
    let ci = common::read("fixtures/exceptions/.github/workflows/ci.yml")
        .replace("jobs:\n", "# a comment\njobs:\n");
    std::fs::write(workflows.join("ci.yml"), ci).unwrap_or_else(|e| panic!("{e}"));
    let path = copy.display().to_string();
    let out = run(&["check", &path, "--format", "json"]);
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let lines: Vec<(u64, bool)> = unpinned_in_ci(&report)
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["suppressed"].is_null(),
            )
        })
        .collect();
    // One line lower, and the same two checkouts still excepted.
    assert_eq!(lines, vec![(10, true), (12, false), (14, false)]);
}

#[test]
fn sarif_carries_owner_ticket_and_expiry() {
    let out = run(&[
        "check",
        "fixtures/exceptions",
        "--format",
        "sarif",
        "--sarif-suppressed",
        "include",
    ]);
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let excepted: Vec<Value> = results
        .iter()
        .filter(|r| r["partialFingerprints"]["pscfLint/v1"] == "b63799794c727a86")
        .map(|r| r["suppressions"].clone())
        .collect();
    assert_eq!(
        excepted,
        vec![serde_json::json!([{
            "kind": "external",
            "justification": "pinned by the organisation's ruleset (exception expires 2026-08-01)",
            "properties": { "owner": "platform-team", "ticket": "SEC-12", "expires": "2026-08-01" },
        }])]
    );
}

#[test]
fn an_expiry_beyond_the_cap_is_a_policy_error_at_its_expires() {
    let r = run(&[
        "check",
        "fixtures/exceptions",
        "--config",
        "fixtures/exceptions/too-long.yaml",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--> too-long.yaml:10:14"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "`expires: 2027-01-01` is too far ahead for `PSCF-SPM-MAR/unpinned-action`: the policy lets exceptions of error rules last at most 90 days"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("set `expires:` on or before 2026-08-30"),
        "{}",
        r.stderr
    );
    // `policy validate` finds it too.
    let v = run(&["policy", "validate", "fixtures/exceptions/too-long.yaml"]);
    assert_eq!(v.code, 2, "{}", v.stderr);
    assert!(v.stderr.contains("too-long.yaml:10:14"), "{}", v.stderr);
}

#[test]
fn a_blank_or_missing_reason_is_a_policy_error() {
    let r = run(&[
        "check",
        "fixtures/exceptions",
        "--config",
        "fixtures/exceptions/blank-reason.yaml",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for (at, says) in [
        (
            "blank-reason.yaml:6:13",
            "an exception needs a non-empty `reason`",
        ),
        ("blank-reason.yaml:7:5", "this exception has no `reason`"),
    ] {
        assert!(r.stderr.contains(at), "{at}\n{}", r.stderr);
        assert!(r.stderr.contains(says), "{says}\n{}", r.stderr);
    }
    assert!(
        r.stderr.contains("say why the finding is accepted"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_repository_cannot_loosen_the_trusted_cap() {
    // Alone, the repository's own 365 days allow its 60-day exception.
    let alone = run(&[
        "check",
        "fixtures/exceptions",
        "--config",
        "fixtures/exceptions/loosen.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(alone.code, 1, "{}", alone.stderr);
    assert!(alone.stderr.is_empty(), "{}", alone.stderr);
    let trusted = run(&[
        "check",
        "fixtures/exceptions",
        "--config",
        "fixtures/exceptions/loosen.yaml",
        "--trusted-policy",
        "fixtures/policies/org/exception-cap.yaml",
    ]);
    assert_eq!(trusted.code, 2, "{}", trusted.stderr);
    assert!(
        trusted.stderr.contains("loosen.yaml:11:14"),
        "{}",
        trusted.stderr
    );
    assert!(
        trusted
            .stderr
            .contains("at most 30 days (`exception-policy.max-days.error` at"),
        "{}",
        trusted.stderr
    );
}

#[test]
fn a_longer_cap_from_the_repository_is_reported_and_refused() {
    let (_, report) = check_json(
        "exceptions",
        &[
            "--config",
            "fixtures/exceptions/loosen-within.yaml",
            "--trusted-policy",
            "fixtures/policies/org/exception-cap.yaml",
        ],
    );
    let weakened: Vec<(u64, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "pscf-lint/policy-weakened" && f["file"] == "loosen-within.yaml")
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .filter(|(_, m)| m.contains("exception-policy"))
        .collect();
    assert_eq!(weakened.len(), 1, "{weakened:?}");
    let (line, message) = weakened.first().cloned().unwrap_or_default();
    assert_eq!(line, 6);
    assert!(
        message.contains("lets exceptions of error rules last 365 days instead of 30"),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
    // Its exception, within the trusted cap, applies.
    let release = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == UNPINNED && f["file"] == RELEASE)
        .unwrap_or_default();
    assert_eq!(release["suppressed"]["kind"], "exception");
}

#[test]
fn required_fields_are_enforced_on_every_exception() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let config = dir.path().join("policy.yaml");
    std::fs::write(
        &config,
        "requirements:\n  - check: unpinned-action\nexception-policy:\n  require: [owner, ticket]\nexceptions:\n  - rule: PSCF-SPM-MAR/unpinned-action\n    reason: accepted\n    owner: me\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = config.display().to_string();
    let r = run(&["policy", "validate", &path]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("policy.yaml:6:5"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("has no `ticket`, which the policy requires"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("has no `owner`"), "{}", r.stderr);
}

fn register(format: &str) -> String {
    let r = run(&["exceptions", "fixtures/exceptions", "--format", format]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

#[test]
fn the_register_lists_every_exception_with_its_status() {
    let json: Value = serde_json::from_str(&register("json")).unwrap_or_default();
    assert_eq!(json["kind"], "exceptions");
    assert_eq!(json["today"], "2026-06-01");
    assert_eq!(
        json["summary"],
        serde_json::json!({"exceptions": 4, "active": 1, "expiring": 1, "expired": 1, "unused": 1})
    );
    let rows: Vec<(u64, &str, &str, u64)> = json["exceptions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or_default(),
                e["status"].as_str().unwrap_or_default(),
                e["selector"].as_str().unwrap_or_default(),
                e["findings"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (10, "active", "fingerprint b63799794c727a86", 1),
            (16, "expired", "path .github/workflows/release.yml", 1),
            (
                22,
                "expiring",
                "path .github/workflows/ci.yml, fingerprint b63433794c6f975d",
                1
            ),
            (29, "unused", "path docs/**", 0),
        ]
    );
    assert_eq!(
        json["exceptions"][0]["file"],
        "fixtures/exceptions/.pscf-lint.yaml"
    );
}

#[test]
fn the_register_as_csv_is_quoted_and_safe_in_a_spreadsheet() {
    let csv = register("csv");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "\"file\",\"line\",\"rule\",\"selector\",\"reason\",\"owner\",\"ticket\",\"expires\",\"status\",\"findings\""
        )
    );
    assert_eq!(
        lines.get(4).copied(),
        Some(
            "\"fixtures/exceptions/.pscf-lint.yaml\",\"29\",\"PSCF-SPM-MAR/*\",\"path docs/**\",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\",\"'@docs, team\",\"\",\"2026-07-01\",\"unused\",\"0\""
        )
    );
    assert_eq!(
        lines.len(),
        6,
        "four rows, a header and the final line break"
    );
}

#[test]
fn the_register_as_a_table() {
    let table = register("table");
    insta::assert_snapshot!(table);
}
