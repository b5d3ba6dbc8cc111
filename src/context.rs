//! The context of every path: production code, tests, fixtures and
//! examples, vendored third-party code, generated code or minified bundles.
//!
//! A file's context decides how much a content finding in it matters: a
//! token in a test fixture is a note, one in a vendored library or a bundle
//! is not the product's own code at all. Each file is classified once:
//!
//! 1. by path conventions, during the walk ([`by_path`]);
//! 2. by `.gitattributes` `linguist-vendored`, `linguist-generated` and
//!    `linguist-documentation`, after the walk ([`apply_gitattributes`]);
//! 3. by the policy's `contexts.<name>.paths` globs ([`apply_policy`]);
//! 4. by the file's first bytes in the scan stage, which reads the file
//!    anyway: the generated-code header markers and minified text
//!    ([`refine`]). Only files whose context came from conventions are
//!    refined, and only files of no known kind (a lockfile says it is
//!    generated, but its sources are what the product installs).
//!
//! Inventory and the component rules do not look at contexts.

use std::path::Path;

use globset::{GlobBuilder, GlobSetBuilder};

use crate::discover::DiscoveredFile;

/// What a path is, for the rules that read file contents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathContext {
    /// The product's own code and configuration.
    #[default]
    Production,
    /// Test code (`tests/`, `*_test.go`, `test_*.py`, `*.spec.ts`, …).
    Test,
    /// Test data, fixtures, examples, samples and documentation snippets.
    Fixture,
    /// Third-party code kept in the tree (`vendor/`, `node_modules/`, …).
    Vendored,
    /// Output of a generator or bundler (`dist/`, `*.pb.go`, marked headers).
    Generated,
    /// Minified bundles (`*.min.js`, or text with very long lines).
    Minified,
}

impl PathContext {
    pub const ALL: [PathContext; 6] = [
        PathContext::Production,
        PathContext::Test,
        PathContext::Fixture,
        PathContext::Vendored,
        PathContext::Generated,
        PathContext::Minified,
    ];

    /// The name used in policies, JSON and SARIF.
    pub fn as_str(self) -> &'static str {
        match self {
            PathContext::Production => "production",
            PathContext::Test => "test",
            PathContext::Fixture => "fixture",
            PathContext::Vendored => "vendored",
            PathContext::Generated => "generated",
            PathContext::Minified => "minified",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for PathContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What decided a file's context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextSource {
    #[default]
    Convention,
    GitAttributes,
    Policy,
    Header,
}

/// A file's context and where it came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileContext {
    pub context: PathContext,
    pub source: ContextSource,
}

impl FileContext {
    fn by(context: PathContext, source: ContextSource) -> Self {
        FileContext { context, source }
    }
}

/// A set of contexts (which ones the content scan reads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContextSet(u8);

impl ContextSet {
    pub const EMPTY: ContextSet = ContextSet(0);
    pub const ALL: ContextSet = ContextSet(0b11_1111);

    pub fn with(self, context: PathContext) -> Self {
        ContextSet(self.0 | 1 << context.index())
    }

