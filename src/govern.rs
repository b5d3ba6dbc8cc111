//! The govern stage: exceptions suppress the findings they cover until they
//! expire; expired and unused exceptions are findings themselves, pointing
//! at the exception in its policy file. Inline `pscf-lint: ignore[...]`
//! comments are governed the same way: they need a reason, a policy can
//! refuse them, and one that suppresses nothing is a finding at the comment.

use std::collections::HashMap;

use globset::{GlobSet, GlobSetBuilder};
use jiff::civil::Date;

use crate::facts::InlineSuppression;
use crate::finding::{Finding, RuleId, Suppression};
use crate::policy::{Exception, InlineSuppressions, Policy, RuleSelector};
use crate::rules::Context;
use crate::rules::registry;
use crate::rules::tool::{EXPIRED_EXCEPTION, POLICY_WEAKENED, UNUSED_EXCEPTION};

/// Exceptions indexed so that finding the ones that cover a finding costs
/// one lookup per distinct rule selector, not one test per exception: a
/// policy with 20,000 path exceptions over 100,000 findings stays linear.
struct Index {
    /// Exact rule id → group.
    exact: HashMap<RuleId, usize>,
    /// Rule globs, one per group, matched all at once.
    globs: GlobSet,
    glob_groups: Vec<usize>,
    groups: Vec<Group>,
}

/// Exceptions with the same rule selector.
#[derive(Default)]
struct Group {
    /// Exceptions without a `path`.
    anywhere: Vec<usize>,
    paths: PathIndex,
}

/// Path globs, so that a path is tested only against globs that can match
/// it: a glob with a literal start (`vendor/x/**`) only against paths
/// that start with it, the rest (`**/*.min.js`) as one set.
#[derive(Default)]
struct PathIndex {
    by_prefix: HashMap<String, Vec<(usize, globset::GlobMatcher)>>,
    general: Vec<(usize, globset::Glob)>,
    set: Option<(GlobSet, Vec<usize>)>,
}

impl PathIndex {
    fn add(&mut self, exception: usize, matcher: &globset::GlobMatcher) {
        let text = matcher.glob().glob();
        let prefix: String = text
            .chars()
            .take_while(|c| !matches!(c, '*' | '?' | '[' | '{' | '\\'))
            .collect();
        if prefix.is_empty() {
            self.general.push((exception, matcher.glob().clone()));
        } else {
            self.by_prefix
                .entry(prefix)
                .or_default()
                .push((exception, matcher.clone()));
        }
    }

    fn finish(&mut self) {
        let mut builder = GlobSetBuilder::new();
        let mut ids = Vec::new();
        for (exception, glob) in std::mem::take(&mut self.general) {
            builder.add(glob);
            ids.push(exception);
        }
        self.set = builder.build().ok().map(|set| (set, ids));
    }

    fn matches(&self, path: &str, out: &mut Vec<usize>) {
        if !self.by_prefix.is_empty() {
            for end in (1..=path.len()).filter(|&i| path.is_char_boundary(i)) {
                let Some(globs) = path.get(..end).and_then(|p| self.by_prefix.get(p)) else {
                    continue;
                };
                out.extend(
                    globs
                        .iter()
                        .filter(|(_, m)| m.is_match(path))
                        .map(|(i, _)| *i),
                );
            }
        }
        if let Some((set, ids)) = &self.set {
            out.extend(set.matches(path).into_iter().filter_map(|i| ids.get(i)));
        }
    }
}

impl Index {
    fn new(exceptions: &[Exception]) -> Self {
        let mut exact = HashMap::new();
        let mut by_glob: HashMap<String, usize> = HashMap::new();
        let mut globs = GlobSetBuilder::new();
        let mut glob_groups = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for (i, e) in exceptions.iter().enumerate() {
            let group = match &e.rule {
                RuleSelector::Exact(id) => *exact.entry(id.clone()).or_insert_with(|| {
                    groups.push(Group::default());
                    groups.len() - 1
                }),
                RuleSelector::Glob { text, matcher } => {
                    *by_glob.entry(text.clone()).or_insert_with(|| {
                        globs.add(matcher.glob().clone());
                        groups.push(Group::default());
                        glob_groups.push(groups.len() - 1);
                        groups.len() - 1
                    })
                }
            };
            let Some(g) = groups.get_mut(group) else {
                continue;
            };
            match &e.path {
                Some(path) => g.paths.add(i, path),
                None => g.anywhere.push(i),
            }
        }
        for g in &mut groups {
            g.paths.finish();
        }
        Index {
            exact,
            globs: globs.build().unwrap_or_else(|_| GlobSet::empty()),
            glob_groups,
            groups,
        }
    }

