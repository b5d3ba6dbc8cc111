//! `requirements*.txt` (pip): pins, ranges, extras, markers, `--hash`,
//! VCS and URL requirements, editable installs. pip-compile's `# via`
//! annotations tell transitive pins from direct ones.

use super::{Declared, Manifest, pep508};
use crate::facts::{FileProblem, Scope, Source};
use crate::location::SourceFile;

/// Files named for development or tests hold development dependencies.
fn scope_of(path: &str) -> Scope {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let dir = path.to_ascii_lowercase();
    if ["dev", "test", "lint", "doc"]
        .iter()
        .any(|w| name.contains(w) || (dir.contains("requirements/") && name.starts_with(w)))
    {
        Scope::Dev
    } else {
        Scope::Runtime
    }
}

/// A `#egg=name` fragment of a VCS or URL requirement.
fn egg(url: &str) -> Option<&str> {
    url.split(['#', '&'])
        .find_map(|part| part.strip_prefix("egg="))
}

pub fn parse_requirements(source: &SourceFile) -> Result<Manifest, FileProblem> {
    let scope = scope_of(source.path.as_str());
    let mut deps: Vec<Declared> = Vec::new();
    // pip-compile's `# via` lines of the last requirement.
    let mut via: Vec<String> = Vec::new();
    let mut in_via = false;
    let mut offset = 0;
    let mut pending: Option<(usize, String)> = None;
    let finish = |deps: &mut Vec<Declared>, via: &mut Vec<String>| {
        if let Some(last) = deps.last_mut()
            && !via.is_empty()
        {
            last.direct = via
                .iter()
                .any(|v| v.starts_with("-r") || v.starts_with("-c"));
        }
        via.clear();
    };
    for raw in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(targets) = comment.strip_prefix("via") {
                in_via = true;
                via.extend(
                    targets
                        .split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned),
                );
            } else if in_via && !comment.is_empty() {
                via.push(comment.to_owned());
            }
            continue;
        }
        in_via = false;
        // Join `\` continuations; the entry is located at its first line.
        let (begin, mut text) = pending.take().unwrap_or((start, String::new()));
        text.push_str(trimmed.trim_end_matches('\\'));
        if trimmed.ends_with('\\') {
            pending = Some((begin, text + " "));
            continue;
        }
        let code = match text.find(" #") {
            Some(i) => text.get(..i).unwrap_or(""),
            None => text.as_str(),
        }
        .trim();
        if code.is_empty() {
            continue;
        }
        finish(&mut deps, &mut via);
        let span = entry_span(&source.text, begin);
        if let Some(dep) = declared(code, scope, span) {
            deps.push(dep);
        }
    }
    finish(&mut deps, &mut via);
    Ok(Manifest {
        path: source.path.clone(),
        project: None,
        dependencies: deps,
        standalone: true,
        lockfile: None,
    })
}

/// The requirement on the line starting at `begin`: from its first
/// non-blank character to the end of its code (before a comment, a `\`
/// continuation or an option such as `--hash`).
fn entry_span(text: &str, begin: usize) -> std::ops::Range<usize> {
    let line = text
        .get(begin..)
        .and_then(|rest| rest.split('\n').next())
        .unwrap_or("");
    let lead = line.len() - line.trim_start().len();
    let code = line.split(" #").next().unwrap_or(line);
    let code = code
        .split(" --")
        .next()
        .unwrap_or(code)
        .trim_end()
        .trim_end_matches('\\')
        .trim_end();
    begin + lead.min(code.len())..begin + code.len().max(lead)
}

fn declared(code: &str, scope: Scope, span: std::ops::Range<usize>) -> Option<Declared> {
    let (editable, code) = match code
        .strip_prefix("-e ")
        .or_else(|| code.strip_prefix("--editable "))
    {
        Some(rest) => (true, rest.trim()),
        None => (false, code),
    };
    if code.starts_with('-') {
        return None; // -r, -c, --index-url and other options
    }
    // Drop per-requirement options such as `--hash=sha256:...`.
    let code = code.split(" --").next().unwrap_or(code).trim();
    let vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| code.starts_with(p));
    if vcs
        || code.starts_with("http://")
        || code.starts_with("https://")
        || code.starts_with("file:")
    {
        let name = egg(code)?;
        let source = if vcs {
            // `git+https://host/repo.git@ref#egg=name`: the ref follows the
            // last `@` of the path.
            let without_fragment = code.split('#').next().unwrap_or(code);
            let (url, reference) = match without_fragment.rsplit_once('@') {
                Some((url, r)) if !r.contains('/') => (url, Some(r.to_owned())),
                _ => (without_fragment, None),
            };
            Source::Git {
                url: url.to_owned(),
                follows_branch: reference.is_none(),
                reference,
            }
        } else {
            Source::Url(code.to_owned())
        };
        return Some(Declared {
            name: name.to_owned(),
            spec: String::new(),
            pinned: None,
            source,
            scope,
            direct: true,
            span,
        });
    }
    if editable || code.starts_with('.') || code.starts_with('/') {
        return None; // a local project: the repository's own code
    }
    pep508::declared(code, scope, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn reads_pins_ranges_vcs_urls_and_via() {
        let text = "# comment\n-r base.txt\n--index-url https://pypi.org/simple\nrequests==2.31.0 \\\n    --hash=sha256:abc\n    # via -r requirements.in\ncertifi==2024.2.2\n    # via\n    #   requests\nflask>=2.0  # web\n-e git+https://github.com/o/lib.git@v1.0#egg=lib\n-e .\nwheel @ https://example.com/wheel-1.0-py3-none-any.whl\nDjango[argon2]~=4.2 ; python_version >= '3.10'\n";
        let source = SourceFile::new(RelPath::new("requirements.txt"), text.to_owned());
        let m = parse_requirements(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = m
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.pinned.as_deref(),
                    d.direct,
                    source.location(d.span.clone()).line,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("requests", Some("2.31.0"), true, 4),
                ("certifi", Some("2024.2.2"), false, 7),
                ("flask", None, true, 10),
                ("lib", None, true, 11),
                ("wheel", None, true, 13),
                ("Django", None, true, 14),
            ]
        );
        assert!(matches!(m.dependencies[3].source, Source::Git { .. }));
        assert!(matches!(m.dependencies[4].source, Source::Url(_)));
        assert_eq!(&text[m.dependencies[2].span.clone()], "flask>=2.0");
    }

    #[test]
    fn dev_files_hold_dev_dependencies() {
        assert_eq!(scope_of("requirements-dev.txt"), Scope::Dev);
        assert_eq!(scope_of("requirements/test.txt"), Scope::Dev);
        assert_eq!(scope_of("requirements.txt"), Scope::Runtime);
    }
}
