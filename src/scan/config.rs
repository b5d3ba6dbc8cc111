//! Configuration files (YAML, JSON, TOML, by extension) as a generic tree of
//! located values, for declarative requirements (`assert: {path: ...}`).

use std::fmt;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use serde::Deserialize;

use crate::facts::{ConfigNode, FileProblem};
use crate::json;
use crate::location::SourceFile;
use crate::yaml::{self, Spanned};

/// A tree, or `None` for a file of another format.
pub fn parse(source: &SourceFile) -> Option<Result<ConfigNode, FileProblem>> {
    let name = source.path.file_name().to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "yml" | "yaml" => Some(parse_yaml(source)),
        "json" => Some(json::parse(source).map(|v| from_json(source, &v, 0))),
        "toml" => Some(parse_toml(source)),
        _ => None,
    }
}

/// JSON nesting is bounded by the parser (512); this guards the recursion
/// all the same.
const MAX_DEPTH: usize = 512;

fn from_json(source: &SourceFile, value: &Value<'_>, depth: usize) -> ConfigNode {
    let r = value.range();
    let location = source.location(r.start..r.end);
    if depth > MAX_DEPTH {
        return ConfigNode::Scalar(String::new(), location);
    }
    match value {
        Value::Object(o) => ConfigNode::Map(
            o.properties
                .iter()
                .map(|p| {
                    let key = match &p.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    (key, from_json(source, &p.value, depth + 1))
                })
                .collect(),
            location,
        ),
        Value::Array(a) => ConfigNode::Seq(
            a.elements
                .iter()
                .map(|e| from_json(source, e, depth + 1))
                .collect(),
            location,
        ),
        Value::StringLit(s) => ConfigNode::Scalar(s.value.to_string(), location),
        Value::NumberLit(n) => ConfigNode::Scalar(n.value.to_string(), location),
        Value::BooleanLit(b) => ConfigNode::Scalar(b.value.to_string(), location),
        Value::NullKeyword(_) => ConfigNode::Scalar(String::new(), location),
    }
}

fn parse_toml(source: &SourceFile) -> Result<ConfigNode, FileProblem> {
    let table =
        toml::de::DeTable::parse(&source.text).map_err(|e| super::toml_problem(source, &e))?;
    let span = table.span();
    Ok(from_toml_table(source, table.get_ref(), span))
}

fn from_toml_table(
    source: &SourceFile,
    table: &toml::de::DeTable<'_>,
    span: std::ops::Range<usize>,
) -> ConfigNode {
    let entries = table
        .iter()
        .map(|(k, v)| {
            (
                k.get_ref().to_string(),
                from_toml(source, v.get_ref(), v.span()),
            )
        })
        .collect();
    ConfigNode::Map(entries, source.location(span))
}

fn from_toml(
    source: &SourceFile,
    value: &toml::de::DeValue<'_>,
    span: std::ops::Range<usize>,
) -> ConfigNode {
    use toml::de::DeValue;
    let location = source.location(span.clone());
    match value {
        DeValue::String(s) => ConfigNode::Scalar(s.to_string(), location),
        DeValue::Integer(i) => ConfigNode::Scalar(i.as_str().to_owned(), location),
        DeValue::Float(f) => ConfigNode::Scalar(f.as_str().to_owned(), location),
        DeValue::Boolean(b) => ConfigNode::Scalar(b.to_string(), location),
        DeValue::Datetime(d) => ConfigNode::Scalar(d.to_string(), location),
        DeValue::Array(items) => ConfigNode::Seq(
            items
                .iter()
                .map(|v| from_toml(source, v.get_ref(), v.span()))
                .collect(),
            location,
        ),
        DeValue::Table(t) => from_toml_table(source, t, span),
    }
}

/// A YAML value with spans on every node (serde-saphyr's budgets bound
/// depth and size).
enum YamlNode {
    Scalar(String),
    Seq(Vec<Spanned<YamlNode>>),
    Map(Vec<(Spanned<String>, Spanned<YamlNode>)>),
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = YamlNode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_str<E>(self, v: &str) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(String::new()))
            }
            fn visit_none<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar(String::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<YamlNode, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(YamlNode::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<YamlNode, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(YamlNode::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_yaml(source: &SourceFile) -> Result<ConfigNode, FileProblem> {
    let root: Spanned<YamlNode> =
        yaml::from_source(source).map_err(|e| FileProblem::Unparsable {
            location: source.location(e.span),
            message: e.message,
        })?;
    Ok(from_yaml(source, &root))
}

fn from_yaml(source: &SourceFile, node: &Spanned<YamlNode>) -> ConfigNode {
    let location = source.location(yaml::span(node, source));
    match &node.value {
        YamlNode::Scalar(s) => ConfigNode::Scalar(s.clone(), location),
        YamlNode::Seq(items) => ConfigNode::Seq(
            items.iter().map(|i| from_yaml(source, i)).collect(),
            location,
        ),
        YamlNode::Map(entries) => ConfigNode::Map(
            entries
                .iter()
                .map(|(k, v)| (k.value.clone(), from_yaml(source, v)))
                .collect(),
            location,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn tree(name: &str, text: &str) -> ConfigNode {
        let source = SourceFile::new(RelPath::new(name), text.to_owned());
        match parse(&source) {
            Some(Ok(node)) => node,
            other => panic!("{other:?}"),
        }
    }

    fn get<'a>(node: &'a ConfigNode, key: &str) -> Option<&'a ConfigNode> {
        match node {
            ConfigNode::Map(entries, _) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    #[test]
    fn yaml_json_and_toml_trees_have_value_locations() {
        for (name, text, line) in [
            ("c.yaml", "app:\n  debug: false\n", 2),
            ("c.json", "{\n  \"app\": {\"debug\": false}\n}\n", 2),
            ("c.toml", "[app]\ndebug = false\n", 2),
        ] {
            let root = tree(name, text);
            let debug = get(&root, "app").and_then(|a| get(a, "debug"));
            match debug {
                Some(ConfigNode::Scalar(v, l)) => {
                    assert_eq!(v, "false", "{name}");
                    assert_eq!(l.line, line, "{name}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        let source = SourceFile::new(RelPath::new("x.ini"), "a=1".to_owned());
        assert!(parse(&source).is_none());
    }
}
