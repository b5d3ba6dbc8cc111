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

/// (rule, file, line, severity, context) of every content finding.
fn detailed(report: &serde_json::Value) -> Vec<(String, String, u64, String, String)> {
    common::findings(report)
        .into_iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap_or_default();
            [
                "hardcoded-secret",
                "tls-verification-disabled",
                "insecure-transport",
            ]
            .iter()
            .any(|x| r.ends_with(x))
        })
        .map(|f| {
            (
                f["rule"]
                    .as_str()
                    .unwrap_or_default()
                    .replace("PSCF-SPM-MAR/", ""),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
                f["context"].as_str().unwrap_or_default().to_owned(),
            )
        })
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
        t("PSCF-SPM-MAR/tls-verification-disabled", "config/settings.py", 7),
        t("PSCF-SPM-MAR/tls-verification-disabled", "config/settings.py", 10),
        t("PSCF-SPM-MAR/tls-verification-disabled", "config/settings.py", 11),
        t("PSCF-SPM-MAR/hardcoded-secret", "config/slack.json", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "deploy/.env", 1),
        t("PSCF-SPM-MAR/hardcoded-secret", "deploy/.env", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "deploy/.env", 6),
        t("PSCF-SPM-MAR/tls-verification-disabled", "deploy/compose.yaml", 5),
        t("PSCF-SPM-MAR/tls-verification-disabled", "deploy/compose.yaml", 6),
        t("PSCF-SPM-MAR/hardcoded-secret", "docs/notes.md", 4),
        t("PSCF-SPM-MAR/hardcoded-secret", "keys/dev.pem", 1),
        t("PSCF-SPM-MAR/tls-verification-disabled", "otel/collector.yaml", 5),
        t("PSCF-SPM-MAR/tls-verification-disabled", "otel/collector.yaml", 8),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/install.sh", 3),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/install.sh", 4),
        t("PSCF-SPM-MAR/tls-verification-disabled", "scripts/install.sh", 6),
        t("PSCF-SPM-MAR/tls-verification-disabled", "svc/client.go", 5),
        t("PSCF-SPM-MAR/tls-verification-disabled", "svc/client.rs", 2),
        // `src/main.rs` marks a binary target and is read like any source.
        t("PSCF-SPM-MAR/hardcoded-secret", "tool/src/main.rs", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "web/server.js", 2),
        t("PSCF-SPM-MAR/tls-verification-disabled", "web/server.js", 4),
        t("PSCF-SPM-MAR/insecure-transport", "web/server.js", 6),
    ];
    assert_eq!(content(&report), expected);
}

