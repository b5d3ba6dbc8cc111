//! One scan, several outputs: `--write FORMAT=FILE` and `--github-output`.

mod common;

use common::run;

const VIOLATIONS: &str = "fixtures/cargo-violations";

fn path_arg(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn one_scan_writes_every_report_and_the_step_outputs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sarif, markdown, outputs) = (
        path_arg(&dir, "pscf-lint.sarif"),
        path_arg(&dir, "summary.md"),
        path_arg(&dir, "github-output"),
    );
    std::fs::write(&outputs, "earlier=1\n").unwrap_or_else(|e| panic!("{e}"));
    let r = run(&[
        "check",
        VIOLATIONS,
        "--format",
        "github",
        "--write",
        &format!("sarif={sarif}"),
        "--write",
        &format!("markdown={markdown}"),
        "--github-output",
        &outputs,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Each file is what the format alone prints.
    let alone = |format: &str| run(&["check", VIOLATIONS, "--format", format]).stdout;
    assert_eq!(r.stdout, alone("github"));
    assert_eq!(read(&sarif), alone("sarif"));
    assert_eq!(read(&markdown), alone("markdown"));
    assert_eq!(
        read(&outputs),
        format!(
            "earlier=1\nfindings=20\nerrors=8\nwarnings=8\nnotes=4\nexit-code=1\nsarif-file={sarif}\n"
        )
    );
}

#[test]
fn a_passing_repository_reports_its_note_and_no_sarif_file_output() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outputs = path_arg(&dir, "github-output");
    let r = run(&[
        "check",
        "fixtures/cargo-clean",
        "--write",
        &format!("json={}", path_arg(&dir, "r.json")),
        "--github-output",
        &outputs,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(&outputs),
        // The one note says what the fixture's config switches off.
        "findings=1\nerrors=0\nwarnings=0\nnotes=1\nexit-code=0\n"
    );
}

#[test]
fn the_primary_sarif_output_is_the_sarif_file_output() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sarif, outputs) = (path_arg(&dir, "a.sarif"), path_arg(&dir, "out"));
    let r = run(&[
        "check",
        "fixtures/cargo-clean",
        "--format",
        "sarif",
        "--output",
        &sarif,
        "--github-output",
        &outputs,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&outputs).ends_with(&format!("exit-code=0\nsarif-file={sarif}\n")));
}

#[test]
fn an_unwritable_file_exits_2_after_writing_the_others() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (json, outputs) = (path_arg(&dir, "r.json"), path_arg(&dir, "out"));
    let missing = path_arg(&dir, "no/such/dir/r.sarif");
    let r = run(&[
        "check",
        VIOLATIONS,
        "--write",
        &format!("sarif={missing}"),
        "--write",
        &format!("json={json}"),
        "--github-output",
        &outputs,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "error: cannot write the sarif report to `{missing}`"
        )),
        "{}",
        r.stderr
    );
    assert!(read(&json).contains("\"findings\""));
    assert!(
        read(&outputs).ends_with("exit-code=2\n"),
        "no sarif-file: it was not written"
    );
}

/// More than ten of a kind: the most severe ten of each, then one line
/// that counts the rest (GitHub would drop them without a word).
#[test]
fn github_annotations_are_capped() {
    let r = run(&["check", "fixtures/workflows", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn usage_errors_exit_2() {
    for (args, message) in [
        (vec!["--write", "sarif"], "expected FORMAT=FILE"),
        (vec!["--write", "pdf=x.pdf"], "unknown format `pdf`"),
        (
            vec!["--output", "same", "--write", "json=same"],
            "`same` is named by more than one --output/--write",
        ),
    ] {
        let mut all = vec!["check", "fixtures/cargo-clean"];
        all.extend(args);
        let r = run(&all);
        assert_eq!(r.code, 2, "{all:?}");
        assert!(r.stderr.contains(message), "{all:?}: {}", r.stderr);
    }
}
