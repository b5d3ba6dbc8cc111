//! PSCF-SPM-RSS — Recommended Shared Security Services: the product is
//! wired to the organisation's approved services (SAST, dependency
//! scanning, dependency updates, secret scanning, and any service the
//! policy declares), and uses no unapproved alternative.
//!
//! The catalogue of known tools per category follows the evidence lists of
//! OpenSSF Scorecard and the peers in `reference/repo-checks.md`.

use std::sync::LazyLock;

use globset::{Glob, GlobMatcher};
use regex::Regex;

use super::Context;
use super::anchor::{self, AnchorKind};
use super::registry::RuleInfo;
use crate::facts::Facts;
use crate::finding::{Finding, RuleId, Severity};
use crate::location::Location;
use crate::policy::{Evidence, Service};
use crate::purl::Ecosystem;

pub const SAST: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RSS/sast"),
    default_severity: Severity::Error,
    summary: "no approved static analysis (SAST) service is wired in (workflow step, app config or pre-commit hook); a step with `continue-on-error: true` does not count",
    rationale: "The organisation's shared SAST service finds classes of vulnerabilities in every product the same way; a product not wired to it is unseen.",
    fix: "Run the approved SAST tool on pull requests, e.g. a CodeQL or Semgrep workflow step, and let it fail the build.",
    example: "services:\n  - id: sast\n    approved: [codeql, semgrep]",
};

pub const SCA: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RSS/software-composition-analysis"),
    default_severity: Severity::Warning,
    summary: "no approved dependency vulnerability scanner (software composition analysis) is wired in",
    rationale: "New advisories appear daily for dependencies that did not change; only a scanner that runs continuously catches them.",
    fix: "Add the approved scanner: `actions/dependency-review-action`, osv-scanner, `cargo deny check`/`cargo audit`, pip-audit, govulncheck, Trivy…",
    example: "services:\n  - id: software-composition-analysis\n    approved: [osv-scanner, cargo-deny]",
};

pub const DEPENDENCY_UPDATES: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RSS/dependency-updates"),
    default_severity: Severity::Warning,
    summary: "no dependency-update configuration (Dependabot, Renovate), or an ecosystem present in the repository is not covered by Dependabot's `updates`",
    rationale: "Fixes only reach the product when someone updates the dependency; an update bot makes that routine, for every ecosystem the product uses.",
    fix: "Add `.github/dependabot.yml` with an `updates` entry per ecosystem (cargo, npm, pip, gomod, docker, github-actions), or a Renovate config.",
    example: "services:\n  - id: dependency-updates\n    approved: [dependabot]",
};

pub const SECRET_SCANNING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RSS/secret-scanning"),
    default_severity: Severity::Warning,
    summary: "no approved secret scanner runs in CI or as a pre-commit hook",
    rationale: "Secrets committed by mistake are found by attackers within minutes; a scanner before or at push time keeps them out.",
    fix: "Run gitleaks, TruffleHog, detect-secrets or ggshield as a pre-commit hook and in CI.",
    example: "services:\n  - id: secret-scanning\n    approved: [gitleaks]",
};

pub const UNAPPROVED_SERVICE: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-RSS/unapproved-service"),
    default_severity: Severity::Warning,
    summary: "a security tool outside the approved list is used for a category whose service lists `approved` tools",
    rationale: "Shared services are chosen once for the organisation so that findings, triage and coverage are comparable; a different tool's results are not seen by the central team.",
    fix: "Replace the tool with an approved one, or have it evaluated and added to the service's `approved` list.",
    example: "services:\n  - id: sast\n    approved: [codeql]",
};

pub const RULES: &[RuleInfo] = &[
    SAST,
    SCA,
    DEPENDENCY_UPDATES,
    SECRET_SCANNING,
    UNAPPROVED_SERVICE,
];

