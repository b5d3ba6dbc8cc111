//! The progress bar appears only on a terminal's stderr: runs whose stderr
//! is a pipe or a file (CI logs, `2>file`) get none, and no output ever
//! carries one.

mod common;

use common::run;

/// What a bar would leave: carriage returns, cursor movement, its labels.
fn has_progress(stderr: &str) -> bool {
    stderr.contains('\r')
        || stderr.contains("\u{1b}[")
        || stderr.contains("scanning files")
        || stderr.contains("reading history")
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    // The largest tree at hand, and the project's own history.
    for args in [
        vec!["check", "fixtures", "--format", "json"],
        vec!["check", "fixtures"],
        vec!["inventory", "fixtures", "--format", "cyclonedx"],
        vec!["metrics", ".", "--format", "json"],
    ] {
        let r = run(&args);
        assert!(!has_progress(&r.stderr), "{args:?}: {:?}", r.stderr);
        assert!(!has_progress(&r.stdout), "{args:?}");
    }
}

/// `script` (util-linux) runs a command on a pseudo-terminal.
fn script_available() -> bool {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A tree large enough that a debug build scans it for over a second.
fn large_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for d in 0..250 {
        let sub = dir.path().join(format!("d{d}"));
        std::fs::create_dir(&sub).unwrap_or_else(|e| panic!("{e}"));
        for f in 0..100 {
            std::fs::write(sub.join(format!("f{f}.js")), format!("const x = {f};\n"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    dir
}

/// On a terminal, a long run shows the bar on stderr and clears it; the
/// report written to a file is the same as without a terminal.
#[test]
fn a_long_run_on_a_terminal_shows_a_bar_on_stderr_only() {
    if !script_available() {
        eprintln!("skipped: no `script` to give the run a terminal");
        return;
    }
    let tree = large_tree();
    let out_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bin = assert_cmd::cargo::cargo_bin("pscf-lint");
    let on_tty = out_dir.path().join("tty.json");
    let command = |quiet: &str, output: &std::path::Path| {
        format!(
            "{} check {} --format json {quiet} -o {}",
            bin.display(),
            tree.path().display(),
            output.display()
        )
    };
    let terminal = std::process::Command::new("script")
        .args(["-qfec", &command("", &on_tty), "/dev/null"])
        .env("PSCF_LINT_TODAY", common::TODAY)
        // The scan can finish before the default delay: show it at once.
        .env("PSCF_LINT_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let shown = String::from_utf8_lossy(&terminal.stdout);
    assert!(shown.contains("scanning files"), "{shown:?}");
    // The bar is cleared at the end: the last thing drawn erases the line.
    assert!(
        shown.trim_end_matches(['\r', '\n']).ends_with("\u{1b}[2K"),
        "{shown:?}"
    );
    let piped = run(&[
        "check",
        &tree.path().display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(
        std::fs::read_to_string(&on_tty).unwrap_or_default(),
        piped.stdout
    );
    // `--quiet` keeps even a terminal free of it.
    let quiet_out = out_dir.path().join("quiet.json");
    let quiet = std::process::Command::new("script")
        .args(["-qfec", &command("--quiet", &quiet_out), "/dev/null"])
        .env("PSCF_LINT_TODAY", common::TODAY)
        .env("PSCF_LINT_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!has_progress(&String::from_utf8_lossy(&quiet.stdout)));
}