    /// The exceptions whose rule and path cover `finding`, in policy order.
    fn candidates(&self, finding: &Finding) -> Vec<usize> {
        let mut groups: Vec<usize> = self
            .globs
            .matches(finding.rule.as_str())
            .into_iter()
            .filter_map(|i| self.glob_groups.get(i).copied())
            .collect();
        groups.extend(self.exact.get(&finding.rule));
        let mut out = Vec::new();
        for g in groups.into_iter().filter_map(|g| self.groups.get(g)) {
            out.extend(&g.anywhere);
            g.paths.matches(finding.location.path.as_str(), &mut out);
        }
        out.sort_unstable();
        out
    }
}

/// Whether the exception's `purl` and `fingerprint`, where it has them,
/// cover the finding (rule and path are matched by the index).
fn covers(exception: &Exception, finding: &Finding) -> bool {
    exception
        .purl
        .as_ref()
        .is_none_or(|p| finding.component.as_ref().is_some_and(|c| p.matches(c)))
        && exception
            .fingerprint
            .as_ref()
            .is_none_or(|f| *f == finding.fingerprint())
}

fn expired(exception: &Exception, today: Date) -> bool {
    exception.expires.is_some_and(|date| today > date)
}

/// Suppresses covered findings and adds the exception findings. Returns,
/// per exception of the policy, how many findings it covers (an expired
/// one: how many it would).
pub fn govern(ctx: &Context<'_>, findings: &mut Vec<Finding>) -> Vec<usize> {
    let policy: &Policy = ctx.policy;
    let mut covered = vec![0usize; policy.exceptions.len()];
    let index = Index::new(&policy.exceptions);
    for finding in findings.iter_mut() {
        // What the repository's config relaxed is always shown.
        if finding.rule == POLICY_WEAKENED.id {
            continue;
        }
        for i in index.candidates(finding) {
            let Some(exception) = policy.exceptions.get(i) else {
                continue;
            };
            if !covers(exception, finding) {
                continue;
            }
            if let Some(count) = covered.get_mut(i) {
                *count += 1;
            }
            if !expired(exception, ctx.today) {
                finding.suppression = Some(Suppression::Exception {
                    reason: exception.reason.clone(),
                    expires: exception.expires.map(|d| d.to_string()),
                    owner: exception.owner.clone(),
                    ticket: exception.ticket.clone(),
                });
                break;
            }
        }
    }
    for (exception, &count) in policy.exceptions.iter().zip(&covered) {
        let used = count > 0;
        let subject = exception.location.span.start.to_string();
        let finding = if expired(exception, ctx.today) {
            let date = exception.expires.map(|d| d.to_string()).unwrap_or_default();
            ctx.finding(
                &EXPIRED_EXCEPTION,
                &exception.location,
                format!(
                    "this exception expired on {date}; the findings it covered are reported again"
                ),
            )
            .map(|mut f| {
                f.help = Some(format!(
                    "fix the finding and delete the exception, or renew it (reason was: {})",
                    exception.reason
                ));
                f.subject = subject;
                f
            })
        } else if !used {
            ctx.finding(
                &UNUSED_EXCEPTION,
                &exception.location,
                "this exception matches no finding".to_owned(),
            )
            .map(|mut f| {
                f.help = Some("delete it, or correct its `rule`, `purl` or `path`".to_owned());
                f.subject = subject;
                f
            })
        } else {
            None
        };
        findings.extend(finding);
    }
    inline(ctx, findings);
    covered
}

/// Findings about governance itself cannot be silenced where they point.
fn silenceable(rule: &RuleId) -> bool {
    *rule != UNUSED_EXCEPTION.id && *rule != EXPIRED_EXCEPTION.id
}

/// Whether a name of `ignore[...]` names a rule: its full id, its slug, or
/// a glob over either (`PSCF-SPM-MAR/*`).
fn names(name: &str, rule: &RuleId) -> bool {
    if name.eq_ignore_ascii_case(rule.as_str()) || name.eq_ignore_ascii_case(rule.slug()) {
        return true;
    }
    name.contains(['*', '?', '['])
        && globset::Glob::new(name)
            .map(|g| g.compile_matcher())
            .is_ok_and(|m| m.is_match(rule.as_str()) || m.is_match(rule.slug()))
}

