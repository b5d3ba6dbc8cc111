//! A bad policy is reported at its file, line and column with the offending
//! text underlined and a hint, and exits 2 — for `policy validate` and for
//! `check --config`.

mod common;

use common::run;

/// (file, line, column) of the `-->` lines of the rendered errors.
fn positions(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> "))
        .map(str::to_owned)
        .collect()
}

fn validate(file: &str) -> common::Run {
    run(&["policy", "validate", &format!("fixtures/policies/{file}")])
}

fn assert_error(file: &str, position: &str, message: &str, help: &str) {
    let r = validate(file);
    assert_eq!(r.code, 2, "{file}: {}", r.stderr);
    assert_eq!(
        positions(&r.stderr),
        vec![format!("fixtures/policies/{position}")],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(message),
        "{file}: expected {message:?} in\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(help),
        "{file}: expected {help:?} in\n{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn unknown_key() {
    assert_error(
        "unknown-key.yaml",
        "unknown-key.yaml:1:1",
        "unknown field `componentz`, expected one of extends",
        "pscf-lint schema",
    );
}

#[test]
fn wrong_type() {
    assert_error(
        "wrong-type.yaml",
        "wrong-type.yaml:1:10",
        "unknown variant `sometimes`",
        "pscf-lint schema",
    );
}

#[test]
fn bad_purl() {
    assert_error(
        "bad-purl.yaml",
        "bad-purl.yaml:3:13",
        "`cargo/openssl` is not a package URL",
        "pkg:cargo/openssl",
    );
}

#[test]
fn bad_semver_range() {
    assert_error(
        "bad-range.yaml",
        "bad-range.yaml:4:17",
        "`>>0.23` is not a Cargo version range",
        "4 |       versions: \">>0.23\"",
    );
}

#[test]
fn bad_spdx_id_with_suggestion() {
    assert_error(
        "bad-spdx.yaml",
        "bad-spdx.yaml:3:18",
        "`Apache2` is not an SPDX licence id",
        "did you mean `Apache-2.0`?",
    );
}

#[test]
fn spdx_exceptions_are_accepted_and_checked() {
    // `Apache-2.0 WITH LLVM-exception` is a valid entry; a misspelt
    // exception is the only error.
    assert_error(
        "bad-spdx-exception.yaml",
        "bad-spdx-exception.yaml:6:9",
        "`LLVM-exceptoin` is not an SPDX licence exception id",
        "exceptions-index.html",
    );
}

#[test]
fn bad_glob() {
    assert_error(
        "bad-glob.yaml",
        "bad-glob.yaml:2:5",
        "bad glob `vendor/[abc`",
        "`**` across segments",
    );
}

#[test]
fn bad_date() {
    assert_error(
        "bad-date.yaml",
        "bad-date.yaml:4:15",
        "`2027-13-01` is not a date",
        "YYYY-MM-DD",
    );
}

#[test]
fn unknown_rule_with_did_you_mean() {
    assert_error(
        "unknown-rule.yaml",
        "unknown-rule.yaml:2:3",
        "unknown rule `PSCF-SPM-RC/baned-component`",
        "did you mean `PSCF-SPM-RC/banned-component`?",
    );
}

#[test]
fn unknown_capability_id() {
    assert_error(
        "unknown-capability.yaml",
        "unknown-capability.yaml:2:3",
        "unknown capability `PSCF-SPM-XYZ`",
        "PSCF-SPM-RC",
    );
}

#[test]
fn missing_extends_file() {
    assert_error(
        "missing-extends.yaml",
        "missing-extends.yaml:3:5",
        "cannot read policy",
        "path relative to the file that names it",
    );
}

#[test]
fn extends_cycle() {
    assert_error(
        "cycle-a.yaml",
        "cycle-b.yaml:1:11",
        "`extends` cycle: fixtures/policies/cycle-a.yaml -> fixtures/policies/cycle-b.yaml -> fixtures/policies/cycle-a.yaml",
        "remove one of the `extends` entries",
    );
}

#[test]
fn remote_extends_is_refused() {
    assert_error(
        "remote-extends.yaml",
        "remote-extends.yaml:1:11",
        "policies are never fetched from the network",
        "vendor the policy",
    );
}

#[test]
fn the_offending_text_is_underlined() {
    let r = validate("bad-spdx.yaml");
    assert!(
        r.stderr
            .contains("3 |     allow: [MIT, Apache2]\n  |                  ^^^^^^^ here"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_error_of_a_file_is_reported_in_order() {
    let r = validate("many-errors.yaml");
    assert_eq!(r.code, 2);
    assert_eq!(
        positions(&r.stderr),
        vec![
            "fixtures/policies/many-errors.yaml:6:17",
            "fixtures/policies/many-errors.yaml:8:13"
        ]
    );
    assert!(
        r.stderr
            .contains("the policy has 2 errors; nothing was checked")
    );
}

#[test]
fn check_with_a_bad_config_exits_2_before_scanning() {
    let r = run(&[
        "check",
        "fixtures/cargo-clean",
        "--config",
        "fixtures/policies/bad-date.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.is_empty(),
        "no report on a policy error: {}",
        r.stdout
    );
    assert_eq!(
        positions(&r.stderr),
        vec!["fixtures/policies/bad-date.yaml:4:15"]
    );
}

#[test]
fn a_valid_chain_merges_each_file_once() {
    let r = validate("repo.yaml");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "fixtures/policies/repo.yaml: policy is valid (builtin:pscf-spm <- fixtures/policies/org/baseline.yaml <- fixtures/policies/repo.yaml)\n"
    );
}

#[test]
fn merged_policy_applies_overrides_in_order() {
    // org/baseline.yaml bans openssl and downgrades RC rules to warnings;
    // repo.yaml raises banned-component back to error and fails on warnings.
    let r = run(&[
        "check",
        "fixtures/cargo-violations",
        "--config",
        "fixtures/policies/repo.yaml",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let openssl = findings
        .iter()
        .find(|f| f["component"] == "pkg:cargo/openssl@0.10.50")
        .cloned()
        .unwrap_or_default();
    assert_eq!(openssl["rule"], "PSCF-SPM-RC/banned-component");
    assert_eq!(openssl["severity"], "error");
    assert_eq!(
        openssl["help"],
        "remove this dependency, or add an exception with a reason and an expiry date"
    );
    let gpl = findings
        .iter()
        .find(|f| f["rule"] == "PSCF-SPM-RC/license-not-allowed")
        .cloned()
        .unwrap_or_default();
    assert_eq!(gpl["severity"], "warning");
    assert!(
        gpl["help"]
            .as_str()
            .unwrap_or_default()
            .contains("MIT, Apache-2.0, ISC"),
        "{gpl}"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn unknown_check_and_misplaced_parameter() {
    let r = validate("bad-requirement.yaml");
    assert_eq!(r.code, 2);
    assert_eq!(
        positions(&r.stderr),
        vec![
            "fixtures/policies/bad-requirement.yaml:2:12",
            "fixtures/policies/bad-requirement.yaml:3:12"
        ]
    );
    assert!(
        r.stderr.contains("unknown check `unpinned-actions`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `unpinned-action`?"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("`require-digest` is a parameter of `unpinned-base-image`"),
        "{}",
        r.stderr
    );
}

#[test]
fn service_errors() {
    let r = validate("bad-services.yaml");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "service `identity-provider` is not a built-in category, so it needs `any-of` evidence"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`gitleaks` is not a known sast tool"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("each `any-of` entry needs exactly one of"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("service id `Bad_Id` must be lower-case kebab-case"),
        "{}",
        r.stderr
    );
}

#[test]
fn product_and_metrics_values_are_checked_each_at_its_place() {
    let r = validate("bad-product-metrics.yaml");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let at = |p: &str| format!("fixtures/policies/bad-product-metrics.yaml:{p}");
    assert_eq!(
        positions(&r.stderr),
        vec![
            at("2:28"),
            at("3:36"),
            at("5:18"),
            at("8:19"),
            at("9:18"),
            at("10:33"),
            at("11:28"),
            at("13:43"),
            at("13:65"),
            at("14:65"),
        ],
        "{}",
        r.stderr
    );
    for text in [
        "`support.phone` is not a product field",
        "required fields are among: name, description, owner",
        "lifecycle stage `Sunset Phase` must be lower-case kebab-case",
        "`2029-02-30` is not a date",
        "bad tag glob `v[1-`",
        "`window-days` must be from 1 to 3650 days, not 0",
        "`1.5` is out of range: expected a rate from 0.0 to 1.0 (0.15 means 15%)",
        "`-2` is out of range: expected a number of days, 0 or more",
        "`180` is out of range: expected a percentage from 0 to 100",
        "`11` is out of range: expected a CVSS-like score from 0.0 to 10.0",
    ] {
        assert!(r.stderr.contains(text), "missing {text:?} in\n{}", r.stderr);
    }
}

#[test]
fn metrics_keys_are_exact() {
    assert_error(
        "metrics-unknown-key.yaml",
        "metrics-unknown-key.yaml:3:5",
        "unknown field `lead-time`, expected one of",
        "pscf-lint schema",
    );
}
