//! `--format html`: one self-contained page to hand to people who do not
//! read CI logs — the capability scorecard, the findings with their source
//! lines, the component inventory, and the delivery and quality figures as
//! inline SVG charts. No script, no external asset: a strict
//! Content-Security-Policy allows only the page's own inline style. Every
//! text from the repository or its policy goes through `escape::html`.

use std::fmt::Write as _;

use super::markdown::by_severity;
use super::{Report, plural};
use crate::escape::{self, html};
use crate::finding::{Capability, Finding};
use crate::metrics::MetricsDocument;

/// At most this many inventory rows are listed (the rest are counted).
pub const MAX_COMPONENT_ROWS: usize = 5_000;
/// At most this many findings are shown with snippets (the rest counted).
pub const MAX_FINDINGS: usize = 5_000;
/// A snippet line longer than this is cut (minified files).
const MAX_SNIPPET_CHARS: usize = 240;

/// What the page shows besides the report.
#[derive(Debug, Default)]
pub struct Extras<'a> {
    /// `pscf-lint metrics` for the same path; `None` when it could not be
    /// computed (the page says so).
    pub metrics: Option<&'a MetricsDocument>,
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#1f2328;padding:0 1rem}\
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f6f8fa}td.n{text-align:right}.pass{color:#1a7f37}.fail{color:#cf222e}.ne{color:#6e7781}\
.error{color:#cf222e;font-weight:600}.warning{color:#9a6700;font-weight:600}.note{color:#0969da}\
pre{background:#f6f8fa;padding:6px 8px;overflow-x:auto;margin:4px 0;white-space:pre}code{font-family:ui-monospace,monospace}\
.finding{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:8px 0}.muted{color:#6e7781}\
svg{display:block;margin:8px 0}";

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        html(title)
    )
}

/// Words, not symbols: the page must read the same without emoji fonts.
fn status_label(status: super::Status) -> &'static str {
    match status {
        super::Status::Pass => "pass",
        super::Status::Fail => "fail",
        super::Status::NotEvaluated => "not evaluated",
    }
}

fn status_class(status: super::Status) -> &'static str {
    match status {
        super::Status::Pass => "pass",
        super::Status::Fail => "fail",
        super::Status::NotEvaluated => "ne",
    }
}

fn scorecard(report: &Report, out: &mut String) {
    let catalogue = crate::capabilities::catalogue().unwrap_or_default();
    out.push_str("<h2 id=\"scorecard\">Capability scorecard</h2>\n<table>\n<tr><th>Capability</th><th>Status</th><th>Errors</th><th>Warnings</th><th>Notes</th><th>Required by</th><th>Accountable</th><th>Why</th></tr>\n");
    for c in &report.capabilities {
        let [e, w, n] = by_severity(report.active(), Some(c.capability));
        let entry = catalogue.iter().find(|x| x.id == c.capability.id());
        let join =
            |list: Option<&Vec<String>>| html(&list.map(|l| l.join(", ")).unwrap_or_default());
        let _ = writeln!(
            out,
            "<tr><td>{} {}</td><td class=\"{}\">{}</td><td class=\"n\">{e}</td><td class=\"n\">{w}</td><td class=\"n\">{n}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.capability.id(),
            c.capability.name(),
            status_class(c.status),
            status_label(c.status),
            join(entry.map(|x| &x.required_by)),
            join(entry.map(|x| &x.accountable)),
            html(c.reason.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</table>\n");
}

/// The finding's first line of source, hidden characters shown and
/// credentials masked, cut to a readable width.
fn snippet(report: &Report, f: &Finding) -> Option<String> {
    let source = report.sources.get(&f.location.path)?;
    let span = source.index.line_span(&source.text, f.location.line);
    let line = source.text.get(span)?;
    let line = escape::credentials(line);
    let mut shown: String = line
        .chars()
        .take(MAX_SNIPPET_CHARS)
        .map(|c| escape::snippet_char(c).unwrap_or(c))
        .collect();
    if line.chars().count() > MAX_SNIPPET_CHARS {
        shown.push('…');
    }
    Some(format!("{:>5} | {shown}", f.location.line))
}

fn finding(report: &Report, f: &Finding, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"finding\"><span class=\"{sev}\">{sev}</span> <code>{}</code> at <code>{}</code><br>{}",
        html(f.rule.as_str()),
        html(&report.display_location(&f.location)),
        html(&f.message),
        sev = f.severity,
    );
    if let Some(s) = snippet(report, f) {
        let _ = write!(out, "<pre><code>{}</code></pre>", html_keep_lines(&s));
    }
    if let Some(help) = &f.help {
        let _ = write!(out, "<div class=\"muted\">help: {}</div>", html(help));
    }
    out.push_str("</div>\n");
}

/// `escape::html` per line, line breaks kept.
fn html_keep_lines(text: &str) -> String {
    text.split('\n').map(html).collect::<Vec<_>>().join("\n")
}

fn findings(report: &Report, out: &mut String) {
    let active: Vec<&Finding> = report.active().collect();
    let _ = writeln!(
        out,
        "<h2 id=\"findings\">Findings</h2>\n<p>{} active, {} suppressed.</p>",
        plural(active.len(), "finding"),
        report.counts().suppressed
    );
    let mut shown = 0;
    for capability in Capability::ALL.into_iter().map(Some).chain([None]) {
        let group: Vec<&&Finding> = active
            .iter()
            .filter(|f| f.rule.capability() == capability)
            .collect();
        if group.is_empty() {
            continue;
        }
        let title = capability.map_or_else(
            || "pscf-lint (the check's own inputs)".to_owned(),
            |c| format!("{} {}", c.id(), c.name()),
        );
        let _ = writeln!(out, "<h3>{title}: {}</h3>", plural(group.len(), "finding"));
        for f in group {
            if shown == MAX_FINDINGS {
                break;
            }
            finding(report, f, out);
            shown += 1;
        }
    }
    if shown < active.len() {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} not shown; the JSON report has them all.</p>",
            plural(active.len() - shown, "more finding")
        );
    }
}

