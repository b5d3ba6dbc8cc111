//! `pscf-lint check` on the Cargo fixtures: exact (rule, file, line) of
//! every finding, exit codes, and what must not fire.

mod common;

use common::{check_json, findings, run, t, triples};

#[test]
fn clean_workspace_has_no_findings() {
    let (code, report) = check_json("cargo-clean", &[]);
    assert_eq!(code, 0);
    assert_eq!(triples(&report), vec![]);
    assert_eq!(report["summary"]["components"], 5);
    assert_eq!(report["summary"]["capabilities"][0]["status"], "pass");
    assert_eq!(
        report["summary"]["capabilities"][1]["status"],
        "not-evaluated"
    );
}

#[test]
fn violations_workspace_trips_every_rc_rule_at_its_line() {
    let (code, report) = check_json("cargo-violations", &[]);
    assert_eq!(code, 1);
    let app = "ws/crates/app/Cargo.toml";
    assert_eq!(
        triples(&report),
        vec![
            t("pscf-lint/expired-exception", ".pscf-lint.yaml", 38),
            t("pscf-lint/unused-exception", ".pscf-lint.yaml", 42),
            // transitive, through `mystery`: located at its lockfile entry
            t("PSCF-SPM-RC/banned-component", "ws/Cargo.lock", 104),
            t("PSCF-SPM-RC/banned-component", app, 8),
            // a renamed dependency (`yaml = { package = "serde_yaml" }`)
            t("PSCF-SPM-RC/deprecated-component", app, 9),
            t("PSCF-SPM-RC/deprecated-component", app, 10),
            // git dependency
            t("PSCF-SPM-RC/source-not-allowed", app, 11),
            // path dependency outside the workspace; its exception expired
            t("PSCF-SPM-RC/license-unknown", app, 12),
            t("PSCF-SPM-RC/source-not-allowed", app, 12),
            // alternative registry
            t("PSCF-SPM-RC/license-unknown", app, 14),
            t("PSCF-SPM-RC/source-not-allowed", app, 14),
            t("PSCF-SPM-RC/license-not-allowed", app, 15),
            t("PSCF-SPM-RC/license-unknown", app, 16),
            t("PSCF-SPM-RC/unapproved-component", app, 16),
            // target-specific dependency
            t("PSCF-SPM-RC/unapproved-component", app, 19),
            // dev-dependency
            t("PSCF-SPM-RC/version-not-allowed", app, 22),
        ]
    );
}

#[test]
fn findings_carry_purl_severity_and_help() {
    let (_, report) = check_json("cargo-violations", &[]);
    let all = findings(&report);
    let find = |rule: &str, line: u64| {
        all.iter()
            .find(|f| f["rule"] == rule && f["line"] == line)
            .cloned()
            .unwrap_or_else(|| panic!("no {rule} at line {line}"))
    };
    let banned = find("PSCF-SPM-RC/banned-component", 8);
    assert_eq!(banned["component"], "pkg:cargo/openssl@0.10.50");
    assert_eq!(banned["capability"], "PSCF-SPM-RC");
    assert_eq!(banned["column"], 1);
    assert_eq!(banned["end_column"], 17);
    assert_eq!(banned["help"], "use `pkg:cargo/rustls` instead");
    // The repository's entry (sunset passed) overrides the built-in one.
    let atty = find("PSCF-SPM-RC/deprecated-component", 10);
    assert_eq!(atty["severity"], "error");
    assert!(
        atty["message"]
            .as_str()
            .unwrap_or_default()
            .contains("sunset date 2025-01-31 has passed")
    );
    // No sunset: a warning.
    assert_eq!(
        find("PSCF-SPM-RC/deprecated-component", 9)["severity"],
        "warning"
    );
    // The renamed dependency is identified by its real package name.
    assert_eq!(
        find("PSCF-SPM-RC/deprecated-component", 9)["component"],
        "pkg:cargo/serde_yaml@0.9.34%2Bdeprecated"
    );
    assert_eq!(
        find("PSCF-SPM-RC/source-not-allowed", 12)["message"],
        "`pkg:cargo/helper@0.3.0` comes from path ../../../external/helper, which the policy does not allow"
    );
}