    pub fn contains(self, context: PathContext) -> bool {
        self.0 & (1 << context.index()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Directory names whose whole subtree is third-party code.
const VENDORED_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "node_modules",
    "bower_components",
    "third_party",
    "third-party",
    "thirdparty",
    "site-packages",
    ".yarn",
    "pods",
    "carthage",
];

/// Directory names whose subtree is build or generator output.
const GENERATED_DIRS: &[&str] = &["dist", "generated", "__generated__", "gen-src"];

/// Directory names whose subtree is test data, fixtures or examples.
const FIXTURE_DIRS: &[&str] = &[
    "fixtures",
    "fixture",
    "__fixtures__",
    "testdata",
    "test-data",
    "test_data",
    "examples",
    "example",
    "samples",
    "sample",
    "__mocks__",
    "__snapshots__",
];

/// Directory names whose subtree is test code.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__test__",
    "spec",
    "specs",
    "e2e",
    "testing",
    "testutil",
    "testutils",
    "test_utils",
    "test-utils",
    "benches",
    "bench",
    "benchmarks",
];

/// The context path conventions give `path` (repo-relative, `/`).
/// Where several apply, the one furthest from the product's own code wins:
/// vendored, generated, minified, fixture, test, production.
pub fn by_path(path: &str) -> FileContext {
    let lower = path.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", lower.as_str()));
    let in_dir = |list: &[&str]| dirs.split('/').any(|d| list.contains(&d));
    let context = if in_dir(VENDORED_DIRS) {
        PathContext::Vendored
    } else if in_dir(GENERATED_DIRS) || generated_name(name) {
        PathContext::Generated
    } else if minified_name(name) {
        PathContext::Minified
    } else if in_dir(FIXTURE_DIRS) || fixture_name(name) {
        PathContext::Fixture
    } else if in_dir(TEST_DIRS) || test_name(name) {
        PathContext::Test
    } else {
        PathContext::Production
    };
    FileContext::by(context, ContextSource::Convention)
}

fn generated_name(name: &str) -> bool {
    [
        ".pb.go",
        ".pb.gw.go",
        "_pb2.py",
        "_pb2_grpc.py",
        ".pb.cc",
        ".pb.h",
        ".g.dart",
        ".designer.cs",
        ".bundle.js",
        ".js.map",
        ".css.map",
    ]
    .iter()
    .any(|s| name.ends_with(s))
        || name.contains(".generated.")
}

fn minified_name(name: &str) -> bool {
    [".min.js", ".min.mjs", ".min.cjs", ".min.css", "-min.js"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Templates of configuration (`.env.example`, `config.sample.yaml`).
fn fixture_name(name: &str) -> bool {
    [".example", ".sample", ".template", ".dist"]
        .iter()
        .any(|s| name.ends_with(s))
        || [".example.", ".sample.", ".template."]
            .iter()
            .any(|s| name.contains(s))
        || name.starts_with("example.")
        || name.starts_with("sample.")
}

fn test_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    name.ends_with("_test.go")
        || (name.ends_with(".py")
            && (stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem == "tests"
                || stem == "conftest"))
        || name.contains(".test.")
        || name.contains(".spec.")
        || (name.ends_with(".rs")
            && (stem == "tests"
                || stem == "test"
                || stem.ends_with("_test")
                || stem.ends_with("_tests")))
        || name.ends_with("_spec.rb")
        || name.ends_with("_test.rb")
        || [
            "test.java",
            "tests.java",
            "test.kt",
            "tests.kt",
            "tests.cs",
            "test.cs",
        ]
        .iter()
        .any(|s| name.ends_with(s) && name.len() > s.len())
}

/// Largest `.gitattributes` read: real ones are a few kilobytes.
const MAX_GITATTRIBUTES: u64 = 1024 * 1024;

/// A linguist attribute and the context it sets.
const ATTRIBUTES: &[(&str, PathContext)] = &[
    ("linguist-vendored", PathContext::Vendored),
    ("linguist-generated", PathContext::Generated),
    ("linguist-documentation", PathContext::Fixture),
];

/// One attribute line: which attribute, set (`true`) or unset (`false`).
struct AttributeRule {
    attribute: usize,
    value: bool,
}

/// Applies the linguist attributes of every `.gitattributes` in `files`
/// (as git does: deeper files override shallower ones, later lines
/// earlier ones). `-linguist-vendored` on a conventionally vendored path
/// makes it the product's own code.
pub fn apply_gitattributes(files: &mut [DiscoveredFile]) {
    let mut sources: Vec<(usize, &Path, &str)> = files
        .iter()
        .filter(|f| f.path.file_name() == ".gitattributes")
        .map(|f| {
            let dir = f.path.parent();
            (
                dir.matches('/').count() + usize::from(!dir.is_empty()),
                f.absolute.as_path(),
                dir,
            )
        })
        .collect();
    if sources.is_empty() {
        return;
    }
    sources.sort_by_key(|(depth, _, dir)| (*depth, *dir));
    let mut builder = GlobSetBuilder::new();
    let mut rules = Vec::new();
    for (_, absolute, dir) in &sources {
        for (pattern, rule) in read_gitattributes(absolute) {
            if let Some(glob) = attribute_glob(dir, &pattern) {
                builder.add(glob);
                rules.push(rule);
            }
        }
    }
    let Ok(set) = builder.build() else {
        return;
    };
    for file in files.iter_mut() {
        let mut values: [Option<bool>; 3] = [None; 3];
        for index in set.matches(file.path.as_str()) {
            if let Some(rule) = rules.get(index)
                && let Some(slot) = values.get_mut(rule.attribute)
            {
                *slot = Some(rule.value);
            }
        }
        if let Some(context) = attributed(file.context.context, values) {
            file.context = FileContext::by(context, ContextSource::GitAttributes);
        }
    }
}

/// The context the attribute values give, if they say anything.
fn attributed(convention: PathContext, values: [Option<bool>; 3]) -> Option<PathContext> {
    // Set attributes, strongest first (the order of ATTRIBUTES).
    for (i, (_, context)) in ATTRIBUTES.iter().enumerate() {
        if values.get(i).copied().flatten() == Some(true) {
            return Some(*context);
        }
    }
    // An unset attribute overrides the convention it contradicts.
    ATTRIBUTES.iter().enumerate().find_map(|(i, (_, context))| {
        (values.get(i).copied().flatten() == Some(false) && convention == *context)
            .then_some(PathContext::Production)
    })
}

fn read_gitattributes(path: &Path) -> Vec<(String, AttributeRule)> {
    use std::io::Read;
    let mut text = String::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_GITATTRIBUTES).read_to_string(&mut text));
    if read.is_err() {
        return Vec::new();
    }
    parse_gitattributes(&text)
}

