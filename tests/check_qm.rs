//! Quality metrics from report fixtures of every format and dialect:
//! exact findings, merged figures, malformed reports as parse errors, and
//! near misses.

mod common;

use common::{check_json, run, t, triples};
use serde_json::{Value, json};

#[test]
fn every_qm_rule_fires_at_its_place() {
    let (code, report) = check_json("qm", &[]);
    assert_eq!(code, 1);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-QM/coverage-below-target", ".pscf-lint.yaml", 10),
        t("PSCF-SPM-QM/coverage-below-target", ".pscf-lint.yaml", 11),
        t("pscf-lint/parse-error", "coverage/it/bomb.xml", 2),
        t("pscf-lint/parse-error", "coverage/unit/bad.info", 3),
        t("PSCF-SPM-QM/tests-missing", "libs/notests/Cargo.toml", 1),
        t("pscf-lint/parse-error", "reports/junit/broken.xml", 3),
        t("PSCF-SPM-QM/failing-tests", "reports/junit/nextest.xml", 7),
        t("PSCF-SPM-QM/failing-tests", "reports/junit/surefire.xml", 4),
        t("pscf-lint/parse-error", "reports/old.sarif", 1),
        t("PSCF-SPM-QM/open-security-findings", "reports/scan.sarif", 18),
        t("PSCF-SPM-QM/tests-missing", "tools/go.mod", 1),
    ];
    assert_eq!(triples(&report), expected);
    let messages: Vec<String> = common::findings(&report)
        .iter()
        .filter_map(|f| f["message"].as_str().map(str::to_owned))
        .collect();
    for text in [
        "line coverage is 62.50% (5 of 8 in 3 reports), under the 80% target",
        "branch coverage is 50.00% (3 of 6 in 3 reports), under the 60% target",
        "DTDs with an internal subset are refused",
        "1 of 3 tests failed and 0 errored in `reports/junit/surefire.xml`; the first is `com.acme.ATest.breaks`",
        "2 open results at or above `error` or security-severity 7 in `reports/scan.sarif` (semgrep); the first is `sql-injection` at src/lib.rs:1",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(text)),
            "{text} not in {messages:#?}"
        );
    }
    assert_eq!(report["summary"]["capabilities"][3]["status"], "fail");
}

#[test]
fn figures_merge_reports_line_by_line() {
    let r = run(&["metrics", "fixtures/qm", "--format", "json"]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let q = &doc["quality"];
    // LCOV, Cobertura and JaCoCo overlap on src/lib.rs: a line counts
    // once, covered when any report covers it.
    assert_eq!(
        q["coverage"]["line"],
        json!({"covered": 5, "total": 8, "percent": 62.5})
    );
    assert_eq!(
        q["coverage"]["branch"],
        json!({"covered": 3, "total": 6, "percent": 50.0})
    );
    // surefire 3, pytest 2, jest-junit 2, nextest 2 (one flaky, passed on retry).
    assert_eq!(
        [
            &q["tests"]["tests"],
            &q["tests"]["failures"],
            &q["tests"]["errors"],
            &q["tests"]["skipped"],
            &q["tests"]["flaky"]
        ],
        [&json!(9), &json!(2), &json!(0), &json!(2), &json!(1)]
    );
    // Suppressed, `absent` and `kind: pass` results are not open.
    assert_eq!(q["security"]["results"], 3);
    assert_eq!(
        q["security"]["by-level"],
        json!({"error": 1, "warning": 1, "note": 1})
    );
    assert_eq!(q["security"]["by-security-severity"]["high"], 1);
    assert_eq!(q["security"]["open"], 2);
    assert_eq!(
        q["projects"],
        json!({"total": 4, "without-tests": ["libs/notests/Cargo.toml", "tools/go.mod"]})
    );
}

#[test]
fn targets_that_are_met_stay_quiet() {
    let (_, report) = check_json("qm", &["--config", "fixtures/qm/near-miss.yaml"]);
    let qm: Vec<_> = triples(&report)
        .into_iter()
        .filter(|(r, _, _)| r.starts_with("PSCF-SPM-QM/"))
        .collect();
    // 62.5% meets 62.5, 50% meets 50; a 9.0 severity floor leaves only the
    // error-level result open.
    assert_eq!(
        qm,
        vec![t(
            "PSCF-SPM-QM/open-security-findings",
            "reports/scan.sarif",
            18
        )]
    );
    let message = common::findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-QM/open-security-findings")
        .and_then(|f| f["message"].as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        message.starts_with("1 open result at or above"),
        "{message}"
    );
}

#[test]
fn missing_reports_are_notes_and_leave_qm_not_evaluated() {
    let (code, report) = check_json(
        "qm",
        &["--config", "fixtures/qm/missing.yaml", "--fail-on", "note"],
    );
    let qm: Vec<_> = triples(&report)
        .into_iter()
        .filter(|(r, _, _)| r.starts_with("PSCF-SPM-QM/"))
        .collect();
    assert_eq!(
        qm,
        vec![
            t("PSCF-SPM-QM/quality-report-missing", "missing.yaml", 6),
            t("PSCF-SPM-QM/quality-report-missing", "missing.yaml", 7),
        ]
    );
    assert_eq!(code, 1);
    let status = &report["summary"]["capabilities"][3];
    assert_eq!(status["status"], "not-evaluated");
    assert!(
        status["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no report matched"),
        "{status}"
    );
}
