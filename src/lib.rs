//! pscf-lint: a policy-as-code linter that holds a repository to the OWASP
//! PSCF *Secure Product Management* capabilities.
//!
//! Data flows one way: policy → discover → scan → facts → rules → govern →
//! report. [`check`] runs the whole pipeline; `ARCHITECTURE.md` maps each
//! stage to its module.

pub mod advisories;
pub mod baseline;
pub mod capabilities;
pub mod color;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod escape;
pub mod evidence;
pub mod facts;
pub mod finding;
pub mod git;
pub mod govern;
pub mod graph;
pub mod history;
pub mod identity;
pub mod init;
pub mod inventory;
pub mod json;
pub mod licence_expression;
pub mod licence_text;
pub mod location;
pub mod metrics;
pub mod policy;
pub mod product;
pub mod progress;
pub mod purl;
pub mod register;
pub mod registries;
pub mod report;
pub mod rules;
pub mod scan;
pub mod shown;
pub mod version;
pub mod yaml;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::discover::Excludes;
use crate::finding::{Capability, FailOn};
use crate::policy::{Policy, PolicyErrors};
use crate::report::{CapabilityStatus, Report, RuleAbout, RuleState, RuleStatus, Status};
use crate::rules::Context;

/// How to run a check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// A policy file to use instead of the one found at the root.
    pub config: Option<PathBuf>,
    /// The organisation's policy: applied first, and what the repository's
    /// config may relax is limited to what it allows.
    pub trusted_policy: Option<PathBuf>,
    /// Worker threads (walk, scan and rules); output is the same for any.
    pub jobs: usize,
    /// The date sunsets and exception expiries are compared with.
    pub today: Date,
    /// Overrides the policy's `fail-on`.
    pub fail_on: Option<FailOn>,
    /// Where cargo's cache is, for licences of registry crates.
    pub cargo_home: Option<PathBuf>,
    /// `--now`: the delivery window ends on this day instead of at HEAD's
    /// commit time.
    pub now: Option<Date>,
    /// `--baseline`: findings recorded in this file are suppressed.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline`: the active findings are recorded in this file.
    pub write_baseline: Option<PathBuf>,
    /// `--new-since`: findings already present at this git revision are
    /// suppressed.
    pub new_since: Option<String>,
}

impl CheckOptions {
    pub fn new(today: Date) -> Self {
        CheckOptions {
            config: None,
            trusted_policy: None,
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
            today,
            fail_on: None,
            cargo_home: None,
            now: None,
            baseline: None,
            write_baseline: None,
            new_since: None,
        }
    }
}

/// Why a check could not run (as opposed to findings, which it reports).
#[derive(Debug)]
pub enum CheckError {
    Policy(PolicyErrors),
    Usage(String),
}

