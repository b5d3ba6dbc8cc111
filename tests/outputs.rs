//! Every output format: snapshots, schema validation, escaping, and
//! byte-identical output at any thread count.

mod common;

use common::{read, run};

const VIOLATIONS: &str = "fixtures/cargo-violations";

fn output(format: &str) -> String {
    let r = run(&["check", VIOLATIONS, "--format", format, "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.stdout
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!(output("human"));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(output("json"));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(output("sarif"));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(output("github"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(output("markdown"));
}

#[test]
fn quiet_human_output_is_one_line_per_finding() {
    let r = run(&["check", VIOLATIONS, "--quiet"]);
    // 16 findings, and 4 notes on what the fixture's config relaxes.
    assert_eq!(r.stdout.lines().count(), 20);
    assert!(
        r.stdout.starts_with(
            "fixtures/cargo-violations/.pscf-lint.yaml:5:3: note[pscf-lint/policy-weakened]:"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn sarif_validates_against_the_official_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("tests/schemas/sarif-schema-2.1.0.json")).unwrap_or_default();
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    for fixture in [
        "cargo-violations",
        "cargo-clean",
        "cargo-broken",
        "cargo-monorepo",
    ] {
        let r = run(&["check", &format!("fixtures/{fixture}"), "--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{fixture}: {errors:#?}");
        let results = sarif["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for result in &results {
            // GitHub code scanning needs a location and fingerprints on every result.
            assert!(
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0)
                    >= 1
            );
            assert!(result["partialFingerprints"]["pscfLint/v1"].is_string());
            let rule = &sarif["runs"][0]["tool"]["driver"]["rules"]
                [result["ruleIndex"].as_u64().unwrap_or(999) as usize];
            assert_eq!(rule["id"], result["ruleId"]);
        }
    }
}

#[test]
fn sarif_marks_excepted_findings_as_suppressed() {
    let sarif: serde_json::Value = serde_json::from_str(&output("sarif")).unwrap_or_default();
    let suppressed: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn github_step_summary_is_written_when_set() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap_or_else(|e| panic!("{e}"));
    let out = common::pscf_lint()
        .args(["check", VIOLATIONS, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap_or_default();
    assert!(text.starts_with("earlier step\n## pscf-lint\n"), "{text}");
    assert!(
        text.contains("| PSCF-SPM-RC Recommended Components | fail | 14 |"),
        "{text}"
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("report.json");
    let file_arg = file.to_string_lossy().into_owned();
    let r = run(&[
        "check", VIOLATIONS, "--format", "json", "--output", &file_arg,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap_or_default(),
        output("json")
    );
}

#[test]
fn output_is_byte_identical_at_any_thread_count() {
    for format in ["human", "json", "sarif", "github", "markdown"] {
        for fixture in ["fixtures/cargo-violations", "fixtures/cargo-broken", "."] {
            let one = run(&["check", fixture, "--format", format, "-j", "1"]).stdout;
            let eight = run(&["check", fixture, "--format", format, "-j", "8"]).stdout;
            assert_eq!(one, eight, "{format} on {fixture}");
            assert!(
                !one.is_empty() || format == "github",
                "{format} on {fixture} printed nothing"
            );
        }
    }
}
