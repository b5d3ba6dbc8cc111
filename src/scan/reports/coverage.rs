//! Cobertura and JaCoCo XML coverage, told apart by the root element.

use super::CoverageData;
use crate::facts::FileProblem;
use crate::location::SourceFile;
use crate::scan::xml::{self, XmlEvent};

pub fn parse(source: &SourceFile) -> Result<(&'static str, CoverageData), FileProblem> {
    let mut data = CoverageData::default();
    let mut format: Option<&'static str> = None;
    let mut root = String::new();
    // Cobertura: the current <class filename>; JaCoCo: package/sourcefile.
    let mut file = String::new();
    let mut package = String::new();
    let mut lines_seen = false;
    let mut report_counters: Vec<(String, u64, u64)> = Vec::new();
    let mut root_attrs: Option<(u64, u64, u64, u64)> = None;
    xml::walk(source, |event| {
        let XmlEvent::Open(e) = event else { return };
        let num = |key: &str| e.attr(key).and_then(|v| v.trim().parse::<u64>().ok());
        if e.depth == 0 {
            root = e.name.clone();
            format = match e.name.as_str() {
                "coverage" => Some("cobertura"),
                "report" => Some("jacoco"),
                _ => None,
            };
            if let (Some(lc), Some(lv)) = (num("lines-covered"), num("lines-valid")) {
                root_attrs = Some((
                    lc,
                    lv,
                    num("branches-covered").unwrap_or(0),
                    num("branches-valid").unwrap_or(0),
                ));
            }
            return;
        }
        match (format, e.name.as_str()) {
            (Some("cobertura"), "class") => {
                file = e.attr("filename").unwrap_or_default().to_owned()
            }
            (Some("cobertura"), "line") => {
                let (Some(n), Some(hits)) = (num("number"), num("hits")) else {
                    return;
                };
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                lines_seen = true;
                data.line(&file, n, hits > 0);
                if e.attr("branch") == Some("true")
                    && let Some((covered, total)) = e.attr("condition-coverage").and_then(condition)
                {
                    data.branch(&file, n, 0, covered, total);
                }
            }
            (Some("jacoco"), "package") => package = e.attr("name").unwrap_or_default().to_owned(),
            (Some("jacoco"), "sourcefile") => {
                let name = e.attr("name").unwrap_or_default();
                file = if package.is_empty() {
                    name.to_owned()
                } else {
                    format!("{package}/{name}")
                };
            }
            (Some("jacoco"), "line") => {
                let Some(n) = num("nr") else { return };
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                let ci = num("ci").unwrap_or(0);
                let (mb, cb) = (num("mb").unwrap_or(0), num("cb").unwrap_or(0));
                lines_seen = true;
                data.line(&file, n, ci > 0);
                if mb + cb > 0 {
                    let total = u32::try_from(mb + cb).unwrap_or(u32::MAX);
                    data.branch(&file, n, 0, u32::try_from(cb).unwrap_or(u32::MAX), total);
                }
            }
            (Some("jacoco"), "counter") if e.depth == 1 => {
                if let (Some(kind), Some(missed), Some(covered)) =
                    (e.attr("type"), num("missed"), num("covered"))
                {
                    report_counters.push((kind.to_owned(), missed, covered));
                }
            }
            _ => {}
        }
    })?;
    let Some(format) = format else {
        return Err(FileProblem::Unparsable {
            location: source.location(0..0),
            message: format!("not a Cobertura or JaCoCo report: the root element is <{root}>"),
        });
    };
    if !lines_seen {
        if let Some((lc, lv, bc, bv)) = root_attrs {
            data.line_totals.add(lc, lv);
            data.branch_totals.add(bc, bv);
        }
        for (kind, missed, covered) in report_counters {
            match kind.as_str() {
                "LINE" => data
                    .line_totals
                    .add(covered, covered.saturating_add(missed)),
                "BRANCH" => data
                    .branch_totals
                    .add(covered, covered.saturating_add(missed)),
                _ => {}
            }
        }
    }
    Ok((format, data))
}

/// Cobertura's `condition-coverage="50% (1/2)"` → (1, 2).
fn condition(text: &str) -> Option<(u32, u32)> {
    let inner = text.split_once('(')?.1.split_once(')')?.0;
    let (covered, total) = inner.split_once('/')?;
    Some((covered.trim().parse().ok()?, total.trim().parse().ok()?))
}
