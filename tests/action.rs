//! The composite Action (`action.yml`) run in a simulated runner: each
//! step's `if:` and `env:` are resolved as GitHub would, `run:` scripts run
//! with bash, and `uses:` steps (the cache) are stood in for. The warm path
//! never compiles: the test binary is put where the restored cache would be.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

#[derive(Deserialize)]
struct Action {
    inputs: BTreeMap<String, Input>,
    outputs: BTreeMap<String, Output>,
    runs: Runs,
}

#[derive(Deserialize)]
struct Input {
    default: Option<String>,
}

#[derive(Deserialize)]
struct Output {
    value: String,
}

#[derive(Deserialize)]
struct Runs {
    using: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    id: Option<String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    shell: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

fn action() -> Action {
    let text = common::read("action.yml");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// How the stand-in for `actions/cache` behaves.
#[derive(Clone, Copy, PartialEq)]
enum Cache {
    /// A restored build: the test binary is put in the install directory.
    Warm,
    /// An empty cache: the build step compiles.
    Cold,
}

struct Runner {
    temp: tempfile::TempDir,
    /// `GITHUB_ACTION_PATH`: the action's checkout.
    action_path: PathBuf,
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    /// Variables of the job, for every step.
    job_env: BTreeMap<String, String>,
    steps: BTreeMap<String, BTreeMap<String, String>>,
    stdout: String,
    stderr: String,
    /// Whether the cache save step ran.
    saved: bool,
}

struct Outcome {
    code: i32,
    outputs: BTreeMap<String, String>,
    stdout: String,
    stderr: String,
    summary: String,
}

impl Runner {
    fn new(inputs: &[(&str, &str)]) -> Runner {
        let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut all: BTreeMap<String, String> = action()
            .inputs
            .into_iter()
            .map(|(k, v)| (k, v.default.unwrap_or_default()))
            .collect();
        assert_eq!(all["sarif-file"], "pscf-lint.sarif");
        // The steps run in the project's root: the default SARIF file
        // must not land there.
        let sarif = temp.path().join("pscf-lint.sarif");
        all.insert(
            "sarif-file".to_owned(),
            sarif.to_string_lossy().into_owned(),
        );
        for (k, v) in inputs {
            assert!(all.contains_key(*k), "action.yml has no input `{k}`");
            all.insert((*k).to_owned(), (*v).to_owned());
        }
        let job_env = [
            // The scanned fixtures' crate cache and date, as every test.
            (
                "CARGO_HOME",
                common::root()
                    .join("fixtures/cargo-home")
                    .to_string_lossy()
                    .into_owned(),
            ),
            ("PSCF_LINT_TODAY", common::TODAY.to_owned()),
            // A job's Rust settings that must not reach the action's build.
            (
                "RUSTFLAGS",
                "--cfg pscf_lint_action_broken -Z bogus".to_owned(),
            ),
            ("CARGO_BUILD_TARGET", "no-such-target".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Runner {
            temp,
            action_path: common::root(),
            inputs: all,
            github: BTreeMap::from([
                ("action_repository".to_owned(), String::new()),
                ("server_url".to_owned(), "https://github.com".to_owned()),
            ]),
            job_env,
            steps: BTreeMap::new(),
            stdout: String::new(),
            stderr: String::new(),
            saved: false,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    /// The value of `a.b.c` in an expression.
    fn lookup(&self, reference: &str) -> String {
        let parts: Vec<&str> = reference.trim().split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name).cloned(),
            ["github", name] => self.github.get(*name).cloned(),
            ["steps", id, "outputs", name] => Some(
                self.steps
                    .get(*id)
                    .and_then(|o| o.get(*name))
                    .cloned()
                    .unwrap_or_default(),
            ),
            _ => None,
        }
        .unwrap_or_else(|| panic!("the simulated runner cannot resolve `{reference}`"))
    }

    /// Replaces every `${{ ref }}` of a value.
    fn resolve(&self, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("}}")
                .unwrap_or_else(|| panic!("unclosed expression in `{value}`"));
            out.push_str(&self.lookup(&rest[start + 3..start + end]));
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// `if:` conditions as action.yml writes them: `A == 'x' && B != 'y'`.
    fn condition(&self, condition: &str) -> bool {
        condition.split("&&").all(|clause| {
            let (reference, wanted, equal) = if let Some((a, b)) = clause.split_once("!=") {
                (a, b, false)
            } else if let Some((a, b)) = clause.split_once("==") {
                (a, b, true)
            } else {
                panic!("the simulated runner cannot evaluate `{clause}`")
            };
            let wanted = wanted.trim().trim_matches('\'');
            (self.lookup(reference) == wanted) == equal
        })
    }

    fn run(mut self, cache: Cache) -> (Outcome, Runner) {
        let action = action();
        assert_eq!(action.runs.using, "composite");
        let summary = self.path("step-summary.md");
        std::fs::write(&summary, "earlier step\n").unwrap_or_else(|e| panic!("{e}"));
        let runner_temp = self.path("runner-temp");
        std::fs::create_dir_all(&runner_temp).unwrap_or_else(|e| panic!("{e}"));
        let mut code = 0;
        for (n, step) in action.runs.steps.iter().enumerate() {
            if let Some(c) = &step.condition
                && !self.condition(c)
            {
                continue;
            }
            let id = step.id.clone().unwrap_or_else(|| format!("__step{n}"));
            if let Some(uses) = &step.uses {
                let install_dir = PathBuf::from(self.lookup("steps.plan.outputs.install-dir"));
                if uses.starts_with("actions/cache/save@") {
                    // What the build leaves is what the next job restores.
                    assert!(install_dir.join("bin/pscf-lint").is_file());
                    self.saved = true;
                    continue;
                }
                assert!(
                    uses.starts_with("actions/cache/restore@"),
                    "unexpected step {uses}"
                );
                let hit = cache == Cache::Warm;
                if hit {
                    let bin =
                        PathBuf::from(self.lookup("steps.plan.outputs.install-dir")).join("bin");
                    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
                    std::fs::copy(env!("CARGO_BIN_EXE_pscf-lint"), bin.join("pscf-lint"))
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                self.steps.insert(
                    id,
                    BTreeMap::from([("cache-hit".to_owned(), hit.to_string())]),
                );
                continue;
            }
            let script = step.run.as_deref().unwrap_or_default();
            assert!(
                !script.contains("${{"),
                "step {id}: an expression inside run: is a script injection"
            );
            assert_eq!(step.shell.as_deref(), Some("bash"), "step {id}");
            let output_file = self.path(&format!("github-output-{n}"));
            std::fs::write(&output_file, "").unwrap_or_else(|e| panic!("{e}"));
            let mut cmd = std::process::Command::new("bash");
            cmd.args(["-e", "-c", script])
                .current_dir(common::root())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", std::env::var_os("HOME").unwrap_or_default())
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_ACTION_PATH", &self.action_path)
                .env("GITHUB_WORKSPACE", common::root())
                .env("RUNNER_TEMP", &runner_temp)
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .envs(&self.job_env);
            if let Some(home) = std::env::var_os("RUSTUP_HOME") {
                cmd.env("RUSTUP_HOME", home);
            }
            for (k, v) in &step.env {
                cmd.env(k, self.resolve(v));
            }
            let out = cmd.output().unwrap_or_else(|e| panic!("bash: {e}"));
            self.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
            self.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            let written = std::fs::read_to_string(&output_file).unwrap_or_default();
            self.steps.insert(id, parse_outputs(&written));
            code = out.status.code().unwrap_or(-1);
            if code != 0 {
                break; // GitHub skips the steps after a failure.
            }
        }
        let outputs = action
            .outputs
            .iter()
            .map(|(k, v)| (k.clone(), self.resolve(&v.value)))
            .collect();
        let outcome = Outcome {
            code,
            outputs,
            stdout: self.stdout.clone(),
            stderr: self.stderr.clone(),
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        };
        (outcome, self)
    }
}

/// `$GITHUB_OUTPUT` as the runner reads it: `name=value` lines and
/// `name<<DELIMITER` blocks.
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            out.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_owned(), value.to_owned());
        }
    }
    out
}

fn outputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn alone(args: &[&str]) -> String {
    common::run(args).stdout
}

#[test]
fn findings_give_annotations_sarif_summary_outputs_and_exit_1() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sarif = dir.path().join("out.sarif").to_string_lossy().into_owned();
    let runner = Runner::new(&[("path", "fixtures/workflows"), ("sarif-file", &sarif)]);
    let started = Instant::now();
    let (outcome, runner) = runner.run(Cache::Warm);
    assert!(!runner.saved, "a restored build is not saved again");
    eprintln!("warm run of the action's steps: {:?}", started.elapsed());
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert_eq!(
        outcome.outputs,
        outputs(&[
            ("findings", "43"),
            ("errors", "21"),
            ("warnings", "19"),
            ("sarif-file", &sarif),
            ("exit-code", "1"),
        ])
    );
    let fixture = ["check", "fixtures/workflows"];
    assert_eq!(
        outcome.stdout,
        alone(&[&fixture[..], &["--format", "github"]].concat())
    );
    assert_eq!(outcome.stdout.matches("::error ").count(), 10);
    assert_eq!(outcome.stdout.matches("::warning ").count(), 10);
    assert!(
        outcome
            .stdout
            .ends_with("::notice title=pscf-lint::20 more findings (11 errors, 9 warnings, 0 notes) not shown as annotations, as GitHub shows only about 10 of each kind per step: the SARIF file (code scanning) and the job summary list every finding\n"),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&sarif).unwrap_or_default(),
        alone(
            &[
                &fixture[..],
                &["--format", "sarif", "--sarif-category", "pscf-lint"]
            ]
            .concat()
        )
    );
    assert_eq!(
        outcome.summary,
        format!(
            "earlier step\n{}",
            alone(&[&fixture[..], &["--format", "markdown"]].concat())
        )
    );
}