/// Today's date in UTC.
pub fn today_utc() -> Date {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

/// Every component in the repository at `root`, with the lockfiles'
/// dependency graphs (the policy is read only for its `exclude` globs).
pub fn inventory(root: &Path, options: &CheckOptions) -> Result<inventory::Inventory, CheckError> {
    let (policy, excludes) = prepare(root, options)?;
    let repo = Repository::of(root);
    let files = repo.walk(root, &excludes, options);
    // The inventory reads no file's content.
    let env = scan::Environment {
        content: context::ContextSet::EMPTY,
        ..environment(root, &policy, options)
    };
    let facts = scan::scan(&files, &env);
    let product = identity::identify(descriptor_name(&policy, &facts).as_deref(), &facts.sources);
    Ok(inventory::Inventory {
        components: facts.components,
        graphs: facts.graphs,
        product,
    })
}

/// Top-level directories that usually hold test data, not product code.
const TEST_DATA_DIRS: [&str; 5] = ["fixtures", "testdata", "test-data", "examples", "vendor"];

/// What `pscf-lint init` needs to know about the repository at `root`
/// (no policy is read: the repository's own may be missing or broken).
pub fn survey(root: &Path, options: &CheckOptions) -> Result<init::Survey, CheckError> {
    if !root.is_dir() {
        return Err(CheckError::Usage(format!(
            "`{}` is not a directory",
            root.display()
        )));
    }
    let excludes =
        Excludes::new(&[]).map_err(|e| CheckError::Usage(format!("exclude globs: {e}")))?;
    let repo = Repository::of(root);
    let files = repo.walk(root, &excludes, options);
    let mut retain = globset::GlobSetBuilder::new();
    for glob in scan::product::retained_globs() {
        retain.add(glob);
    }
    let env = scan::Environment {
        root: root.to_path_buf(),
        cargo_home: None,
        retain: retain.build().unwrap_or_else(|_| globset::GlobSet::empty()),
        configs: globset::GlobSet::empty(),
        content: context::ContextSet::EMPTY,
    };
    let manifests: std::collections::BTreeSet<purl::Ecosystem> = files
        .files
        .iter()
        .filter_map(|f| ecosystem_of(f.kind))
        .collect();
    let facts = scan::scan(&files, &env);
    let (product, _) = scan::product::collect(&facts.sources);
    let identity = identity::identify(catalog_name(&product).as_deref(), &facts.sources);
    let owner = product.codeowners.as_ref().and_then(|c| {
        c.rules
            .iter()
            .rev()
            .find(|r| matches!(r.pattern.as_str(), "*" | "/*" | "**" | "/**"))
            .and_then(|r| r.owners.first())
            .map(|o| o.value.clone())
    });
    let test_data = TEST_DATA_DIRS
        .iter()
        .filter(|d| std::fs::symlink_metadata(root.join(d)).is_ok_and(|m| m.is_dir()))
        .map(|d| (*d).to_owned())
        .collect();
    Ok(init::Survey {
        // A manifest says so even when it declares no dependency yet.
        ecosystems: facts
            .components
            .iter()
            .map(|c| c.ecosystem())
            .chain(manifests)
            .collect(),
        product: identity.name.or_else(|| {
            root.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        }),
        has_catalog: product.catalog.is_some(),
        owner,
        test_data,
    })
}

/// The ecosystem a manifest, lockfile or workflow belongs to.
fn ecosystem_of(kind: discover::FileKind) -> Option<purl::Ecosystem> {
    use discover::FileKind as K;
    use purl::Ecosystem as E;
    match kind {
        K::CargoManifest | K::CargoLock => Some(E::Cargo),
        K::PackageJson | K::PackageLock | K::PnpmLock | K::YarnLock => Some(E::Npm),
        K::GoMod => Some(E::Golang),
        K::Workflow | K::ActionManifest => Some(E::Github),
        K::Dockerfile | K::Compose => Some(E::Docker),
        K::Requirements
        | K::Pyproject
        | K::Pipfile
        | K::PoetryLock
        | K::UvLock
        | K::PipfileLock => Some(E::Pypi),
        _ => None,
    }
}

/// The product's name as its descriptor gives it: the policy's
/// `product.name`, else the `catalog-info.yaml` Component's.
fn descriptor_name(policy: &Policy, facts: &facts::Facts) -> Option<String> {
    let declared = policy
        .product
        .as_ref()
        .and_then(|p| p.declared.name.as_ref())
        .map(|n| n.value.clone());
    declared.or_else(|| catalog_name(&scan::product::collect(&facts.sources).0))
}

/// The name the first product descriptor (`catalog-info.yaml`) gives.
fn catalog_name(product: &scan::product::ProductFacts) -> Option<String> {
    product
        .descriptors
        .first()
        .and_then(|d| d.get(product::ProductField::Name))
        .map(|n| n.value.clone())
}

/// Where the checked root sits in its git repository, if it is in one.
#[derive(Debug, Default)]
struct Repository {
    /// The root's path from the repository's top (`services/api/`, or
    /// empty), which reports put before every path.
    prefix: String,
    /// What the git index tracks under the root, relative to it.
    tracked: Option<Vec<location::RelPath>>,
}

impl Repository {
    /// The one walk of the tree, with the index's tracked files always in.
    fn walk(
        &self,
        root: &Path,
        excludes: &Excludes,
        options: &CheckOptions,
    ) -> discover::Discovery {
        discover::discover(root, excludes, options.jobs.max(1), self.tracked.as_deref())
    }

    fn of(root: &Path) -> Self {
        let (Some(repo), Ok(canonical)) = (git::Repository::discover(root), root.canonicalize())
        else {
            return Repository::default();
        };
        let Ok(inside) = canonical.strip_prefix(repo.top()) else {
            return Repository::default();
        };
        let parts: Vec<String> = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let prefix = if parts.is_empty() {
            String::new()
        } else {
            format!("{}/", parts.join("/"))
        };
        let tracked = repo.tracked_paths().ok().map(|paths| {
            paths
                .into_iter()
                .filter_map(|p| {
                    p.as_str()
                        .strip_prefix(prefix.as_str())
                        .map(location::RelPath::new)
                })
                .collect()
        });
        Repository { prefix, tracked }
    }
}

/// Every delivery and quality figure of the repository at `root`, with
/// its inputs, whatever targets the policy sets (or none): the policy's
/// `metrics` settings are used where it has them, defaults otherwise.
pub fn metrics(
    root: &Path,
    options: &CheckOptions,
) -> Result<metrics::MetricsDocument, CheckError> {
    let (policy, excludes) = prepare(root, options)?;
    let delivery_policy = policy.metrics.delivery.clone().unwrap_or_default();
    let history = history::read(
        root,
        &delivery_policy,
        options.now.and_then(evidence::end_of_day),
    );
    let mut delivery = metrics::delivery::compute(&history, &delivery_policy);
    if let Some(why) = &history.insufficient {
        delivery.reason = Some(format!(
            "{}; {}",
            why.describe(history.window.as_ref()),
            rules::dm::how_to_get_history(why)
        ));
    }
    Ok(metrics::MetricsDocument {
        version: metrics::FORMAT_VERSION,
        kind: "metrics",
        root: root.display().to_string(),
        window: history.window.as_ref().map(Into::into),
        delivery,
        quality: {
            let quality_policy = policy
                .metrics
                .quality
                .clone()
                .filter(metrics_policy_names_reports)
                .unwrap_or_else(policy::QualityPolicy::defaults);
            let repo = Repository::of(root);
            let files = repo.walk(root, &excludes, options);
            let facts = scan::scan(&files, &environment(root, &policy, options));
            let quality = evidence::quality(root, &quality_policy, &excludes, &facts);
            metrics::quality::compute(&quality, &quality_policy)
        },
    })
}

fn metrics_policy_names_reports(quality: &policy::QualityPolicy) -> bool {
    quality.has_reports()
}

/// The policy and the walk's excludes, or why the check cannot run.
fn prepare(root: &Path, options: &CheckOptions) -> Result<(Policy, Excludes), CheckError> {
    if !root.is_dir() {
        return Err(CheckError::Usage(format!(
            "`{}` is not a directory",
            root.display()
        )));
    }
    let request = policy::Request {
        config: options.config.as_deref(),
        trusted: options.trusted_policy.as_deref(),
    };
    let policy = policy::load(root, request).map_err(CheckError::Policy)?;
    let excludes = Excludes::new(&policy.exclude)
        .map_err(|e| CheckError::Usage(format!("exclude globs: {e}")))?;
    Ok((policy, excludes))
}

/// What the scan stage needs from outside the tree and from the policy.
fn environment(root: &Path, policy: &Policy, options: &CheckOptions) -> scan::Environment {
    scan::Environment {
        root: root.to_path_buf(),
        cargo_home: options.cargo_home.clone(),
        retain: policy.retained_files(),
        configs: policy.config_files(),
        content: content_contexts(policy),
    }
}

/// The contexts content rules read: none when no content rule is on.
fn content_contexts(policy: &Policy) -> context::ContextSet {
    use rules::mar::{HARDCODED_SECRET, INSECURE_TRANSPORT, TLS_VERIFICATION_DISABLED};
    let on = [
        HARDCODED_SECRET,
        TLS_VERIFICATION_DISABLED,
        INSECURE_TRANSPORT,
    ]
    .iter()
    .any(|r| {
        policy.requirement(&r.id).is_some()
            && policy.rule_severity(&r.id, r.default_severity).is_some()
    });
    if on {
        policy.contexts.read()
    } else {
        context::ContextSet::EMPTY
    }
}

/// Lints the repository at `root`.
pub fn check(root: &Path, options: &CheckOptions) -> Result<Report, CheckError> {
    Ok(run_check(root, options)?.report)
}

/// Every exception of the policy with its status and how many findings it
/// covers, from a full check of the repository at `root`.
pub fn exceptions(root: &Path, options: &CheckOptions) -> Result<register::Register, CheckError> {
    let checked = run_check(root, options)?;
    let report = &checked.report;
    Ok(register::Register::new(
        &checked.policy.exceptions,
        &checked.covered,
        options.today,
        |path| repo_path(report, path),
    ))
}

/// A path as the machine formats give it: from the repository's top, not
/// escaped (JSON and CSV quote it themselves).
fn repo_path(report: &Report, path: &location::RelPath) -> String {
    if report.external.contains(path) {
        path.as_str().to_owned()
    } else {
        format!("{}{}", report.prefix, path)
    }
}

/// What one check found, with what the exceptions register needs.
struct Checked {
    report: Report,
    policy: Policy,
    /// Per exception, how many findings it covers.
    covered: Vec<usize>,
}

/// How many files and bytes of a revision `--new-since` writes out: as
/// many as a large monorepo's checkout, no more.
const REVISION_LIMITS: git::Limits = git::Limits {
    max_file_bytes: scan::MAX_FILE_BYTES,
    max_total_bytes: 4 * 1024 * 1024 * 1024,
    max_files: 1_000_000,
};

fn run_check(root: &Path, options: &CheckOptions) -> Result<Checked, CheckError> {
    let (policy, excludes) = prepare(root, options)?;
    policy::audit_exceptions(&policy, options.today).map_err(CheckError::Policy)?;
    // A bad baseline file is an error before any work is done.
    let baseline = options
        .baseline
        .as_deref()
        .map(baseline::Baseline::read)
        .transpose()
        .map_err(CheckError::Usage)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| {
            CheckError::Usage(format!("cannot start {} worker threads: {e}", options.jobs))
        })?;
    let advisories = match policy
        .components
        .as_ref()
        .and_then(|c| c.advisories.as_deref())
    {
        Some(dir) => advisories::Database::load(dir).map_err(CheckError::Usage)?,
        None => advisories::Database::default(),
    };
    let repo = Repository::of(root);
    let run = Run {
        policy: &policy,
        excludes: &excludes,
        advisories: &advisories,
        options,
        history_root: root,
    };
    let (mut report, covered) = pool.install(|| run.evaluate(root, &repo));
    if let Some(rev) = &options.new_since {
        let earlier = pool.install(|| run.at_revision(root, rev))?;
        baseline::Baseline::of(&earlier).apply(&mut report.findings);
    }
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report.findings);
    }
    if let Some(path) = &options.write_baseline {
        let active: Vec<&finding::Finding> = report.active().collect();
        let text = baseline::Baseline::render(active.iter().copied(), |f| {
            repo_path(&report, &f.location.path)
        });
        let written = baseline::Baseline::of(active.iter().copied());
        std::fs::write(path, text).map_err(|e| {
            CheckError::Usage(format!(
                "cannot write the baseline `{}`: {e}",
                path.display()
            ))
        })?;
        // This run's report is what the next one with `--baseline` gives.
        written.apply(&mut report.findings);
    }
    Ok(Checked {
        report,
        policy,
        covered,
    })
}

