//! pscf-lint: a policy-as-code linter that holds a repository to the OWASP
//! PSCF *Secure Product Management* capabilities.
//!
//! Data flows one way: policy → discover → scan → facts → rules → govern →
//! report. [`check`] runs the whole pipeline; `ARCHITECTURE.md` maps each
//! stage to its module.

pub mod advisories;
pub mod capabilities;
pub mod diagnostic;
pub mod discover;
pub mod facts;
pub mod finding;
pub mod git;
pub mod govern;
pub mod graph;
pub mod inventory;
pub mod json;
pub mod licence_text;
pub mod location;
pub mod policy;
pub mod purl;
pub mod registries;
pub mod report;
pub mod rules;
pub mod scan;
pub mod version;
pub mod yaml;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::discover::Excludes;
use crate::finding::{Capability, FailOn};
use crate::policy::{Policy, PolicyErrors};
use crate::report::{CapabilityStatus, Report, Status};
use crate::rules::Context;

/// How to run a check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// A policy file to use instead of the one found at the root.
    pub config: Option<PathBuf>,
    /// Worker threads (walk, scan and rules); output is the same for any.
    pub jobs: usize,
    /// The date sunsets and exception expiries are compared with.
    pub today: Date,
    /// Overrides the policy's `fail-on`.
    pub fail_on: Option<FailOn>,
    /// Where cargo's cache is, for licences of registry crates.
    pub cargo_home: Option<PathBuf>,
}

impl CheckOptions {
    pub fn new(today: Date) -> Self {
        CheckOptions {
            config: None,
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
            today,
            fail_on: None,
            cargo_home: None,
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
    let files = discover::discover(root, &excludes, options.jobs.max(1));
    let facts = scan::scan(&files, &environment(root, &policy, options));
    Ok(inventory::Inventory {
        components: facts.components,
        graphs: facts.graphs,
    })
}

/// The policy and the walk's excludes, or why the check cannot run.
fn prepare(root: &Path, options: &CheckOptions) -> Result<(Policy, Excludes), CheckError> {
    if !root.is_dir() {
        return Err(CheckError::Usage(format!(
            "`{}` is not a directory",
            root.display()
        )));
    }
    let policy = policy::load(root, options.config.as_deref()).map_err(CheckError::Policy)?;
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
    }
}

/// Lints the repository at `root`.
pub fn check(root: &Path, options: &CheckOptions) -> Result<Report, CheckError> {
    let (policy, excludes) = prepare(root, options)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| {
            CheckError::Usage(format!("cannot start {} worker threads: {e}", options.jobs))
        })?;
    let env = environment(root, &policy, options);
    let advisories = match policy
        .components
        .as_ref()
        .and_then(|c| c.advisories.as_deref())
    {
        Some(dir) => advisories::Database::load(dir).map_err(CheckError::Usage)?,
        None => advisories::Database::default(),
    };
    let (facts, findings) = pool.install(|| {
        let files = discover::discover(root, &excludes, options.jobs.max(1));
        let facts = scan::scan(&files, &env);
        let ctx = Context {
            policy: &policy,
            facts: &facts,
            advisories: &advisories,
            today: options.today,
        };
        let mut findings = rules::evaluate(&ctx);
        govern::govern(&ctx, &mut findings);
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (facts, findings)
    });
    let capabilities = capability_statuses(&policy, &findings);
    let mut sources = facts.sources;
    for source in &policy.sources {
        sources
            .entry(source.path.clone())
            .or_insert_with(|| source.clone());
    }
    Ok(Report {
        root: root.display().to_string(),
        findings,
        capabilities,
        fail_on: options.fail_on.unwrap_or(policy.fail_on),
        components: facts.components.len(),
        sources,
    })
}

/// Which capabilities this policy evaluates, and whether each passed.
fn capability_statuses(policy: &Policy, findings: &[finding::Finding]) -> Vec<CapabilityStatus> {
    Capability::ALL
        .into_iter()
        .map(|capability| {
            let evaluated = match capability {
                Capability::RecommendedComponents => policy.components.is_some(),
                // Evaluated only if some of its rules are still switched on.
                Capability::MinimumApplicationRequirements => policy.requirements.iter().any(|r| {
                    policy
                        .rule_severity(&r.rule, finding::Severity::Note)
                        .is_some()
                }),
                Capability::RecommendedSharedSecurityServices => policy.services.iter().any(|s| {
                    policy
                        .rule_severity(&s.rule, finding::Severity::Note)
                        .is_some()
                }),
                _ => false,
            };
            let active = findings
                .iter()
                .filter(|f| !f.is_suppressed() && f.rule.capability() == Some(capability))
                .count();
            let status = match (evaluated, active) {
                (false, 0) => Status::NotEvaluated,
                (_, 0) => Status::Pass,
                _ => Status::Fail,
            };
            CapabilityStatus {
                capability,
                status,
                findings: active,
            }
        })
        .collect()
}
