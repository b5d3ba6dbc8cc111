//! Workflow audits on `fixtures/workflows`: every context class of
//! script injection, persisted credentials with and without a leaking
//! upload, the three dangerous triggers with and without a head checkout,
//! and token permissions per job. Each fires at its exact place, with its
//! severity and confidence; the near misses beside them stay quiet.

mod common;

use common::{check_json, findings};
use serde_json::Value;

/// (slug, file, line, severity, confidence) of the workflow findings.
type Row = (String, String, u64, String, String);

fn rows(report: &Value, slugs: &[&str]) -> Vec<Row> {
    findings(report)
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .filter_map(|f| {
            let slug = f["rule"].as_str()?.strip_prefix("PSCF-SPM-MAR/")?;
            slugs.contains(&slug).then(|| {
                (
                    slug.to_owned(),
                    f["file"].as_str().unwrap_or_default().to_owned(),
                    f["line"].as_u64().unwrap_or_default(),
                    f["severity"].as_str().unwrap_or_default().to_owned(),
                    f["confidence"].as_str().unwrap_or("-").to_owned(),
                )
            })
        })
        .collect()
}

fn r(slug: &str, file: &str, line: u64, severity: &str, confidence: &str) -> Row {
    (
        slug.to_owned(),
        file.to_owned(),
        line,
        severity.to_owned(),
        confidence.to_owned(),
    )
}

const EVENT: &str = ".github/workflows/injection-event.yml";
const INPUTS: &str = ".github/workflows/injection-inputs.yml";
const ACTION: &str = ".github/actions/greet/action.yml";

#[test]
fn script_injection_for_every_context_class() {
    let (_, report) = check_json("workflows", &[]);
    let s = "script-injection";
    #[rustfmt::skip]
    let expected = vec![
        // A composite action's input reaches its `run:`; `$NAME` does not fire.
        r(s, ACTION, 10, "warning", "medium"),
        // Event payload text: titles, bodies, comments, head refs, commit
        // messages and authors, labels, review text, wiki page names.
        r(s, EVENT, 15, "error", "high"),
        r(s, EVENT, 16, "error", "high"),
        r(s, EVENT, 17, "error", "high"),
        r(s, EVENT, 18, "error", "high"),
        r(s, EVENT, 19, "error", "high"),
        r(s, EVENT, 20, "error", "high"),
        r(s, EVENT, 21, "error", "high"),
        r(s, EVENT, 22, "error", "high"),
        r(s, EVENT, 23, "error", "high"),
        r(s, EVENT, 24, "error", "high"),
        // Through job-, workflow- and step-level `env:` into `${{ env.X }}`.
        r(s, EVENT, 25, "error", "high"),
        r(s, EVENT, 26, "error", "high"),
        r(s, EVENT, 29, "error", "high"),
        // `github.base_ref`: medium, one level lower.
        r(s, EVENT, 30, "warning", "medium"),
        // Dispatch and call inputs (strings only), step and job outputs,
        // `$GITHUB_ENV` written from an input, github-script, a matrix
        // built from a job output.
        r(s, INPUTS, 24, "warning", "medium"),
        r(s, INPUTS, 25, "warning", "medium"),
        r(s, INPUTS, 28, "warning", "medium"),
        r(s, INPUTS, 38, "warning", "medium"),
        r(s, INPUTS, 42, "warning", "medium"),
        r(s, INPUTS, 50, "warning", "medium"),
        r(s, INPUTS, 51, "warning", "medium"),
    ];
    assert_eq!(rows(&report, &[s]), expected);
}

#[test]
fn injection_points_at_the_expression_and_names_the_flow() {
    let (_, report) = check_json("workflows", &[]);
    let all = findings(&report);
    let at = |file: &str, line: u64| {
        all.iter()
            .find(|f| {
                f["rule"] == "PSCF-SPM-MAR/script-injection"
                    && f["file"] == file
                    && f["line"] == line
            })
            .cloned()
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
    };
    let job_env = at(EVENT, 25);
    assert_eq!(
        (job_env["column"].as_u64(), job_env["end_column"].as_u64()),
        (Some(20), Some(40))
    );
    assert_eq!(
        job_env["help"],
        "use the variable in the shell as \"$JOB_TITLE\" instead of `${{ env.JOB_TITLE }}`"
    );
    assert!(
        job_env["message"]
            .as_str()
            .is_some_and(|m| m.contains("set from `github.event.issue.title`"))
    );
    let script = at(INPUTS, 42);
    assert_eq!(
        script["help"],
        "pass it through the environment: `env: { MAJOR_VERSION: ${{ github.event.inputs.major_version }} }` and use `process.env.MAJOR_VERSION` in the script"
    );
    // `$GITHUB_ENV` written from an input, at the expression that reads it.
    let via_github_env = at(INPUTS, 38);
    assert_eq!(via_github_env["column"], 32);
}

