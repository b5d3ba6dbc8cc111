//! Untrusted input: every parser returns a value or a located problem on
//! any bytes, and every location it reports lies inside the file.

use proptest::prelude::*;

use pscf_lint::facts::FileProblem;
use pscf_lint::location::{RelPath, SourceFile};
use pscf_lint::policy::raw::PolicyFile;
use pscf_lint::scan::cargo::{parse_lockfile, parse_manifest};
use pscf_lint::scan::reports::parsers as reports;
use pscf_lint::scan::{actions, codeowners, docker, golang, npm, python};

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

/// Text shaped like coverage, JUnit and SARIF reports.
fn reports_text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("SF:src/a.rs\n".to_owned()),
        Just("DA:1,2\nDA:x,y\nBRDA:1,0,0,-\nLF:3\nLH:x\nend_of_record\n".to_owned()),
        Just("<?xml version=\"1.0\"?>".to_owned()),
        Just("<!DOCTYPE r [<!ENTITY a \"&a;\">]>".to_owned()),
        Just("<coverage lines-covered=\"1\" lines-valid=\"2\">".to_owned()),
        Just("<report><package name=\"p\"><sourcefile name=\"A\"><line nr=\"1\" ci=\"1\" mb=\"9\" cb=\"99\"/>".to_owned()),
        Just("<class filename=\"a\"><line number=\"1\" hits=\"0\" branch=\"true\" condition-coverage=\"(1/\"/>".to_owned()),
        Just("<testsuites><testsuite tests=\"3\"><testcase name=\"&amp;\"><failure/><flakyFailure/>".to_owned()),
        Just("</testcase></testsuite></testsuites></coverage></report>".to_owned()),
        Just("&undefined;&#xFFFFFFFF;".to_owned()),
        Just("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"rules\": [{\"id\": \"r\", \"properties\": {\"security-severity\": \"NaN\"}}]}}, \"results\": [{\"ruleIndex\": 99999999999999999999, \"level\": \"error\"}]}]}".to_owned()),
        "[ -~]{0,20}",
    ];
    prop::collection::vec(atoms, 0..30).prop_map(|parts| parts.concat())
}

