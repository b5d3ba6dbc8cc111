//! Inline suppressions on `fixtures/suppressions`: used (in YAML,
//! Dockerfile, TOML, Python and shell comments, by slug, full id and glob,
//! on the line or the line above), unused, without a reason, unreadable,
//! and refused by a policy that a later file cannot lift.

mod common;

use common::{check_json, findings, run, t, triples};
use serde_json::Value;

const CI: &str = ".github/workflows/ci.yml";

/// (rule, file, line) of findings suppressed by an inline comment.
fn inline_suppressed(report: &Value) -> Vec<(String, String, u64)> {
    findings(report)
        .iter()
        .filter(|f| f["suppressed"]["kind"] == "inline")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn not_rss(rows: Vec<(String, String, u64)>) -> Vec<(String, String, u64)> {
    rows.into_iter()
        // The fixture has no shared services, product descriptor or tests:
        // not what these tests are about.
        .filter(|(r, _, _)| {
            !["PSCF-SPM-RSS/", "PSCF-SPM-POM/", "PSCF-SPM-QM/"]
                .iter()
                .any(|c| r.starts_with(c))
        })
        .collect()
}

#[test]
fn comments_with_a_reason_suppress_their_line_and_the_next() {
    let (_, report) = check_json("suppressions", &[]);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-MAR/persisted-credentials", CI, 10),      // slug, line above
        t("PSCF-SPM-MAR/unpinned-action", CI, 11),            // full id, same line
        t("PSCF-SPM-MAR/script-injection", CI, 13),           // glob
        t("PSCF-SPM-MAR/container-root-user", "Dockerfile", 4),
        t("PSCF-SPM-MAR/tls-verification-disabled", "app/client.py", 6),
        t("PSCF-SPM-MAR/unbounded-version-range", "lib/Cargo.toml", 8),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/fetch.sh", 2),
    ];
    assert_eq!(inline_suppressed(&report), expected);
    let justification = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-MAR/container-root-user")
        .map(|f| f["suppressed"]["justification"].clone())
        .unwrap_or_default();
    assert_eq!(
        justification,
        "the entrypoint drops to uid 10001 with setpriv (SEC-40) (inline suppression at Dockerfile:3:3)"
    );
}

#[test]
fn comments_that_suppress_nothing_are_findings_at_the_comment() {
    let (code, report) = check_json("suppressions", &[]);
    assert_eq!(code, 1, "the unsuppressed injections still fail the gate");
    #[rustfmt::skip]
    let expected = vec![
        // No reason: it does not apply, and the finding below it stays.
        t("pscf-lint/unused-exception", CI, 14),
        t("PSCF-SPM-MAR/script-injection", CI, 15),
        // Matches nothing; names no rule (a typo); unreadable.
        t("pscf-lint/unused-exception", CI, 16),
        t("pscf-lint/unused-exception", CI, 18),
        t("PSCF-SPM-MAR/script-injection", CI, 19),
        t("pscf-lint/unused-exception", CI, 20),
    ];
    assert_eq!(not_rss(triples(&report)), expected);
    let help = |line: u64| {
        findings(&report)
            .into_iter()
            .find(|f| f["rule"] == "pscf-lint/unused-exception" && f["line"] == line)
            .and_then(|f| f["help"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    assert!(
        help(14).starts_with("say after the `]` why"),
        "{}",
        help(14)
    );
    assert_eq!(
        help(18),
        "`scrip-injection` is no rule id or slug (`pscf-lint rules` lists them)"
    );
}

#[test]
fn a_policy_can_refuse_them_and_a_later_file_cannot_lift_that() {
    for config in [
        "fixtures/suppressions/deny.yaml",
        "fixtures/suppressions/allow-again.yaml",
    ] {
        let (_, report) = check_json("suppressions", &["--config", config]);
        assert!(inline_suppressed(&report).is_empty(), "{config}");
        let refused: Vec<u64> = findings(&report)
            .iter()
            .filter(|f| {
                f["rule"] == "pscf-lint/unused-exception"
                    && f["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("inline suppressions are refused"))
            })
            .filter_map(|f| f["line"].as_u64())
            .collect();
        // Every comment of every file, each at its own place.
        assert_eq!(refused.len(), 11, "{config}");
        let active = triples(&report);
        assert!(active.contains(&t("PSCF-SPM-MAR/container-root-user", "Dockerfile", 4)));
        assert!(active.contains(&t("PSCF-SPM-MAR/script-injection", CI, 13)));
    }
}

#[test]
fn sarif_marks_them_in_source() {
    let out = run(&[
        "check",
        "fixtures/suppressions",
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
    let dockerfile = results
        .iter()
        .find(|r| r["ruleId"] == "PSCF-SPM-MAR/container-root-user")
        .cloned()
        .unwrap_or_default();
    assert_eq!(dockerfile["suppressions"][0]["kind"], "inSource");
    // By default they are left out: code scanning would open them.
    let out = run(&["check", "fixtures/suppressions", "--format", "sarif"]);
    assert!(!out.stdout.contains("\"suppressions\""));
}
