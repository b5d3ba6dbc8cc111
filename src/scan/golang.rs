//! Go: `go.mod`. Since Go 1.17 it lists every module the build needs, so its
//! `require` directives are the component set; `go.sum` only vouches for
//! hashes and adds no components. `replace` directives change where a
//! module comes from (a local directory, or another module that then ships).

use std::ops::Range;

use crate::facts::{Component, FileProblem, Scope, Source};
use crate::location::SourceFile;
use crate::purl::{Ecosystem, Purl};

/// Where Go modules come from by default (`GOPROXY`).
pub const GO_PROXY: &str = "proxy.golang.org";

struct Require {
    path: String,
    version: String,
    indirect: bool,
    span: Range<usize>,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

/// Splits a directive line into words, honouring `"quoted paths"` and
/// stopping at a `//` comment; also returns the comment.
fn words(line: &str) -> (Vec<&str>, &str) {
    let (code, comment) = match line.find("//") {
        Some(i) => (
            line.get(..i).unwrap_or(""),
            line.get(i + 2..).unwrap_or("").trim(),
        ),
        None => (line, ""),
    };
    let words = code
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '`'))
        .collect();
    (words, comment)
}

pub fn parse_go_mod(source: &SourceFile) -> Result<Vec<Component>, FileProblem> {
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<String> = None;
    let mut saw_module = false;
    let mut offset = 0;
    for raw in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let (mut w, comment) = words(line);
        if w.is_empty() {
            continue;
        }
        if block.is_some() && w == [")"] {
            block = None;
            continue;
        }
        let verb = match &block {
            Some(verb) => verb.clone(),
            None => {
                let verb = w.remove(0).to_owned();
                if w == ["("] {
                    block = Some(verb);
                    continue;
                }
                verb
            }
        };
        match verb.as_str() {
            "module" => saw_module = true,
            "require" => {
                let [path, version, ..] = w.as_slice() else {
                    return Err(problem(
                        source,
                        start,
                        line,
                        "a `require` needs a module path and a version",
                    ));
                };
                let indent = line.len() - line.trim_start().len();
                requires.push(Require {
                    path: (*path).to_owned(),
                    version: (*version).to_owned(),
                    indirect: comment.split(';').any(|c| c.trim() == "indirect"),
                    span: start + indent..start + line.trim_end().len(),
                });
            }
            "replace" => {
                let Some(arrow) = w.iter().position(|x| *x == "=>") else {
                    return Err(problem(source, start, line, "a `replace` needs `=>`"));
                };
                let (old, new) = w.split_at(arrow);
                let new = new.get(1..).unwrap_or(&[]);
                if let (Some(old_path), Some(new_path)) = (old.first(), new.first()) {
                    replaces.push(Replace {
                        old: (*old_path).to_owned(),
                        old_version: old.get(1).map(|v| (*v).to_owned()),
                        new: (*new_path).to_owned(),
                        new_version: new.get(1).map(|v| (*v).to_owned()),
                    });
                }
            }
            // go, toolchain, exclude, retract, tool, godebug: no components.
            _ => {}
        }
    }
    if !saw_module {
        return Err(problem(
            source,
            0,
            "",
            "no `module` directive: not a go.mod file",
        ));
    }
    Ok(requires
        .into_iter()
        .map(|r| component(source, r, &replaces))
        .collect())
}

fn problem(source: &SourceFile, start: usize, line: &str, message: &str) -> FileProblem {
    FileProblem::Unparsable {
        location: source.location(start..start + line.len()),
        message: message.to_owned(),
    }
}

fn component(source: &SourceFile, r: Require, replaces: &[Replace]) -> Component {
    let replacement = replaces
        .iter()
        .rev()
        .find(|rep| rep.old == r.path && rep.old_version.as_ref().is_none_or(|v| *v == r.version));
    let (purl, source_kind) = match replacement {
        // A directory: the code that builds is local, not the module.
        Some(rep)
            if rep.new.starts_with("./")
                || rep.new.starts_with("../")
                || rep.new.starts_with('/') =>
        {
            (
                Purl::new(Ecosystem::Golang, &r.path, Some(&r.version)),
                Source::Path(rep.new.clone()),
            )
        }
        // Another module ships in its place: that is the component.
        Some(rep) => (
            Purl::new(
                Ecosystem::Golang,
                &rep.new,
                rep.new_version.as_deref().or(Some(&r.version)),
            ),
            Source::Registry(GO_PROXY.to_owned()),
        ),
        None => (
            Purl::new(Ecosystem::Golang, &r.path, Some(&r.version)),
            Source::Registry(GO_PROXY.to_owned()),
        ),
    };
    Component {
        purl,
        requirement: Some(r.version),
        scope: Scope::Runtime,
        direct: !r.indirect,
        source: source_kind,
        license: None,
        license_note: None,
        location: source.location(r.span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[test]
    fn reads_requires_indirect_and_replacements() {
        let text = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\tgolang.org/x/text v0.14.0 // indirect\n\tgithub.com/c/d v0.0.0-20200101000000-abcdef123456\n)\n\nrequire github.com/e/f v2.0.0+incompatible\n\nreplace github.com/a/b => ../b\nreplace github.com/c/d v0.0.0-20200101000000-abcdef123456 => github.com/fork/d v1.0.0\n\nexclude github.com/x/y v1.0.0\nretract v1.0.1\ntool golang.org/x/tools/cmd/stringer\n";
        let source = SourceFile::new(RelPath::new("go.mod"), text.to_owned());
        let c = parse_go_mod(&source).unwrap_or_else(|e| panic!("{e:?}"));
        let summary: Vec<_> = c
            .iter()
            .map(|c| (c.purl.to_string(), c.direct, c.location.line))
            .collect();
        assert_eq!(
            summary,
            [
                ("pkg:golang/github.com/a/b@v1.2.3".to_owned(), true, 6),
                ("pkg:golang/golang.org/x/text@v0.14.0".to_owned(), false, 7),
                ("pkg:golang/github.com/fork/d@v1.0.0".to_owned(), true, 8),
                (
                    "pkg:golang/github.com/e/f@v2.0.0%2Bincompatible".to_owned(),
                    true,
                    11
                ),
            ]
        );
        assert_eq!(c[0].source, Source::Path("../b".into()));
        assert_eq!(
            &text[c[1].location.span.clone()],
            "golang.org/x/text v0.14.0 // indirect"
        );
    }

    #[test]
    fn a_file_without_module_is_a_problem() {
        let source = SourceFile::new(RelPath::new("go.mod"), "require a v1\n".to_owned());
        assert!(parse_go_mod(&source).is_err());
    }
}
