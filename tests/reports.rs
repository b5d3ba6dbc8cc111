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

fn html_of(path: &str) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("report.html");
    let file_arg = file.to_string_lossy().into_owned();
    let r = run(&["check", path, "--format", "html", "--output", &file_arg]);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}: {}", r.stderr))
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!(html_of(VIOLATIONS));
}

#[test]
fn html_is_one_self_contained_page() {
    let page = html_of(VIOLATIONS);
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"));
    // Nothing to fetch and nothing to run.
    for needle in [
        "<script",
        "src=\"http",
        "href=\"http",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!page.contains(needle), "{needle}");
    }
    for section in ["scorecard", "findings", "inventory", "metrics"] {
        assert!(
            page.contains(&format!("<h2 id=\"{section}\">")),
            "{section}"
        );
    }
    // Snippets, inventory rows and charts.
    assert!(
        page.contains("<pre><code>    8 | openssl = &quot;0.10&quot;</code></pre>"),
        "{page}"
    );
    assert!(
        page.contains("<tr><td><code>pkg:cargo/openssl@0.10.50</code></td>"),
        "{page}"
    );
    assert!(page.matches("<svg ").count() >= 2, "{page}");
    assert!(page.contains("aria-label=\"Active findings by capability and severity\""));
}

#[test]
fn html_keeps_hostile_text_inert() {
    let h = Hostile::new();
    let page = html_of(&h.dir.path().to_string_lossy());
    assert!(no_hidden(&page), "{page:?}");
    for needle in ["<script", "<img", "</td><img", "onerror=alert(2)>"] {
        assert!(!page.contains(needle), "{needle} in {page}");
    }
    assert!(
        page.contains("needs &lt;script&gt;alert(1)&lt;/script&gt; | `x` ::error::boom \\u{1b}[2J"),
        "{page}"
    );
    assert!(
        page.contains("a&lt;img src=x onerror=alert(1)&gt;|`b`.yml:6:15"),
        "{page}"
    );
}

/// Renders the page in headless Chromium (Debian's `chromium`) and keeps
/// the screenshot: `cargo test --test reports -- --ignored`, then look at
/// `target/report-screenshot.png`.
#[test]
#[ignore = "needs chromium"]
fn html_renders_in_headless_chromium() {
    let page = html_of(VIOLATIONS);
    let dir = common::root().join("target");
    let html = dir.join("report-screenshot.html");
    let png = dir.join("report-screenshot.png");
    std::fs::write(&html, page).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_file(&png);
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", html.display()),
        ])
        .status()
        .unwrap_or_else(|e| panic!("chromium: {e}"));
    assert!(status.success());
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot: {e}"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A blank 1280x2000 page compresses to a few KiB; a rendered one does not.
    assert!(bytes.len() > 50_000, "{} bytes", bytes.len());
}