/// Evidence of a known tool, as static data.
enum Known {
    Uses(&'static str),
    Run(&'static str),
    File(&'static str),
    Hook(&'static str),
}

struct Tool {
    name: &'static str,
    evidence: &'static [Known],
}

use Known::{File, Hook, Run, Uses};

const CATALOGUE: &[(&str, &[Tool])] = &[
    (
        "sast",
        &[
            Tool {
                name: "codeql",
                evidence: &[Uses("github/codeql-action/analyze")],
            },
            Tool {
                name: "semgrep",
                evidence: &[
                    Uses("semgrep/semgrep-action"),
                    Uses("returntocorp/semgrep-action"),
                    Run(r"\bsemgrep\s+(ci|scan)\b"),
                    Hook("semgrep"),
                ],
            },
            Tool {
                name: "sonarqube",
                evidence: &[
                    Uses("SonarSource/sonarqube-scan-action"),
                    Uses("SonarSource/sonarcloud-github-action"),
                    File("**/sonar-project.properties"),
                ],
            },
            Tool {
                name: "snyk-code",
                evidence: &[Run(r"\bsnyk\s+code\s+test\b")],
            },
            Tool {
                name: "qodana",
                evidence: &[Uses("JetBrains/qodana-action"), File("qodana.yaml")],
            },
            Tool {
                name: "pysa",
                evidence: &[Uses("facebook/pysa-action")],
            },
            Tool {
                name: "bandit",
                evidence: &[Run(r"\bbandit\s+-r\b"), Hook("bandit")],
            },
            Tool {
                name: "gosec",
                evidence: &[Uses("securego/gosec"), Run(r"\bgosec\s")],
            },
            Tool {
                name: "hadolint",
                evidence: &[
                    Uses("hadolint/hadolint-action"),
                    Hook("hadolint"),
                    Hook("hadolint-docker"),
                ],
            },
            Tool {
                name: "zizmor",
                evidence: &[
                    Uses("zizmorcore/zizmor-action"),
                    Run(r"\bzizmor\b"),
                    Hook("zizmor"),
                ],
            },
        ],
    ),
    (
        "software-composition-analysis",
        &[
            Tool {
                name: "dependency-review",
                // Also an organisation's reusable dependency-review workflow.
                evidence: &[
                    Uses("actions/dependency-review-action"),
                    Uses("*/*/.github/workflows/*dependency-review*"),
                ],
            },
            Tool {
                name: "osv-scanner",
                evidence: &[Uses("google/osv-scanner-action/*"), Run(r"\bosv-scanner\b")],
            },
            Tool {
                name: "snyk",
                evidence: &[Uses("snyk/actions/*"), Run(r"\bsnyk\s+test\b")],
            },
            Tool {
                name: "trivy",
                evidence: &[
                    Uses("aquasecurity/trivy-action"),
                    Run(r"\btrivy\s+(fs|image|repo)\b"),
                ],
            },
            Tool {
                name: "grype",
                evidence: &[Uses("anchore/scan-action"), Run(r"\bgrype\s")],
            },
            Tool {
                name: "cargo-audit",
                evidence: &[Uses("rustsec/audit-check"), Run(r"\bcargo\s+audit\b")],
            },
            Tool {
                name: "cargo-deny",
                evidence: &[
                    Uses("EmbarkStudios/cargo-deny-action"),
                    // Options may come before the subcommand: `cargo deny -L debug --all-features check`.
                    Run(r"\bcargo[\s-]+deny(\s+-{1,2}[\w-]+(=\S+|\s+[^-\s]\S*)?)*\s+check\b"),
                ],
            },
            Tool {
                name: "pip-audit",
                evidence: &[Uses("pypa/gh-action-pip-audit"), Run(r"\bpip-audit\b")],
            },
            Tool {
                name: "govulncheck",
                evidence: &[Uses("golang/govulncheck-action"), Run(r"\bgovulncheck\b")],
            },
            Tool {
                name: "npm-audit",
                evidence: &[Run(r"\b(npm|pnpm|yarn)\s+audit\b")],
            },
        ],
    ),
    (
        "dependency-updates",
        &[
            Tool {
                name: "dependabot",
                evidence: &[File(".github/dependabot.{yml,yaml}")],
            },
            Tool {
                name: "renovate",
                evidence: &[File(
                    "{renovate.json,renovate.json5,.renovaterc,.renovaterc.json,.renovaterc.json5,.github/renovate.json,.github/renovate.json5,.gitlab/renovate.json,.gitlab/renovate.json5}",
                )],
            },
        ],
    ),
    (
        "secret-scanning",
        &[
            Tool {
                name: "gitleaks",
                evidence: &[
                    Uses("gitleaks/gitleaks-action"),
                    Run(r"\bgitleaks\s+(detect|protect|git|dir)\b"),
                    Hook("gitleaks"),
                    File(".gitleaks.toml"),
                ],
            },
            Tool {
                name: "trufflehog",
                evidence: &[
                    Uses("trufflesecurity/trufflehog"),
                    Run(r"\btrufflehog\b"),
                    Hook("trufflehog"),
                ],
            },
            Tool {
                name: "detect-secrets",
                evidence: &[Hook("detect-secrets"), File(".secrets.baseline")],
            },
            Tool {
                name: "ggshield",
                evidence: &[Uses("GitGuardian/ggshield-action"), Hook("ggshield")],
            },
        ],
    ),
];

fn tools(category: &str) -> &'static [Tool] {
    CATALOGUE
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(&[], |(_, t)| t)
}

/// Whether a service id is one of the built-in categories.
pub fn is_category(id: &str) -> bool {
    CATALOGUE.iter().any(|(c, _)| *c == id)
}

pub fn is_known_tool(category: &str, name: &str) -> bool {
    tools(category).iter().any(|t| t.name == name)
}

pub fn known_tool_names(category: &str) -> Vec<&'static str> {
    tools(category).iter().map(|t| t.name).collect()
}

/// Compiled matchers of the catalogue, built once.
static COMPILED: LazyLock<Vec<(&'static str, &'static str, Vec<Evidence>)>> =
    LazyLock::new(|| {
        CATALOGUE
            .iter()
            .flat_map(|(category, tools)| tools.iter().map(move |t| (*category, t)))
            .map(|(category, tool)| {
                let evidence =
                    tool.evidence
                        .iter()
                        .filter_map(|e| match e {
                            Uses(g) => Glob::new(&g.to_lowercase()).ok().map(|glob| {
                                Evidence::WorkflowUses {
                                    glob: glob.compile_matcher(),
                                    text: (*g).to_owned(),
                                }
                            }),
                            Run(r) => Regex::new(r).ok().map(Evidence::WorkflowRun),
                            File(g) => Glob::new(g).ok().map(|glob| Evidence::File {
                                glob: glob.compile_matcher(),
                                pattern: glob,
                                contains: None,
                            }),
                            Hook(h) => Some(Evidence::PreCommitHook((*h).to_owned())),
                        })
                        .collect();
                (category, tool.name, evidence)
            })
            .collect()
    });

/// Where evidence was found.
fn find(facts: &Facts, evidence: &Evidence) -> Option<Location> {
    let steps = || {
        facts
            .workflows
            .iter()
            .flat_map(|w| &w.jobs)
            .flat_map(|j| &j.steps)
    };
    match evidence {
        Evidence::WorkflowUses { glob, .. } => {
            let matches = |uses: &crate::facts::Spanned| uses_matches(glob, &uses.value);
            let job_level = facts
                .workflows
                .iter()
                .flat_map(|w| &w.jobs)
                .filter_map(|j| j.uses.as_ref());
            // A step allowed to fail does not gate anything.
            let step_level = steps()
                .filter(|s| !s.continue_on_error)
                .filter_map(|s| s.uses.as_ref());
            job_level
                .chain(step_level)
                .find(|u| matches(u))
                .map(|u| u.location.clone())
        }
        Evidence::WorkflowRun(re) => steps()
            .filter(|s| !s.continue_on_error)
            .filter_map(|s| s.run.as_ref())
            .find(|r| re.is_match(&r.value))
            .map(|r| r.location.clone()),
        Evidence::File { glob, contains, .. } => facts
            .paths
            .iter()
            .filter(|p| glob.is_match(p.as_str()))
            .find_map(|p| match contains {
                None => Some(Location::file(p.clone())),
                Some(re) => {
                    let source = facts.sources.get(p)?;
                    let m = re.find(&source.text)?;
                    Some(source.location(m.range()))
                }
            }),
        Evidence::Component(pattern) => facts
            .components
            .iter()
            .find(|c| pattern.matches(&c.purl))
            .map(|c| c.location.clone()),
        Evidence::PreCommitHook(id) => facts
            .precommit_hooks
            .iter()
            .find(|h| h.value == *id)
            .map(|h| h.location.clone()),
    }
}

/// `owner/repo/path@ref` matched without its ref, case-insensitively.
fn uses_matches(glob: &GlobMatcher, uses: &str) -> bool {
    let path = uses.split('@').next().unwrap_or(uses).to_lowercase();
    glob.is_match(&path)
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for service in &ctx.policy.services {
        check_service(ctx, service, &mut out);
    }
    out
}

fn check_service(ctx: &Context<'_>, service: &Service, out: &mut Vec<Finding>) {
    let facts = ctx.facts;
    // Known tools of the category that are present, approved or not.
    let found_tools: Vec<(&str, Location)> = COMPILED
        .iter()
        .filter(|(category, _, _)| *category == service.id)
        .filter_map(|(_, name, evidence)| {
            evidence
                .iter()
                .find_map(|e| find(facts, e))
                .map(|at| (*name, at))
        })
        .collect();
    let approved = |name: &str| {
        service
            .approved
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| a == name))
    };
    let wired = found_tools.iter().any(|(name, _)| approved(name))
        || service.evidence.iter().any(|e| find(facts, e).is_some());
    if service.approved.is_some() {
        for (name, at) in found_tools.iter().filter(|(name, _)| !approved(name)) {
            let message = format!(
                "`{name}` is used for {} but is not an approved tool",
                service.name.as_deref().unwrap_or(&service.id)
            );
            let help = format!(
                "use an approved tool ({}), or have `{name}` added to `approved`",
                service.approved.as_deref().unwrap_or(&[]).join(", ")
            );
            if let Some(mut f) = ctx.finding(&UNAPPROVED_SERVICE, at, message) {
                f.subject = format!("{} {name}", service.id);
                f.help = Some(help);
                out.push(f);
            }
        }
    }
    if !wired && service.required {
        out.extend(missing(ctx, service));
    } else if wired && service.id == "dependency-updates" {
        out.extend(uncovered_ecosystems(ctx, service));
    }
}