/// `pattern attr…` lines; quoted patterns and macros are not linguist's
/// and are skipped.
fn parse_gitattributes(text: &str) -> Vec<(String, AttributeRule)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('"') {
            continue;
        }
        let mut words = line.split_ascii_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        for word in words {
            let (name, value) = match word.split_once('=') {
                Some((name, v)) => (name, !matches!(v, "false" | "0")),
                None => match word.strip_prefix(['-', '!']) {
                    Some(name) => (name, false),
                    None => (word, true),
                },
            };
            if let Some(attribute) = ATTRIBUTES.iter().position(|(a, _)| *a == name) {
                out.push((pattern.to_owned(), AttributeRule { attribute, value }));
            }
        }
    }
    out
}

/// A gitattributes pattern of the file in `dir` as a repo-relative glob:
/// without a slash it matches a name at any depth below `dir`, with one it
/// is anchored at `dir`.
fn attribute_glob(dir: &str, pattern: &str) -> Option<globset::Glob> {
    let pattern = pattern.trim_end_matches('/');
    let anchored = pattern.trim_start_matches('/');
    let relative = if pattern.contains('/') {
        anchored.to_owned()
    } else {
        format!("**/{anchored}")
    };
    let full = if dir.is_empty() {
        relative
    } else {
        format!("{dir}/{relative}")
    };
    GlobBuilder::new(&full).literal_separator(true).build().ok()
}

/// Applies the policy's `paths:` globs: `assign` names the context a path
/// is given, if any.
pub fn apply_policy(files: &mut [DiscoveredFile], assign: impl Fn(&str) -> Option<PathContext>) {
    for file in files {
        if let Some(context) = assign(file.path.as_str()) {
            file.context = FileContext::by(context, ContextSource::Policy);
        }
    }
}

/// How far into a file the generated-code markers are looked for.
const HEADER_BYTES: usize = 4096;
const HEADER_LINES: usize = 40;

/// How much of a file decides whether it is minified.
const MINIFIED_SAMPLE: usize = 64 * 1024;

