//! Quality figures from the reports on disk and the tree.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct QualityFigures {
    pub evaluated: bool,
    pub reason: Option<String>,
}