/// What every evaluation of one check shares: the policy, its excludes and
/// advisories, and where delivery history is read.
struct Run<'a> {
    policy: &'a Policy,
    excludes: &'a Excludes,
    advisories: &'a advisories::Database,
    options: &'a CheckOptions,
    /// The checked root in its work tree: history is read there even when
    /// the files come from an earlier revision.
    history_root: &'a Path,
}

impl Run<'_> {
    /// The findings of the tree at `root` (the checked root, or a
    /// revision's files written out) and, per exception, how many it
    /// covers.
    fn evaluate(&self, root: &Path, repo: &Repository) -> (Report, Vec<usize>) {
        let (policy, excludes, options) = (self.policy, self.excludes, self.options);
        let env = environment(root, policy, options);
        let mut files = repo.walk(root, excludes, options);
        context::apply_policy(&mut files.files, |p| policy.contexts.assign(p));
        let mut facts = scan::scan(&files, &env);
        let tracked_at_top = repo.tracked.as_deref().filter(|_| repo.prefix.is_empty());
        evidence::gather(
            root,
            policy,
            excludes,
            options.now,
            tracked_at_top,
            &mut facts,
        );
        if root != self.history_root
            && let Some(delivery) = &policy.metrics.delivery
        {
            facts.delivery = Some(history::read(
                self.history_root,
                delivery,
                options.now.and_then(evidence::end_of_day),
            ));
        }
        let ctx = Context {
            policy,
            facts: &facts,
            advisories: self.advisories,
            today: options.today,
        };
        let mut findings = rules::evaluate(&ctx);
        for f in &mut findings {
            f.context = f.context.or_else(|| facts.context_of(&f.location.path));
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut findings = rules::cap_per_file(findings);
        // Printable before numbering and governing: fingerprints, which
        // exceptions and baselines select by, are of what reports show.
        for f in &mut findings {
            f.make_printable();
        }
        finding::number_occurrences(&mut findings);
        let ruled = findings.len();
        let covered = govern::govern(&ctx, &mut findings);
        for f in findings.iter_mut().skip(ruled) {
            f.make_printable();
        }
        finding::number_occurrences(&mut findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let capabilities = capability_statuses(policy, &facts, &findings);
        let rules = rule_statuses(policy, &capabilities);
        let product =
            identity::identify(descriptor_name(policy, &facts).as_deref(), &facts.sources);
        let mut sources = facts.sources;
        for source in &policy.sources {
            sources
                .entry(source.path.clone())
                .or_insert_with(|| source.clone());
        }
        let report = Report {
            root: root.display().to_string(),
            findings,
            capabilities,
            rules,
            fail_on: options.fail_on.unwrap_or(policy.fail_on),
            components: facts.components.len(),
            inventory: inventory::Inventory {
                components: facts.components,
                graphs: facts.graphs,
                product,
            },
            sources,
            prefix: repo.prefix.clone(),
            external: policy.external.iter().cloned().collect(),
        };
        (report, covered)
    }

    /// Every finding at git revision `rev` of the repository holding
    /// `root`, under the same policy: the revision's files under the root
    /// are written to a private temporary directory (never checked out,
    /// nothing run) and checked there.
    fn at_revision(&self, root: &Path, rev: &str) -> Result<Vec<finding::Finding>, CheckError> {
        let here = Repository::of(root);
        let git = git::Repository::discover(root).ok_or_else(|| {
            CheckError::Usage(format!(
                "`--new-since {rev}`: `{}` is not in a git repository gix can open",
                root.display()
            ))
        })?;
        let dir = TempDir::new().map_err(CheckError::Usage)?;
        git.materialise(rev, &here.prefix, dir.path(), &REVISION_LIMITS)
            .map_err(|e| CheckError::Usage(format!("`--new-since`: {e}")))?;
        let (report, _) = self.evaluate(dir.path(), &Repository::default());
        Ok(report.findings)
    }
}

/// A directory of our own under the OS temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, String> {
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for attempt in 0..100u32 {
            let dir = base.join(format!(
                "pscf-lint-rev-{}-{nanos}-{attempt}",
                std::process::id()
            ));
            // `create_dir` fails on an existing path: the directory is ours.
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot create a temporary directory in `{}`: {e}",
                        base.display()
                    ));
                }
            }
        }
        Err(format!(
            "cannot create a temporary directory in `{}`",
            base.display()
        ))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every rule of the policy with the severity it gives it and whether it
