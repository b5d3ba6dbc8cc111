//! Secrets, TLS verification and plain-HTTP endpoints in file contents:
//! exact places, near misses, and no secret in clear in any output.

mod common;

use common::{check_json, run, t, triples};

fn content(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    let rules = [
        "hardcoded-secret",
        "tls-verification-disabled",
        "insecure-transport",
    ];
    triples(report)
        .into_iter()
        .filter(|(r, _, _)| rules.iter().any(|x| r.ends_with(x)))
        .collect()
}

#[test]
fn content_rules_fire_exactly() {
    let (code, report) = check_json("secrets", &[]);
    assert_eq!(code, 1);
    #[rustfmt::skip]
    let expected = vec![
        t("PSCF-SPM-MAR/insecure-transport", ".npmrc", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", ".npmrc", 2),
        t("PSCF-SPM-MAR/insecure-transport", "config/app.yaml", 2),
        t("PSCF-SPM-MAR/insecure-transport", "config/registry.yaml", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "config/registry.yaml", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "config/settings.py", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "config/settings.py", 6),
        t("PSCF-SPM-MAR/hardcoded-secret", "config/slack.json", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "deploy/.env", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "deploy/.env", 2),
        t("PSCF-SPM-MAR/hardcoded-secret", "docs/notes.md", 4),
        t("PSCF-SPM-MAR/hardcoded-secret", "keys/dev.pem", 1),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/install.sh", 3),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/install.sh", 4),
        t("PSCF-SPM-MAR/tls-verification-disabled", "svc/client.go", 5),
        t("PSCF-SPM-MAR/tls-verification-disabled", "svc/client.rs", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "web/server.js", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "web/server.js", 4),
    ];
    assert_eq!(content(&report), expected);
}

#[test]
fn near_misses_stay_quiet() {
    let (_, report) = check_json("secrets", &[]);
    let found = content(&report);
    let quiet = [
        ("config/settings.py", 7), // verify=True
        ("deploy/.env", 3),        // user:password@localhost
        ("deploy/.env", 4),        // ${DEPLOY_PASSWORD}
        ("web/server.js", 3),      // rejectUnauthorized: true
        ("svc/client.go", 6),      // InsecureSkipVerify: false
        ("scripts/install.sh", 2), // curl -fsSL
        ("config/app.yaml", 1),    // "$schema" identifier
        ("config/app.yaml", 3),    // http://localhost
        ("docs/notes.md", 3),      // prose quoting the Python flag and a plain-HTTP link
    ];
    for (file, line) in quiet {
        assert!(
            !found.iter().any(|(_, f, l)| f == file && *l == line),
            "{file}:{line} should be quiet"
        );
    }
    // Binary files are skipped, even with a key-shaped string inside.
    assert!(!found.iter().any(|(_, f, _)| f.starts_with("assets/")));
}

#[test]
fn no_output_contains_a_secret_in_clear() {
    let secrets = [
        format!("{}{}", "AKIA", "FAKEFAKEFAKEFAKE"),
        format!("{}{}{}", "ghp_", "FAKE", "0".repeat(32)),
        format!("{}{}{}", "npm_", "FAKE", "1".repeat(32)),
        format!("{}{}", "xoxb-", "0000000000-FAKEFAKEFAKE"),
        "n0t-a-real-pass".to_owned(),
        // inside a plain-HTTP URL, which the insecure-transport finding quotes
        "Sup3rS3cretValue".to_owned(),
        "ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw".to_owned(),
    ];
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let out = run(&[
            "check",
            "fixtures/secrets",
            "--format",
            format,
            "--color",
            "never",
        ])
        .stdout;
        assert!(out.contains("hardcoded"), "{format}: {out}");
        for secret in &secrets {
            assert!(!out.contains(secret.as_str()), "{format} leaks {secret}");
        }
    }
    let human = run(&["check", "fixtures/secrets", "--color", "never"]).stdout;
    assert!(
        human.contains("GITHUB_TOKEN=ghp_************************************"),
        "{human}"
    );
    assert!(
        human.contains("GitHub token `ghp_…` is committed"),
        "{human}"
    );
}
