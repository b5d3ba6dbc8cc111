//! The figures behind PSCF-SPM-DM and -QM, computed from the facts, and
//! the `pscf-lint metrics` document (JSON, documented by a JSON Schema,
//! or a table).

pub mod bands;
pub mod delivery;
pub mod quality;

use schemars::JsonSchema;
use serde::Serialize;

use crate::history::{Window, format_time};

/// Bumped only for an incompatible change of the document.
pub const FORMAT_VERSION: u32 = 1;

/// `pscf-lint metrics --format json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(title = "pscf-lint metrics")]
pub struct MetricsDocument {
    /// Always 1 for this shape.
    pub version: u32,
    /// Always `metrics`.
    pub kind: &'static str,
    pub root: String,
    /// The period the delivery figures cover (`null` without history).
    pub window: Option<WindowJson>,
    pub delivery: delivery::DeliveryFigures,
    pub quality: quality::QualityFigures,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct WindowJson {
    /// RFC 3339, exclusive.
    pub from: String,
    /// RFC 3339, inclusive.
    pub to: String,
    pub days: u32,
    /// `head` (HEAD's commit time) or `now` (`--now`).
    pub ends_at: &'static str,
}

impl From<&Window> for WindowJson {
    fn from(w: &Window) -> Self {
        WindowJson {
            from: format_time(w.from),
            to: format_time(w.to),
            days: w.days,
            ends_at: if w.ends_at_head { "head" } else { "now" },
        }
    }
}

/// The JSON Schema of [`MetricsDocument`].
pub fn schema() -> String {
    let schema = schemars::schema_for!(MetricsDocument);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

pub fn render_json(doc: &MetricsDocument) -> String {
    let mut out = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.push('\n');
    out
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |d| format!("{d:.2} d"))
}

fn band(b: Option<bands::Band>) -> &'static str {
    b.map_or("-", bands::Band::as_str)
}

/// A plain-text table for people.
pub fn render_table(doc: &MetricsDocument) -> String {
    let d = &doc.delivery;
    let mut out = String::new();
    match &doc.window {
        Some(w) => out.push_str(&format!(
            "Delivery ({} {}-day window {} to {}, ending at {})\n",
            d.release_pattern, w.days, w.from, w.to, w.ends_at
        )),
        None => out.push_str("Delivery\n"),
    }
    if let Some(reason) = &d.reason {
        out.push_str(&format!("  not evaluated: {reason}\n"));
    }
    let rows = [
        ("releases", d.releases.to_string(), "-"),
        (
            "release cadence (median)",
            days(d.release_cadence_days.median),
            band(d.bands.release_cadence),
        ),
        (
            "lead time for changes (median)",
            days(d.lead_time_days.median),
            band(d.bands.lead_time),
        ),
        (
            "change failure rate",
            d.change_failure_rate.map_or_else(
                || "-".to_owned(),
                |r| format!("{:.1}% ({} failed)", r * 100.0, d.failed_releases),
            ),
            band(d.bands.change_failure_rate),
        ),
        (
            "time to restore (median)",
            days(d.time_to_restore_days.median),
            band(d.bands.time_to_restore),
        ),
        (
            "security-fix lead time (median)",
            days(d.security_fix_lead_time_days.median),
            band(d.bands.security_fix_lead_time),
        ),
    ];
    out.push_str(&format!(
        "  {:<34} {:<24} {}\n",
        "FIGURE",
        "VALUE",
        d.bands.scheme.to_uppercase()
    ));
    for (name, value, b) in rows {
        out.push_str(&format!("  {name:<34} {value:<24} {b}\n"));
    }
    for r in &d.release_list {
        let failure = match &r.failure {
            Some(delivery::Failure::Revert { revert, .. }) => {
                format!(
                    " failed: reverted by {}",
                    revert.get(..12).unwrap_or(revert)
                )
            }
            Some(delivery::Failure::PatchRelease { release }) => {
                format!(" failed: patched by {release}")
            }
            None => String::new(),
        };
        out.push_str(&format!(
            "    {:<24} {}  {:>4} commits{failure}\n",
            r.tag, r.date, r.commits
        ));
    }
    out.push_str("\nQuality\n");
    let q = &doc.quality;
    if let Some(reason) = &q.reason {
        out.push_str(&format!("  not evaluated: {reason}\n"));
    }
    let percent = |r: &quality::Ratio| {
        r.percent.map_or_else(
            || "-".to_owned(),
            |p| format!("{p:.2}% ({}/{})", r.covered, r.total),
        )
    };
    if let Some(c) = &q.coverage {
        out.push_str(&format!(
            "  {:<34} {} from {} report(s)\n  {:<34} {}\n",
            "line coverage",
            percent(&c.line),
            c.reports.len(),
            "branch coverage",
            percent(&c.branch)
        ));
    }
    if let Some(t) = &q.tests {
        out.push_str(&format!(
            "  {:<34} {} tests, {} failed, {} errors, {} skipped, {} flaky ({} report(s))\n",
            "test results",
            t.tests,
            t.failures,
            t.errors,
            t.skipped,
            t.flaky,
            t.reports.len()
        ));
    }
    if let Some(s) = &q.security {
        out.push_str(&format!(
            "  {:<34} {} results ({} error, {} warning, {} note; {} critical, {} high), {} open\n",
            "other tools' findings (SARIF)",
            s.results,
            s.by_level.error,
            s.by_level.warning,
            s.by_level.note,
            s.by_security_severity.critical,
            s.by_security_severity.high,
            s.open
        ));
    }
    out.push_str(&format!(
        "  {:<34} {} of {} without tests\n",
        "projects",
        q.projects.without_tests.len(),
        q.projects.total
    ));
    for missing in &q.missing_reports {
        out.push_str(&format!("  no report: {missing}\n"));
    }
    out
}
