//! SARIF 2.1.0 from other tools: open results with their effective level
//! (`result.level`, else the rule's `defaultConfiguration.level`, else
//! `warning`) and `properties.security-severity` (the result's, else its
//! rule's). Suppressed results and `baselineState: absent` are not open.

use std::collections::HashMap;

use super::{SarifReport, SarifResult};
use crate::facts::FileProblem;
use crate::json::{
    self,
    ast::{Array, Object, Value},
};
use crate::location::SourceFile;

/// A SARIF level, lowest first; `none` never counts.
pub use crate::policy::SarifLevel;

/// Results kept per report: enough to count; beyond, they are counted
/// only up to this bound.
const MAX_RESULTS: usize = 100_000;

fn level(text: Option<&str>) -> Option<Option<SarifLevel>> {
    match text? {
        "error" => Some(Some(SarifLevel::Error)),
        "warning" => Some(Some(SarifLevel::Warning)),
        "note" => Some(Some(SarifLevel::Note)),
        "none" => Some(None),
        _ => None,
    }
}

/// A number given as a string (`"7.5"`, GitHub's convention) or a number.
fn severity(properties: Option<&Object<'_>>) -> Option<f64> {
    let prop = properties?.get("security-severity")?;
    let text = match &prop.value {
        Value::StringLit(s) => s.value.to_string(),
        Value::NumberLit(n) => n.value.to_owned(),
        _ => return None,
    };
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v <= 10.0)
}

struct Rule {
    level: Option<Option<SarifLevel>>,
    severity: Option<f64>,
}

fn rules(run: &Object<'_>) -> (Vec<String>, HashMap<String, Rule>, Vec<Rule>) {
    let mut by_id = HashMap::new();
    let mut by_index = Vec::new();
    let mut tools = Vec::new();
    let tool = run.get_object("tool");
    let components = tool.and_then(|t| t.get_object("driver")).into_iter().chain(
        tool.and_then(|t| t.get_array("extensions"))
            .into_iter()
            .flat_map(objects),
    );
    for (i, component) in components.enumerate() {
        if let Some(name) = json::string(component, "name") {
            tools.push(name.to_owned());
        }
        for rule in component.get_array("rules").into_iter().flat_map(objects) {
            let make = || Rule {
                level: level(
                    rule.get_object("defaultConfiguration")
                        .and_then(|c| json::string(c, "level")),
                ),
                severity: severity(rule.get_object("properties")),
            };
            if i == 0 {
                by_index.push(make());
            }
            if let Some(id) = json::string(rule, "id") {
                by_id.entry(id.to_owned()).or_insert_with(make);
            }
        }
    }
    (tools, by_id, by_index)
}

fn objects<'a, 'b>(array: &'a Array<'b>) -> impl Iterator<Item = &'a Object<'b>> {
    array.elements.iter().filter_map(|v| match v {
        Value::Object(o) => Some(o),
        _ => None,
    })
}

pub fn parse(source: &SourceFile) -> Result<SarifReport, FileProblem> {
    let value = json::parse(source)?;
    let problem = |message: &str| FileProblem::Unparsable {
        location: source.location(0..0),
        message: message.to_owned(),
    };
    let Value::Object(root) = &value else {
        return Err(problem("not a SARIF log: the document is not an object"));
    };
    if json::string(root, "version") != Some("2.1.0") {
        return Err(problem("not a SARIF 2.1.0 log: `version` is not \"2.1.0\""));
    }
    let head = source.location(source.index.line_span(&source.text, 1));
    let mut report = SarifReport {
        head,
        tools: Vec::new(),
        results: Vec::new(),
    };
    for run in root.get_array("runs").into_iter().flat_map(objects) {
        let (tools, by_id, by_index) = rules(run);
        report.tools.extend(tools);
        for result in run.get_array("results").into_iter().flat_map(objects) {
            if report.results.len() >= MAX_RESULTS {
                break;
            }
            let suppressed = result
                .get_array("suppressions")
                .is_some_and(|s| !s.elements.is_empty());
            let absent = json::string(result, "baselineState") == Some("absent");
            let kind = json::string(result, "kind").unwrap_or("fail");
            if suppressed || absent || kind != "fail" {
                continue;
            }
            let id = json::string(result, "ruleId").or_else(|| {
                result
                    .get_object("rule")
                    .and_then(|r| json::string(r, "id"))
            });
            let index = result
                .get_number("ruleIndex")
                .and_then(|n| n.value.parse::<usize>().ok());
            let rule = id
                .and_then(|id| by_id.get(id))
                .or_else(|| index.and_then(|i| by_index.get(i)));
            let effective = level(json::string(result, "level"))
                .or_else(|| rule.and_then(|r| r.level))
                .unwrap_or(Some(SarifLevel::Warning));
            let Some(effective) = effective else {
                continue;
            };
            let security =
                severity(result.get_object("properties")).or_else(|| rule.and_then(|r| r.severity));
            let target = result
                .get_array("locations")
                .into_iter()
                .flat_map(objects)
                .next()
                .and_then(|l| l.get_object("physicalLocation"))
                .and_then(|p| {
                    let uri = p
                        .get_object("artifactLocation")
                        .and_then(|a| json::string(a, "uri"))?;
                    let line = p
                        .get_object("region")
                        .and_then(|r| r.get_number("startLine"))
                        .map(|n| n.value.to_owned());
                    Some(match line {
                        Some(line) => format!("{uri}:{line}"),
                        None => uri.to_owned(),
                    })
                });
            report.results.push(SarifResult {
                location: source.location(result.range.start..result.range.start),
                level: effective,
                security_severity: security,
                rule: id.unwrap_or("(no rule id)").chars().take(200).collect(),
                target: target.map(|t| t.chars().take(300).collect()),
            });
        }
    }
    Ok(report)
}
