//! Untrusted input: every parser returns a value or a located problem on
//! any bytes, and every location it reports lies inside the file.

use proptest::prelude::*;

use pscf_lint::facts::FileProblem;
use pscf_lint::location::{RelPath, SourceFile};
use pscf_lint::policy::raw::PolicyFile;
use pscf_lint::scan::cargo::{parse_lockfile, parse_manifest};
use pscf_lint::scan::{actions, docker, golang, npm, python};

fn source(name: &str, bytes: &[u8]) -> SourceFile {
    SourceFile::new(
        RelPath::new(name),
        String::from_utf8_lossy(bytes).into_owned(),
    )
}

fn assert_inside(source: &SourceFile, problem: &FileProblem) {
    let (FileProblem::Unparsable { location, .. } | FileProblem::Skipped { location, .. }) =
        problem;
    assert!(location.span.end <= source.text.len());
    assert!(source.text.is_char_boundary(location.span.start));
    assert!(location.line >= 1 && location.column >= 1);
}

/// Text that looks enough like TOML/YAML to get past the first byte.
fn structured() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("[package]\n".to_owned()),
        Just("[[package]]\n".to_owned()),
        Just("[dependencies]\n".to_owned()),
        Just("[workspace]\nmembers = [\"*\"]\n".to_owned()),
        Just("name = \"x\"\n".to_owned()),
        Just("version = \"1.0.0\"\n".to_owned()),
        Just("serde = { workspace = true }\n".to_owned()),
        Just("dependencies = [\"a 1.0 (registry+x)\"]\n".to_owned()),
        Just("components:\n  banned:\n    - purl: pkg:cargo/x\n".to_owned()),
        Just("extends: [builtin:pscf-spm]\n".to_owned()),
        Just("&a [*a]\n".to_owned()),
        Just("{\"packages\": {\"node_modules/a\": {\"version\": \"1\"}}, \"dependencies\": {\"b\": {\"version\": \"npm:c@1\"}}}".to_owned()),
        Just("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  '@s/a@1.0.0':\n    resolution: {tarball: x}\n".to_owned()),
        Just("\"a@^1\", a@npm:b@2:\n  version \"1.0.0\"\n  resolution: \"b@npm:2\"\n".to_owned()),
        Just("module x\nrequire (\n a v1\n)\nreplace a => ../b\n".to_owned()),
        Just("ARG A=b\nFROM --platform=x ${A}:1 AS s\nFROM s\nRUN a \\\n b\n".to_owned()),
        Just("jobs:\n  a:\n    uses: o/r/.github/w.yml@v1\n    steps:\n      - uses: docker://x@sha256:1\n".to_owned()),
        Just("requests[a]>=1 ; python_version>'3' --hash=x \\\n  # via -r r.in\n-e git+https://h/r.git@v1#egg=n\n".to_owned()),
        Just("[project]\ndependencies = [\"a>=1\"]\n[tool.poetry.dependencies]\nb = {git = \"x\"}\n".to_owned()),
        Just("é✓\u{0}\r\n".to_owned()),
        Just("snapshots:\n  a@1.0.0(b@2):\n    dependencies:\n      b: 2.0.0(c@1)\n      a: 1.0.0\n    optionalDependencies:\n      c: link:../c\n".to_owned()),
        Just("packages:\n  /a@1.0.0:\n    dependencies:\n      a: 1.0.0\n".to_owned()),
        Just("a@^1:\n  version \"1.0.0\"\n  dependencies:\n    a \"^1\"\n    \"@s/b\": \"npm:^2\"\n".to_owned()),
        Just("{\"packages\": {\"node_modules/a\": {\"version\": \"1\", \"dependencies\": {\"a\": \"1\", \"b\": \"2\"}}, \"packages/x\": {\"dependencies\": {\"a\": \"*\"}}}}".to_owned()),
        Just("[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [{ name = \"a\" }, { name = \"b\" }]\n[package.optional-dependencies]\nx = [{ name = \"b\" }]\n".to_owned()),
        Just("[package.dependencies]\na = \"*\"\nb = { version = \"1\", optional = true }\n".to_owned()),
        Just("[package]\nlicense.workspace = true\nlicense-file = \"../LICENSE\"\n[workspace.package]\nlicense = \"MIT\"\n".to_owned()),
        Just("dependencies = [\"a\", \"a 1.0.0\", \"b 1 (git+x#y)\"]\nsource = \"git+https://h/r?branch=main#abc\"\n".to_owned()),
        "[ -~]{0,20}\n",
    ];
    prop::collection::vec(atoms, 0..30).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cargo_manifest_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("Cargo.toml", &bytes), source("Cargo.toml", text.as_bytes())] {
            match parse_manifest(&s) {
                Ok(m) => for d in m.dependencies { prop_assert!(d.span.end <= s.text.len()); },
                Err(p) => assert_inside(&s, &p),
            }
        }
    }

    #[test]
    fn cargo_lockfile_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("Cargo.lock", &bytes), source("Cargo.lock", text.as_bytes())] {
            match parse_lockfile(&s) {
                Ok(l) => for p in l.packages { prop_assert!(p.name_span.end <= s.text.len()); },
                Err(p) => assert_inside(&s, &p),
            }
        }
    }

    #[test]
    fn policy_yaml_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        for s in [source("p.yaml", &bytes), source("p.yaml", text.as_bytes())] {
            if let Err(e) = pscf_lint::yaml::from_source::<PolicyFile>(&s) {
                prop_assert!(e.span.end <= s.text.len() && e.span.start <= e.span.end);
            }
        }
    }

    #[test]
    fn every_ecosystem_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        type Parser = fn(&SourceFile) -> Result<Vec<std::ops::Range<usize>>, FileProblem>;
        let parsers: [(&str, Parser); 13] = [
            ("package.json", |s| npm::parse_package_json(s).map(|m| m.dependencies.into_iter().map(|d| d.span).collect())),
            ("package-lock.json", |s| npm::parse_package_lock(s).map(|l| l.packages.into_iter().map(|p| p.span).collect())),
            ("pnpm-lock.yaml", |s| npm::parse_pnpm_lock(s).map(|l| l.packages.into_iter().map(|p| p.span).collect())),
            ("yarn.lock", |s| npm::parse_yarn_lock(s).map(|l| l.packages.into_iter().map(|p| p.span).collect())),
            ("requirements.txt", |s| python::parse_requirements(s).map(|m| m.dependencies.into_iter().map(|d| d.span).collect())),
            ("pyproject.toml", |s| python::parse_pyproject(s).map(|m| m.dependencies.into_iter().map(|d| d.span).collect())),
            ("Pipfile", |s| python::parse_pipfile(s).map(|m| m.dependencies.into_iter().map(|d| d.span).collect())),
            ("poetry.lock", |s| python::parse_poetry_lock(s).map(|l| l.packages.into_iter().map(|p| p.span).collect())),
            ("Pipfile.lock", |s| python::parse_pipfile_lock(s).map(|l| l.packages.into_iter().map(|p| p.span).collect())),
            ("go.mod", |s| golang::parse_go_mod(s).map(|c| c.into_iter().map(|c| c.location.span).collect())),
            ("Dockerfile", |s| docker::parse_dockerfile(s).map(|(_, c)| c.into_iter().map(|c| c.location.span).collect())),
            (".github/workflows/ci.yml", |s| actions::parse_workflow(s).map(|(_, c)| c.into_iter().map(|c| c.location.span).collect())),
            ("action.yml", |s| actions::parse_action(s).map(|(_, c)| c.into_iter().map(|c| c.location.span).collect())),
        ];
        for (name, parse) in parsers {
            for s in [source(name, &bytes), source(name, text.as_bytes())] {
                match parse(&s) {
                    Ok(spans) => for span in spans {
                        prop_assert!(span.start <= span.end && span.end <= s.text.len(), "{name}: {span:?}");
                    },
                    Err(p) => assert_inside(&s, &p),
                }
            }
        }
    }

    #[test]
    fn locations_always_lie_inside_the_text(text in "\\PC{0,64}", a in 0usize..200, b in 0usize..200) {
        let s = SourceFile::new(RelPath::new("f"), text);
        let loc = s.location(a..b);
        prop_assert!(loc.span.start <= loc.span.end && loc.span.end <= s.text.len());
        prop_assert!(s.text.is_char_boundary(loc.span.start) || loc.span.start == s.text.len());
        prop_assert!(loc.line >= 1 && loc.column >= 1);
    }
}

