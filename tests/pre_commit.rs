//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real
//! `pre-commit try-repo` on fixture repositories copied to a fresh git
//! repository. Needs `pre-commit` on PATH (`pip install pre-commit`), so it
//! is ignored by default: `cargo test --test pre_commit -- --ignored`.

mod common;

use std::path::Path;
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .status()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(status.success(), "git {args:?}");
}

/// `pre-commit try-repo THIS-PROJECT pscf-lint-system --all-files` in a
/// copy of `fixture`, with the test binary as the installed `pscf-lint`.
fn try_repo(fixture: &str) -> (i32, String) {
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let repo = temp.path().join("repo");
    copy_tree(&common::root().join("fixtures").join(fixture), &repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "fixture"]);
    let bin = temp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_pscf-lint"), bin.join("pscf-lint"))
        .unwrap_or_else(|e| panic!("{e}"));
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("pre-commit")
        .args(["try-repo"])
        .arg(common::root())
        .args(["pscf-lint-system", "--all-files", "--color", "never"])
        .current_dir(&repo)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", temp.path().join("pre-commit-home"))
        .env("PSCF_LINT_TODAY", common::TODAY)
        .env("CARGO_HOME", common::root().join("fixtures/cargo-home"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap_or_else(|e| panic!("pre-commit (pip install pre-commit): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
#[ignore = "needs pre-commit on PATH"]
fn the_system_hook_passes_on_a_passing_repository() {
    let (code, text) = try_repo("cargo-clean");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(
            "pscf-lint (installed)....................................................Passed"
        ),
        "{text}"
    );
}

#[test]
#[ignore = "needs pre-commit on PATH"]
fn the_system_hook_fails_and_shows_the_findings() {
    let (code, text) = try_repo("rss-bare");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "pscf-lint (installed)....................................................Failed"
        ),
        "{text}"
    );
    assert!(text.contains("- exit code: 1"), "{text}");
    assert!(text.contains("error[PSCF-SPM-RSS/"), "{text}");
}
