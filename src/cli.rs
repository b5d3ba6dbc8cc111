//! Command-line interface: argument definitions and the commands behind them.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use pscf_lint::finding::FailOn;
use pscf_lint::policy::{self, raw::PolicyFile};
use pscf_lint::report::{self, Report};
use pscf_lint::rules::registry;
use pscf_lint::{CheckError, CheckOptions, capabilities};

/// Exit code for usage, config and policy errors.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "pscf-lint",
    version,
    about = "Lint a repository against the OWASP PSCF Secure Product Management capabilities",
    long_about = "Lint a repository against the OWASP PSCF Secure Product Management capabilities.\n\nWith no command, `pscf-lint` runs `check .`."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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
    Rules,
    /// Explain a rule: what it checks, why, how to fix it, and a policy example.
    Explain {
        /// Rule id, e.g. PSCF-SPM-RC/banned-component
        rule: String,
    },
    /// List the PSCF capability catalogue.
    Capabilities,
    /// Print every delivery and quality figure with its inputs and DORA band.
    Metrics(MetricsArgs),
    /// Print the JSON Schema of the policy format (or of `metrics --format json`).
    Schema {
        /// The schema of the `metrics` JSON document instead.
        #[arg(long)]
        metrics: bool,
    },
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
    /// Policy file to use instead of .pscf-lint.yaml at the repository root.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// The organisation's policy: applied first; the repository's config may
    /// tighten it, but relax it only where its `allow:` says.
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
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Human output: findings only, no summary.
    #[arg(long, short = 'q')]
    quiet: bool,
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
struct InventoryArgs {
    /// The repository to inventory.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Policy file (only its `exclude` globs are used).
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
    /// Policy file (its `metrics` settings are used; targets are not judged).
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

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let today = cli.now.unwrap_or_else(pscf_lint::today_utc);
    let now = cli.now;
    match cli.command {
        None => check(
            CheckArgs {
                path: PathBuf::from("."),
                ..CheckArgs::default()
            },
            today,
            now,
        ),
        Some(Command::Check(args)) => check(args, today, now),
        Some(Command::Inventory(args)) => inventory(args, today),
        Some(Command::Metrics(args)) => metrics(args, today, now),
        Some(Command::Rules) => print(&rules_table()),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Capabilities) => capabilities_table(),
        Some(Command::Schema { metrics: false }) => print(&schema()),
        Some(Command::Schema { metrics: true }) => print(&pscf_lint::metrics::schema()),
        Some(Command::Policy {
            command: PolicyCommand::Validate { file },
        }) => validate(&file),
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

fn check(args: CheckArgs, today: Date, now: Option<Date>) -> i32 {
    let mut options = CheckOptions::new(today);
    options.now = now;
    options.config = args.config.clone();
    options.trusted_policy = args.trusted_policy.clone();
    if let Some(jobs) = args.jobs {
        options.jobs = jobs.max(1);
    }
    options.fail_on = args.fail_on.map(FailOn::from);
    options.cargo_home = cargo_home();
    let report = match pscf_lint::check(&args.path, &options) {
        Ok(report) => report,
        Err(CheckError::Policy(errors)) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()));
            return EXIT_USAGE;
        }
        Err(CheckError::Usage(message)) => return fail(&message),
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    // The page charts the delivery and quality figures `metrics` prints.
    let metrics = (args.format == Format::Html)
        .then(|| pscf_lint::metrics(&args.path, &options).ok())
        .flatten();
    let text = render(&report, &args, color, metrics.as_ref());
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
        && let Err(e) = append(Path::new(&summary), &report::markdown::render(&report))
    {
        eprintln!("warning: cannot write the job summary to $GITHUB_STEP_SUMMARY: {e}");
    }
    let written = match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        None => {
            print(&text);
            Ok(())
        }
    };
    match written {
        Ok(()) => report.exit_code(),
        Err(message) => fail(&message),
    }
}

fn inventory(args: InventoryArgs, today: Date) -> i32 {
    let mut options = CheckOptions::new(today);
    options.config = args.config;
    options.cargo_home = cargo_home();
    let inventory = match pscf_lint::inventory(&args.path, &options) {
        Ok(c) => c,
        Err(CheckError::Policy(errors)) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()));
            return EXIT_USAGE;
        }
        Err(CheckError::Usage(message)) => return fail(&message),
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

