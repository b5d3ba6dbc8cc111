//! The JSON report and the inventory document each have a published JSON
//! Schema (`pscf-lint schema --report`, `--inventory`) and their own
//! document kind; real outputs of the fixtures validate against them.

mod common;

use common::run;
use serde_json::Value;

fn schema(flag: &str) -> Value {
    let r = run(&["schema", flag]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{flag}: {e}"))
}

/// The schema with every object closed (`additionalProperties: false`),
/// so that validating proves it describes every field the document has
/// (the published one stays open: fields are only ever added).
fn closed(mut schema: Value) -> Value {
    fn close(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".to_owned(), Value::Bool(false));
                }
                map.values_mut().for_each(close);
            }
            Value::Array(list) => list.iter_mut().for_each(close),
            _ => {}
        }
    }
    close(&mut schema);
    schema
}

fn assert_valid(schema: &Value, doc: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

const FIXTURES: [&str; 10] = [
    "cargo-violations",
    "cargo-broken",
    "js-npm",
    "python",
    "workflows",
    "containers",
    "pom-clean",
    "suppressions",
    "mar",
    "rc-polyglot",
];

#[test]
fn reports_of_the_fixtures_validate_against_the_report_schema() {
    let published = schema("--report");
    assert_eq!(published["title"], "pscf-lint report");
    assert_eq!(published["properties"]["kind"]["const"], "report");
    let schema = closed(published);
    for fixture in FIXTURES {
        // The output as it is (`common::check_json` rewrites paths).
        let r = run(&["check", &format!("fixtures/{fixture}"), "--format", "json"]);
        let report: Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        assert_eq!(report["kind"], "report", "{fixture}");
        assert!(
            report["findings"].as_array().is_some_and(|f| !f.is_empty()),
            "{fixture} should have findings for the schema to be exercised"
        );
        assert_valid(&schema, &report, fixture);
    }
}

#[test]
fn inventories_of_the_fixtures_validate_against_the_inventory_schema() {
    let published = schema("--inventory");
    assert_eq!(published["title"], "pscf-lint inventory");
    assert_eq!(published["properties"]["kind"]["const"], "inventory");
    let schema = closed(published);
    for fixture in FIXTURES {
        let r = run(&[
            "inventory",
            &format!("fixtures/{fixture}"),
            "--format",
            "json",
        ]);
        let doc: Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        assert_eq!(doc["kind"], "inventory", "{fixture}");
        assert_valid(&schema, &doc, fixture);
    }
}

#[test]
fn each_document_kind_is_refused_by_the_others_schema() {
    let report: Value = serde_json::from_str(
        &run(&["check", "fixtures/cargo-violations", "--format", "json"]).stdout,
    )
    .unwrap_or_default();
    let inventory: Value = serde_json::from_str(
        &run(&["inventory", "fixtures/cargo-violations", "--format", "json"]).stdout,
    )
    .unwrap_or_default();
    let report_schema =
        jsonschema::validator_for(&schema("--report")).unwrap_or_else(|e| panic!("{e}"));
    let inventory_schema =
        jsonschema::validator_for(&schema("--inventory")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!report_schema.is_valid(&inventory));
    assert!(!inventory_schema.is_valid(&report));
}

#[test]
fn one_schema_at_a_time() {
    assert_eq!(run(&["schema", "--report", "--inventory"]).code, 2);
    let policy = schema("--metrics");
    assert_eq!(policy["title"], "pscf-lint metrics");
}
