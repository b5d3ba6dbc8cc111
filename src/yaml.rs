//! The one place that knows which YAML library pscf-lint uses
//! (serde-saphyr): YAML 1.2 booleans, resource budgets on by default,
//! duplicate keys rejected, and errors reduced to a message and a position.

use std::fmt;
use std::ops::Range;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::location::SourceFile;

pub use serde_saphyr::Spanned;

/// A YAML syntax or type error at a byte span of its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Range<usize>,
}

/// Deserialises one YAML document.
pub fn from_source<T: DeserializeOwned>(source: &SourceFile) -> Result<T, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
    };
    serde_saphyr::from_str_with_options(&source.text, options).map_err(|e| {
        let span = e.location().map_or(0..0, |loc| location_span(source, &loc));
        YamlError {
            message: strip_position(&e.without_snippet().to_string()),
            span,
        }
    })
}

/// Deserialises every document of a multi-document file (`---`
/// separated); empty documents are skipped.
pub fn from_source_multiple<T: DeserializeOwned>(source: &SourceFile) -> Result<Vec<T>, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
    };
    serde_saphyr::from_multiple_with_options(&source.text, options).map_err(|e| {
        let span = e.location().map_or(0..0, |loc| location_span(source, &loc));
        YamlError {
            message: strip_position(&e.without_snippet().to_string()),
            span,
        }
    })
}

/// The byte span of a spanned value in its source.
pub fn span<T>(value: &Spanned<T>, source: &SourceFile) -> Range<usize> {
    location_span(source, &value.referenced)
}

fn location_span(source: &SourceFile, loc: &serde_saphyr::Location) -> Range<usize> {
    let s = loc.span();
    match (s.byte_offset(), s.byte_len()) {
        (Some(offset), Some(len)) => {
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(source.text.len());
            let end = usize::try_from(offset.saturating_add(len))
                .unwrap_or(usize::MAX)
                .min(source.text.len());
            start..end
        }
        _ => {
            let line = u32::try_from(loc.line()).unwrap_or(u32::MAX);
            let column = u32::try_from(loc.column()).unwrap_or(u32::MAX);
            let start = source.index.offset(&source.text, line, column);
            start..start
        }
    }
}

/// serde-saphyr appends ` at line N, column M`; the position is shown by the
/// snippet instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message.get(i..).is_some_and(|tail| tail.contains("column")) => {
            message.get(..i).unwrap_or(message).to_owned()
        }
        _ => message.to_owned(),
    }
}

/// Any YAML scalar as text (`false`, `8080`, `"on"`; null is empty):
/// `with:` inputs, `continue-on-error`, and the values policies compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A YAML mapping whose keys keep their spans, in document order.
/// (`Spanned<String>` has no `Ord`, so it cannot key a `BTreeMap`.)
#[derive(Debug, Clone)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(SpannedMap(entries))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

impl<V: schemars::JsonSchema> schemars::JsonSchema for SpannedMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        on: Option<Spanned<String>>,
        map: Option<SpannedMap<u32>>,
    }

    fn source(text: &str) -> SourceFile {
        SourceFile::new(RelPath::new("p.yaml"), text.to_owned())
    }

    #[test]
    fn spans_are_byte_ranges_of_the_value() -> Result<(), YamlError> {
        let src = source("# ✓ ü\non: \"yes\"\nmap:\n  b: 2\n  a: 1\n");
        let doc: Doc = from_source(&src)?;
        let on = doc.on.ok_or_else(|| YamlError {
            message: "no on".into(),
            span: 0..0,
        })?;
        assert_eq!(on.value, "yes");
        assert_eq!(&src.text[span(&on, &src)], "\"yes\"");
        let keys: Vec<_> = doc
            .map
            .map(|m| m.0.into_iter().map(|(k, _)| k.value).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["b", "a"]);
        Ok(())
    }

    #[test]
    fn errors_carry_position_without_prose_position() {
        let src = source("on: x\nbogus: 1\n");
        let err = from_source::<Doc>(&src)
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(
            err.message.starts_with("unknown field `bogus`"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("at line"));
        assert_eq!(src.location(err.span).line, 2);
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let src = source("on: a\non: b\n");
        assert!(from_source::<Doc>(&src).is_err());
    }
}