fn metrics(args: MetricsArgs, today: Date, now: Option<Date>) -> i32 {
    let mut options = CheckOptions::new(today);
    options.config = args.config;
    options.now = now;
    let doc = match pscf_lint::metrics(&args.path, &options) {
        Ok(doc) => doc,
        Err(CheckError::Policy(errors)) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()));
            return EXIT_USAGE;
        }
        Err(CheckError::Usage(message)) => return fail(&message),
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
    args: &CheckArgs,
    color: bool,
    metrics: Option<&pscf_lint::metrics::MetricsDocument>,
) -> String {
    match args.format {
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

fn rules_table() -> String {
    // Wide enough for the longest id.
    let width = registry::all()
        .map(|r| r.id.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = format!("{:<width$} {:<8} {}\n", "RULE", "DEFAULT", "FIRES WHEN");
    for rule in registry::all() {
        out.push_str(&format!(
            "{:<width$} {:<8} {}\n",
            rule.id, rule.default_severity, rule.summary
        ));
    }
    out
}

fn explain(id: &str) -> i32 {
    let Some(rule) = registry::find(id) else {
        let hint = registry::closest(id)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        return fail(&format!(
            "unknown rule `{id}`{hint} (`pscf-lint rules` lists every rule)"
        ));
    };
    let mut out = format!("{} ({} by default)\n\n", rule.id, rule.default_severity);
    match rule.capability() {
        Some(c) => {
            out.push_str(&format!("Capability: {} {}\n", c.id(), c.name()));
            if let Some(entry) = capabilities::find(c.id()) {
                out.push_str(&format!("  Area:        {}\n", entry.area));
                out.push_str(&format!(
                    "  Required by: {}\n",
                    entry.required_by.join(", ")
                ));
                out.push_str(&format!(
                    "  Accountable: {}\n",
                    entry.accountable.join(", ")
                ));
                out.push_str(&format!(
                    "  Responsible: {}\n",
                    entry.responsible.join(", ")
                ));
            }
        }
        None => out.push_str("Capability: none (a pscf-lint tool finding)\n"),
    }
    out.push_str(&format!("\nWhat: fires when {}.\n", rule.summary));
    out.push_str(&format!("\nWhy: {}\n", rule.rationale));
    out.push_str(&format!("\nHow to fix: {}\n", rule.fix));
    let category = rule.id.slug();
    if pscf_lint::rules::rss::is_category(category) {
        let tools = pscf_lint::rules::rss::known_tool_names(category).join(", ");
        out.push_str(&format!(
            "\nKnown tools (restrict with `approved:`): {tools}\n"
        ));
    }
    out.push_str("\nPolicy example:\n");
    for line in rule.example.lines() {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str(&format!("\nChange its severity or switch it off:\n    rules:\n      \"{}\": {{ severity: note }}   # or {{ enabled: false }}\n", rule.id));
    print(&out)
}

fn capabilities_table() -> i32 {
    let catalogue = match capabilities::catalogue() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut out = format!(
        "{:<13} {:<45} {:<28} {:<30} {:<22} {}\n",
        "ID", "NAME", "AREA", "REQUIRED BY", "ACCOUNTABLE", "RESPONSIBLE"
    );
    for c in catalogue {
        out.push_str(&format!(
            "{:<13} {:<45} {:<28} {:<30} {:<22} {}\n",
            c.id,
            c.name,
            c.area,
            c.required_by.join(", "),
            c.accountable.join(", "),
            c.responsible.join(", ")
        ));
    }
    out.push_str("\nSource: OWASP Product Security Capability Framework 1.0 (CC BY-SA 4.0).\n");
    print(&out)
}

fn schema() -> String {
    let schema = schemars::schema_for!(PolicyFile);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

fn validate(file: &Path) -> i32 {
    match policy::load_file(file) {
        Ok(policy) => {
            let files: Vec<String> = policy.sources.iter().map(|s| s.path.to_string()).collect();
            print(&format!(
                "{}: policy is valid ({})\n",
                file.display(),
                files.join(" <- ")
            ))
        }
        Err(errors) => {
            eprint!("{}", errors.render(std::io::stderr().is_terminal()));
            EXIT_USAGE
        }
    }
}