#[test]
fn a_passing_repository_exits_0_with_its_note_in_sarif_and_summary() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sarif = dir
        .path()
        .join("clean.sarif")
        .to_string_lossy()
        .into_owned();
    let (outcome, _runner) =
        Runner::new(&[("path", "fixtures/cargo-clean"), ("sarif-file", &sarif)]).run(Cache::Warm);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(
        outcome.outputs,
        outputs(&[
            // The note says what the fixture's config switches off.
            ("findings", "1"),
            ("errors", "0"),
            ("warnings", "0"),
            ("sarif-file", &sarif),
            ("exit-code", "0"),
        ])
    );
    assert!(
        outcome
            .stdout
            .starts_with("::notice file=fixtures/cargo-clean/.pscf-lint.yaml,line=5,col=3,")
            && outcome.stdout.lines().count() == 1,
        "{}",
        outcome.stdout
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap_or_default())
            .unwrap_or_else(|e| panic!("SARIF: {e}"));
    let results = report["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "pscf-lint/policy-weakened");
    assert!(outcome.summary.starts_with("earlier step\n## pscf-lint\n"));
    assert!(!outcome.summary.contains("| fail |"), "{}", outcome.summary);
}

#[test]
fn annotations_and_summary_can_be_switched_off() {
    let (outcome, _runner) = Runner::new(&[
        ("path", "fixtures/cargo-violations"),
        ("sarif-file", ""),
        ("annotations", "false"),
        ("summary", "false"),
        ("fail-on", "never"),
    ])
    .run(Cache::Warm);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.outputs["sarif-file"], "");
    assert_eq!(outcome.outputs["exit-code"], "0");
    assert_eq!(outcome.summary, "earlier step\n");
    assert_eq!(
        outcome.stdout,
        alone(&[
            "check",
            "fixtures/cargo-violations",
            "--color",
            "never",
            "--fail-on",
            "never"
        ])
    );
}

