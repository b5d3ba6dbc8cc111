//! The informational commands: rules, explain, capabilities, schema, and
//! bare `pscf-lint`.

mod common;

use common::run;

#[test]
fn rules_lists_every_rule_with_capability_and_severity() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn explain_shows_the_rule_and_its_framework_mappings() {
    let r = run(&["explain", "PSCF-SPM-RC/banned-component"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn explain_an_unknown_rule_suggests_the_nearest() {
    let r = run(&["explain", "PSCF-SPM-RC/deprecated"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("did you mean `PSCF-SPM-RC/deprecated-component`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn capabilities_lists_the_whole_catalogue() {
    let r = run(&["capabilities"]);
    assert_eq!(r.code, 0);
    // Header, 33 capabilities, blank line, source line.
    assert_eq!(r.stdout.lines().count(), 36, "{}", r.stdout);
    assert!(r.stdout.contains("PSCF-SPM-RC   Recommended Components"));
    assert!(r.stdout.contains("CC BY-SA 4.0"));
}

#[test]
fn schema_describes_the_policy_format() {
    let r = run(&["schema"]);
    assert_eq!(r.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    assert_eq!(schema["title"], "pscf-lint policy");
    assert_eq!(schema["additionalProperties"], false);
    for key in [
        "extends",
        "fail-on",
        "exclude",
        "product",
        "components",
        "rules",
        "exceptions",
    ] {
        assert!(schema["properties"][key].is_object(), "missing {key}");
    }
    // The built-in bundle and every valid fixture policy validate against it.
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    for policy in [
        "policies/pscf-spm.yaml",
        "fixtures/cargo-violations/.pscf-lint.yaml",
        "fixtures/policies/repo.yaml",
    ] {
        let text = common::read(policy);
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{policy}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{policy}: {errors:?}");
    }
}

#[test]
fn bare_invocation_checks_the_current_directory() {
    let out = common::pscf_lint()
        .current_dir(common::root().join("fixtures/cargo-broken"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pscf-lint/parse-error"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    assert_eq!(run(&["--help"]).code, 0);
}

#[test]
fn example_policies_are_valid() {
    for example in [
        "policies/examples/org-baseline.yaml",
        "policies/examples/strict-allowlist.yaml",
    ] {
        let r = run(&["policy", "validate", example]);
        assert_eq!(r.code, 0, "{example}: {}", r.stderr);
    }
}

#[test]
fn explain_lists_the_known_tools_of_a_service_category() {
    let r = run(&["explain", "PSCF-SPM-RSS/sast"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("Known tools (restrict with `approved:`): codeql, semgrep, sonarqube"),
        "{}",
        r.stdout
    );
}