/// The context of a file whose text is now read: a generated-code marker
/// in a comment near the top, or (for scripts and style sheets) lines
/// averaging over 500 bytes, override a conventional context.
pub fn refine(context: FileContext, path: &str, text: &str) -> FileContext {
    if context.source != ContextSource::Convention
        || !matches!(
            context.context,
            PathContext::Production | PathContext::Test | PathContext::Fixture
        )
    {
        return context;
    }
    if has_generated_marker(text) {
        return FileContext::by(PathContext::Generated, ContextSource::Header);
    }
    if looks_minified(path, text) {
        return FileContext::by(PathContext::Minified, ContextSource::Header);
    }
    context
}

fn has_generated_marker(text: &str) -> bool {
    let head = text
        .as_bytes()
        .get(..HEADER_BYTES.min(text.len()))
        .unwrap_or_default();
    head.split(|&b| b == b'\n').take(HEADER_LINES).any(|line| {
        let line = String::from_utf8_lossy(line).to_ascii_lowercase();
        let body = line.trim_start();
        let comment = ["//", "#", "/*", "*", "<!--", "--", ";", "\"\"\""]
            .iter()
            .any(|c| body.starts_with(c));
        comment
            && (body.contains("@generated")
                || body.contains("<auto-generated")
                || (body.contains("generated")
                    && [
                        "do not edit",
                        "do not modify",
                        "don't edit",
                        "not intended for manual edit",
                    ]
                    .iter()
                    .any(|m| body.contains(m))))
    })
}