#[test]
fn yaml_alias_bombs_and_deep_nesting_are_refused_not_expanded() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for text in [bomb, deep] {
        let s = SourceFile::new(RelPath::new("p.yaml"), text);
        assert!(pscf_lint::yaml::from_source::<PolicyFile>(&s).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Resolving hostile lockfiles into graphs, and walking every node's
    /// inclusion path, never panics; paths end at the node asked about.
    #[test]
    fn graphs_from_hostile_lockfiles_are_walkable(manifest in structured(), lock in structured()) {
        use pscf_lint::facts::Scope;
        use pscf_lint::graph::DependencyGraph;
        use std::collections::BTreeMap;
        use std::sync::Arc;
        let mut graphs: Vec<DependencyGraph> = Vec::new();
        let sources = |pairs: &[(&str, &str)]| -> BTreeMap<RelPath, Arc<SourceFile>> {
            pairs.iter().map(|(n, t)| (RelPath::new(n), Arc::new(source(n, t.as_bytes())))).collect()
        };
        let js = sources(&[("package.json", &manifest), ("package-lock.json", &lock), ("pnpm-lock.yaml", &lock), ("yarn.lock", &lock)]);
        let manifests: Vec<_> = npm::parse_package_json(&js[&RelPath::new("package.json")]).into_iter().collect();
        for name in ["package-lock.json", "pnpm-lock.yaml", "yarn.lock"] {
            let parsed = match name {
                "package-lock.json" => npm::parse_package_lock(&js[&RelPath::new(name)]),
                "pnpm-lock.yaml" => npm::parse_pnpm_lock(&js[&RelPath::new(name)]),
                _ => npm::parse_yarn_lock(&js[&RelPath::new(name)]),
            };
            let locks: Vec<_> = parsed.into_iter().collect();
            graphs.extend(npm::resolve(&manifests, &locks, &js).1);
        }
        let py = sources(&[("pyproject.toml", &manifest), ("poetry.lock", &lock)]);
        let manifests: Vec<_> = python::parse_pyproject(&py[&RelPath::new("pyproject.toml")]).into_iter().collect();
        let locks: Vec<_> = python::parse_poetry_lock(&py[&RelPath::new("poetry.lock")]).into_iter().collect();
        graphs.extend(python::resolve(&manifests, &locks, &py).1);
        let rs = sources(&[("Cargo.toml", &manifest), ("Cargo.lock", &lock)]);
        let manifests: Vec<_> = parse_manifest(&rs[&RelPath::new("Cargo.toml")]).into_iter().collect();
        let locks: Vec<_> = parse_lockfile(&rs[&RelPath::new("Cargo.lock")]).into_iter().collect();
        let env = pscf_lint::scan::Environment { root: std::env::temp_dir().join("pscf-lint-no-such-root"), ..Default::default() };
        graphs.extend(pscf_lint::scan::cargo::resolve(&manifests, &locks, &rs, &env).graphs);
        for g in &graphs {
            let _ = g.reach_scopes();
            for id in g.ids() {
                for scope in [Scope::Runtime, Scope::Dev] {
                    if let Some(path) = g.inclusion_path(id, scope) {
                        prop_assert_eq!(path.nodes.last(), Some(&id));
                        prop_assert!(g.node(path.root).is_some_and(|n| n.own));
                    }
                }
            }
        }
    }

    #[test]
    fn licence_detection_never_panics(text in "\\PC{0,400}") {
        let score = match pscf_lint::licence_text::detect(&text) {
            pscf_lint::licence_text::Detection::Match { score, .. }
            | pscf_lint::licence_text::Detection::NoMatch { score, .. } => score,
        };
        prop_assert!((0.0..=1.0).contains(&score));
    }
}
