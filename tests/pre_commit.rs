//! The pre-commit hooks of `.pre-commit-hooks.yaml`: their definitions, and
//! runs of the real `pre-commit try-repo` on fixture repositories copied to
//! a fresh git repository. Those need `pre-commit` on PATH (`pip install
//! pre-commit`), so they are ignored by default:
//! `cargo test --test pre_commit -- --ignored`.

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

#[derive(serde::Deserialize)]
struct Hook {
    id: String,
    entry: String,
    language: String,
    pass_filenames: bool,
    files: String,
    always_run: Option<bool>,
}

fn hooks() -> Vec<Hook> {
    serde_saphyr::from_str(&common::read(".pre-commit-hooks.yaml"))
        .unwrap_or_else(|e| panic!(".pre-commit-hooks.yaml: {e}"))
}

/// `files:` must name what pscf-lint reads (one example per kind of
/// `src/discover.rs`, and the evidence files), and nothing else.
#[test]
fn hooks_run_only_when_a_file_pscf_lint_reads_changes() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["pscf-lint", "pscf-lint-system"]);
    for hook in &hooks {
        assert_eq!(hook.entry, "pscf-lint check .");
        assert!(!hook.pass_filenames && hook.always_run.is_none());
        assert_eq!(hook.files, hooks[0].files);
    }
    assert_eq!(hooks[0].language, "rust");
    assert_eq!(hooks[1].language, "system");
    // pre-commit searches the regex in each path, as `is_match` does.
    let files = regex::Regex::new(&hooks[0].files).unwrap_or_else(|e| panic!("files: {e}"));
    for path in [
        "Cargo.toml",
        "crates/a/Cargo.lock",
        "web/package.json",
        "web/npm-shrinkwrap.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "go.mod",
        "go.sum",
        ".github/workflows/ci.yaml",
        ".github/actions/greet/action.yml",
        "action.yml",
        "Dockerfile",
        "svc/api.Dockerfile",
        "Dockerfile.prod",
        "Containerfile",
        "compose.yaml",
        "deploy/docker-compose.prod.yml",
        "deploy/.env",
        "requirements.txt",
        "requirements/dev.txt",
        "api/requirements-test.txt",
        "constraints.txt",
        "pyproject.toml",
        "Pipfile",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "src/main.rs",
        "tools/src/bin/gen.rs",
        ".pre-commit-config.yaml",
        ".github/dependabot.yml",
        ".pscf-lint.yaml",
        "pscf-lint.yaml",
        "catalog-info.yaml",
        ".github/security-insights.yml",
        ".github/CODEOWNERS",
        "docs/SECURITY.md",
        "coverage/lcov.info",
        "reports/cobertura-coverage.xml",
        "target/junit-report.xml",
        "scan/results.sarif",
    ] {
        assert!(files.is_match(path), "{path} should run the hook");
    }
    for path in [
        "README.md",
        "src/lib.rs",
        "Cargo.toml.bak",
        "sub/.github/workflows/ci.yml",
        "prod.env",
    ] {
        assert!(!files.is_match(path), "{path} should not run the hook");
    }
}