#[test]
fn a_bad_input_stops_with_exit_2_and_says_which() {
    let (outcome, _runner) =
        Runner::new(&[("path", "fixtures/cargo-clean"), ("annotations", "yes")]).run(Cache::Warm);
    assert_eq!(outcome.code, 2);
    assert_eq!(
        outcome.stdout,
        "::error title=pscf-lint::the annotations input must be true or false\n"
    );
    let (outcome, _runner) =
        Runner::new(&[("path", "fixtures/cargo-clean"), ("config", "no-such.yaml")])
            .run(Cache::Warm);
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.outputs["exit-code"], "2");
    assert_eq!(outcome.outputs["findings"], "");
    // An input that looks like an option is still a value.
    let (outcome, _runner) = Runner::new(&[("path", "--version")]).run(Cache::Warm);
    assert_eq!(outcome.code, 2, "{}", outcome.stdout);
    assert!(
        !outcome.stdout.contains("pscf-lint 0."),
        "{}",
        outcome.stdout
    );
}

/// A recorded release binary is downloaded and checked against its
/// SHA-256 before it runs; a wrong hash stops the job before pscf-lint runs.
#[test]
fn a_release_binary_runs_only_when_its_hash_matches() {
    for (good, expected) in [(true, 0), (false, 1)] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let action_path = dir.path().join("action-checkout");
        let scripts = action_path.join("action");
        std::fs::create_dir_all(&scripts).unwrap_or_else(|e| panic!("{e}"));
        for name in ["plan.sh", "download.sh", "run.sh"] {
            std::fs::copy(common::root().join("action").join(name), scripts.join(name))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let binary = std::fs::read(env!("CARGO_BIN_EXE_pscf-lint")).unwrap_or_default();
        let asset = dir
            .path()
            .join("o/pscf-lint/releases/download/v0.3.0/pscf-lint-0.3.0-x86_64-unknown-linux-gnu");
        std::fs::create_dir_all(asset.parent().unwrap_or(Path::new("."))).unwrap_or_default();
        std::fs::write(&asset, &binary).unwrap_or_else(|e| panic!("{e}"));
        let sha = if good { sha256(&asset) } else { "0".repeat(64) };
        std::fs::write(
            scripts.join("releases.sha256"),
            format!("# VERSION TARGET SHA256\n0.3.0 x86_64-unknown-linux-gnu {sha}\n"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut runner = Runner::new(&[("path", "fixtures/cargo-clean"), ("version", "v0.3.0")]);
        runner.action_path = action_path;
        runner.github.insert(
            "server_url".to_owned(),
            format!("file://{}", dir.path().display()),
        );
        runner
            .github
            .insert("action_repository".to_owned(), "o/pscf-lint".to_owned());
        // No cache step may run for a release binary: Cold would compile.
        let (outcome, runner) = runner.run(Cache::Cold);
        assert_eq!(outcome.code, expected, "{}", outcome.stderr);
        assert!(!runner.steps.contains_key("cache"));
        if good {
            assert_eq!(outcome.outputs["exit-code"], "0");
        } else {
            assert!(
                outcome.stderr.contains("did NOT match"),
                "{}",
                outcome.stderr
            );
            assert!(outcome.stdout.contains(": FAILED"), "{}", outcome.stdout);
            assert_eq!(outcome.outputs["exit-code"], "");
        }
    }
}

fn sha256(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("sha256sum: {e}"));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The cold path: an empty cache, so the build step compiles the action's
/// source (a release build: minutes), and the save step caches it. Run it with
/// `cargo test --test action -- --ignored --nocapture` to measure it.
#[test]
#[ignore = "compiles pscf-lint in release mode"]
fn cold_run_builds_once_then_the_warm_run_reuses_it() {
    let started = Instant::now();
    let (outcome, runner) = Runner::new(&[("path", "fixtures/cargo-clean")]).run(Cache::Cold);
    eprintln!("cold run of the action's steps: {:?}", started.elapsed());
    assert_eq!(outcome.code, 0, "{}\n{}", outcome.stdout, outcome.stderr);
    assert_eq!(runner.steps["cache"]["cache-hit"], "false");
    assert!(runner.saved, "the build is saved before pscf-lint runs");
    assert!(
        outcome.stderr.contains("Compiling pscf-lint"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("pscf_lint_action_broken"));
}
