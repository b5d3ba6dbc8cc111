//! Shared helpers: run the real binary on a fixture, read its JSON output.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The date every test runs at, so sunsets and expiries are reproducible.
pub const TODAY: &str = "2026-06-01";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `pscf-lint` with a fixed date, the fixture cargo cache, no colour and
/// no GitHub environment, run from the project root.
pub fn pscf_lint() -> Command {
    let mut cmd = Command::cargo_bin("pscf-lint").unwrap_or_else(|e| panic!("binary: {e}"));
    cmd.current_dir(root())
        .env("PSCF_LINT_TODAY", TODAY)
        .env("CARGO_HOME", root().join("fixtures/cargo-home"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    let output = pscf_lint()
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `check FIXTURE --format json`, parsed. Reports give paths from the
/// repository's top (this project's, for a fixture): the fixture's own
/// `fixtures/NAME/` prefix is taken off, so tests read paths as the
/// fixture's files (`tests/hostile.rs` asserts the prefix itself).
pub fn check_json(fixture: &str, extra: &[&str]) -> (i32, Value) {
    let path = format!("fixtures/{fixture}");
    let mut args = vec!["check", path.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(&args);
    let mut json: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", r.stdout, r.stderr));
    strip_prefix(&mut json, &format!("{path}/"));
    (r.code, json)
}

/// Takes `prefix` off every finding's `file`, and its related places'.
pub fn strip_prefix(report: &mut Value, prefix: &str) {
    fn strip(v: &mut Value, prefix: &str) {
        let stripped = v["file"]
            .as_str()
            .and_then(|file| file.strip_prefix(prefix))
            .map(str::to_owned);
        if let Some(stripped) = stripped {
            v["file"] = Value::String(stripped);
        }
    }
    if let Some(list) = report["findings"].as_array_mut() {
        for f in list {
            strip(f, prefix);
            if let Some(related) = f["related"].as_array_mut() {
                for r in related {
                    strip(r, prefix);
                }
            }
        }
    }
}

/// (rule, file, line) of every active finding, in report order, leaving
/// out the notes about what a fixture's own config relaxes (asserted by
/// `tests/trust.rs`).
pub fn triples(report: &Value) -> Vec<(String, String, u64)> {
    all_triples(report)
        .into_iter()
        .filter(|(rule, _, _)| rule != "pscf-lint/policy-weakened")
        .collect()
}

/// (rule, file, line) of every active finding, in report order.
pub fn all_triples(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Every finding, leaving out the notes about what a fixture's own config
/// relaxes (as [`triples`] does).
pub fn findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] != "pscf-lint/policy-weakened")
        .cloned()
        .collect()
}

pub fn t(rule: &str, file: &str, line: u64) -> (String, String, u64) {
    (rule.to_owned(), file.to_owned(), line)
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("read: {e}"))
}
