//! Command-line interface: argument definitions and the commands behind them.

mod info;
mod outputs;
mod progress;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use pscf_lint::color::{ColorChoice, ColorEnv};
use pscf_lint::finding::FailOn;
use pscf_lint::policy::{self, raw::PolicyFile};
use pscf_lint::report::{self, Report};
use pscf_lint::{CheckError, CheckOptions};

use info::ListFormat;

/// Exit code for usage, config and policy errors.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "pscf-lint",
    version,
    about = "Lint a repository against the OWASP PSCF Secure Product Management capabilities",
    long_about = "Lint a repository against the OWASP PSCF Secure Product Management capabilities.\n\nWith no command, `pscf-lint` runs `check .`, and `pscf-lint PATH [OPTIONS]` runs `check PATH [OPTIONS]`. A directory named like a command (`rules`, `init`…) is checked with `pscf-lint check rules`."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Colour in human output and diagnostics; `auto` honours `NO_COLOR`
    /// and `CLICOLOR_FORCE`, then whether the stream is a terminal.
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Today's date (YYYY-MM-DD) for reproducible runs: deadlines
    /// (sunsets, expiries, end-of-life) are compared with it, and the
    /// delivery-metrics window ends on it instead of at HEAD's commit time.
    #[arg(
        long = "now",
        visible_alias = "today",
        global = true,
        env = "PSCF_LINT_TODAY",
        value_name = "DATE"
    )]
    now: Option<Date>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a repository against the policy (the default command).
    Check(CheckArgs),
    /// List every third-party component: purl, scope, licence, source, location.
    Inventory(InventoryArgs),
    /// List every rule with its capability and default severity.
    Rules {
        /// Output format (`json`: a document of kind `rules`).
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Explain a rule: what it checks, why, how to fix it, and a policy example.
    Explain {
        /// Rule id (PSCF-SPM-RC/banned-component) or, when unambiguous, its
        /// slug (banned-component).
        rule: String,
    },
    /// List the PSCF capability catalogue.
    Capabilities {
        /// Output format (`json`: a document of kind `capabilities`).
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print a shell completion script (`pscf-lint completions bash > …`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print every delivery and quality figure with its inputs and DORA band.
    Metrics(MetricsArgs),
    /// List every exception of the policy as a risk register: owner,
    /// ticket, expiry, status (active, expiring, expired, unused) and how
    /// many findings it covers.
    Exceptions(ExceptionsArgs),
    /// Print the JSON Schema of the policy format (or of a JSON document).
    Schema {
        /// The schema of the `metrics --format json` document instead.
        #[arg(long, group = "document")]
        metrics: bool,
        /// The schema of the `check --format json` report instead.
        #[arg(long, group = "document")]
        report: bool,
        /// The schema of the `inventory --format json` document instead.
        #[arg(long, group = "document")]
        inventory: bool,
    },
    /// Write a starter .pscf-lint.yaml from what the repository holds.
    Init(InitArgs),
    /// Work with policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Validate a policy file (and what it extends) without checking anything.
    Validate { file: PathBuf },
}

#[derive(Args, Debug, Default)]
struct CheckArgs {
    /// The repository to check.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Policy file to use instead of .pscf-lint.yaml at the repository root
    /// (`-`: standard input, read as the repository's config).
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// The organisation's policy: applied first; the repository's config may
    /// tighten it, but relax it only where its `allow:` says (`-`: standard
    /// input).
    #[arg(long, value_name = "FILE", env = "PSCF_LINT_TRUSTED_POLICY")]
    trusted_policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 (overrides the policy's `fail-on`).
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Human output: findings only, no summary.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Report only findings whose fingerprint is not in this baseline
    /// (written by `--write-baseline`); the others are marked `baseline`.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the fingerprints of today's active findings in FILE; this
    /// run then reports as the next one with `--baseline FILE` will.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only findings that are not already present at git revision
    /// REV (a commit, branch or tag; its tree is read, not checked out).
    #[arg(long, value_name = "REV")]
    new_since: Option<String>,
    /// Also write the report as FORMAT to FILE, from the same scan
    /// (repeatable: `--write sarif=pscf-lint.sarif --write markdown=summary.md`).
    #[arg(long = "write", value_name = "FORMAT=FILE", value_parser = outputs::parse_write)]
    write: Vec<outputs::Write>,
    /// Append `findings=`, `errors=`, `warnings=`, `notes=`, `exit-code=` (and
    /// `sarif-file=`) to FILE, in `$GITHUB_OUTPUT` format.
    #[arg(long, value_name = "FILE")]
    github_output: Option<PathBuf>,
    /// SARIF: leave suppressed (excepted, inline, baselined) findings out,
    /// or include them marked with `suppressions`.
    #[arg(long, value_enum, default_value_t = SarifSuppressed::Omit)]
    sarif_suppressed: SarifSuppressed,
    /// SARIF: the `automationDetails.id` category (default `pscf-lint/`
    /// and the checked path); `upload-sarif` keeps it over its own `category`.
    #[arg(long, value_name = "NAME")]
    sarif_category: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum SarifSuppressed {
    #[default]
    Omit,
    Include,
}

#[derive(Args, Debug)]
struct ExceptionsArgs {
    /// The repository whose policy's exceptions to list (it is checked, to
    /// know what each exception covers).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Policy file to use instead of .pscf-lint.yaml at the repository root.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// The organisation's policy, as for `check`.
    #[arg(long, value_name = "FILE", env = "PSCF_LINT_TRUSTED_POLICY")]
    trusted_policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExceptionsFormat::Table)]
    format: ExceptionsFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ExceptionsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args, Debug)]
struct InitArgs {
    /// The repository to write the policy for.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Replace an existing config (never through a symlink).
    #[arg(long)]
    force: bool,
    /// Print the policy instead of writing it.
    #[arg(long)]
    stdout: bool,
}

#[derive(Args, Debug)]
struct InventoryArgs {
    /// The repository to inventory.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Policy file (only its `exclude` globs are used; `-`: standard input).
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = InventoryFormat::Table)]
    format: InventoryFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct MetricsArgs {
    /// The repository to measure (its work tree's top, for delivery figures).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Policy file (its `metrics` settings are used; targets are not
    /// judged; `-`: standard input).
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = MetricsFormat::Table)]
    format: MetricsFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum MetricsFormat {
    Table,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum InventoryFormat {
    Table,
    Json,
    Cyclonedx,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    #[default]
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
    Junit,
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FailOnArg {
    Error,
    Warning,
    Note,
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(a: FailOnArg) -> Self {
        match a {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Note => FailOn::Note,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, Default)]
enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for ColorChoice {
    fn from(a: ColorArg) -> Self {
        match a {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

/// How every command colours what it writes.
#[derive(Clone, Debug)]
struct Colors {
    choice: ColorChoice,
    env: ColorEnv,
}

impl Colors {
    /// Colour for standard error (policy errors, warnings).
    fn stderr(&self) -> bool {
        self.choice
            .enabled(&self.env, std::io::stderr().is_terminal())
    }

    /// Colour for a report on standard output (never into a file).
    fn stdout(&self, to_file: bool) -> bool {
        match self.choice {
            ColorChoice::Auto if to_file => false,
            _ => self
                .choice
                .enabled(&self.env, std::io::stdout().is_terminal()),
        }
    }

    fn policy_errors(&self, errors: &policy::PolicyErrors) -> i32 {
        eprint!("{}", errors.render(self.stderr()));
        EXIT_USAGE
    }
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let today = cli.now.unwrap_or_else(pscf_lint::today_utc);
    let now = cli.now;
    let colors = Colors {
        choice: cli.color.into(),
        env: ColorEnv::current(),
    };
    match cli.command {
        None => check(
            CheckArgs {
                path: PathBuf::from("."),
                ..CheckArgs::default()
            },
            &colors,
            today,
            now,
        ),
        Some(Command::Check(args)) => check(args, &colors, today, now),
        Some(Command::Inventory(args)) => inventory(args, &colors, today),
        Some(Command::Init(args)) => init(&args, today),
        Some(Command::Metrics(args)) => metrics(args, &colors, today, now),
        Some(Command::Exceptions(args)) => exceptions(args, &colors, today, now),
        Some(Command::Rules { format }) => info::rules(format),
        Some(Command::Explain { rule }) => info::explain(&rule),
        Some(Command::Capabilities { format }) => info::capabilities(format),
        Some(Command::Completions { shell }) => info::completions(shell, Cli::command()),
        Some(Command::Schema {
            metrics,
            report,
            inventory,
        }) => print(&match (metrics, report, inventory) {
            (true, _, _) => pscf_lint::metrics::schema(),
            (_, true, _) => report::json::schema(),
            (_, _, true) => pscf_lint::inventory::schema(),
            _ => schema(),
        }),
        Some(Command::Policy {
            command: PolicyCommand::Validate { file },
        }) => validate(&file, &colors, today),
    }
}

/// Parses the command line; clap's own usage errors and help follow
/// `--color` too (under `auto` clap honours `NO_COLOR` and
/// `CLICOLOR_FORCE` itself).
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let choice = color_flag(&args);
    let mut command = Cli::command().color(choice);
    let matches = command.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.with_cmd(&command))
}

/// The last `--color` value on the command line, before any `--`.
fn color_flag(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.strip_prefix("--color") {
            Some("") => words.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        choice = match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some(_) => clap::ColorChoice::Auto,
            None => choice,
        };
    }
    choice
}

/// The command line with `check` put first when it names no command:
/// `pscf-lint PATH [OPTIONS]` and `pscf-lint [OPTIONS]` are `check`'s, and
/// `pscf-lint --now D metrics` still runs `metrics`. A directory named like
/// a command is checked with `pscf-lint check NAME` (or `pscf-lint -- NAME`).
pub fn with_default_command(args: Vec<OsString>) -> Vec<OsString> {
    let root = Cli::command();
    let Some(check) = root.find_subcommand("check") else {
        return args;
    };
    // Options of the root (`--now`, `--color`) and of `check` that take a
    // value: their next argument is that value, not a command.
    let options: Vec<&clap::Arg> = root
        .get_arguments()
        .chain(check.get_arguments())
        .filter(|a| a.get_action().takes_values() && !a.is_positional())
        .collect();
    let takes_value = |arg: &str| -> bool {
        if let Some(long) = arg.strip_prefix("--") {
            return !long.contains('=')
                && options.iter().any(|a| {
                    a.get_long() == Some(long)
                        || a.get_all_aliases().is_some_and(|all| all.contains(&long))
                });
        }
        // `-j4` carries its value; `-j 4` and `-qj 4` do not.
        let shorts: Vec<char> = arg.chars().skip(1).collect();
        shorts.iter().enumerate().any(|(i, c)| {
            options.iter().any(|a| a.get_short() == Some(*c)) && i + 1 == shorts.len()
        })
    };
    let commands: Vec<String> = root
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .chain(std::iter::once("help"))
        .map(str::to_owned)
        .collect();
    let mut i = 1;
    let mut help_or_version = false;
    while let Some(arg) = args.get(i).map(|a| a.to_string_lossy()) {
        if arg == "--" {
            break;
        }
        if matches!(arg.as_ref(), "-h" | "--help" | "-V" | "--version") {
            help_or_version = true;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            i += if takes_value(&arg) { 2 } else { 1 };
            continue;
        }
        if commands.iter().any(|c| *c == arg) {
            return args;
        }
        break;
    }
    // A positional that is no command, or none at all.
    let bare = i < args.len();
    if help_or_version && !bare {
        return args;
    }
    let mut out = args;
    out.insert(1.min(out.len()), OsString::from("check"));
    out
}

/// A progress bar on stderr, when it is a terminal and `--quiet` is off.
fn start_progress(quiet: bool) -> Option<Arc<progress::Bar>> {
    if !progress::wanted(std::io::stderr().is_terminal(), quiet) {
        return None;
    }
    let bar = Arc::new(progress::Bar::new());
    pscf_lint::progress::install(bar.clone());
    Some(bar)
}

/// Clears the bar before anything else is written.
fn finish_progress(bar: Option<Arc<progress::Bar>>) {
    if let Some(bar) = bar {
        bar.clear();
    }
}

/// Runs one library call with the progress bar around it; a policy or
/// usage error becomes the exit code, after its message is printed.
fn run_library<T>(
    quiet: bool,
    colors: &Colors,
    usage: impl FnOnce(String) -> String,
    call: impl FnOnce() -> Result<T, CheckError>,
) -> Result<T, i32> {
    let bar = start_progress(quiet);
    let result = call();
    finish_progress(bar);
    result.map_err(|e| match e {
        CheckError::Policy(errors) => colors.policy_errors(&errors),
        CheckError::Usage(message) => fail(&usage(message)),
    })
}

/// A check of a path that is not a directory: when the word is close to a
/// command's name, the user probably meant the command.
fn not_a_directory_hint(path: &Path, message: String) -> String {
    let word = path.to_string_lossy();
    if path.exists() || word.contains(['/', '\\', '.']) {
        return message;
    }
    let near = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .map(|name| {
            (
                pscf_lint::rules::registry::edit_distance(&word, &name),
                name,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min();
    match near {
        Some((_, name)) => format!("{message}; did you mean the `{name}` command?"),
        None => message,
    }
}

fn print(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`pscf-lint rules | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    0
}

fn fail(message: &str) -> i32 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

fn check(args: CheckArgs, colors: &Colors, today: Date, now: Option<Date>) -> i32 {
    if let Err(message) = outputs::check_distinct(args.output.as_deref(), &args.write) {
        return fail(&message);
    }
    let mut options = CheckOptions::new(today);
    options.now = now;
    options.config = args.config.clone();
    options.trusted_policy = args.trusted_policy.clone();
    if let Some(jobs) = args.jobs {
        options.jobs = jobs.max(1);
    }
    options.fail_on = args.fail_on.map(FailOn::from);
    options.cargo_home = cargo_home();
    options.baseline = args.baseline.clone();
    options.write_baseline = args.write_baseline.clone();
    options.new_since = args.new_since.clone();
    let report = match run_library(
        args.quiet,
        colors,
        |m| not_a_directory_hint(&args.path, m),
        || pscf_lint::check(&args.path, &options),
    ) {
        Ok(report) => report,
        Err(code) => return code,
    };
    let color = colors.stdout(args.output.is_some());
    // The page charts the delivery and quality figures `metrics` prints.
    let html = args.format == Format::Html || args.write.iter().any(|w| w.format == Format::Html);
    let metrics = html
        .then(|| pscf_lint::metrics(&args.path, &options).ok())
        .flatten();
    let text = render(&report, args.format, &args, color, metrics.as_ref());
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
        && let Err(e) = append(Path::new(&summary), &report::markdown::render(&report))
    {
        eprintln!("warning: cannot write the job summary to $GITHUB_STEP_SUMMARY: {e}");
    }
    let code = match write_out(args.output.as_deref(), &text) {
        Ok(()) => report.exit_code(),
        Err(message) => fail(&message),
    };
    let primary = outputs::Primary {
        format: args.format,
        output: args.output.as_deref(),
    };
    outputs::write_all(
        &report,
        primary,
        &args.write,
        args.github_output.as_deref(),
        code,
        |format| render(&report, format, &args, false, metrics.as_ref()),
    )
}

fn exceptions(args: ExceptionsArgs, colors: &Colors, today: Date, now: Option<Date>) -> i32 {
    let mut options = CheckOptions::new(today);
    options.now = now;
    options.config = args.config;
    options.trusted_policy = args.trusted_policy;
    options.cargo_home = cargo_home();
    let register = match run_library(
        false,
        colors,
        |m| m,
        || pscf_lint::exceptions(&args.path, &options),
    ) {
        Ok(register) => register,
        Err(code) => return code,
    };
    let text = match args.format {
        ExceptionsFormat::Table => pscf_lint::register::render_table(&register),
        ExceptionsFormat::Json => pscf_lint::register::render_json(&register),
        ExceptionsFormat::Csv => pscf_lint::register::render_csv(&register),
    };
    write_out(args.output.as_deref(), &text).map_or_else(|m| fail(&m), |()| 0)
}

fn inventory(args: InventoryArgs, colors: &Colors, today: Date) -> i32 {
    let mut options = CheckOptions::new(today);
    options.config = args.config;
    options.cargo_home = cargo_home();
    let inventory = match run_library(
        false,
        colors,
        |m| m,
        || pscf_lint::inventory(&args.path, &options),
    ) {
        Ok(inventory) => inventory,
        Err(code) => return code,
    };
    let root = args.path.display().to_string();
    let text = match args.format {
        InventoryFormat::Table => pscf_lint::inventory::render_table(&inventory),
        InventoryFormat::Json => pscf_lint::inventory::render_json(&root, &inventory),
        InventoryFormat::Cyclonedx => {
            report::cyclonedx::render(&product_name(&args.path), &inventory)
        }
    };
    write_out(args.output.as_deref(), &text).map_or_else(|m| fail(&m), |()| 0)
}

fn init(args: &InitArgs, today: Date) -> i32 {
    let existing = policy::discover_config(&args.path);
    if let (Some(existing), false, false) = (&existing, args.force, args.stdout) {
        return fail(&format!(
            "`{}` already exists; `--force` replaces it, `--stdout` prints the starter instead",
            pscf_lint::escape::inline(&existing.display().to_string())
        ));
    }
    let survey = match pscf_lint::survey(&args.path, &CheckOptions::new(today)) {
        Ok(survey) => survey,
        Err(CheckError::Usage(message)) => return fail(&message),
        Err(CheckError::Policy(_)) => return EXIT_USAGE,
    };
    let text = pscf_lint::init::render(&survey);
    if args.stdout {
        return print(&text);
    }
    let target = existing.unwrap_or_else(|| args.path.join(policy::CONFIG_NAMES[0]));
    match write_config(&target, &text, args.force) {
        Ok(()) => {
            eprintln!(
                "wrote {}; `pscf-lint policy validate` checks it",
                pscf_lint::escape::inline(&target.display().to_string())
            );
            0
        }
        Err(message) => fail(&message),
    }
}

/// Writes the starter: a new file, or (with `--force`) over a regular
/// file, never through a symlink the repository planted.
fn write_config(target: &Path, text: &str, force: bool) -> Result<(), String> {
    let shown = pscf_lint::escape::inline(&target.display().to_string()).into_owned();
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    match std::fs::symlink_metadata(target) {
        Ok(meta) if !meta.is_file() => {
            return Err(format!(
                "`{shown}` is not a regular file (a symlink?); remove it first"
            ));
        }
        Ok(_) if force => {
            open.truncate(true);
        }
        _ => {
            open.create_new(true);
        }
    }
    open.open(target)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write `{shown}`: {e}"))
}

fn metrics(args: MetricsArgs, colors: &Colors, today: Date, now: Option<Date>) -> i32 {
    let mut options = CheckOptions::new(today);
    options.config = args.config;
    options.now = now;
    let doc = match run_library(
        false,
        colors,
        |m| m,
        || pscf_lint::metrics(&args.path, &options),
    ) {
        Ok(doc) => doc,
        Err(code) => return code,
    };
    let text = match args.format {
        MetricsFormat::Table => pscf_lint::metrics::render_table(&doc),
        MetricsFormat::Json => pscf_lint::metrics::render_json(&doc),
    };
    write_out(args.output.as_deref(), &text).map_or_else(|m| fail(&m), |()| 0)
}

/// The product's name for the SBOM: the checked directory's name.
fn product_name(path: &Path) -> String {
    path.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "product".to_owned())
}

fn write_out(output: Option<&Path>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => {
            print(text);
            Ok(())
        }
    }
}

fn render(
    report: &Report,
    format: Format,
    args: &CheckArgs,
    color: bool,
    metrics: Option<&pscf_lint::metrics::MetricsDocument>,
) -> String {
    match format {
        Format::Human if args.quiet => report
            .active()
            .map(|f| {
                format!(
                    "{}: {}[{}]: {}\n",
                    report.display_location(&f.location),
                    f.severity,
                    f.rule,
                    pscf_lint::escape::inline(&f.message)
                )
            })
            .collect(),
        Format::Human => report::human::render(report, color),
        Format::Json => report::json::render(report),
        Format::Sarif => {
            let options = report::sarif::Options {
                suppressed: match args.sarif_suppressed {
                    SarifSuppressed::Omit => report::sarif::Suppressed::Omit,
                    SarifSuppressed::Include => report::sarif::Suppressed::Include,
                },
                category: args.sarif_category.clone(),
            };
            let sarif = report::sarif::render(report, &options);
            for warning in &sarif.truncated {
                eprintln!("warning: {warning}");
            }
            sarif.text
        }
        Format::Github => report::github::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Junit => report::junit::render(report),
        Format::Html => report::html::render(report, &report::html::Extras { metrics }),
    }
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

fn schema() -> String {
    let schema = schemars::schema_for!(PolicyFile);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

fn validate(file: &Path, colors: &Colors, today: Date) -> i32 {
    let loaded =
        policy::load_file(file).and_then(|p| policy::audit_exceptions(&p, today).map(|()| p));
    match loaded {
        Ok(policy) => {
            let files: Vec<String> = policy.sources.iter().map(|s| s.path.to_string()).collect();
            let shown = if policy::is_stdin(file) {
                policy::STDIN_DISPLAY.to_owned()
            } else {
                pscf_lint::escape::inline(&file.display().to_string()).into_owned()
            };
            print(&format!(
                "{shown}: policy is valid ({})\n",
                files.join(" <- ")
            ))
        }
        Err(errors) => colors.policy_errors(&errors),
    }
}

#[cfg(test)]
mod tests {
    use super::with_default_command;

    fn rewrite(line: &str) -> String {
        let args = line.split(' ').map(Into::into).collect();
        with_default_command(args)
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn check_is_the_default_command() {
        for (given, run) in [
            ("pscf-lint", "pscf-lint check"),
            ("pscf-lint fixtures/x", "pscf-lint check fixtures/x"),
            ("pscf-lint -f json .", "pscf-lint check -f json ."),
            (
                "pscf-lint --config p.yaml src",
                "pscf-lint check --config p.yaml src",
            ),
            ("pscf-lint -c rules .", "pscf-lint check -c rules ."),
            ("pscf-lint -qj 4 src", "pscf-lint check -qj 4 src"),
            ("pscf-lint -j4 src", "pscf-lint check -j4 src"),
            ("pscf-lint -- rules", "pscf-lint check -- rules"),
            ("pscf-lint rules", "pscf-lint rules"),
            (
                "pscf-lint --now 2026-01-01 metrics .",
                "pscf-lint --now 2026-01-01 metrics .",
            ),
            (
                "pscf-lint --today 2026-01-01 metrics .",
                "pscf-lint --today 2026-01-01 metrics .",
            ),
            (
                "pscf-lint --color never rules",
                "pscf-lint --color never rules",
            ),
            (
                "pscf-lint --color=never check .",
                "pscf-lint --color=never check .",
            ),
            ("pscf-lint help", "pscf-lint help"),
            ("pscf-lint --help", "pscf-lint --help"),
            ("pscf-lint -V", "pscf-lint -V"),
            ("pscf-lint . --help", "pscf-lint check . --help"),
        ] {
            assert_eq!(rewrite(given), run, "{given}");
        }
    }
}
