//! Hostile repositories: everything in a scanned tree, its
//! `.pscf-lint.yaml` included, is written by a possible attacker. Each case
//! builds such a tree in a temporary directory and asserts the outcome — a
//! finding or a clear error, within a time and memory bound, with no panic,
//! no leak and no hang. The sizes here keep CI fast; `cargo test --test
//! hostile -- --ignored` runs the full sizes the issue measured.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

/// What a hostile file plants, and what must never be printed.
const MARKER: &str = "HOSTILE7f3aMARKER";

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        Tree {
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")),
        }
    }

    /// The scanned root (a subdirectory, so that `..` has somewhere to go).
    fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// Outside the scanned root.
    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(rel);
        write_file(&path, content.as_ref());
        path
    }

    fn write_outside(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.outside().join(rel);
        write_file(&path, content.as_ref());
        path
    }
}

fn write_file(path: &Path, content: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    fn assert_no_leak(&self) {
        assert!(!self.all().contains(MARKER), "leaked:\n{}", self.all());
    }
}

/// Runs the real binary under a time limit and an address-space limit
/// (`ulimit -v`, so an allocation past it fails instead of swapping).
fn bounded(args: &[&str], secs: u64, mib: u64) -> Outcome {
    let bin = assert_cmd::cargo::cargo_bin("pscf-lint");
    let script = format!("ulimit -v {}; exec \"$0\" \"$@\"", mib * 1024);
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(bin)
        .args(args)
        .env("PSCF_LINT_TODAY", common::TODAY)
        .env("CARGO_HOME", common::root().join("fixtures/cargo-home"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR")
        .timeout(Duration::from_secs(secs));
    let output = cmd.output().unwrap_or_else(|e| panic!("run: {e}"));
    let outcome = Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        outcome.code.is_some(),
        "killed (time limit {secs} s or a crash): {:?}\n{}",
        output.status,
        outcome.stderr
    );
    assert_ne!(outcome.code, Some(101), "panicked:\n{}", outcome.stderr);
    outcome
}

/// `check ROOT` with the usual bounds, in any extra arguments.
fn check(root: &Path, extra: &[&str]) -> Outcome {
    let root = root.to_string_lossy().into_owned();
    let mut args = vec!["check", root.as_str()];
    args.extend_from_slice(extra);
    bounded(&args, 60, 2048)
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"].is_null())
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect()
}

fn has_rule(report: &Value, rule: &str) -> bool {
    rules_of(report).iter().any(|r| r == rule)
}

fn status(report: &Value, capability: &str) -> String {
    report["summary"]["capabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == capability)
        .and_then(|c| c["status"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(status.status.success(), "git {args:?}: {:?}", status);
}

// 1. The repository's config cannot read files outside it.

#[test]
fn config_cannot_read_or_print_files_outside_the_repository() {
    let t = Tree::new();
    let secret = t.write_outside("secret.yaml", format!("fail-on: never\n# {MARKER}\n"));
    t.write_outside("shadow", format!("root:{MARKER}:19000:0:99999:7:::\n"));
    let cases = [
        "extends: [/proc/self/environ]\n".to_owned(),
        "extends: [../outside/shadow]\n".to_owned(),
        format!("extends: [{}]\n", secret.display()),
        "extends: [../../../../../../etc/passwd]\n".to_owned(),
        "components:\n  advisories: { osv: ../outside }\n".to_owned(),
    ];
    for config in cases {
        t.write(".pscf-lint.yaml", &config);
        let mut cmd_env = check(&t.root(), &[]);
        if config.contains("environ") {
            cmd_env = {
                let root = t.root().to_string_lossy().into_owned();
                let bin = assert_cmd::cargo::cargo_bin("pscf-lint");
                let out = Command::new(bin)
                    .args(["check", &root])
                    .env("RUNNER_SECRET", MARKER)
                    .output()
                    .unwrap_or_else(|e| panic!("{e}"));
                Outcome {
                    code: out.status.code(),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
            };
        }
        assert_eq!(cmd_env.code, Some(2), "{config}: {}", cmd_env.all());
        cmd_env.assert_no_leak();
        assert!(
            cmd_env.stderr.contains("outside the repository")
                || cmd_env.stderr.contains("absolute path"),
            "{config}: {}",
            cmd_env.stderr
        );
    }
}

#[test]
fn a_symlinked_config_or_extends_is_refused() {
    let t = Tree::new();
    let secret = t.write_outside("token.txt", format!("{MARKER}\n"));
    std::fs::create_dir_all(t.root()).unwrap_or_else(|e| panic!("{e}"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, t.root().join(".pscf-lint.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let r = check(&t.root(), &[]);
        assert_eq!(r.code, Some(2), "{}", r.all());
        assert!(r.stderr.contains("symlink"), "{}", r.stderr);
        r.assert_no_leak();
        std::fs::remove_file(t.root().join(".pscf-lint.yaml")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(t.outside(), t.root().join("org"))
            .unwrap_or_else(|e| panic!("{e}"));
        t.write(".pscf-lint.yaml", "extends: [org/token.txt]\n");
        let r = check(&t.root(), &[]);
        assert_eq!(r.code, Some(2), "{}", r.all());
        assert!(r.stderr.contains("symlink"), "{}", r.stderr);
        r.assert_no_leak();
    }
}

#[test]
fn a_file_that_is_not_a_policy_is_never_shown() {
    let t = Tree::new();
    t.write("deploy/.env", format!("API_TOKEN={MARKER}\n"));
    t.write(
        "k8s/secret.yaml",
        format!("apiVersion: v1\nkind: Secret\ndata:\n  token: {MARKER}\n"),
    );
    for target in ["deploy/.env", "k8s/secret.yaml"] {
        t.write(".pscf-lint.yaml", format!("extends: [{target}]\n"));
        let r = check(&t.root(), &[]);
        assert_eq!(r.code, Some(2), "{}", r.all());
        assert!(
            r.stderr.contains("is not a pscf-lint policy"),
            "{}",
            r.stderr
        );
        r.assert_no_leak();
    }
}

// 3. Nothing hangs on a FIFO or a never-ending input.

#[cfg(unix)]
#[test]
fn fifos_and_devices_never_hang() {
    let t = Tree::new();
    std::fs::create_dir_all(t.root()).unwrap_or_else(|e| panic!("{e}"));
    let fifo = t.root().join("policy.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for target in ["policy.fifo", "/dev/stdin", "/dev/zero"] {
        t.write(".pscf-lint.yaml", format!("extends: [{target}]\n"));
        let r = bounded(&["check", &t.root().to_string_lossy()], 20, 1024);
        assert_eq!(r.code, Some(2), "{target}: {}", r.all());
    }
    // A FIFO in the tree is reported, never opened.
    std::fs::remove_file(t.root().join(".pscf-lint.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let lock = t.root().join("Cargo.lock");
    let made = Command::new("mkfifo").arg(&lock).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    t.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
    );
    t.write("src/main.rs", "fn main() {}\n");
    let r = bounded(
        &["check", &t.root().to_string_lossy(), "-f", "json"],
        20,
        1024,
    );
    let report = r.json();
    let skipped: Vec<_> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "pscf-lint/file-skipped")
        .collect();
    assert!(
        skipped
            .iter()
            .any(|f| f["file"] == "Cargo.lock" && f["severity"] == "error"),
        "{report}"
    );
    assert!(
        !has_rule(&report, "PSCF-SPM-MAR/lockfile-missing"),
        "{report}"
    );
}

// 4. A workflow made unparsable on purpose fails the gate.

#[test]
fn an_unparsable_workflow_is_an_error_and_mar_cannot_pass() {
    let t = Tree::new();
    let mut padding = String::from(
        "on: pull_request_target\npermissions: write-all\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n    env:\n",
    );
    for i in 0..300_000 {
        padding.push_str(&format!("      K{i}: [1, 2]\n"));
    }
    t.write(".github/workflows/pwn.yml", padding);
    let r = check(&t.root(), &["-f", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let report = r.json();
    let parse = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "pscf-lint/parse-error");
    assert_eq!(
        parse.map(|f| f["severity"].clone()),
        Some(Value::from("error")),
        "{report}"
    );
    assert_eq!(status(&report, "PSCF-SPM-MAR"), "fail");
}

// 5. The repository's ignore files do not hide what it commits.

#[test]
fn ignore_files_do_not_hide_tracked_files() {
    let t = Tree::new();
    t.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
    );
    t.write("src/main.rs", "fn main() {}\n");
    t.write(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n",
    );
    let key = format!("aws_key = \"{}{}\"\n", "AKIA", "Q3ZT7WJ2KXNB4MRD");
    t.write("conf/keys.cfg", key);
    t.write(".gitignore", "Cargo.lock\nconf/\n");
    t.write(".ignore", "*.cfg\n");
    git(&t.root(), &["init", "-q"]);
    git(&t.root(), &["add", "-f", "."]);
    let r = check(&t.root(), &["-f", "json"]);
    let report = r.json();
    assert!(
        !has_rule(&report, "PSCF-SPM-MAR/lockfile-missing"),
        "{report}"
    );
    assert!(
        has_rule(&report, "PSCF-SPM-MAR/hardcoded-secret"),
        "{report}"
    );
    // Untracked files still follow the ignore files.
    t.write(
        "conf/new.cfg",
        format!("k = \"{}{}\"\n", "AKIA", "Q3ZT7WJ2KXNB4MRE"),
    );
    let r = check(&t.root(), &["-f", "json"]);
    let secrets = rules_of(&r.json())
        .into_iter()
        .filter(|r| r == "PSCF-SPM-MAR/hardcoded-secret")
        .count();
    assert_eq!(secrets, 1);
}

#[test]
fn paths_are_given_from_the_repository_top() {
    let t = Tree::new();
    t.write("services/api/Dockerfile", "FROM alpine\n");
    git(&t.root(), &["init", "-q"]);
    git(&t.root(), &["add", "."]);
    let sub = t.root().join("services/api");
    let r = check(&sub, &["-f", "github"]);
    assert!(
        r.stdout.contains("file=services/api/Dockerfile,line=1"),
        "{}",
        r.stdout
    );
}

// 6. Long lines cost linear time, in every format.

fn long_lines(scale: usize, secs: u64) {
    let t = Tree::new();
    t.write("a.yml", format!("url: {}\n", "http://x.io/ ".repeat(scale)));
    // A key id that passes every shape test, so that each one searches
    // for its secret (an id like ABCDEFGH… is dropped before that).
    let aws = format!("{}{} ", "AKIA", "Q3ZT7WJ2KXNB4MRD");
    t.write("keys.txt", aws.repeat(scale / 2));
    let mut lock = String::from(
        "{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\"}",
    );
    for i in 0..scale / 10 {
        lock.push_str(&format!(
            ",\"node_modules/p{i}\":{{\"version\":\"1.0.0\",\"resolved\":\"http://registry.example.net/p{i}.tgz\"}}"
        ));
    }
    lock.push_str("}}");
    t.write("package-lock.json", lock);
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let root = t.root().to_string_lossy().into_owned();
        let r = bounded(&["check", &root, "-f", format], secs, 2048);
        assert_eq!(r.code, Some(1), "{format}: {}", r.stderr);
        assert!(
            r.stdout.len() < 4 << 20,
            "{format}: {} bytes",
            r.stdout.len()
        );
    }
}

#[test]
fn long_lines_are_linear() {
    long_lines(200_000, 60);
}

#[test]
#[ignore = "full size: 10 MB lines"]
fn long_lines_are_linear_full_size() {
    long_lines(800_000, 120);
}

// 7. Policy patterns cannot make findings without bound.

#[test]
fn empty_matches_and_huge_patterns_are_bounded() {
    let t = Tree::new();
    t.write("big.txt", "a".repeat(5 << 20));
    t.write(
        ".pscf-lint.yaml",
        "requirements:\n  - id: nothing\n    files: big.txt\n    assert: { not-matches: \"\" }\n    message: m\n  - id: stars\n    files: big.txt\n    assert: { not-matches: \"a\" }\n    message: m\n",
    );
    let r = bounded(
        &["check", &t.root().to_string_lossy(), "-f", "json"],
        60,
        1024,
    );
    let report = r.json();
    let n = rules_of(&report)
        .iter()
        .filter(|r| r.as_str() == "PSCF-SPM-MAR/stars")
        .count();
    assert_eq!(n, 101, "100 listed and one that counts the rest");
    assert!(!has_rule(&report, "PSCF-SPM-MAR/nothing"));
    let huge = format!(
        "requirements:\n  - id: huge\n    files: big.txt\n    assert: {{ matches: \"{}\" }}\n    message: m\n",
        "(a|b)".repeat(200_000)
    );
    t.write(".pscf-lint.yaml", huge);
    let r = bounded(&["check", &t.root().to_string_lossy()], 60, 1024);
    assert_eq!(r.code, Some(2), "{}", r.all());
}

// 8. Zip bombs through the OSV database.

/// A stored zip whose central directory lists `entries` entries that all
/// point at one local file (the non-recursive zip bomb's trick).
fn overlapping_zip(entries: usize) -> Vec<u8> {
    let name = b"a.json";
    let data = vec![b' '; 1 << 16];
    let crc = crc32(&data);
    let mut out = Vec::new();
    let local = |out: &mut Vec<u8>| {
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
    };
    local(&mut out);
    out.extend_from_slice(&data);
    let cd_start = out.len();
    for i in 0..entries {
        let entry_name = format!("{i:08}.json");
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(entry_name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(entry_name.as_bytes());
    }
    let cd_len = out.len() - cd_start;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(entries as u16).to_le_bytes());
    out.extend_from_slice(&(cd_len as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn zip_bombs_in_the_osv_database_are_refused_fast() {
    let t = Tree::new();
    t.write("osv.zip", overlapping_zip(20_000));
    t.write(
        ".pscf-lint.yaml",
        "components:\n  advisories: { osv: osv.zip }\n",
    );
    let r = bounded(&["check", &t.root().to_string_lossy()], 20, 1024);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(r.stderr.contains("share compressed data"), "{}", r.stderr);
}

// 9. Paths that look alike or are not UTF-8.

#[cfg(unix)]
#[test]
fn look_alike_and_non_utf8_names_do_not_crash_any_format() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    let body =
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n";
    t.write("a/x.yml", body);
    t.write("a\\x.yml", format!("#\n#\n#\n{body}"));
    for bad in [&b"\xfe.yml"[..], &b"\xff.yml"[..]] {
        let path = t.root().join(std::ffi::OsStr::from_bytes(bad));
        write_file(&path, body.as_bytes());
    }
    t.write(".github/workflows/a.yml", body);
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let r = bounded(
            &["check", &t.root().to_string_lossy(), "-f", format],
            20,
            1024,
        );
        assert_eq!(r.code, Some(1), "{format}: {}", r.all());
    }
    let report = check(&t.root(), &["-f", "json"]).json();
    let skipped = rules_of(&report)
        .iter()
        .filter(|r| *r == "pscf-lint/file-skipped")
        .count();
    assert_eq!(skipped, 2, "{report}");
}

// 10. Deep `extends` chains.

#[test]
fn long_extends_chains_are_an_error_not_a_stack_overflow() {
    let t = Tree::new();
    for i in 0..6000 {
        t.write(
            &format!("p/{i}.yaml"),
            format!("extends: [{}.yaml]\n", i + 1),
        );
    }
    t.write("p/6000.yaml", "fail-on: error\n");
    t.write(".pscf-lint.yaml", "extends: [p/0.yaml]\n");
    let r = check(&t.root(), &[]);
    assert_eq!(r.code, Some(2), "{}", r.all());
    assert!(r.stderr.contains("nests more than"), "{}", r.stderr);
}

// 11. Total memory stays bounded by the largest file, not all of them.

fn big_uv_locks(packages: usize, files: usize, mib: u64) {
    let t = Tree::new();
    let mut lock = String::from("version = 1\n");
    for i in 0..packages {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"pkg{i}\"\nversion = \"1.0.0\"\nsource = {{ registry = \"https://pypi.org/simple\" }}\nsdist = {{ url = \"https://files.pythonhosted.org/p/pkg{i}-1.0.tar.gz\", hash = \"sha256:{}\", size = 1 }}\n",
            "a".repeat(64)
        ));
    }
    for f in 0..files {
        t.write(&format!("p{f}/uv.lock"), &lock);
        t.write(
            &format!("p{f}/pyproject.toml"),
            "[project]\nname = \"x\"\nversion = \"1\"\n",
        );
    }
    let r = bounded(
        &["check", &t.root().to_string_lossy(), "-f", "json"],
        120,
        mib,
    );
    assert!(r.code == Some(0) || r.code == Some(1), "{}", r.stderr);
}

#[test]
fn big_lockfiles_take_bounded_memory() {
    // About 8 MB of uv.lock, twice, under 768 MiB of address space (the
    // limit counts every thread's reserved stack too).
    big_uv_locks(30_000, 2, 768);
}

#[test]
#[ignore = "full size: eight 60 MB uv.lock files"]
fn big_lockfiles_take_bounded_memory_full_size() {
    big_uv_locks(230_000, 8, 4096);
}

// 12. Exceptions × findings is not quadratic.

#[test]
fn many_exceptions_over_many_findings_stay_fast() {
    let t = Tree::new();
    let urls: String = (0..100)
        .map(|i| format!("u{i}: http://h{i}.corp.net/\n"))
        .collect();
    for f in 0..200 {
        t.write(&format!("c/{f}.yaml"), &urls);
    }
    let mut config = String::from("extends: [builtin:pscf-spm]\nexceptions:\n");
    for i in 0..5000 {
        config.push_str(&format!(
            "  - rule: PSCF-SPM-MAR/insecure-transport\n    path: \"nowhere/{i}/*.yaml\"\n    reason: r\n"
        ));
    }
    t.write(".pscf-lint.yaml", config);
    let r = bounded(
        &["check", &t.root().to_string_lossy(), "-f", "json"],
        60,
        2048,
    );
    let n = rules_of(&r.json())
        .iter()
        .filter(|r| *r == "PSCF-SPM-MAR/insecure-transport")
        .count();
    assert_eq!(n, 20_000);
}

// 13. Nothing from the repository reaches a log or terminal raw.

#[cfg(unix)]
#[test]
fn control_characters_never_reach_any_output() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    t.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: \"x/y@v1\\n::error file=a::pwned\\u001b]0;title\\u0007\"\n",
    );
    let name = std::ffi::OsStr::from_bytes(b"evil\n::warning ::x\x1b[2J.yml");
    let path = t.root().join("deploy").join(name);
    write_file(&path, b"url: http://evil.corp.net/\x1b[31mred\n");
    t.write(
        "README.yml",
        "url: \"http://x.corp.net/<img src=x onerror=alert(1)>|`@org/team<!--\"\n",
    );
    for format in ["human", "github", "markdown"] {
        let mut args = vec!["check".to_owned(), t.root().to_string_lossy().into_owned()];
        args.extend([
            "-f".to_owned(),
            format.to_owned(),
            "--color".to_owned(),
            "never".to_owned(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = bounded(&args, 20, 1024);
        assert!(
            !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
            "{format}:\n{}",
            r.stdout
        );
        if format == "github" {
            for line in r.stdout.lines() {
                assert!(
                    ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "a line the runner would read as its own command: {line:?}"
                );
            }
        }
        if format == "markdown" {
            assert!(
                !r.stdout.contains("<img") && !r.stdout.contains("<!--"),
                "{}",
                r.stdout
            );
            assert!(!r.stdout.contains("@org"), "{}", r.stdout);
        }
    }
    let r = bounded(&["check", &t.root().to_string_lossy(), "-q"], 20, 1024);
    assert!(!r.stdout.contains('\u{1b}'));
    assert!(
        r.stdout.lines().all(|l| !l.starts_with("::")),
        "{}",
        r.stdout
    );
}

// 14. The repository's config cannot silence the gate without a trace.

#[test]
fn every_way_of_silencing_the_gate_is_reported() {
    let t = Tree::new();
    t.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    let cases = [
        "extends: [builtin:pscf-spm]\nrules:\n  \"*\": { enabled: false }\n",
        "fail-on: error\n",
        "extends: [builtin:pscf-spm]\nexceptions:\n  - { rule: \"*\", reason: x }\n",
        "extends: [builtin:pscf-spm]\nexclude: [\"**\"]\n",
        "extends: [builtin:pscf-spm]\nfail-on: never\n",
        "extends: [builtin:pscf-spm]\nrules:\n  PSCF-SPM-MAR/unpinned-action: { severity: note }\n",
        "extends: [builtin:pscf-spm]\ncontexts:\n  production: { content-rules: off }\n",
        "extends: [builtin:pscf-spm]\ncontexts:\n  vendored: { paths: [\"**\"] }\n",
    ];
    for config in cases {
        t.write(".pscf-lint.yaml", config);
        let report = check(&t.root(), &["-f", "json"]).json();
        assert!(
            has_rule(&report, "pscf-lint/policy-weakened"),
            "{config}\n{report}"
        );
        // With the organisation's policy as the trusted one, the same
        // config cannot hide the unpinned action.
        let trusted = t.write_outside("org.yaml", "extends: [builtin:pscf-spm]\n");
        let trusted = trusted.to_string_lossy().into_owned();
        let r = check(&t.root(), &["-f", "json", "--trusted-policy", &trusted]);
        assert_eq!(r.code, Some(1), "{config}: {}", r.stderr);
        assert!(
            has_rule(&r.json(), "PSCF-SPM-MAR/unpinned-action"),
            "{config}"
        );
    }
}

#[test]
fn contexts_cannot_hide_a_secret_under_a_trusted_policy() {
    let t = Tree::new();
    t.write(
        "src/config.py",
        format!("AWS = \"{}{}\"\n", "AKIA", "Q3ZT7WJ2KXNB4MRD"),
    );
    t.write(
        ".pscf-lint.yaml",
        "extends: [builtin:pscf-spm]\ncontexts:\n  vendored: { paths: [\"src/**\"] }\n",
    );
    let untrusted = check(&t.root(), &["-f", "json"]).json();
    assert!(!has_rule(&untrusted, "PSCF-SPM-MAR/hardcoded-secret"));
    assert!(has_rule(&untrusted, "pscf-lint/policy-weakened"));
    let org = t.write_outside("org.yaml", "extends: [builtin:pscf-spm]\n");
    let org = org.to_string_lossy().into_owned();
    let trusted = check(&t.root(), &["-f", "json", "--trusted-policy", &org]).json();
    assert!(
        has_rule(&trusted, "PSCF-SPM-MAR/hardcoded-secret"),
        "{trusted}"
    );
}

#[test]
fn inline_suppressions_are_held_to_the_trusted_policy() {
    let t = Tree::new();
    t.write(
        ".github/workflows/ci.yml",
        // Assembled so that this file holds no suppression comment itself.
        format!(
            "on: push\npermissions: {{}}\njobs:\n  a:\n    runs-on: x\n    steps:\n      # {}: ignore[unpinned-action] reviewed in SEC-1\n      - uses: actions/checkout@v4\n        with: {{ persist-credentials: false }}\n",
            "pscf-lint"
        ),
    );
    let plain = t.write_outside("plain.yaml", "extends: [builtin:pscf-spm]\n");
    let plain = plain.to_string_lossy().into_owned();
    let report = check(&t.root(), &["-f", "json", "--trusted-policy", &plain]).json();
    assert!(
        has_rule(&report, "PSCF-SPM-MAR/unpinned-action"),
        "{report}"
    );
    assert!(has_rule(&report, "pscf-lint/unused-exception"), "{report}");
    let lenient = t.write_outside(
        "lenient.yaml",
        "extends: [builtin:pscf-spm]\nallow: [exceptions]\n",
    );
    let lenient = lenient.to_string_lossy().into_owned();
    let report = check(&t.root(), &["-f", "json", "--trusted-policy", &lenient]).json();
    assert!(
        !has_rule(&report, "PSCF-SPM-MAR/unpinned-action"),
        "{report}"
    );
    // Without a trusted policy the comment applies, and shows as suppressed.
    let report = check(&t.root(), &["-f", "json"]).json();
    assert!(
        !has_rule(&report, "PSCF-SPM-MAR/unpinned-action"),
        "{report}"
    );
}

#[test]
fn the_trusted_policy_decides_what_may_be_relaxed() {
    let t = Tree::new();
    t.write(".github/workflows/ci.yml", "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n");
    t.write(
        ".pscf-lint.yaml",
        "extends: [builtin:pscf-spm]\nexceptions:\n  - { rule: PSCF-SPM-MAR/unpinned-action, reason: reviewed }\n",
    );
    let org = t.write_outside(
        "org.yaml",
        "extends: [builtin:pscf-spm]\nallow: [\"PSCF-SPM-MAR/unpinned-action\"]\n",
    );
    let org = org.to_string_lossy().into_owned();
    let r = check(&t.root(), &["-f", "json", "--trusted-policy", &org]);
    let report = r.json();
    assert!(
        !has_rule(&report, "PSCF-SPM-MAR/unpinned-action"),
        "{report}"
    );
    let note = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["rule"] == "pscf-lint/policy-weakened");
    assert!(
        note.is_some_and(|n| !n["message"].as_str().unwrap_or("").contains("refused")),
        "{report}"
    );
    // A repository cannot grant itself anything, nor silence the report.
    t.write(
        ".pscf-lint.yaml",
        "extends: [builtin:pscf-spm]\nallow: [exceptions]\nrules:\n  pscf-lint/policy-weakened: { enabled: false }\nexceptions:\n  - { rule: PSCF-SPM-MAR/unpinned-action, reason: x }\n  - { rule: pscf-lint/policy-weakened, reason: x }\n",
    );
    let plain = t.write_outside("plain.yaml", "extends: [builtin:pscf-spm]\n");
    let plain = plain.to_string_lossy().into_owned();
    let report = check(&t.root(), &["-f", "json", "--trusted-policy", &plain]).json();
    assert!(
        has_rule(&report, "PSCF-SPM-MAR/unpinned-action"),
        "{report}"
    );
    assert!(has_rule(&report, "pscf-lint/policy-weakened"), "{report}");
}

// 15. Stray bytes do not blind the content rules; nothing vanishes.

#[test]
fn stray_bytes_do_not_blind_content_rules() {
    let t = Tree::new();
    let key = format!("{}{}", "AKIA", "Q3ZT7WJ2KXNB4MRD");
    let mut nul = format!("token = \"{key}\"\n").into_bytes();
    nul.extend_from_slice(b"\0\n");
    t.write("deploy/prod.env", nul);
    let mut bad = b"\xff\xfe".to_vec();
    bad.extend_from_slice(format!("\naws = {key}\n").as_bytes());
    t.write("conf/app.cfg", bad);
    let report = check(&t.root(), &["-f", "json"]).json();
    let files: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "PSCF-SPM-MAR/hardcoded-secret")
        .filter_map(|f| f["file"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(files, ["conf/app.cfg", "deploy/prod.env"], "{report}");
}

#[test]
fn files_too_large_to_read_are_reported() {
    let t = Tree::new();
    t.write("notes.txt", "");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(t.root().join("notes.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    file.set_len(65 << 20).unwrap_or_else(|e| panic!("{e}"));
    t.write("image.png", "");
    let png = std::fs::OpenOptions::new()
        .write(true)
        .open(t.root().join("image.png"))
        .unwrap_or_else(|e| panic!("{e}"));
    png.set_len(65 << 20).unwrap_or_else(|e| panic!("{e}"));
    let report = check(&t.root(), &["-f", "json"]).json();
    let skipped: Vec<_> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "pscf-lint/file-skipped")
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(skipped, ["notes.txt"], "{report}");
    assert_eq!(status(&report, "PSCF-SPM-MAR"), "not-evaluated");
}

#[test]
fn deeply_nested_files_are_reported_not_dropped() {
    let t = Tree::new();
    std::fs::create_dir_all(t.root()).unwrap_or_else(|e| panic!("{e}"));
    let name = "d".repeat(200);
    let script = format!(
        "for i in $(seq 24); do mkdir {name} && cd {name} || exit 1; done; echo 'fn main() {{}}' > deep.rs"
    );
    let made = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(t.root())
        .status();
    assert!(made.is_ok_and(|s| s.success()));
    let report = check(&t.root(), &["-f", "json"]).json();
    assert!(has_rule(&report, "pscf-lint/file-skipped"), "{report}");
}

// 17. Oversized policies.

#[test]
fn an_oversized_policy_is_too_large_not_garbled() {
    let t = Tree::new();
    t.write(
        ".pscf-lint.yaml",
        format!("# {}\nfail-on: error\n", "x".repeat(5 << 20)),
    );
    let r = check(&t.root(), &[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("over the"), "{}", r.stderr);
}

// 2. Credentials in dependency URLs never reach any output.

#[test]
fn credentials_in_dependency_urls_are_never_printed() {
    let t = Tree::new();
    t.write(
        "package.json",
        format!(
            "{{\"name\":\"app\",\"private\":true,\"dependencies\":{{\"a\":\"git+https://{}:{}@github.com/o/a.git#main\"}}}}",
            "x-access-token",
            format_args!("ghp_{MARKER}")
        ),
    );
    t.write(
        "Cargo.toml",
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nb = {{ git = \"https://bob:{MARKER}@git.corp.net/b.git\" }}\n"),
    );
    t.write("src/main.rs", "fn main() {}\n");
    t.write(
        "requirements.txt",
        format!("c @ git+https://oauth2:{MARKER}@gitlab.corp.net/c.git\n"),
    );
    let root = t.root().to_string_lossy().into_owned();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        bounded(&["check", &root, "-f", format], 20, 1024).assert_no_leak();
    }
    bounded(&["check", &root, "-q"], 20, 1024).assert_no_leak();
    for format in ["table", "json", "cyclonedx"] {
        bounded(&["inventory", &root, "-f", format], 20, 1024).assert_no_leak();
    }
}