/// Applies the repository's inline suppressions: a comment at line L of a
/// file covers findings of that file at L or L+1 whose rule it names.
fn inline(ctx: &Context<'_>, findings: &mut Vec<Finding>) {
    let comments = &ctx.facts.inline_suppressions;
    let refused = match &ctx.policy.inline_suppressions {
        InlineSuppressions::Deny(at) => Some(at),
        InlineSuppressions::Allow => None,
    };
    let mut used = vec![false; comments.len()];
    // Under a trusted policy, a comment may only suppress what that policy
    // lets the repository except.
    let mut blocked: Vec<Option<RuleId>> = vec![None; comments.len()];
    if refused.is_none() {
        let mut by_place: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
        for (i, c) in comments.iter().enumerate() {
            if c.malformed.is_none() && c.reason.is_some() {
                let path = c.location.path.as_str();
                by_place.entry((path, c.location.line)).or_default().push(i);
            }
        }
        for finding in findings.iter_mut().filter(|f| silenceable(&f.rule)) {
            let line = finding.location.line;
            let path = finding.location.path.as_str();
            let candidates = [line, line.saturating_sub(1)]
                .into_iter()
                .filter_map(|l| by_place.get(&(path, l)))
                .flatten()
                .copied()
                .collect::<Vec<_>>();
            for i in candidates {
                let Some(comment) = comments.get(i) else {
                    continue;
                };
                if !comment.rules.iter().any(|n| names(n, &finding.rule)) {
                    continue;
                }
                if let Some(allow) = &ctx.policy.trusted_allow
                    && !crate::policy::permits(
                        allow,
                        crate::policy::WeakeningKind::Exceptions,
                        std::slice::from_ref(&finding.rule),
                    )
                {
                    if let Some(b) = blocked.get_mut(i) {
                        *b = Some(finding.rule.clone());
                    }
                    continue;
                }
                if let Some(flag) = used.get_mut(i) {
                    *flag = true;
                }
                if finding.suppression.is_none() {
                    finding.suppression = Some(Suppression::Inline {
                        reason: comment.reason.clone().unwrap_or_default(),
                        location: comment.location.clone(),
                    });
                }
            }
        }
    }
    for ((comment, used), blocked) in comments.iter().zip(used).zip(blocked) {
        match blocked {
            Some(rule) if !used => findings.extend(blocked_by_trust(ctx, comment, &rule)),
            _ if !used => findings.extend(unapplied(ctx, comment, refused)),
            _ => {}
        }
    }
}

/// The finding for a comment the trusted policy does not let suppress.
fn blocked_by_trust(
    ctx: &Context<'_>,
    comment: &InlineSuppression,
    rule: &RuleId,
) -> Option<Finding> {
    let mut f = ctx.finding(
        &UNUSED_EXCEPTION,
        &comment.location,
        format!("the trusted policy does not allow the repository to suppress `{rule}`: this comment suppresses nothing"),
    )?;
    f.help = Some(
        "fix the finding, or ask the policy's owners to allow it (`allow:` in the trusted policy)"
            .to_owned(),
    );
    f.subject = format!("inline-refused {rule}");
    Some(f)
}

/// The finding for a comment that suppressed nothing, saying why.
fn unapplied(
    ctx: &Context<'_>,
    comment: &InlineSuppression,
    refused: Option<&crate::location::Location>,
) -> Option<Finding> {
    let (message, help) = if let Some(at) = refused {
        (
            format!(
                "inline suppressions are refused by the policy (`inline-suppressions: deny` at {at}): this comment suppresses nothing"
            ),
            "fix the finding, or ask for a governed exception in the policy".to_owned(),
        )
    } else if let Some(why) = comment.malformed {
        (
            format!("this `pscf-lint:` comment cannot be read: {why}"),
            "write `pscf-lint: ignore[RULE, ...] reason` in a comment".to_owned(),
        )
    } else if comment.reason.is_none() {
        (
            "this inline suppression gives no reason, so it suppresses nothing".to_owned(),
            "say after the `]` why the finding is accepted, e.g. `ignore[script-injection] input is validated above (SEC-123)`".to_owned(),
        )
    } else {
        let unknown: Vec<&str> = comment
            .rules
            .iter()
            .map(String::as_str)
            .filter(|n| !n.contains(['*', '?', '[']))
            .filter(|n| {
                !registry::all().any(|r| {
                    n.eq_ignore_ascii_case(r.id.as_str()) || n.eq_ignore_ascii_case(r.id.slug())
                })
            })
            .collect();
        let help = match unknown.first() {
            Some(name) => format!("`{name}` is no rule id or slug (`pscf-lint rules` lists them)"),
            None => "delete it, or put it on the finding's line or the line above".to_owned(),
        };
        (
            "this inline suppression matches no finding on its line or the next".to_owned(),
            help,
        )
    };
    let mut f = ctx.finding(&UNUSED_EXCEPTION, &comment.location, message)?;
    f.help = Some(help);
    f.subject = format!("inline {}", comment.rules.join(","));
    Some(f)
}
