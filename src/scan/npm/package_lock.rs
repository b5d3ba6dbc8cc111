//! `package-lock.json` and `npm-shrinkwrap.json`, lockfileVersion 1 (nested
//! `dependencies`) and 2/3 (flat `packages` keyed by install path).

use jsonc_parser::ast::{Object, Value};

use super::{LockKind, LockedPackage, Lockfile, name_from_install_path, split_name_at};
use crate::facts::{FileProblem, Scope};
use crate::json;
use crate::location::SourceFile;

pub fn parse_package_lock(source: &SourceFile) -> Result<Lockfile, FileProblem> {
    let value = json::parse(source)?;
    let root = value.as_object().ok_or_else(|| FileProblem::Unparsable {
        location: source.location(0..0),
        message: "a package lock must hold an object".to_owned(),
    })?;
    let mut packages = Vec::new();
    if let Some(flat) = root.get_object("packages") {
        read_packages(flat, &mut packages);
    } else if let Some(tree) = root.get_object("dependencies") {
        read_v1(tree, "", &mut packages, 0);
    }
    Ok(Lockfile {
        path: source.path.clone(),
        kind: LockKind::Npm,
        packages,
        importers: Vec::new(),
    })
}

fn scope(entry: &Object<'_>) -> Scope {
    if json::flag(entry, "dev") {
        Scope::Dev
    } else if json::flag(entry, "optional") || json::flag(entry, "devOptional") {
        Scope::Optional
    } else {
        Scope::Runtime
    }
}

/// v2/v3: `"node_modules/a/node_modules/b": { version, resolved, ... }`.
/// Keys without `node_modules/` are workspace package folders; `link: true`
/// entries point at them.
fn read_packages(flat: &Object<'_>, out: &mut Vec<LockedPackage>) {
    for prop in &flat.properties {
        let key = prop.name.as_str();
        let Value::Object(entry) = &prop.value else {
            continue;
        };
        if key.is_empty() {
            continue; // the root project
        }
        let installed = key.contains("node_modules/");
        let own = !installed || json::flag(entry, "link");
        let name = json::string(entry, "name").unwrap_or_else(|| name_from_install_path(key));
        let Some(version) = json::string(entry, "version").or(own.then_some("")) else {
            continue;
        };
        out.push(LockedPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            install_path: Some(key.to_owned()),
            descriptors: Vec::new(),
            resolved: json::string(entry, "resolved").map(str::to_owned),
            scope: scope(entry),
            license: json::string(entry, "license").map(str::to_owned),
            own,
            dependencies: edges(
                entry,
                &["dependencies", "optionalDependencies", "peerDependencies"],
            ),
            span: prop.name_range(),
        });
    }
}

/// npm's v1 tree nests at most as deep as `node_modules` does; bounded all
/// the same against hostile input.
const MAX_V1_DEPTH: usize = 64;

/// v1: `"dependencies": { "a": { version, resolved, dependencies: {...} } }`.
fn read_v1(tree: &Object<'_>, parent: &str, out: &mut Vec<LockedPackage>, depth: usize) {
    if depth > MAX_V1_DEPTH {
        return;
    }
    for prop in &tree.properties {
        let key = prop.name.as_str();
        let Value::Object(entry) = &prop.value else {
            continue;
        };
        let install_path = format!("{parent}node_modules/{key}");
        let version = json::string(entry, "version").unwrap_or("");
        // `"version": "npm:real-name@1.2.3"` is an alias; `file:` a local package.
        let (name, version) = match version.strip_prefix("npm:") {
            Some(aliased) => split_name_at(aliased),
            None => (key, version),
        };
        out.push(LockedPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            install_path: Some(install_path.clone()),
            descriptors: Vec::new(),
            resolved: json::string(entry, "resolved")
                .or_else(|| version.starts_with("file:").then_some(version))
                .map(str::to_owned),
            scope: scope(entry),
            license: None,
            own: version.starts_with("file:") && !version.contains(".tgz"),
            dependencies: edges(entry, &["requires"]),
            span: prop.name_range(),
        });
        if let Some(nested) = entry.get_object("dependencies") {
            read_v1(nested, &format!("{install_path}/"), out, depth + 1);
        }
    }
}

/// `{ "name": "range" }` maps of an entry, in order.
fn edges(entry: &Object<'_>, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .filter_map(|k| entry.get_object(k))
        .flat_map(|o| &o.properties)
        .filter_map(|p| match &p.value {
            Value::StringLit(s) => Some((p.name.as_str().to_owned(), s.value.to_string())),
            _ => None,
        })
        .collect()
}

trait NameRange {
    fn name_range(&self) -> std::ops::Range<usize>;
}

impl NameRange for jsonc_parser::ast::ObjectProp<'_> {
    fn name_range(&self) -> std::ops::Range<usize> {
        use jsonc_parser::common::Ranged;
        let r = self.name.range();
        r.start..r.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn parse(text: &str) -> Lockfile {
        let source = SourceFile::new(RelPath::new("package-lock.json"), text.to_owned());
        parse_package_lock(&source).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn reads_v3_packages_aliases_links_and_nesting() {
        let lock = parse(
            r#"{"lockfileVersion": 3, "packages": {
            "": {"name": "root"},
            "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "license": "MIT"},
            "node_modules/a/node_modules/@s/b": {"version": "2.0.0", "dev": true},
            "node_modules/alias": {"name": "real", "version": "3.0.0"},
            "node_modules/ws-pkg": {"resolved": "packages/ws-pkg", "link": true},
            "packages/ws-pkg": {"name": "ws-pkg", "version": "0.1.0"}
        }}"#,
        );
        let summary: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.own, p.scope))
            .collect();
        assert_eq!(
            summary,
            [
                ("a", "1.0.0", false, Scope::Runtime),
                ("@s/b", "2.0.0", false, Scope::Dev),
                ("real", "3.0.0", false, Scope::Runtime),
                ("ws-pkg", "", true, Scope::Runtime),
                ("ws-pkg", "0.1.0", true, Scope::Runtime),
            ]
        );
        assert_eq!(lock.packages[0].license.as_deref(), Some("MIT"));
    }

    #[test]
    fn reads_v1_nested_tree() {
        let lock = parse(
            r#"{"lockfileVersion": 1, "dependencies": {
            "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0", "optional": true}}},
            "c": {"version": "npm:d@4.0.0"}
        }}"#,
        );
        let summary: Vec<_> = lock
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.install_path.as_deref().unwrap_or(""),
                    p.scope,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a", "node_modules/a", Scope::Runtime),
                ("b", "node_modules/a/node_modules/b", Scope::Optional),
                ("d", "node_modules/c", Scope::Runtime),
            ]
        );
        assert_eq!(lock.packages[2].version, "4.0.0");
        let with_requires = parse(
            r#"{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "requires": {"b": "^2"}}}}"#,
        );
        assert_eq!(
            with_requires.packages[0].dependencies,
            [("b".to_owned(), "^2".to_owned())]
        );
    }
}
