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