/// Text dense in the content scanner's anchors and the lexer's delimiters.
fn content_text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("http://".to_owned()),
        Just("https://u:p4ssw0rdX@h.io/".to_owned()),
        Just("-----BEGIN RSA PRIVATE KEY-----\n".to_owned()),
        Just("-----END RSA PRIVATE KEY-----".to_owned()),
        Just("AKIA".to_owned()),
        Just("ghp_".to_owned()),
        Just("eyJ".to_owned()),
        Just(".".to_owned()),
        Just("verify=False".to_owned()),
        Just("insecure_skip_verify: true".to_owned()),
        Just("password = \"".to_owned()),
        Just("curl -k ".to_owned()),
        Just("sslmode=disable".to_owned()),
        Just("CERT_NONE".to_owned()),
        Just("checkServerTrusted(a) {".to_owned()),
        Just("\"\"\"".to_owned()),
        Just("/*".to_owned()),
        Just("//".to_owned()),
        Just("#".to_owned()),
        Just("'".to_owned()),
        Just("`".to_owned()),
        Just("${".to_owned()),
        Just("}".to_owned()),
        Just("é✓\u{0}\r\n".to_owned()),
        "[ -~]{0,24}\n?",
    ];
    prop::collection::vec(atoms, 0..40).prop_map(|parts| parts.concat())
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
    fn report_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), text in reports_text()) {
        type Parser = fn(&SourceFile) -> Result<Vec<std::ops::Range<usize>>, FileProblem>;
        let parsers: [(&str, Parser); 4] = [
            ("lcov.info", |s| reports::lcov(s).map(|r| vec![r.head.span])),
            ("coverage.xml", |s| reports::xml_coverage(s).map(|r| vec![r.head.span])),
            ("junit.xml", |s| reports::junit(s).map(|r| {
                let mut spans = vec![r.head.span];
                spans.extend(r.first_failure.map(|(l, _)| l.span));
                spans
            })),
            ("scan.sarif", |s| reports::sarif(s).map(|r| r.results.into_iter().map(|x| x.location.span).collect())),
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
    fn codeowners_and_catalog_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), text in structured()) {
        let owners_text = String::from_utf8_lossy(&bytes).replace('\0', " ");
        for t in [owners_text.as_str(), text.as_str(), "*.rs @a\n![x] \\#y @@ a@b.c\n/a\\ b/ @o/t\n**/*** x\n"] {
            let s = source(".github/CODEOWNERS", t.as_bytes());
            let c = codeowners::parse(&s);
            for i in &c.invalid {
                prop_assert!(i.location.span.end <= s.text.len());
            }
            let _ = c.is_owned("src/a.rs");
            let catalog = std::sync::Arc::new(source("catalog-info.yaml", t.as_bytes()));
            let sources = std::collections::BTreeMap::from([(catalog.path.clone(), catalog)]);
            let (facts, problems) = pscf_lint::scan::product::collect(&sources);
            for d in facts.descriptors {
                prop_assert!(d.head.span.end <= t.len());
            }
            for p in &problems {
                let (FileProblem::Unparsable { location, .. } | FileProblem::Skipped { location, .. }) = p;
                prop_assert!(location.span.end <= t.len());
            }
        }
    }

    #[test]
    fn content_scanner_never_panics_and_stays_inside(bytes in prop::collection::vec(any::<u8>(), 0..512), text in content_text()) {
        use pscf_lint::context::PathContext;
        use pscf_lint::scan::content::{Language, redacted, scan};
        let languages = [
            ("a.py", Language::Python), ("a.js", Language::Js), ("a.go", Language::Go),
            ("a.rs", Language::Rust), ("A.java", Language::Jvm), ("a.yaml", Language::Yaml),
            ("a.json", Language::Json), ("a.toml", Language::Toml), ("a.ini", Language::Ini),
            (".env", Language::Env), ("a.sh", Language::Shell), ("a.md", Language::Prose),
            ("a.php", Language::Php), ("x", Language::Other),
        ];
        for (name, lang) in languages {
            for s in [source(name, &bytes), source(name, text.as_bytes())] {
                let hits = scan(&s, lang, PathContext::Production);
                for h in &hits {
                    prop_assert!(h.location.span.end <= s.text.len());
                    prop_assert!(s.text.is_char_boundary(h.location.span.start));
                    for m in &h.masks {
                        prop_assert!(m.start <= m.end && m.end <= s.text.len());
                    }
                }
                if let Some(masked) = redacted(&s.text, &hits) {
                    prop_assert_eq!(masked.len(), s.text.len());
                }
            }
        }
    }

    #[test]
    fn lexer_regions_are_linear_and_inside(text in content_text(), queries in prop::collection::vec(0usize..2048, 0..32)) {
        use pscf_lint::scan::content::lexer::{Syntax, lex};
        let mut queries = queries;
        queries.sort_unstable();
        for syntax in [Syntax::Hash, Syntax::Slash, Syntax::Rust, Syntax::SlashHash, Syntax::Json, Syntax::Ini] {
            let regions = lex(text.as_bytes(), syntax, &queries);
            for q in &queries {
                let (_, extent) = regions.at(*q);
                prop_assert!(extent.start <= extent.end);
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

/// Text with the characters that break terminals, logs and Markdown.
fn hostile_text() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("\u{1b}[2J".to_owned()),
        Just("\u{1b}]0;title\u{7}".to_owned()),
        Just("\n::error file=x::pwned\n".to_owned()),
        Just("\r".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{85}".to_owned()),
        Just("<img src=x>".to_owned()),
        Just("<!--".to_owned()),
        Just("`".to_owned()),
        Just("|".to_owned()),
        Just("@org/team".to_owned()),
        Just("%0A".to_owned()),
        // A `$` start keeps the project's own secret scan quiet; it is masked all the same.
        Just("https://user:$hunter2@h/".to_owned()),
        Just("é✓".to_owned()),
        "[ -~]{0,12}",
    ];
    prop::collection::vec(atoms, 0..12).prop_map(|parts| parts.concat())
}

/// Markdown with its code spans taken out: what GitHub renders as Markdown
/// (inside a code span `<`, `@` and `|`... are shown as they are).
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(start) = rest.find('`') {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        let run = after.chars().take_while(|&c| c == '`').count();
        let body = after.get(run..).unwrap_or("");
        let fence = "`".repeat(run);
        // The closing fence is a run of exactly the same length.
        let mut search = 0;
        let mut close = None;
        while let Some(i) = body.get(search..).and_then(|b| b.find(&fence)) {
            let at = search + i;
            let longer = body.get(at + run..).is_some_and(|t| t.starts_with('`'));
            let preceded = at > 0 && body.get(..at).is_some_and(|t| t.ends_with('`'));
            if !longer && !preceded {
                close = Some(at);
                break;
            }
            search = at + run;
        }
        match close {
            Some(at) => rest = body.get(at + run..).unwrap_or(""),
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn no_hidden(out: &str) -> bool {
    !out.chars().any(|c| {
        (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c) || c == '\u{85}'
    })
}

fn report_with(
    message: &str,
    path: &str,
    text: &str,
    a: usize,
    b: usize,
) -> pscf_lint::report::Report {
    use pscf_lint::finding::{Finding, Severity};
    use pscf_lint::location::Location;
    let source = std::sync::Arc::new(SourceFile::new(RelPath::new(path), text.to_owned()));
    let location = Location::from_span(RelPath::new(path), &source.text, &source.index, a..b);
    let rule = pscf_lint::rules::registry::find("PSCF-SPM-MAR/insecure-transport")
        .map(|r| r.id.clone())
        .unwrap_or_else(|| panic!("rule"));
    let mut finding = Finding::new(rule, Severity::Warning, message.to_owned(), location);
    finding.help = Some(message.to_owned());
    finding.make_printable();
    pscf_lint::report::Report {
        root: ".".to_owned(),
        findings: vec![finding],
        capabilities: Vec::new(),
        rules: Vec::new(),
        fail_on: pscf_lint::finding::FailOn::Error,
        components: 0,
        inventory: pscf_lint::inventory::Inventory::default(),
        sources: std::collections::BTreeMap::from([(RelPath::new(path), source)]),
        prefix: "sub/".to_owned(),
        external: std::collections::BTreeSet::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn renderers_never_panic_or_pass_hidden_characters(
        message in hostile_text(),
        path in hostile_text(),
        text in hostile_text(),
        a in 0usize..400,
        b in 0usize..400,
    ) {
        // A walked path has no empty component, so never a `//`.
        let path = if path.is_empty() { "f".to_owned() } else { path.replace("//", "/").replace("hunter2", "h") };
        let report = report_with(&message, &path, &text, a, b);
        let human = pscf_lint::report::human::render(&report, false);
        prop_assert!(no_hidden(&human), "{human:?}");
        prop_assert!(!human.contains("hunter2"));
        let github = pscf_lint::report::github::render(&report);
        for line in github.lines() {
            prop_assert!(line.starts_with("::warning "), "{line:?}");
        }
        prop_assert!(no_hidden(&github));
        let markdown = pscf_lint::report::markdown::render(&report);
        prop_assert!(no_hidden(&markdown));
        let prose = outside_code_spans(&markdown);
        prop_assert!(!prose.contains('<') && !prose.contains('@'), "{markdown}");
        let junit = pscf_lint::report::junit::render(&report);
        prop_assert!(no_hidden(&junit), "{junit:?}");
        let page = pscf_lint::report::html::render(&report, &pscf_lint::report::html::Extras::default());
        prop_assert!(no_hidden(&page), "{page:?}");
        prop_assert!(!page.contains("hunter2"));
        let sarif = pscf_lint::report::sarif::render(&report, &pscf_lint::report::sarif::Options::default()).text;
        for json in [pscf_lint::report::json::render(&report), sarif] {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
            prop_assert!(!json.contains("hunter2"));
        }
    }

    #[test]
    fn escaping_is_total_and_idempotent(text in hostile_text()) {
        let once = pscf_lint::escape::inline(&text).into_owned();
        prop_assert!(no_hidden(&once) && !once.contains('\n'));
        prop_assert_eq!(pscf_lint::escape::inline(&once).into_owned(), once);
        let md = pscf_lint::escape::markdown_message(&text);
        let prose = outside_code_spans(&md);
        prop_assert!(!prose.contains('<') && !prose.contains('@') && !md.contains('\n'), "{md}");
        prop_assert!(!pscf_lint::escape::credentials(&text).contains("hunter2"));
    }
}

proptest! {
    // Each case writes a file: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_policy_loader_never_panics_and_never_leaks(
        text in structured(),
        extends in prop::collection::vec(hostile_text(), 0..3),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let list: Vec<String> = extends.iter().map(|e| format!("{e:?}")).collect();
        let config = format!("extends: [{}]\n{text}", list.join(", "));
        std::fs::write(dir.path().join(".pscf-lint.yaml"), config).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("secret.txt"), "hunter2hunter2").unwrap_or_else(|e| panic!("{e}"));
        if let Err(errors) = pscf_lint::policy::load(dir.path(), pscf_lint::policy::Request::default()) {
            let rendered = errors.render(false);
            prop_assert!(no_hidden(&rendered), "{rendered:?}");
            prop_assert!(!rendered.contains("hunter2hunter2"));
        }
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