/// Where a missing service is reported: the repository's own policy entry
/// for it, else the main CI workflow (where the fix goes), else the root
/// manifest or README — always a file of the repository.
fn missing(ctx: &Context<'_>, service: &Service) -> Option<Finding> {
    let anchor = anchor::repository(ctx.facts, Some(&service.location));
    let (location, place) = match &anchor {
        Some(a) => (
            a.location.clone(),
            match a.kind {
                AnchorKind::PolicyEntry => "; this policy entry requires it",
                AnchorKind::CiWorkflow => {
                    "; no workflow, pre-commit hook or config runs one: this pull-request workflow is where it would"
                }
                AnchorKind::RootFile => "; the repository has no pull-request workflow to run one",
            },
        ),
        None => (service.location.clone(), ""),
    };
    let name = service
        .name
        .clone()
        .unwrap_or_else(|| service.id.replace('-', " "));
    let (default, help) = match crate::rules::registry::find(service.rule.as_str()) {
        Some(rule) => (rule.default_severity, rule.fix.to_owned()),
        None => (
            Severity::Warning,
            format!(
                "wire in {name}: see `services` entry `{}` in the policy for the evidence that counts",
                service.id
            ),
        ),
    };
    // The entry's own severity is the default; `rules:` overrides have the
    // last word, as for every rule.
    let severity = ctx
        .policy
        .rule_severity(&service.rule, service.severity.unwrap_or(default))?;
    let known = known_tool_names(&service.id);
    let tools = match &service.approved {
        Some(list) => format!(" (approved: {})", list.join(", ")),
        None if !known.is_empty() => format!(" (known: {})", known.join(", ")),
        None => String::new(),
    };
    let mut f = Finding::new(
        service.rule.clone(),
        severity,
        format!("{name} is not wired in{tools}{place}"),
        location,
    );
    f.help = Some(help);
    f.subject = service.id.clone();
    Some(f)
}