#[test]
fn near_misses_stay_quiet() {
    let (_, report) = check_json("secrets", &[]);
    let found = content(&report);
    let quiet = [
        (".npmrc", 3),               // npm token with a wrong checksum
        ("config/app.yaml", 1),      // "$schema" identifier
        ("config/app.yaml", 3),      // http://localhost
        ("config/app.yaml", 5),      // a proxy: TLS runs end to end through it
        ("config/app.yaml", 6),      // homepage metadata
        ("config/app.yaml", 7),      // single-label compose service
        ("config/settings.py", 3),   // the AWS secret: reported with its key id
        ("config/settings.py", 4),   // AWS's documented example key
        ("config/settings.py", 8),   // verify=True
        ("config/settings.py", 9),   // a comment quoting the flag
        ("config/settings.py", 12),  // a docstring quoting it
        ("deploy/.env", 3),          // user:password@localhost
        ("deploy/.env", 4),          // ${DEPLOY_PASSWORD}
        ("deploy/.env", 5),          // GitHub token with a wrong checksum
        ("deploy/.env", 7),          // =false
        ("deploy/compose.yaml", 7),  // sslmode=disable to a compose service
        ("docs/notes.md", 3),        // prose quoting the Python flag and a plain-HTTP link
        ("keys/header-only.txt", 1), // a key header with no body
        ("otel/collector.yaml", 10), // `insecure` of a registry, not TLS
        ("scripts/install.sh", 2),   // curl -fsSL
        ("scripts/install.sh", 5),   // a comment
        ("svc/client.go", 6),        // InsecureSkipVerify: false
        ("svc/client.go", 7),        // a comment
        ("svc/client.rs", 4),        // a string, not code
        ("web/server.js", 3),        // rejectUnauthorized: true
        ("web/server.js", 5),        // a comment saying not to
        ("web/server.js", 7),        // a URL in a prose string
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
fn severity_follows_the_file_context() {
    let (_, report) = check_json("contexts", &[]);
    let d = |rule: &str, file: &str, line: u64, severity: &str, context: &str| {
        (
            rule.to_owned(),
            file.to_owned(),
            line,
            severity.to_owned(),
            context.to_owned(),
        )
    };
    #[rustfmt::skip]
    let expected = vec![
        d("tls-verification-disabled", "examples/demo/main.go", 5, "note", "fixture"),
        // `contexts.test.paths` in the fixture's policy.
        d("tls-verification-disabled", "qa/smoke.go", 5, "note", "test"),
        d("tls-verification-disabled", "src/server.go", 5, "error", "production"),
        d("insecure-transport", "src/server.go", 6, "warning", "production"),
        d("tls-verification-disabled", "src/server_test.go", 5, "note", "test"),
        d("tls-verification-disabled", "testdata/client.go", 5, "note", "fixture"),
        d("tls-verification-disabled", "tests/e2e.go", 5, "note", "test"),
        // `-linguist-vendored` in .gitattributes: the product's own code.
        d("tls-verification-disabled", "vendor/ours/patched.go", 5, "error", "production"),
        d("insecure-transport", "vendor/ours/patched.go", 6, "warning", "production"),
    ];
    // vendor/, third/ (linguist-vendored), gen/ (generated header), dist/,
    // *.min.js and a bundle with long lines are not reported at all.
    assert_eq!(detailed(&report), expected);
}

#[test]
fn the_policy_changes_what_a_context_reports() {
    let (_, report) = check_json("contexts", &["--config", "fixtures/contexts/strict.yaml"]);
    let found = detailed(&report);
    let has = |file: &str, rule: &str, severity: &str| {
        found
            .iter()
            .any(|(r, f, _, s, _)| f == file && r == rule && s == severity)
    };
    assert!(
        has(
            "vendor/github.com/acme/lib/lib.go",
            "tls-verification-disabled",
            "error"
        ),
        "{found:?}"
    );
    assert!(
        has("third/lib.go", "tls-verification-disabled", "error"),
        "{found:?}"
    );
    assert!(
        has("tests/e2e.go", "insecure-transport", "warning"),
        "{found:?}"
    );
    assert!(
        has("tests/e2e.go", "tls-verification-disabled", "note"),
        "{found:?}"
    );
    // Not a policy path any more: qa/ is production under this policy.
    assert!(
        has("qa/smoke.go", "tls-verification-disabled", "error"),
        "{found:?}"
    );
}

#[test]
fn sarif_carries_the_context() {
    let out = run(&["check", "fixtures/contexts", "--format", "sarif"]).stdout;
    let sarif: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        results
            .iter()
            .any(|r| r["properties"]["context"] == "fixture"),
        "{out}"
    );
}

#[test]
fn inventory_does_not_read_contents() {
    let r = run(&["inventory", "fixtures/secrets", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("ghp_"), "{}", r.stdout);
}

#[test]
fn no_output_contains_a_secret_in_clear() {
    let env = common::read("fixtures/secrets/deploy/.env");
    let npmrc = common::read("fixtures/secrets/.npmrc");
    let settings = common::read("fixtures/secrets/config/settings.py");
    let value = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| {
                l.split_once(key)
                    .map(|(_, v)| v.trim_matches(['"', ' ']).to_owned())
            })
            .unwrap_or_default()
    };
    let token = value(&env, "GITHUB_TOKEN=");
    let secrets = [
        token.get(4..).unwrap_or_default().to_owned(),
        value(&npmrc, "_authToken=")
            .get(4..)
            .unwrap_or_default()
            .to_owned(),
        value(&settings, "AWS_ACCESS_KEY_ID = ")
            .get(4..)
            .unwrap_or_default()
            .to_owned(),
        value(&settings, "AWS_SECRET_ACCESS_KEY = ")
            .get(4..)
            .unwrap_or_default()
            .to_owned(),
        "n0t-a-real-pass".get(4..).unwrap_or_default().to_owned(),
        // inside a plain-HTTP URL, which the insecure-transport finding quotes
        "Sup3rS3cretValue".get(4..).unwrap_or_default().to_owned(),
    ];
    assert!(secrets.iter().all(|s| s.len() >= 8), "{secrets:?}");
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
    assert!(human.contains("checksum is valid"), "{human}");
}