/// ran: the registry's rules in catalogue order, then the services and
/// requirements the policy defines itself.
fn rule_statuses(policy: &Policy, capabilities: &[CapabilityStatus]) -> Vec<RuleStatus> {
    let state = |id: &finding::RuleId, severity: Option<finding::Severity>, required: bool| {
        let capability = capabilities
            .iter()
            .find(|c| Some(c.capability) == id.capability());
        match (severity, required, capability) {
            (None, _, _) => RuleState::Disabled,
            (Some(_), false, _) => RuleState::NotRequired,
            (Some(_), true, Some(c)) if c.status == Status::NotEvaluated => {
                RuleState::NotEvaluated(c.reason.clone().unwrap_or_default())
            }
            (Some(_), true, _) => RuleState::Evaluated,
        }
    };
    let mut out = Vec::new();
    for info in rules::registry::all() {
        let service = policy.services.iter().find(|s| s.rule == info.id);
        let default = service
            .and_then(|s| s.severity)
            .unwrap_or(info.default_severity);
        // The repository cannot silence its own relaxations: only trusted
        // files decide this rule's severity.
        let severity = if info.id == rules::tool::POLICY_WEAKENED.id {
            policy::severity_under(&policy.trusted_rules, &info.id, default)
        } else {
            policy.rule_severity(&info.id, default)
        };
        let required = if rules::registry::is_check(info) {
            policy.requirement(&info.id).is_some()
        } else if info.capability() == Some(Capability::RecommendedSharedSecurityServices)
            && info.id != rules::rss::UNAPPROVED_SERVICE.id
        {
            service.is_some()
        } else {
            true
        };
        out.push(RuleStatus {
            id: info.id.clone(),
            severity: severity.unwrap_or(default),
            state: state(&info.id, severity, required),
            about: RuleAbout::Builtin(info),
        });
    }
    for service in &policy.services {
        if rules::registry::find(service.rule.as_str()).is_some() {
            continue;
        }
        let default = service.severity.unwrap_or(finding::Severity::Warning);
        let severity = policy.rule_severity(&service.rule, default);
        out.push(RuleStatus {
            id: service.rule.clone(),
            severity: severity.unwrap_or(default),
            state: state(&service.rule, severity, true),
            about: RuleAbout::Service {
                service: service.id.clone(),
                name: service.name.clone(),
            },
        });
    }
    for d in &policy.declared {
        let severity = policy.rule_severity(&d.rule, d.severity);
        out.push(RuleStatus {
            id: d.rule.clone(),
            severity: severity.unwrap_or(d.severity),
            // Evaluated on the tree whatever else its capability asks for.
            state: if severity.is_some() {
                RuleState::Evaluated
            } else {
                RuleState::Disabled
            },
            about: RuleAbout::Declared {
                message: d.message.clone(),
                help: d.help.clone(),
            },
        });
    }
    out
}

