//! Command-line conventions: `pscf-lint PATH`, colour (`--color`,
//! `NO_COLOR`, `CLICOLOR_FORCE`), `-c -`, completions, JSON listings,
//! `explain SLUG`, and "did you mean" for misspelt policy keys.

mod common;

use std::io::Write;

use common::{pscf_lint, run};
use serde_json::Value;

/// Runs with `stdin` as standard input and the environment `env` added.
fn run_with(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> common::Run {
    let mut cmd = pscf_lint();
    cmd.args(args)
        .env_remove("CLICOLOR_FORCE")
        .write_stdin(stdin);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("run: {e}"));
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_bare_path_is_checked() {
    let bare = run(&["fixtures/cargo-broken", "--format", "json"]);
    let explicit = run(&["check", "fixtures/cargo-broken", "--format", "json"]);
    assert_eq!(bare.code, 1, "{}", bare.stderr);
    assert_eq!(bare.code, explicit.code);
    assert_eq!(bare.stdout, explicit.stdout);
    // Options before the path work too, and subcommands keep their names.
    let before = run(&["--format", "json", "fixtures/cargo-broken"]);
    assert_eq!(before.stdout, explicit.stdout);
    assert_eq!(run(&["rules"]).code, 0);
}

#[test]
fn a_misspelt_command_is_not_taken_for_a_missing_directory_silently() {
    let r = run(&["rulez"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`rulez` is not a directory")
            && r.stderr.contains("did you mean the `rules` command?"),
        "{}",
        r.stderr
    );
}

const ESC: &str = "\u{1b}[";

#[test]
fn colour_of_policy_errors_follows_the_flag_then_no_color_then_clicolor_force() {
    let args = ["policy", "validate", "fixtures/policies/unknown-key.yaml"];
    let coloured = |extra: &[&str], env: &[(&str, &str)]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(extra);
        let r = run_with(&all, "", env);
        assert_eq!(r.code, 2, "{}", r.stderr);
        r.stderr.contains(ESC)
    };
    // A pipe gets no colour by default…
    assert!(!coloured(&[], &[]));
    // …unless CLICOLOR_FORCE says so, which NO_COLOR overrides…
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    // …and the flag overrides both.
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

#[test]
fn colour_of_usage_errors_follows_the_same_rules() {
    let coloured = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["check", "--format", "xml"];
        args.extend_from_slice(extra);
        let r = run_with(&args, "", env);
        assert_eq!(r.code, 2, "{}", r.stderr);
        r.stderr.contains(ESC)
    };
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color=never"], &[("CLICOLOR_FORCE", "1")]));
}

#[test]
fn colour_of_the_human_report_follows_the_same_rules() {
    let coloured = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["check", "fixtures/cargo-broken"];
        args.extend_from_slice(extra);
        let r = run_with(&args, "", env);
        assert_eq!(r.code, 1, "{}", r.stderr);
        r.stdout.contains(ESC)
    };
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "x")]
    ));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn config_dash_reads_the_policy_from_stdin() {
    let policy =
        "extends: [builtin:pscf-spm]\nrules:\n  \"pscf-lint/parse-error\": { enabled: false }\n";
    let from_stdin = run_with(
        &[
            "check",
            "fixtures/cargo-broken",
            "-c",
            "-",
            "--format",
            "json",
        ],
        policy,
        &[],
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("policy.yaml");
    std::fs::write(&file, policy).unwrap_or_else(|e| panic!("{e}"));
    let from_file = run(&[
        "check",
        "fixtures/cargo-broken",
        "-c",
        &file.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(from_stdin.code, from_file.code, "{}", from_stdin.stderr);
    let rules = |out: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(out).unwrap_or_default();
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["rule"].as_str().map(str::to_owned))
            .collect()
    };
    let stdin_rules = rules(&from_stdin.stdout);
    assert!(!stdin_rules.contains(&"pscf-lint/parse-error".to_owned()));
    // Standard input is the repository's config, not a trusted file: what
    // it relaxes is reported; otherwise the findings are the file's.
    let weakened = "pscf-lint/policy-weakened".to_owned();
    assert!(stdin_rules.contains(&weakened), "{stdin_rules:?}");
    // …at a place named `<stdin>`, not a file of the tree.
    let report: Value = serde_json::from_str(&from_stdin.stdout).unwrap_or_default();
    let places: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "pscf-lint/policy-weakened")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(places, ["<stdin>"]);
    assert!(!rules(&from_file.stdout).contains(&weakened));
    let others: Vec<String> = stdin_rules.into_iter().filter(|r| *r != weakened).collect();
    assert_eq!(others, rules(&from_file.stdout));
}

