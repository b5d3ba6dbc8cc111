//! The organisation's own requirements (`requirements:` entries with `id`,
//! `files` and `assert`), evaluated on the files of the tree.

use super::Context;
use crate::facts::ConfigNode;
use crate::finding::Finding;
use crate::location::{Location, RelPath};
use crate::policy::{Assertion, Declared, PathSegment, PathTest};

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    ctx.policy
        .declared
        .iter()
        .flat_map(|d| evaluate(ctx, d))
        .collect()
}

fn finding(ctx: &Context<'_>, d: &Declared, at: &Location, detail: String) -> Option<Finding> {
    let severity = ctx.policy.rule_severity(&d.rule, d.severity)?;
    let mut f = Finding::new(
        d.rule.clone(),
        severity,
        format!("{} ({detail})", d.message),
        at.clone(),
    );
    f.help = d.help.clone();
    f.subject = format!("{}:{}", at.path, detail);
    Some(f)
}

fn evaluate(ctx: &Context<'_>, d: &Declared) -> Vec<Finding> {
    let files: Vec<&RelPath> = ctx
        .facts
        .paths
        .iter()
        .filter(|p| d.files.is_match(p.as_str()))
        .collect();
    let head = |p: &RelPath| Location::file(p.clone());
    let mut out = Vec::new();
    match &d.assertion {
        Assertion::Exists => {
            if files.is_empty() {
                out.extend(finding(
                    ctx,
                    d,
                    &d.location,
                    "no file matches `files`".to_owned(),
                ));
            }
        }
        Assertion::Absent => {
            for p in files {
                out.extend(finding(ctx, d, &head(p), format!("`{p}` must not exist")));
            }
        }
        Assertion::Matches(re) => {
            for p in files {
                let matched = ctx
                    .facts
                    .sources
                    .get(p)
                    .is_some_and(|s| re.is_match(&s.text));
                if !matched {
                    out.extend(finding(
                        ctx,
                        d,
                        &head(p),
                        format!("`{p}` does not match `{}`", shown(re.as_str())),
                    ));
                }
            }
        }
        Assertion::NotMatches(re) => {
            for p in files {
                let Some(source) = ctx.facts.sources.get(p) else {
                    continue;
                };
                // Empty matches say nothing a person can fix (a pattern
                // such as `x*` matches between every two characters), and
                // a file is reported at most MAX_MATCHES times.
                let matches = re.find_iter(&source.text).filter(|m| !m.is_empty());
                for m in matches.take(crate::rules::MAX_PER_RULE_AND_FILE + 1) {
                    out.extend(finding(
                        ctx,
                        d,
                        &source.location(m.range()),
                        format!("matches `{}`", shown(re.as_str())),
                    ));
                }
            }
        }
        Assertion::Path { path, text, test } => {
            for p in files {
                // A file that did not parse is reported as a parse error.
                let Some(tree) = ctx.facts.configs.get(p) else {
                    continue;
                };
                let nodes = select(tree, path);
                out.extend(path_findings(ctx, d, p, text, test, &nodes));
            }
        }
    }
    out
}

fn path_findings(
    ctx: &Context<'_>,
    d: &Declared,
    file: &RelPath,
    path: &str,
    test: &PathTest,
    nodes: &[&ConfigNode],
) -> Vec<Finding> {
    let missing = || {
        finding(
            ctx,
            d,
            &Location::file(file.clone()),
            format!("`{path}` is not set"),
        )
    };
    let value_test = |ok: &dyn Fn(&str) -> bool, expected: String| -> Vec<Finding> {
        if nodes.is_empty() {
            return missing().into_iter().collect();
        }
        nodes
            .iter()
            .filter_map(|n| match n {
                ConfigNode::Scalar(v, at) if !ok(v) => finding(
                    ctx,
                    d,
                    at,
                    format!("`{path}` is `{v}`, expected {expected}"),
                ),
                ConfigNode::Scalar(..) => None,
                other => finding(
                    ctx,
                    d,
                    other.location(),
                    format!("`{path}` is not a single value, expected {expected}"),
                ),
            })
            .collect()
    };
    match test {
        PathTest::Present => {
            if nodes.is_empty() {
                missing().into_iter().collect()
            } else {
                Vec::new()
            }
        }
        PathTest::Absent => nodes
            .iter()
            .filter_map(|n| finding(ctx, d, n.location(), format!("`{path}` must not be set")))
            .collect(),
        PathTest::Equals(want) => value_test(&|v| v == want, format!("`{want}`")),
        PathTest::OneOf(options) => value_test(
            &|v| options.iter().any(|o| o == v),
            format!(
                "one of {}",
                options
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        PathTest::Matches(re) => value_test(
            &|v| re.is_match(v),
            format!("a match for `{}`", shown(re.as_str())),
        ),
    }
}

/// A policy pattern as messages quote it: its first characters only, so a
/// long pattern does not fill every finding.
fn shown(pattern: &str) -> String {
    const MAX: usize = 60;
    match pattern.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", pattern.get(..cut).unwrap_or(pattern)),
        None => pattern.to_owned(),
    }
}

/// The nodes a path selects: keys, `*` (every child) and `[n]` indexes.
fn select<'a>(root: &'a ConfigNode, path: &[PathSegment]) -> Vec<&'a ConfigNode> {
    let mut current = vec![root];
    for segment in path {
        current = current
            .into_iter()
            .flat_map(|node| -> Vec<&ConfigNode> {
                match (segment, node) {
                    (PathSegment::Key(k), ConfigNode::Map(entries, _)) => entries
                        .iter()
                        .filter(|(key, _)| key == k)
                        .map(|(_, v)| v)
                        .collect(),
                    (PathSegment::Any, ConfigNode::Map(entries, _)) => {
                        entries.iter().map(|(_, v)| v).collect()
                    }
                    (PathSegment::Any, ConfigNode::Seq(items, _)) => items.iter().collect(),
                    (PathSegment::Index(i), ConfigNode::Seq(items, _)) => {
                        items.get(*i).into_iter().collect()
                    }
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    current
}
