//! The organisation's own requirements: every assertion kind fires at the
//! value or file it is about; near misses stay quiet.

mod common;

use common::{check_json, findings, run, t, triples};

/// The organisation's baseline the fixture is checked against.
const BASELINE: &[&str] = &[
    "--trusted-policy",
    "policies/examples/web-service-baseline.yaml",
];

#[test]
fn declared_requirements_fire_exactly() {
    let (code, report) = check_json("requirements", BASELINE);
    assert_eq!(code, 1);
    let own: Vec<_> = triples(&report)
        .into_iter()
        // The trusted baseline refuses the fixture's switching off of the
        // shared-service, POM and QM rules (tests/hostile.rs covers that); only the
        // declared requirements are under test here.
        .filter(|(r, _, _)| {
            !["PSCF-SPM-RSS/", "PSCF-SPM-POM/", "PSCF-SPM-QM/"]
                .iter()
                .any(|c| r.starts_with(c))
        })
        .filter(|(r, _, _)| {
            !r.starts_with("PSCF-SPM-MAR/")
                || ["debug-off", "modern-tls", "no-", "license"]
                    .iter()
                    .any(|p| r.contains(p))
        })
        .collect();
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-RM-DPO/privacy-notice", ".pscf-lint.yaml", 8),
        t("PSCF-SPM-MAR/debug-off-in-production", "config/production.yaml", 3),
        t("PSCF-SPM-MAR/modern-tls", "config/production.yaml", 5),
        t("PSCF-SPM-MAR/no-dotenv-committed", "deploy/.env", 1),
        t("PSCF-SPM-MAR/no-wildcard-cors", "deploy/nginx.conf", 3),
    ];
    assert_eq!(own, expected);
}

#[test]
fn findings_point_at_values_and_carry_the_policy_text() {
    let (_, report) = check_json("requirements", BASELINE);
    let all = findings(&report);
    let debug = all
        .iter()
        .find(|f| f["rule"] == "PSCF-SPM-MAR/debug-off-in-production")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            debug["line"].as_u64(),
            debug["column"].as_u64(),
            debug["end_column"].as_u64()
        ),
        (Some(3), Some(10), Some(14))
    );
    assert_eq!(
        debug["message"],
        "debug mode must be off in production (`app.debug` is `true`, expected `false`)"
    );
    assert_eq!(
        debug["help"],
        "set `app.debug` to false in the production configuration"
    );
    assert_eq!(debug["severity"], "error");
    let privacy = all
        .iter()
        .find(|f| f["rule"] == "PSCF-RM-DPO/privacy-notice")
        .cloned()
        .unwrap_or_default();
    assert_eq!(privacy["capability"], "PSCF-RM-DPO");
    assert_eq!(privacy["severity"], "warning");
    // Near misses: the JSON production config (debug false, TLS 1.2),
    // staging (TLS 1.3), and LICENSE present.
    assert!(
        !all.iter()
            .any(|f| f["file"] == "config/production.json" || f["file"] == "config/staging.yaml")
    );
    assert!(
        !all.iter()
            .any(|f| f["rule"] == "PSCF-SPM-MAR/license-present")
    );
}

#[test]
fn examples_are_valid_policies() {
    for example in [
        "policies/examples/web-service-baseline.yaml",
        "policies/examples/data-protection.yaml",
    ] {
        let r = run(&["policy", "validate", example]);
        assert_eq!(r.code, 0, "{example}: {}", r.stderr);
    }
}

#[test]
fn requirement_errors_point_at_the_entry() {
    let r = run(&[
        "policy",
        "validate",
        "fixtures/policies/bad-requirements.yaml",
    ]);
    assert_eq!(r.code, 2);
    for expected in [
        "unknown capability `PSCF-XX-YY`",
        "`assert` needs exactly one test",
        "bad regex `(`",
        "requirement `no-files` names no `files`",
        "an entry is either a built-in `check` or a requirement",
    ] {
        assert!(
            r.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            r.stderr
        );
    }
}