fn looks_minified(path: &str, text: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    if !matches!(ext, "js" | "mjs" | "cjs" | "css") || text.len() < 2048 {
        return false;
    }
    let sample = text
        .as_bytes()
        .get(..MINIFIED_SAMPLE.min(text.len()))
        .unwrap_or_default();
    let lines = memchr::memchr_iter(b'\n', sample).count() + 1;
    sample.len() / lines > 500
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(path: &str) -> PathContext {
        by_path(path).context
    }

    #[test]
    fn path_conventions_per_ecosystem() {
        assert_eq!(ctx("src/lib.rs"), PathContext::Production);
        assert_eq!(ctx("pkg/server/server.go"), PathContext::Production);
        assert_eq!(ctx("pkg/server/server_test.go"), PathContext::Test);
        assert_eq!(ctx("tests/check.rs"), PathContext::Test);
        assert_eq!(ctx("src/test/java/AppTest.java"), PathContext::Test);
        assert_eq!(ctx("lib/test_client.py"), PathContext::Test);
        assert_eq!(ctx("src/scan/content/tests.rs"), PathContext::Test);
        assert_eq!(ctx("lib/client_test.py"), PathContext::Test);
        assert_eq!(ctx("web/app.test.ts"), PathContext::Test);
        assert_eq!(ctx("web/app.spec.js"), PathContext::Test);
        assert_eq!(ctx("web/__tests__/app.js"), PathContext::Test);
        assert_eq!(ctx("tests/fixtures/key.pem"), PathContext::Fixture);
        assert_eq!(ctx("pkg/x/testdata/a.json"), PathContext::Fixture);
        assert_eq!(ctx("examples/basic/main.go"), PathContext::Fixture);
        assert_eq!(ctx("deploy/.env.example"), PathContext::Fixture);
        assert_eq!(ctx("config.sample.yaml"), PathContext::Fixture);
        assert_eq!(
            ctx("vendor/github.com/x/y/y_test.go"),
            PathContext::Vendored
        );
        assert_eq!(ctx("web/node_modules/a/index.js"), PathContext::Vendored);
        assert_eq!(ctx("third_party/lib.c"), PathContext::Vendored);
        assert_eq!(ctx("dist/index.js"), PathContext::Generated);
        assert_eq!(ctx("api/v1/api.pb.go"), PathContext::Generated);
        assert_eq!(ctx("static/app.bundle.js"), PathContext::Generated);
        assert_eq!(ctx("static/jquery.min.js"), PathContext::Minified);
        assert_eq!(ctx("examples/static/app.min.js"), PathContext::Minified);
        // Near misses: names that only look like conventions.
        assert_eq!(ctx("src/testing_utils_v2/x.go"), PathContext::Production);
        assert_eq!(ctx("src/latest.py"), PathContext::Production);
        assert_eq!(ctx("src/contest.js"), PathContext::Production);
        assert_eq!(ctx("distribution/app.js"), PathContext::Production);
        assert_eq!(ctx("src/vendors.ts"), PathContext::Production);
        assert_eq!(ctx("Test.java"), PathContext::Production);
    }

    #[test]
    fn gitattributes_lines_and_globs() {
        let rules = parse_gitattributes(
            "# c\n*.js linguist-vendored\nvendor/** -linguist-vendored\ndocs/** linguist-documentation=true\n\"q w\" linguist-generated\ngen/* linguist-generated text eol=lf\n",
        );
        let seen: Vec<(&str, usize, bool)> = rules
            .iter()
            .map(|(p, r)| (p.as_str(), r.attribute, r.value))
            .collect();
        assert_eq!(
            seen,
            [
                ("*.js", 0, true),
                ("vendor/**", 0, false),
                ("docs/**", 2, true),
                ("gen/*", 1, true)
            ]
        );
        let glob = |dir, p| attribute_glob(dir, p).map(|g| g.compile_matcher());
        let any = glob("", "*.js");
        assert!(any.as_ref().is_some_and(|m| m.is_match("a/b/c.js")));
        let anchored = glob("sub", "gen/*");
        assert!(
            anchored
                .as_ref()
                .is_some_and(|m| m.is_match("sub/gen/x.go"))
        );
        assert!(
            !anchored
                .as_ref()
                .is_some_and(|m| m.is_match("sub/gen/a/x.go"))
        );
        assert!(!anchored.as_ref().is_some_and(|m| m.is_match("gen/x.go")));
        assert_eq!(
            attributed(PathContext::Vendored, [Some(false), None, None]),
            Some(PathContext::Production)
        );
        assert_eq!(
            attributed(PathContext::Test, [Some(false), None, None]),
            None
        );
        assert_eq!(
            attributed(PathContext::Production, [Some(true), Some(true), None]),
            Some(PathContext::Vendored)
        );
    }

    #[test]
    fn headers_and_minified_text_refine_conventions() {
        let go = "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n";
        let c = refine(by_path("api/x.go"), "api/x.go", go);
        assert_eq!(c.context, PathContext::Generated);
        let rust = "// This file is @generated by a tool.\nfn main() {}\n";
        assert_eq!(
            refine(by_path("a.rs"), "a.rs", rust).context,
            PathContext::Generated
        );
        // A marker quoted in code, not a header comment: still production.
        let quoted = "let marker = \"@generated\";\n";
        assert_eq!(
            refine(by_path("a.rs"), "a.rs", quoted).context,
            PathContext::Production
        );
        let bundle = format!("{}\n", "var a=1;".repeat(1000));
        assert_eq!(
            refine(by_path("app.js"), "app.js", &bundle).context,
            PathContext::Minified
        );
        assert_eq!(
            refine(by_path("app.py"), "app.py", &bundle).context,
            PathContext::Production
        );
        // Pinned contexts are never refined.
        let pinned = FileContext::by(PathContext::Production, ContextSource::Policy);
        assert_eq!(refine(pinned, "x.go", go), pinned);
    }

    #[test]
    fn context_sets() {
        let set = ContextSet::EMPTY.with(PathContext::Test);
        assert!(set.contains(PathContext::Test) && !set.contains(PathContext::Vendored));
        assert!(
            PathContext::ALL
                .iter()
                .all(|c| ContextSet::ALL.contains(*c))
        );
        assert!(ContextSet::EMPTY.is_empty());
    }
}