/// For each capability, the worst active finding about a file it needed
/// and could not read, and how many such files there are.
fn unreadable(
    facts: &facts::Facts,
    findings: &[finding::Finding],
) -> std::collections::BTreeMap<Capability, (finding::Severity, usize)> {
    let mut out = std::collections::BTreeMap::new();
    for problem in &facts.problems {
        let path = &problem.problem.location().path;
        let severity = findings
            .iter()
            .filter(|f| !f.is_suppressed() && f.location.path == *path)
            .filter(|f| {
                f.rule == rules::tool::PARSE_ERROR.id || f.rule == rules::tool::FILE_SKIPPED.id
            })
            .map(|f| f.severity)
            .max();
        let Some(severity) = severity else { continue };
        for &capability in problem.kind.capabilities() {
            let entry = out.entry(capability).or_insert((severity, 0));
            entry.0 = entry.0.max(severity);
            entry.1 += 1;
        }
    }
    out
}

/// Which capabilities this policy evaluates, and whether each passed. A
/// capability that is not evaluated says why and how to change that; one
/// whose files could not all be read never passes: it fails when that is
/// an error, else it is not evaluated.
fn capability_statuses(
    policy: &Policy,
    facts: &facts::Facts,
    findings: &[finding::Finding],
) -> Vec<CapabilityStatus> {
    let unreadable = unreadable(facts, findings);
    Capability::ALL
        .into_iter()
        .map(|capability| {
            let reason = evidence::not_evaluated(capability, policy, facts);
            let active: Vec<_> = findings
                .iter()
                .filter(|f| !f.is_suppressed() && f.rule.capability() == Some(capability))
                .collect();
            // Notes that say a figure could not be computed never fail it.
            // Notes inform (a test file's secret, a figure that could not be
            // computed); only warnings and errors fail a capability.
            let failing = active
                .iter()
                .filter(|f| !evidence::is_informational(&f.rule))
                .filter(|f| f.severity > finding::Severity::Note)
                .count();
            let blind = unreadable.get(&capability).filter(|_| reason.is_none());
            let status = match (&reason, failing, blind) {
                (Some(_), 0, _) => Status::NotEvaluated,
                (_, 0, Some((finding::Severity::Error, _))) => Status::Fail,
                (_, 0, Some(_)) => Status::NotEvaluated,
                (_, 0, None) => Status::Pass,
                _ => Status::Fail,
            };
            let reason = reason.filter(|_| status == Status::NotEvaluated).or_else(|| {
                blind.map(|(_, n)| {
                    format!(
                        "{} it needs could not be read (see pscf-lint/parse-error and pscf-lint/file-skipped)",
                        report::plural(*n, "file")
                    )
                })
            });
            CapabilityStatus {
                capability,
                status,
                findings: active.len(),
                reason,
            }
        })
        .collect()
}
