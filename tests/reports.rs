//! The report formats for people and dashboards — Markdown (job summary),
//! JUnit XML and the HTML page: snapshots, structure, and hostile text
//! from the repository and its policy that must come out inert.

mod common;

use common::run;

const VIOLATIONS: &str = "fixtures/cargo-violations";

fn output(format: &str) -> String {
    let r = run(&["check", VIOLATIONS, "--format", format, "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.stdout
}

/// A repository whose file name, workflow and policy all carry markup,
/// table pipes, backticks, terminal escapes and workflow commands.
struct Hostile {
    dir: tempfile::TempDir,
}

impl Hostile {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        };
        write(
            ".pscf-lint.yaml",
            "requirements:\n  - check: unpinned-action\n  - id: no-evil\n    capability: PSCF-SPM-MAR\n    files: \"**/*.md\"\n    assert: { exists: true }\n    message: \"needs <script>alert(1)</script> | `x` ::error::boom \\u001b[2J\"\n    help: \"</td><img src=x onerror=alert(2)>\"\n",
        );
        write(
            ".github/workflows/a<img src=x onerror=alert(1)>|`b`.yml",
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: \"evil/act\\e[31m<script>alert(1)</script>|`::error::x`@v1\"\n",
        );
        Hostile { dir }
    }

    fn check(&self, format: &str) -> String {
        let root = self.dir.path().to_string_lossy().into_owned();
        let r = run(&["check", &root, "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        r.stdout
    }
}

fn no_hidden(text: &str) -> bool {
    !text
        .chars()
        .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
}

/// `|` that end a Markdown table cell (not written `\|` inside code).
fn cell_breaks(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            n += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    n
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(output("markdown"));
}

#[test]
fn markdown_scorecard_names_regulations_and_who_is_accountable() {
    let md = output("markdown");
    assert!(
        md.contains("| PSCF-SPM-RC Recommended Components | ❌ fail | 8 | 6 | 0 | OWASP SAMM, NIST SSDF | Organisational Lead |"),
        "{md}"
    );
    assert!(md.contains("### PSCF-SPM-RC Recommended Components: 14 findings\n"));
    assert!(md.contains("### pscf-lint (the check's own inputs): 6 findings\n"));
}

#[test]
fn markdown_keeps_hostile_text_inert() {
    let md = Hostile::new().check("markdown");
    assert!(no_hidden(&md), "{md:?}");
    assert!(md.lines().all(|l| !l.starts_with("::")), "{md}");
    for line in md.lines().filter(|l| l.starts_with("| error")) {
        assert_eq!(cell_breaks(line), 5, "a cell was broken out of: {line}");
    }
    // Markup appears only inside code spans or as entities.
    assert!(
        md.contains("needs &lt;script&gt;alert\\(1\\)&lt;/script&gt; &#124;"),
        "{md}"
    );
    assert!(
        md.contains("``.github/workflows/a<img src=x onerror=alert(1)>\\|`b`.yml:6:15``"),
        "{md}"
    );
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(output("junit"));
}

/// Every element of a JUnit document, well-formed or a panic.
fn xml_events(text: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                names.push(e.name().as_ref().to_owned());
            }
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{text}",
                reader.buffer_position()
            ),
        }
    }
    names
}

#[test]
fn junit_has_a_suite_per_capability_and_a_case_per_rule() {
    let xml = output("junit");
    let names = xml_events(&xml);
    let suites = names.iter().filter(|n| *n == "testsuite").count();
    let cases = names.iter().filter(|n| *n == "testcase").count();
    assert_eq!(suites, 7, "six capabilities and pscf-lint's own");
    assert_eq!(cases, run(&["rules"]).stdout.lines().count() - 1);
    assert!(xml.contains("<testsuites name=\"pscf-lint\" tests=\"52\" failures=\"9\" errors=\"0\" skipped=\"27\">"), "{xml}");
    // A failing rule lists its findings by place.
    assert!(xml.contains("<failure type=\"error\" message=\"2 findings of PSCF-SPM-RC/banned-component: a component matches a `banned` entry of the catalogue\">fixtures/cargo-violations/ws/Cargo.lock:104:8: error: "), "{xml}");
    // Rules of switched-off capabilities are skipped with the reason.
    assert!(xml.contains("<testcase name=\"PSCF-SPM-POM/codeowners-missing\" classname=\"PSCF-SPM-POM\">\n      <skipped message=\"switched off by the policy\"/>"), "{xml}");
}

#[test]
fn junit_keeps_hostile_text_inert() {
    let xml = Hostile::new().check("junit");
    xml_events(&xml);
    assert!(no_hidden(&xml), "{xml:?}");
    assert!(
        !xml.contains("<script") && !xml.contains("<img") && !xml.contains("</td>"),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"PSCF-SPM-MAR/no-evil\""),
        "{xml}"
    );
    assert!(
        xml.contains("needs &lt;script&gt;alert(1)&lt;/script&gt; | `x` ::error::boom \\u{1b}[2J"),
        "{xml}"
    );
}