fn inventory(report: &Report, out: &mut String) {
    let rows = report.inventory.rows();
    let _ = writeln!(
        out,
        "<h2 id=\"inventory\">Component inventory</h2>\n<p>{} ({} direct).</p>\n<table>\n<tr><th>Component</th><th>Scope</th><th>Direct</th><th>Licence</th><th>Source</th><th>Where</th></tr>",
        plural(rows.len(), "component"),
        rows.iter().filter(|r| r.component.direct).count()
    );
    for row in rows.iter().take(MAX_COMPONENT_ROWS) {
        let c = &row.component;
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            html(&c.purl.to_string()),
            c.scope,
            if c.direct { "yes" } else { "no" },
            html(c.license.as_deref().unwrap_or("unknown")),
            html(&escape::credentials(&c.source.to_string())),
            html(&report.display_location(&c.location)),
        );
    }
    out.push_str("</table>\n");
    if rows.len() > MAX_COMPONENT_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} not listed; `pscf-lint inventory` lists them all.</p>",
            plural(rows.len() - MAX_COMPONENT_ROWS, "more component")
        );
    }
}

/// A horizontal bar chart: one labelled bar per `(label, value)`, scaled
/// to the largest value, with the value written after the bar.
fn bar_chart(title: &str, bars: &[(String, f64, &str)], unit: &str) -> String {
    const WIDTH: f64 = 760.0;
    const LABEL: f64 = 260.0;
    const ROW: f64 = 22.0;
    let max = bars.iter().map(|(_, v, _)| *v).fold(0.0, f64::max);
    let height = ROW * bars.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\"><text x=\"0\" y=\"16\" font-weight=\"600\">{}</text>",
        html(title),
        html(title)
    );
    for (i, (label, value, colour)) in bars.iter().enumerate() {
        let y = 26.0 + ROW * i as f64;
        let w = if max > 0.0 {
            (WIDTH - LABEL - 90.0) * value / max
        } else {
            0.0
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.0}\" font-size=\"12\">{}</text><rect x=\"{LABEL}\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"16\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\">{}{unit}</text>",
            y + 12.0,
            html(label),
            LABEL + w + 6.0,
            y + 12.0,
            format_value(*value),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

const RED: &str = "#cf222e";
const AMBER: &str = "#bf8700";
const BLUE: &str = "#0969da";
const GREEN: &str = "#1a7f37";
const GREY: &str = "#8c959f";

fn findings_chart(report: &Report) -> String {
    let mut bars = Vec::new();
    for c in Capability::ALL {
        let [e, w, n] = by_severity(report.active(), Some(c));
        bars.push((format!("{} errors", c.id()), e as f64, RED));
        bars.push((format!("{} warnings", c.id()), w as f64, AMBER));
        bars.push((format!("{} notes", c.id()), n as f64, BLUE));
    }
    bar_chart("Active findings by capability and severity", &bars, "")
}

fn delivery(doc: &MetricsDocument, out: &mut String) {
    let d = &doc.delivery;
    out.push_str("<h3>Delivery</h3>\n");
    if let Some(reason) = &d.reason {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Not evaluated: {}</p>",
            html(reason)
        );
    }
    let days = |label: &str, f: &crate::metrics::delivery::Figure| {
        f.median
            .map(|m| (format!("{label} (median, days)"), m, BLUE))
    };
    let figures: Vec<(String, f64, &str)> = [
        days("release cadence", &d.release_cadence_days),
        days("lead time for changes", &d.lead_time_days),
        days("time to restore", &d.time_to_restore_days),
        days("security-fix lead time", &d.security_fix_lead_time_days),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !figures.is_empty() {
        out.push_str(&bar_chart("Delivery figures", &figures, " d"));
    }
    if let Some(rate) = d.change_failure_rate {
        let _ = writeln!(
            out,
            "<p>Change failure rate: {:.1}% ({} of {}).</p>",
            rate * 100.0,
            plural(d.failed_releases, "failed release"),
            d.releases
        );
    }
    let releases: Vec<(String, f64, &str)> = d
        .release_list
        .iter()
        .rev()
        .take(20)
        .rev()
        .map(|r| {
            let colour = if r.failure.is_some() { RED } else { GREEN };
            (format!("{} ({})", r.tag, r.date), r.commits as f64, colour)
        })
        .collect();
    if !releases.is_empty() {
        out.push_str(&bar_chart(
            "Commits per release (the last 20; red: failed)",
            &releases,
            "",
        ));
    }
}

fn quality(doc: &MetricsDocument, out: &mut String) {
    let q = &doc.quality;
    out.push_str("<h3>Quality</h3>\n");
    if let Some(reason) = &q.reason {
        let _ = writeln!(
            out,
            "<p class=\"muted\">Not evaluated: {}</p>",
            html(reason)
        );
    }
    let mut bars = Vec::new();
    if let Some(c) = &q.coverage {
        for (name, ratio) in [("line coverage", &c.line), ("branch coverage", &c.branch)] {
            if let Some(p) = ratio.percent {
                bars.push((format!("{name} (%)"), p, GREEN));
            }
        }
    }
    if let Some(t) = &q.tests {
        let passed = t.tests.saturating_sub(t.failures + t.errors + t.skipped);
        bars.push(("tests passed".to_owned(), passed as f64, GREEN));
        bars.push((
            "tests failed or errored".to_owned(),
            (t.failures + t.errors) as f64,
            RED,
        ));
        bars.push(("tests skipped".to_owned(), t.skipped as f64, GREY));
    }
    if let Some(s) = &q.security {
        bars.push((
            "other tools: errors".to_owned(),
            s.by_level.error as f64,
            RED,
        ));
        bars.push((
            "other tools: warnings".to_owned(),
            s.by_level.warning as f64,
            AMBER,
        ));
        bars.push((
            "other tools: notes".to_owned(),
            s.by_level.note as f64,
            BLUE,
        ));
    }
    bars.push((
        "projects without tests".to_owned(),
        q.projects.without_tests.len() as f64,
        AMBER,
    ));
    bars.push(("projects".to_owned(), q.projects.total as f64, GREY));
    out.push_str(&bar_chart("Quality figures", &bars, ""));
}

fn metrics(report: &Report, extras: &Extras<'_>, out: &mut String) {
    out.push_str("<h2 id=\"metrics\">Metrics</h2>\n");
    out.push_str(&findings_chart(report));
    match extras.metrics {
        Some(doc) => {
            delivery(doc, out);
            quality(doc, out);
        }
        None => out.push_str(
            "<p class=\"muted\">Delivery and quality figures could not be computed for this path.</p>\n",
        ),
    }
}

pub fn render(report: &Report, extras: &Extras<'_>) -> String {
    let title = format!("pscf-lint report: {}", report.root);
    let mut out = head(&title);
    let counts = report.counts();
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>The gate <strong class=\"{}\">{}</strong>: {}, {}, {} ({} suppressed) in {}. pscf-lint {}.</p>",
        html(&title),
        if report.exit_code() == 0 {
            "pass"
        } else {
            "fail"
        },
        if report.exit_code() == 0 {
            "passed"
        } else {
            "failed"
        },
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note"),
        counts.suppressed,
        plural(report.components, "component"),
        env!("CARGO_PKG_VERSION"),
    );
    out.push_str("<nav><a href=\"#scorecard\">Scorecard</a> · <a href=\"#findings\">Findings</a> · <a href=\"#inventory\">Inventory</a> · <a href=\"#metrics\">Metrics</a></nav>\n");
    scorecard(report, &mut out);
    findings(report, &mut out);
    inventory(report, &mut out);
    metrics(report, extras, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}
