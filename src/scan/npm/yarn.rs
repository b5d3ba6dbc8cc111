//! `yarn.lock`: classic (v1, its own format) and Berry (v2+, YAML with
//! `__metadata`). Both put one entry per header line listing the
//! descriptors it satisfies, with indented fields; they are read line by
//! line for exact spans and speed.

use super::{LockKind, LockedPackage, Lockfile, split_name_at};
use crate::facts::{FileProblem, Scope};
use crate::location::SourceFile;

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

/// `"a@^1", a@^1.2:` → [`a@^1`, `a@^1.2`] (classic quotes each descriptor,
/// Berry quotes the whole list).
fn descriptors(header: &str) -> Vec<String> {
    header
        .trim_end_matches(':')
        .split(',')
        .map(|d| unquote(d).to_owned())
        .filter(|d| !d.is_empty())
        .collect()
}

/// A field line: `version "1.0.0"` (classic) or `version: 1.0.0` (Berry).
fn field(body: &str) -> (&str, &str) {
    match body.split_once([' ', ':']) {
        Some((k, v)) => (k, unquote(v.trim_start_matches(':'))),
        None => (body, ""),
    }
}

/// An edge line: the name may be quoted (`"@s/n" "^1"`, `"@s/n": "npm:^1"`).
fn edge(body: &str) -> (&str, &str) {
    let (name, rest) = match body.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
        None => body.split_once([' ', ':']).unwrap_or((body, "")),
    };
    (name, unquote(rest.trim_start_matches(':')))
}

pub fn parse_yarn_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    let mut packages: Vec<LockedPackage> = Vec::new();
    let mut in_metadata = false;
    let mut in_edges = false;
    let mut offset = 0;
    for raw in source.text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        if indent == 0 {
            in_metadata = body.starts_with("__metadata");
            if in_metadata {
                continue;
            }
            let descriptors = descriptors(body);
            let name = descriptors
                .first()
                .map(|d| split_name_at(d).0.to_owned())
                .unwrap_or_default();
            let own = descriptors.iter().any(|d| {
                let spec = split_name_at(d).1;
                ["workspace:", "link:", "portal:"]
                    .iter()
                    .any(|p| spec.starts_with(p))
            });
            packages.push(LockedPackage {
                name,
                version: String::new(),
                install_path: None,
                descriptors,
                resolved: None,
                scope: Scope::Runtime,
                license: None,
                own,
                dependencies: Vec::new(),
                span: start..start + line.len(),
            });
            in_edges = false;
            continue;
        }
        let Some(p) = packages.last_mut().filter(|_| !in_metadata) else {
            continue;
        };
        if indent == 4 && in_edges {
            // `name "range"` (classic) or `name: "npm:range"` (Berry).
            let (name, range) = edge(body);
            if !name.is_empty() {
                p.dependencies.push((name.to_owned(), range.to_owned()));
            }
            continue;
        }
        if indent != 2 {
            continue;
        }
        in_edges = matches!(
            body.trim_end_matches(':'),
            "dependencies" | "optionalDependencies"
        ) && body.ends_with(':');
        match field(body) {
            ("version", v) => p.version = v.to_owned(),
            ("resolved", v) => p.resolved = Some(v.to_owned()),
            // Berry: `resolution: "real-name@npm:1.2.3"` names the real package.
            ("resolution", v) => {
                let (name, how) = split_name_at(v);
                if !name.is_empty() {
                    p.name = name.to_owned();
                }
                if !how.starts_with("npm:") {
                    p.resolved = Some(how.to_owned());
                }
            }
            ("linkType", "soft") => p.own = true,
            _ => {}
        }
    }
    if packages.iter().any(|p| p.version.is_empty() && !p.own)
        && !source.text.contains("yarn lockfile")
        && !source.text.contains("__metadata")
    {
        return Err(FileProblem::Unparsable {
            location: source.location(0..0),
            message: "entries without `version`: not a yarn lockfile".to_owned(),
        });
    }
    Ok(Lockfile {
        path: source.path.clone(),
        kind: LockKind::Yarn,
        packages,
        importers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn parse(text: &str) -> Lockfile {
        let source = SourceFile::new(RelPath::new("yarn.lock"), text.to_owned());
        parse_yarn_lock(&source).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn reads_classic_entries() {
        let lock = parse(
            "# yarn lockfile v1\n\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#abc\"\n  dependencies:\n    \"@babel/highlight\" \"^7.12.13\"\n\nlodash@^4.17.21:\n  version \"4.17.21\"\n",
        );
        assert_eq!(lock.packages.len(), 2);
        assert_eq!(lock.packages[0].name, "@babel/code-frame");
        assert_eq!(
            lock.packages[0].descriptors,
            ["@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4"]
        );
        assert_eq!(lock.packages[0].version, "7.12.13");
        assert_eq!(
            lock.packages[0].dependencies,
            [("@babel/highlight".to_owned(), "^7.12.13".to_owned())]
        );
        assert_eq!(lock.packages[1].version, "4.17.21");
        assert!(lock.packages[1].dependencies.is_empty());
    }

    #[test]
    fn reads_berry_entries_aliases_and_workspaces() {
        let lock = parse(
            "__metadata:\n  version: 6\n  cacheKey: 8\n\n\"alias@npm:real@^1.0.0\":\n  version: 1.2.0\n  resolution: \"real@npm:1.2.0\"\n  linkType: hard\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n  linkType: soft\n\n\"dep@https://github.com/o/r.git#commit=abc\":\n  version: 2.0.0\n  resolution: \"dep@https://github.com/o/r.git#commit=abc\"\n",
        );
        assert_eq!(lock.packages[0].name, "real");
        assert_eq!(lock.packages[0].resolved, None);
        assert!(lock.packages[1].own);
        assert_eq!(
            lock.packages[2].resolved.as_deref(),
            Some("https://github.com/o/r.git#commit=abc")
        );
    }
}