#[test]
fn near_misses_do_not_fire() {
    let (_, report) = check_json("cargo-violations", &[]);
    let lines: Vec<_> = triples(&report)
        .into_iter()
        .filter(|(_, f, _)| f.ends_with("Cargo.toml"))
        .map(|(_, _, l)| l)
        .collect();
    // serde (workspace-inherited, recommended, MIT OR Apache-2.0): line 7.
    // util (path dependency inside the workspace = own code): line 13.
    // openssl is banned only below 0.10.55 and is not also reported as
    // deprecated; insta's licence is allowed.
    assert!(!lines.contains(&7) && !lines.contains(&13));
    // The util member's own manifest has nothing to report.
    assert!(
        triples(&report)
            .iter()
            .all(|(_, f, _)| f != "ws/crates/util/Cargo.toml")
    );
    // The workspace's own packages are never components.
    let purls: Vec<_> = findings(&report)
        .iter()
        .filter_map(|f| f["component"].as_str().map(str::to_owned))
        .collect();
    assert!(
        purls
            .iter()
            .all(|p| !p.starts_with("pkg:cargo/app") && !p.starts_with("pkg:cargo/util"))
    );
}

#[test]
fn a_live_exception_suppresses_and_is_reported_as_such() {
    let (_, report) = check_json("cargo-violations", &[]);
    let suppressed: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["rule"], "PSCF-SPM-RC/license-unknown");
    assert_eq!(suppressed[0]["component"], "pkg:cargo/left-pad@1.3.0");
    assert_eq!(
        suppressed[0]["suppressed"]["justification"],
        "vendored fork, licence reviewed in LEGAL-7 (exception expires 2099-12-31)"
    );
    assert_eq!(report["summary"]["suppressed"], 1);
}

#[test]
fn exceptions_expire_on_the_day_after_their_date() {
    // On the expiry date itself the exception still holds.
    let r = run(&[
        "check",
        "fixtures/cargo-violations",
        "--format",
        "json",
        "--today",
        "2024-06-30",
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let rules: Vec<_> = triples(&report)
        .into_iter()
        .map(|(r, _, l)| (r, l))
        .collect();
    assert!(!rules.contains(&("pscf-lint/expired-exception".to_owned(), 38)));
    assert!(!rules.contains(&("PSCF-SPM-RC/license-unknown".to_owned(), 12)));
    // Before atty's sunset, deprecation is a warning.
    let atty = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-RC/deprecated-component" && f["line"] == 10);
    assert_eq!(atty.map(|f| f["severity"].clone()), Some("warning".into()));
}

#[test]
fn broken_files_are_parse_errors_and_the_scan_goes_on() {
    let (code, report) = check_json("cargo-broken", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        triples(&report),
        vec![
            t("pscf-lint/parse-error", "Cargo.toml", 7),
            t("PSCF-SPM-RC/banned-component", "good/Cargo.toml", 6),
            t("pscf-lint/parse-error", "lock/Cargo.lock", 7),
            t("pscf-lint/parse-error", "utf8/Cargo.toml", 2),
        ]
    );
    let active: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["rule"] != "pscf-lint/policy-weakened")
        .collect();
    let first = &active[0];
    assert_eq!(first["column"], 1);
    assert!(
        first["message"]
            .as_str()
            .unwrap_or_default()
            .contains("missing comma"),
        "{first}"
    );
    let utf8 = &active[3];
    assert!(
        utf8["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not valid UTF-8"),
        "{utf8}"
    );
    assert_eq!(utf8["column"], 12);
}

#[test]
fn fail_on_controls_the_exit_code() {
    assert_eq!(check_json("cargo-broken", &["--fail-on", "never"]).0, 0);
    assert_eq!(check_json("cargo-clean", &["--fail-on", "warning"]).0, 0);
    // Its config switches the shared-service rules off: a note, which
    // fails a gate that fails on notes.
    assert_eq!(check_json("cargo-clean", &["--fail-on", "note"]).0, 1);
    let warnings_only = ["--config", "fixtures/policies/warnings-only.yaml"];
    assert_eq!(check_json("cargo-broken", &warnings_only).0, 0);
    assert_eq!(
        check_json(
            "cargo-broken",
            &[&warnings_only[..], &["--fail-on", "warning"]].concat()
        )
        .0,
        1
    );
}

#[test]
fn rule_overrides_change_severity_and_switch_rules_off() {
    let (code, report) = check_json(
        "cargo-broken",
        &["--config", "fixtures/policies/warnings-only.yaml"],
    );
    assert_eq!(code, 0);
    // banned-component downgraded to warning by a glob; parse-error switched off.
    assert_eq!(
        triples(&report),
        vec![t("PSCF-SPM-RC/banned-component", "good/Cargo.toml", 6)]
    );
    assert_eq!(findings(&report)[0]["severity"], "warning");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let r = run(&["check", "fixtures/does-not-exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a directory"), "{}", r.stderr);
}

#[test]
fn the_projects_own_repository_passes() {
    let r = run(&["check", "."]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 errors"), "{}", r.stdout);
}