#[test]
fn a_policy_on_stdin_is_named_stdin_and_confined_like_the_repository_config() {
    let r = run_with(&["policy", "validate", "-"], "fail-on: sometimes\n", &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--> <stdin>:1:10"), "{}", r.stderr);
    // As the repository's config, it may not reach outside the root.
    let r = run_with(
        &["check", "fixtures/cargo-clean", "-c", "-"],
        "extends: [\"../../Cargo.toml\"]\n",
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("leads outside the repository") && r.stderr.contains("<stdin>"),
        "{}",
        r.stderr
    );
    // Larger than a policy file may be: refused, not read whole.
    let huge = format!("exclude:\n{}", "  - \"x\"\n".repeat(600_000));
    let r = run_with(&["policy", "validate", "-"], &huge, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("byte limit for policy files"),
        "{}",
        r.stderr
    );
}

#[test]
fn stdin_cannot_be_both_policies() {
    let r = run_with(
        &[
            "check",
            "fixtures/cargo-clean",
            "-c",
            "-",
            "--trusted-policy",
            "-",
        ],
        "",
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot both read standard input"),
        "{}",
        r.stderr
    );
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _pscf__lint"),
        ("zsh", "#compdef pscf-lint"),
        ("fish", "complete -c pscf-lint"),
        ("elvish", "pscf-lint"),
        ("powershell", "pscf-lint"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}: {}", r.stdout);
        assert!(r.stdout.contains("inventory"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn rules_and_capabilities_as_json() {
    let r = run(&["rules", "--format", "json"]);
    assert_eq!(r.code, 0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    assert_eq!(doc["kind"], "rules");
    assert_eq!(doc["version"], 1);
    let rules = doc["rules"].as_array().cloned().unwrap_or_default();
    // One per line of the table, after its header.
    assert_eq!(rules.len(), run(&["rules"]).stdout.lines().count() - 1);
    let banned = rules
        .iter()
        .find(|r| r["id"] == "PSCF-SPM-RC/banned-component")
        .cloned()
        .unwrap_or_default();
    assert_eq!(banned["capability"], "PSCF-SPM-RC");
    assert_eq!(banned["default_severity"], "error");
    assert!(banned["fix"].as_str().is_some_and(|s| !s.is_empty()));
    let tool = rules
        .iter()
        .find(|r| r["id"] == "pscf-lint/parse-error")
        .cloned()
        .unwrap_or_default();
    assert!(tool["capability"].is_null());

    let r = run(&["capabilities", "--format", "json"]);
    assert_eq!(r.code, 0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    assert_eq!(doc["kind"], "capabilities");
    let list = doc["capabilities"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 33);
    let rc = list
        .iter()
        .find(|c| c["id"] == "PSCF-SPM-RC")
        .cloned()
        .unwrap_or_default();
    assert_eq!(rc["name"], "Recommended Components");
    assert!(rc["required_by"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn explain_takes_a_bare_slug() {
    let slug = run(&["explain", "unpinned-action"]);
    let full = run(&["explain", "PSCF-SPM-MAR/unpinned-action"]);
    assert_eq!(slug.code, 0, "{}", slug.stderr);
    assert_eq!(slug.stdout, full.stdout);
    let r = run(&["explain", "unpined-action"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("did you mean `PSCF-SPM-MAR/unpinned-action`?"),
        "{}",
        r.stderr
    );
}

/// A slug that more than one rule has is refused with the candidates;
/// any other resolves to its rule.
#[test]
fn an_ambiguous_slug_lists_the_candidates() {
    let doc: Value =
        serde_json::from_str(&run(&["rules", "--format", "json"]).stdout).unwrap_or_default();
    let ids: Vec<String> = doc["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    let slug = |id: &str| {
        id.split_once('/')
            .map(|(_, s)| s.to_owned())
            .unwrap_or_default()
    };
    let ambiguous = ids
        .iter()
        .map(|id| slug(id))
        .find(|s| ids.iter().filter(|id| slug(id) == *s).count() > 1);
    match ambiguous {
        Some(slug) => {
            let r = run(&["explain", &slug]);
            assert_eq!(r.code, 2);
            assert!(r.stderr.contains("give the full id"), "{}", r.stderr);
        }
        // No two built-in rules share a slug today (the refusal itself is
        // unit-tested in src/cli/info.rs): every slug resolves.
        None => {
            for id in &ids {
                let r = run(&["explain", &slug(id)]);
                assert_eq!(r.code, 0, "{id}: {}", r.stderr);
                assert!(r.stdout.starts_with(id.as_str()), "{id}");
            }
        }
    }
}

fn validate_text(text: &str) -> common::Run {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("p.yaml");
    let mut f = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    f.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    run(&["policy", "validate", &path.display().to_string()])
}

#[test]
fn misspelt_keys_at_any_depth_get_a_did_you_mean() {
    for (policy, key, near) in [
        ("fail_on: error\n", "fail_on", "fail-on"),
        (
            "componentz:\n  mode: allowlist\n",
            "componentz",
            "components",
        ),
        (
            "rules:\n  PSCF-SPM-RC/banned-component: { severty: note }\n",
            "severty",
            "severity",
        ),
        (
            "exceptions:\n  - rule: PSCF-SPM-RC/banned-component\n    reasn: accepted\n",
            "reasn",
            "reason",
        ),
        (
            "contexts:\n  test:\n    pathz: [\"qa/**\"]\n",
            "pathz",
            "paths",
        ),
        ("contexts:\n  tests: {}\n", "tests", "test"),
        (
            "contexts:\n  test:\n    content-rules: { hardcoded-secrt: note }\n",
            "hardcoded-secrt",
            "hardcoded-secret",
        ),
        ("product:\n  support:\n    contct: x\n", "contct", "contact"),
        (
            "services:\n  - id: sast\n    requried: true\n",
            "requried",
            "required",
        ),
        (
            "requirements:\n  - check: unpinned-base-image\n    require-digests: true\n",
            "require-digests",
            "require-digest",
        ),
        ("product:\n  nmae: payments\n", "nmae", "name"),
        (
            "metrics:\n  delivery:\n    windw-days: 30\n",
            "windw-days",
            "window-days",
        ),
    ] {
        let r = validate_text(policy);
        assert_eq!(r.code, 2, "{policy}");
        assert!(
            r.stderr.contains(&format!("unknown field `{key}`")),
            "{policy}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("did you mean `{near}`?")),
            "{policy}: {}",
            r.stderr
        );
    }
    // A misspelt value of a closed set gets one too.
    let r = validate_text("fail-on: eror\n");
    assert!(r.stderr.contains("did you mean `error`?"), "{}", r.stderr);
    let r = validate_text("contexts:\n  test:\n    content-rules: nope\n");
    assert!(r.stderr.contains("unknown variant `nope`"), "{}", r.stderr);
    // Nothing close: no guess, the schema hint only.
    let r = validate_text("zzzzzzzzzz: 1\nfail-on: error\n");
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(r.stderr.contains("pscf-lint schema"), "{}", r.stderr);
}
