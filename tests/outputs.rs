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

fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&read("tests/schemas/sarif-schema-2.1.0.json")).unwrap_or_default();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"))
}

fn sarif_of(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "sarif"]);
    let r = run(&all);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stderr))
}

fn results(sarif: &serde_json::Value) -> Vec<serde_json::Value> {
    sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn sarif_validates_against_the_official_2_1_0_schema() {
    let validator = sarif_validator();
    for fixture in [
        "cargo-violations",
        "cargo-clean",
        "cargo-broken",
        "cargo-monorepo",
        "suppressions",
    ] {
        for mode in ["omit", "include"] {
            let path = format!("fixtures/{fixture}");
            let sarif = sarif_of(&[&path, "--sarif-suppressed", mode]);
            let errors: Vec<String> = validator
                .iter_errors(&sarif)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{fixture}: {errors:#?}");
            let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
            for result in &results(&sarif) {
                // GitHub code scanning needs a location and fingerprints on every result.
                let location = &result["locations"][0]["physicalLocation"];
                assert!(location["region"]["startLine"].as_u64().unwrap_or(0) >= 1);
                assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
                assert!(result["partialFingerprints"]["pscfLint/v1"].is_string());
                let line_hash = result["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{fixture}: no line hash on {result}"));
                let (hex, occurrence) = line_hash.split_once(':').unwrap_or_default();
                assert!(u64::from_str_radix(hex, 16).is_ok() && occurrence.parse::<u32>().is_ok());
                let rule = &rules[result["ruleIndex"].as_u64().unwrap_or(999) as usize];
                assert_eq!(rule["id"], result["ruleId"]);
                // §3.27.23: all results carry `suppressions`, or none.
                assert_eq!(result["suppressions"].is_array(), mode == "include");
            }
        }
    }
}

#[test]
fn sarif_leaves_suppressed_findings_out_unless_asked() {
    let omitted = sarif_of(&[VIOLATIONS]);
    let included = sarif_of(&[VIOLATIONS, "--sarif-suppressed", "include"]);
    assert_eq!(results(&omitted).len() + 1, results(&included).len());
    assert!(
        results(&omitted)
            .iter()
            .all(|r| r["suppressions"].is_null())
    );
    let note = &omitted["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "note");
    assert_eq!(
        note["message"]["text"],
        "1 suppressed finding left out (1 by exceptions): code scanning would open them as alerts; `--sarif-suppressed include` keeps them, marked as suppressed"
    );
    let suppressed: Vec<_> = results(&included)
        .into_iter()
        .filter(|r| r["suppressions"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "vendored fork, licence reviewed in LEGAL-7 (exception expires 2099-12-31)"
    );
    assert_eq!(included["runs"][0]["columnKind"], "unicodeCodePoints");
    // Inline suppressions are `inSource`.
    let inline = sarif_of(&["fixtures/suppressions", "--sarif-suppressed", "include"]);
    let kinds: Vec<_> = results(&inline)
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str().map(str::to_owned))
        .collect();
    assert!(kinds.iter().any(|k| k == "inSource"), "{kinds:?}");
}

#[test]
fn sarif_describes_every_rule_of_the_policy_as_it_set_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = dir.path().join("policy.yaml");
    std::fs::write(
        &config,
        "rules:\n  \"PSCF-SPM-RC/banned-component\": { severity: note }\n  \"PSCF-SPM-RC/license-unknown\": { enabled: false }\ncomponents:\n  banned:\n    - purl: pkg:cargo/openssl\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = config.to_string_lossy().into_owned();
    let sarif = sarif_of(&[VIOLATIONS, "-c", &config]);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let listed = run(&["rules"]).stdout.lines().count() - 1;
    assert_eq!(rules.len(), listed, "every registry rule, fired or not");
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    let banned = rule("PSCF-SPM-RC/banned-component");
    assert_eq!(banned["defaultConfiguration"]["level"], "note");
    assert_eq!(banned["properties"]["security-severity"], "2.0");
    assert_eq!(banned["properties"]["precision"], "very-high");
    assert_eq!(
        rule("PSCF-SPM-RC/license-unknown")["defaultConfiguration"]["enabled"],
        false
    );
    // Not in `requirements:` or `services:` of this policy: described,
    // not enabled.
    for id in ["PSCF-SPM-MAR/script-injection", "PSCF-SPM-RSS/sast"] {
        assert_eq!(rule(id)["defaultConfiguration"]["enabled"], false, "{id}");
    }
    assert_eq!(
        rule("PSCF-SPM-MAR/hardcoded-secret")["properties"]["precision"],
        "medium"
    );
    let tool = rule("pscf-lint/parse-error");
    assert!(tool["properties"]["security-severity"].is_null());
    for r in &rules {
        assert_eq!(
            r["helpUri"],
            "https://github.com/pscf-lint/pscf-lint#what-it-checks-today"
        );
    }
    // The anchor is real: the README has the heading.
    assert!(read("README.md").contains("\n## What it checks today\n"));
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert!(
        driver["fullName"]
            .as_str()
            .is_some_and(|n| n.starts_with("pscf-lint "))
    );
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let run0 = &sarif["runs"][0];
    assert_eq!(
        run0["automationDetails"]["id"],
        "pscf-lint/fixtures/cargo-violations/"
    );
    assert!(run0["originalUriBaseIds"]["%SRCROOT%"].is_object());
    assert_eq!(run0["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run0["invocations"][0]["exitCode"], 0);
}

#[test]
fn sarif_category_is_ours_to_set() {
    let sarif = sarif_of(&[VIOLATIONS, "--sarif-category", "pscf-lint/api"]);
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "pscf-lint/api/"
    );
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 1);
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
        text.contains("| PSCF-SPM-RC Recommended Components | ❌ fail | 8 | 6 | 0 |"),
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
    for format in [
        "human", "json", "sarif", "github", "markdown", "junit", "html",
    ] {
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

#[test]
fn sarif_beyond_githubs_limits_says_what_it_left_out() {
    // 250 workflows of 101 unpinned actions: 25,250 findings and one note.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join(".pscf-lint.yaml"),
        "requirements:\n  - check: unpinned-action\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let steps: String = (0..101)
        .map(|i| format!("      - uses: a/b{i}@v1\n"))
        .collect();
    for n in 0..250 {
        std::fs::write(
            workflows.join(format!("w{n}.yml")),
            format!("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n{steps}"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let root = dir.path().to_string_lossy().into_owned();
    let r = run(&["check", &root, "--format", "sarif"]);
    assert_eq!(r.code, 1);
    let said = "only the 25000 most severe of 25251 results are in this SARIF";
    assert!(
        r.stderr.contains(&format!("warning: {said}")),
        "{}",
        r.stderr
    );
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let kept = results(&sarif);
    assert_eq!(kept.len(), 25_000);
    // The least severe go first: the note, then errors in report order.
    assert!(kept.iter().all(|r| r["level"] == "error"));
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(said)),
        "{notes}"
    );
}