#[test]
fn near_misses_of_injection_stay_quiet() {
    let (_, report) = check_json("workflows", &[]);
    let lines: Vec<(String, u64)> = rows(&report, &["script-injection"])
        .into_iter()
        .map(|(_, f, l, _, _)| (f, l))
        .collect();
    // Fixed values, booleans, `$X` from the environment, a static `env`.
    for line in 31..=40 {
        assert!(!lines.contains(&(EVENT.to_owned(), line)), "{EVENT}:{line}");
    }
    // A known action's fixed outputs, boolean and choice inputs, a literal
    // written to `$GITHUB_ENV` (same line as a real one: counted once), a
    // static matrix.
    for line in [30, 31, 56] {
        assert!(
            !lines.contains(&(INPUTS.to_owned(), line)),
            "{INPUTS}:{line}"
        );
    }
    assert!(!lines.contains(&(ACTION.to_owned(), 14)));
}

#[test]
fn persisted_credentials_with_and_without_a_leaking_upload() {
    let (_, report) = check_json("workflows", &[]);
    let p = "persisted-credentials";
    let creds = ".github/workflows/credentials.yml";
    #[rustfmt::skip]
    let expected = vec![
        r(p, ACTION, 9, "warning", "-"),
        // `path: .` with an upload-artifact that still uploads hidden files.
        r(p, creds, 9, "error", "-"),
        // `${{ github.workspace }}` with `include-hidden-files: true`.
        r(p, creds, 18, "error", "-"),
        // Uploads of `dist/`, and of `.` by versions that skip `.git`
        // (upload-artifact ≥ 4.4, upload-pages-artifact): a warning only.
        r(p, creds, 28, "warning", "-"),
        r(p, creds, 37, "warning", "-"),
    ];
    let got: Vec<Row> = rows(&report, &[p])
        .into_iter()
        .filter(|(_, f, ..)| f == creds || f == ACTION)
        .collect();
    assert_eq!(got, expected);
    let help = |line: u64| {
        findings(&report)
            .iter()
            .find(|f| {
                f["rule"] == "PSCF-SPM-MAR/persisted-credentials"
                    && f["file"] == creds
                    && f["line"] == line
            })
            .and_then(|f| f["help"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    assert_eq!(
        help(9),
        "add to the checkout step:\nwith:\n  persist-credentials: false"
    );
    assert_eq!(
        help(28),
        "add `persist-credentials: false` under the step's `with:`"
    );
}

#[test]
fn dangerous_triggers_error_with_a_head_checkout_and_note_without() {
    let (_, report) = check_json("workflows", &[]);
    let d = "dangerous-trigger";
    #[rustfmt::skip]
    let expected = vec![
        r(d, ".github/workflows/comment-head.yml", 16, "error", "-"),
        r(d, ".github/workflows/comment-safe.yml", 2, "note", "-"),
        r(d, ".github/workflows/pr-target-head.yml", 11, "error", "-"),
        r(d, ".github/workflows/pr-target-safe.yml", 3, "note", "-"),
        r(d, ".github/workflows/run-head.yml", 14, "error", "-"),
        r(d, ".github/workflows/run-safe.yml", 3, "note", "-"),
    ];
    assert_eq!(rows(&report, &[d]), expected);
    let message = findings(&report)
        .iter()
        .find(|f| f["rule"] == "PSCF-SPM-MAR/dangerous-trigger" && f["line"] == 16)
        .and_then(|f| f["message"].as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "`issue_comment` workflow checks out the pull request's code (`gh pr checkout`)"
        ),
        "{message}"
    );
}

#[test]
fn permissions_per_job_and_at_the_write_scope() {
    let (_, report) = check_json("workflows", &[]);
    let w = "workflow-permissions";
    #[rustfmt::skip]
    let expected = vec![
        // The job that gets the default token, not line 1; the reusable
        // workflow it calls has no finding of its own.
        r(w, ".github/workflows/perms-default.yml", 10, "warning", "-"),
        r(w, ".github/workflows/perms-default.yml", 14, "warning", "-"),
        // `issues: write` on its own line (5), not at `contents: read` (4);
        // the single-job workflow's write scope is not reported.
        r(w, ".github/workflows/perms-multi.yml", 5, "warning", "-"),
    ];
    assert_eq!(rows(&report, &[w]), expected);
}

#[test]
fn json_and_sarif_carry_the_confidence() {
    let (_, report) = check_json("workflows", &[]);
    let unpinned = findings(&report)
        .into_iter()
        .find(|f| f["rule"] == "PSCF-SPM-MAR/workflow-permissions")
        .unwrap_or_default();
    assert!(unpinned["confidence"].is_null());
    let run = common::run(&["check", "fixtures/workflows", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let precision = |line: u64| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == "PSCF-SPM-MAR/script-injection"
                    // SARIF paths are from the repository's top.
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        == format!("fixtures/workflows/{EVENT}")
                    && r["locations"][0]["physicalLocation"]["region"]["startLine"] == line
            })
            .map(|r| r["properties"]["precision"].clone())
            .unwrap_or_default()
    };
    assert_eq!(precision(15), "high");
    assert_eq!(precision(30), "medium");
    let schema: Value =
        serde_json::from_str(&common::read("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap_or_default();
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        validator.is_valid(&sarif),
        "SARIF with result properties stays valid"
    );
}
