//! `pscf-lint init`: a starter policy from what the repository holds, that
//! validates and runs, and never overwrites a config unless told to.

mod common;

use std::path::Path;

use common::run;

/// A copy of a fixture in a temporary directory (outside this project's
/// git repository, so it is checked as a repository of its own).
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy_dir(&common::root().join("fixtures").join(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap_or_else(|e| panic!("{e}"));
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

fn path(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

#[test]
fn the_starter_names_ecosystems_product_and_owner_and_validates() {
    let dir = copy_fixture("rc-polyglot");
    std::fs::remove_file(dir.path().join(".pscf-lint.yaml")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("CODEOWNERS"), "* @acme/platform\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let r = run(&["init", &path(&dir)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.path().join(".pscf-lint.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    for expected in [
        "extends: [builtin:pscf-spm]",
        "# Ecosystems found: JavaScript (npm, pnpm, Yarn), Python (PyPI), Go modules, GitHub Actions, container images.",
        "owner: \"acme/platform\"",
        "#     - purl: pkg:npm/request",
        "#     - purl: pkg:pypi/pycrypto",
        "# exceptions:",
        "# contexts:",
        "# services:",
        "# requirements:",
        "# rules:",
        "# metrics:",
    ] {
        assert!(
            written.contains(expected),
            "missing {expected:?} in\n{written}"
        );
    }
    let file = dir.path().join(".pscf-lint.yaml").display().to_string();
    let v = run(&["policy", "validate", &file]);
    assert_eq!(v.code, 0, "{}\n{written}", v.stderr);
    // `check` runs with it: findings, perhaps, but no policy error.
    let c = run(&["check", &path(&dir), "--format", "json"]);
    assert!(c.code == 0 || c.code == 1, "{}", c.stderr);
    let report: serde_json::Value = serde_json::from_str(&c.stdout).unwrap_or_default();
    assert_eq!(report["kind"], "report");
}

#[test]
fn the_product_is_named_by_its_descriptor_or_manifest() {
    let r = run(&["init", "fixtures/cargo-clean", "--stdout"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("  name: \"clean-app\""), "{}", r.stdout);
    assert!(
        r.stdout.contains("# Ecosystems found: Rust (Cargo).\n"),
        "{}",
        r.stdout
    );
    // Nothing of any ecosystem, and a manifest without dependencies.
    let r = run(&["init", "fixtures/pom-missing", "--stdout"]);
    assert!(r.stdout.contains("# Found no manifest"), "{}", r.stdout);
    let bare = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        bare.path().join("Cargo.toml"),
        "[package]\nname = \"bare\"\nversion = \"0.1.0\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run(&["init", &path(&bare), "--stdout"]);
    assert!(
        r.stdout.contains("# Ecosystems found: Rust (Cargo).\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  name: \"bare\""), "{}", r.stdout);
    // With catalog-info.yaml, the descriptor is left to it.
    let r = run(&["init", "fixtures/pom-clean", "--stdout"]);
    assert!(
        r.stdout.contains("#   name: \"payments-api\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("#   owner: \"acme/payments\""),
        "{}",
        r.stdout
    );
    // `--stdout` prints a policy that validates, from standard input too.
    let out = common::pscf_lint()
        .args(["policy", "validate", "-"])
        .write_stdin(r.stdout)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_existing_config_is_kept_unless_forced() {
    let dir = copy_fixture("cargo-clean");
    let config = dir.path().join(".pscf-lint.yaml");
    let before = std::fs::read_to_string(&config).unwrap_or_default();
    let r = run(&["init", &path(&dir)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("already exists") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap_or_default(), before);
    let r = run(&["init", &path(&dir), "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = std::fs::read_to_string(&config).unwrap_or_default();
    assert!(after.contains("written by `pscf-lint init`"));
    assert_eq!(
        run(&["policy", "validate", &config.display().to_string()]).code,
        0
    );
}

#[cfg(unix)]
#[test]
fn a_planted_symlink_is_never_written_through() {
    let dir = copy_fixture("pom-missing");
    let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep\n").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&victim, dir.path().join(".pscf-lint.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = run(&["init", &path(&dir), "--force"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap_or_default(),
        "keep\n"
    );
}

/// The starter with every commented example switched on: a comment line
/// whose text is a key (`# rules:`) or indented YAML (`#   - id: sast`).
fn uncommented(starter: &str) -> String {
    let is_key = |rest: &str| {
        rest.split_once(':').is_some_and(|(key, _)| {
            !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        })
    };
    starter
        .lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("# ")
                && (is_key(rest) || rest.starts_with(' '))
            {
                return rest.to_owned();
            }
            if let Some(rest) = line.strip_prefix("  # ")
                && is_key(rest)
            {
                return format!("  {rest}");
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every example the starter shows is itself valid: switching all of
/// them on still passes `policy validate`.
#[test]
fn every_commented_example_is_valid_policy() {
    for fixture in ["pom-missing", "pom-clean", "rc-polyglot", "cargo-clean"] {
        let r = run(&["init", &format!("fixtures/{fixture}"), "--stdout"]);
        assert_eq!(r.code, 0, "{fixture}: {}", r.stderr);
        let all_on = uncommented(&r.stdout);
        for section in [
            "\ncomponents:",
            "\nrequirements:",
            "\nservices:",
            "\nrules:",
            "\nexceptions:",
            "\ncontexts:",
            "\nmetrics:",
            "\ninline-suppressions:",
            "\nexclude:",
        ] {
            assert!(
                all_on.contains(section),
                "{fixture}: {section} in\n{all_on}"
            );
        }
        let out = common::pscf_lint()
            .args(["policy", "validate", "-"])
            .write_stdin(all_on.clone())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{fixture}: {}\n{all_on}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