/// Dependabot's name for an ecosystem pscf-lint found components of.
fn dependabot_name(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Cargo => "cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "pip",
        Ecosystem::Golang => "gomod",
        Ecosystem::Github => "github-actions",
        Ecosystem::Docker => "docker",
    }
}

/// With Dependabot, every ecosystem present needs an `updates` entry
/// (Renovate covers all ecosystems by default).
fn uncovered_ecosystems(ctx: &Context<'_>, service: &Service) -> Vec<Finding> {
    let facts = ctx.facts;
    let renovate = COMPILED
        .iter()
        .any(|(_, name, ev)| *name == "renovate" && ev.iter().any(|e| find(facts, e).is_some()));
    let Some(config) = facts.dependabot.first().filter(|_| !renovate) else {
        return Vec::new();
    };
    let mut present: Vec<Ecosystem> = facts.components.iter().map(|c| c.ecosystem()).collect();
    present.sort();
    present.dedup();
    let covered = |name: &str| {
        config.ecosystems.iter().any(|e| {
            e.value == name
                || (name == "pip" && matches!(e.value.as_str(), "pip" | "uv" | "poetry" | "pipenv"))
                || (name == "docker" && e.value == "docker-compose")
        })
    };
    present
        .into_iter()
        .map(dependabot_name)
        .filter(|name| !covered(name))
        .filter_map(|name| {
            let mut f = ctx.finding(&DEPENDENCY_UPDATES, &config.head, format!("Dependabot does not update the `{name}` ecosystem this repository uses"))?;
            f.subject = format!("{} {name}", service.id);
            f.help = Some(format!("add an `updates` entry with `package-ecosystem: \"{name}\"` for each directory that has its manifests"));
            Some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_compiles_completely() {
        let expected: usize = CATALOGUE
            .iter()
            .flat_map(|(_, t)| t.iter())
            .map(|t| t.evidence.len())
            .sum();
        let compiled: usize = COMPILED.iter().map(|(_, _, e)| e.len()).sum();
        assert_eq!(
            compiled, expected,
            "a catalogue glob or regex does not compile"
        );
        assert!(is_known_tool("sast", "codeql"));
        assert!(!is_known_tool("sast", "gitleaks"));
    }

    #[test]
    fn uses_match_without_ref() {
        let glob = Glob::new("google/osv-scanner-action/*")
            .map(|g| g.compile_matcher())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(uses_matches(
            &glob,
            "google/osv-scanner-action/osv-scanner-action@v1.9.0"
        ));
        assert!(!uses_matches(&glob, "google/other@v1"));
    }

    fn evidence_of(tool: &str) -> Vec<&'static Evidence> {
        COMPILED
            .iter()
            .filter(|(_, name, _)| *name == tool)
            .flat_map(|(_, _, e)| e)
            .collect()
    }

    #[test]
    fn cargo_deny_with_options_before_the_subcommand() {
        let runs: Vec<_> = evidence_of("cargo-deny")
            .into_iter()
            .filter_map(|e| match e {
                Evidence::WorkflowRun(re) => Some(re),
                _ => None,
            })
            .collect();
        let matches = |cmd: &str| runs.iter().any(|re| re.is_match(cmd));
        for cmd in [
            "cargo deny check",
            "cargo deny -L debug --all-features check",
            "cargo deny --manifest-path crates/x/Cargo.toml check advisories",
            "cargo-deny --all-features check bans",
        ] {
            assert!(matches(cmd), "{cmd}");
        }
        assert!(!matches("cargo deny init"));
        assert!(!matches("cargo denylist check"));
    }

    #[test]
    fn reusable_dependency_review_workflows() {
        let uses = |u: &str| {
            evidence_of("dependency-review")
                .into_iter()
                .any(|e| match e {
                    Evidence::WorkflowUses { glob, .. } => uses_matches(glob, u),
                    _ => false,
                })
        };
        assert!(uses("actions/dependency-review-action@v4"));
        assert!(uses(
            "my-org/security/.github/workflows/dependency-review.yml@0123456789abcdef0123456789abcdef01234567"
        ));
        assert!(!uses("my-org/security/.github/workflows/release.yml@main"));
    }
}
