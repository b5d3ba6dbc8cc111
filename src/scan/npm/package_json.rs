//! `package.json`: name, workspaces, and every dependency section with the
//! span of each entry.

use std::ops::Range;

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

use crate::facts::{FileProblem, Scope};
use crate::json;
use crate::location::{RelPath, SourceFile};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    /// The version range or other specifier as written (`^1.2.0`,
    /// `npm:other@1`, `workspace:*`, `github:o/r`, `file:../x`).
    pub spec: String,
    pub scope: Scope,
    /// The whole `"name": "spec"` entry.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageJson {
    pub path: RelPath,
    pub name: Option<String>,
    /// Workspace globs (`workspaces` array or `workspaces.packages`).
    pub workspaces: Vec<String>,
    pub dependencies: Vec<Dependency>,
    /// A library published to a registry (a name and version, not
    /// `private`, and an entry point): its consumers lock, it need not.
    pub publishable: bool,
}

impl PackageJson {
    pub fn dir(&self) -> &str {
        self.path.parent()
    }
}

const SECTIONS: [(&str, Scope); 4] = [
    ("dependencies", Scope::Runtime),
    ("devDependencies", Scope::Dev),
    ("optionalDependencies", Scope::Optional),
    ("peerDependencies", Scope::Runtime),
];

pub fn parse_package_json(source: &SourceFile) -> Result<PackageJson, FileProblem> {
    let value = json::parse(source)?;
    let Some(root) = value.as_object() else {
        return Err(FileProblem::Unparsable {
            location: source.location(value.start()..value.start()),
            message: "package.json must hold an object".to_owned(),
        });
    };
    let mut dependencies = Vec::new();
    for (section, scope) in SECTIONS {
        collect(root.get_object(section), scope, &mut dependencies);
    }
    // A package both in `dependencies` and `peerDependencies` is one
    // dependency; keep the first declaration.
    let mut seen = std::collections::HashSet::new();
    dependencies.retain(|d: &Dependency| seen.insert(d.name.clone()));
    dependencies.sort_by_key(|d| d.span.start);
    let entry_point = ["main", "exports", "module", "types", "bin", "files"]
        .iter()
        .any(|k| root.get(k).is_some());
    let publishable = !json::flag(root, "private")
        && json::string(root, "name").is_some()
        && json::string(root, "version").is_some()
        && entry_point;
    Ok(PackageJson {
        path: source.path.clone(),
        publishable,
        name: json::string(root, "name").map(str::to_owned),
        workspaces: workspaces(root),
        dependencies,
    })
}

fn collect(section: Option<&Object<'_>>, scope: Scope, out: &mut Vec<Dependency>) {
    for prop in section.into_iter().flat_map(|o| &o.properties) {
        let Value::StringLit(spec) = &prop.value else {
            continue;
        };
        out.push(Dependency {
            name: prop.name.as_str().to_owned(),
            spec: spec.value.to_string(),
            scope,
            span: prop.range.start..prop.range.end,
        });
    }
}

fn workspaces(root: &Object<'_>) -> Vec<String> {
    let list = root.get_array("workspaces").or_else(|| {
        root.get_object("workspaces")
            .and_then(|w| w.get_array("packages"))
    });
    list.into_iter()
        .flat_map(|a| &a.elements)
        .filter_map(|v| v.as_string_lit().map(|s| s.value.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_with_entry_spans() {
        let text = "{\n  \"name\": \"web\",\n  \"workspaces\": [\"packages/*\"],\n  \"dependencies\": {\n    \"react\": \"^18.2.0\"\n  },\n  \"devDependencies\": { \"@types/node\": \"20.1.0\" },\n  \"peerDependencies\": { \"react\": \"*\" }\n}\n";
        let source = SourceFile::new(RelPath::new("package.json"), text.to_owned());
        let p = parse_package_json(&source).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.name.as_deref(), Some("web"));
        assert_eq!(p.workspaces, ["packages/*"]);
        assert_eq!(p.dependencies.len(), 2);
        assert_eq!(
            &text[p.dependencies[0].span.clone()],
            "\"react\": \"^18.2.0\""
        );
        assert_eq!(p.dependencies[1].scope, Scope::Dev);
    }

    #[test]
    fn broken_json_is_located() {
        let source = SourceFile::new(RelPath::new("package.json"), "{\n  \"a\": [1,\n".to_owned());
        assert!(matches!(
            parse_package_json(&source),
            Err(FileProblem::Unparsable { .. })
        ));
    }
}
