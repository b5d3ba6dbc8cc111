//! The flat `packages` map of package-lock v2/v3 read straight into
//! [`LockedPackage`]s with serde, without a syntax tree: the tree of a
//! 50 MB lock with 600,000 entries held about 20 times the file's size.
//! Key spans are found by a forward search, since serde gives no offsets:
//! keys are visited in document order, and an install path is a key only.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{LockedPackage, name_from_install_path};
use crate::facts::Scope;

/// The packages of a v2/v3 lock, or `None` when `text` has no `packages`
/// object or is not strict JSON (the caller then reads it with spans).
pub fn read(text: &str) -> Option<Vec<LockedPackage>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let root = RootSeed { text }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    root.packages
}

struct Root {
    packages: Option<Vec<LockedPackage>>,
}

struct RootSeed<'t> {
    text: &'t str,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_> {
    type Value = Root;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Root, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_> {
    type Value = Root;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a package lock object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
        let mut packages = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "packages" && packages.is_none() {
                packages = Some(map.next_value_seed(PackagesSeed { text: self.text })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Root { packages })
    }
}

struct PackagesSeed<'t> {
    text: &'t str,
}

impl<'de> DeserializeSeed<'de> for PackagesSeed<'_> {
    type Value = Vec<LockedPackage>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PackagesSeed<'_> {
    type Value = Vec<LockedPackage>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of packages")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut spans = KeySpans::new(self.text);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let span = spans.next(&key);
            let entry: MapOr<Entry> = map.next_value()?;
            let Some(entry) = entry.0 else {
                continue;
            };
            if key.is_empty() {
                continue; // the root project
            }
            out.extend(package(&key, entry, span));
        }
        Ok(out)
    }
}

/// One entry as the lock writes it; fields of an unexpected type count as
/// absent, as they do in the tree reader.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    name: Str,
    version: Str,
    resolved: Str,
    license: Str,
    dev: Flag,
    optional: Flag,
    #[serde(rename = "devOptional")]
    dev_optional: Flag,
    link: Flag,
    dependencies: Edges,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Edges,
    #[serde(rename = "peerDependencies")]
    peer_dependencies: Edges,
}

fn package(key: &str, e: Entry, span: Range<usize>) -> Option<LockedPackage> {
    let installed = key.contains("node_modules/");
    let own = !installed || e.link.0;
    let name = e
        .name
        .0
        .unwrap_or_else(|| name_from_install_path(key).to_owned());
    let version = e.version.0.or(own.then(String::new))?;
    let scope = if e.dev.0 {
        Scope::Dev
    } else if e.optional.0 || e.dev_optional.0 {
        Scope::Optional
    } else {
        Scope::Runtime
    };
    let mut dependencies = edges(e.dependencies);
    dependencies.extend(edges(e.optional_dependencies));
    dependencies.extend(edges(e.peer_dependencies));
    Some(LockedPackage {
        name,
        version,
        install_path: Some(key.to_owned()),
        descriptors: Vec::new(),
        resolved: e.resolved.0,
        scope,
        license: e.license.0,
        own,
        dependencies,
        span,
    })
}

/// Where each key is, searching forward from the previous one. A key with
/// escapes is not found verbatim: it gets the previous key's place, still
/// a real line of the file.
struct KeySpans<'t> {
    text: &'t str,
    from: usize,
    last: Range<usize>,
}

impl<'t> KeySpans<'t> {
    fn new(text: &'t str) -> Self {
        KeySpans {
            text,
            from: 0,
            last: 0..0,
        }
    }

    fn next(&mut self, key: &str) -> Range<usize> {
        let hay = self.text.as_bytes().get(self.from..).unwrap_or_default();
        let mut at = 0;
        while let Some(i) = memchr::memmem::find(hay.get(at..).unwrap_or_default(), key.as_bytes())
        {
            let start = self.from + at + i;
            let end = start + key.len();
            let quoted = start > 0
                && self.text.as_bytes().get(start - 1) == Some(&b'"')
                && self.text.as_bytes().get(end) == Some(&b'"');
            let colon = self
                .text
                .as_bytes()
                .get(end + 1..)
                .unwrap_or_default()
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                == Some(&b':');
            if quoted && colon {
                self.last = start - 1..end + 1;
                self.from = end + 1;
                return self.last.clone();
            }
            at += i + key.len().max(1);
        }
        self.last.clone()
    }
}

/// A string, or `None` for any other JSON value.
#[derive(Default)]
struct Str(Option<String>);

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyAs(|v: Any| match v {
            Any::Str(s) => Str(Some(s)),
            _ => Str(None),
        }))
    }
}

/// `true`, or `false` for any other JSON value.
#[derive(Default)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyAs(|v: Any| Flag(matches!(v, Any::Bool(true)))))
    }
}

/// Visitor methods that accept and drop any value but a map.
macro_rules! ignore_non_maps {
    ($value:ty, $absent:expr) => {
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<$value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($absent)
        }
        fn visit_str<E>(self, _: &str) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_bool<E>(self, _: bool) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$value, E> {
            Ok($absent)
        }
        fn visit_unit<E>(self) -> Result<$value, E> {
            Ok($absent)
        }
    };
}

/// An object read as `T`, or `None` for any other JSON value.
struct MapOr<T>(Option<T>);

impl<T> Default for MapOr<T> {
    fn default() -> Self {
        MapOr(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOr<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = MapOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MapOr<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| MapOr(Some(t)))
            }
            ignore_non_maps!(MapOr<T>, MapOr(None));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `{ "name": "range" }` in document order; entries whose value is not a
/// string are left out.
struct EdgeMap(Vec<(String, String)>);

impl<'de> Deserialize<'de> for EdgeMap {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EdgeMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of dependencies")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EdgeMap, A::Error> {
                let mut edges = Vec::new();
                while let Some((name, range)) = map.next_entry::<String, Str>()? {
                    edges.extend(range.0.map(|range| (name, range)));
                }
                Ok(EdgeMap(edges))
            }
        }
        d.deserialize_map(V)
    }
}

type Edges = MapOr<EdgeMap>;

fn edges(e: Edges) -> Vec<(String, String)> {
    e.0.map(|m| m.0).unwrap_or_default()
}

/// A scalar JSON value, enough to tell strings and `true` apart.
enum Any {
    Str(String),
    Bool(bool),
    Other,
}

/// A visitor that accepts any JSON value and maps it with `F`.
struct AnyAs<F>(F);

impl<'de, T, F: FnOnce(Any) -> T> Visitor<'de> for AnyAs<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(Any::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok((self.0)(Any::Str(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok((self.0)(Any::Bool(v)))
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok((self.0)(Any::Other))
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok((self.0)(Any::Other))
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok((self.0)(Any::Other))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok((self.0)(Any::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Any::Other))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Any::Other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tree reader makes of the same text.
    fn by_tree(text: &str) -> Vec<LockedPackage> {
        let source = crate::location::SourceFile::new(
            crate::location::RelPath::new("package-lock.json"),
            text.to_owned(),
        );
        let value = crate::json::parse(&source).ok();
        let flat = value
            .as_ref()
            .and_then(|v| v.as_object())
            .and_then(|o| o.get_object("packages"));
        let mut out = Vec::new();
        if let Some(flat) = flat {
            super::super::package_lock::read_packages(flat, &mut out);
        }
        out
    }

    #[test]
    fn reads_what_the_tree_reader_reads() {
        let text = r#"{
  "name": "app", "lockfileVersion": 3,
  "dependencies": {"legacy": {"version": "9.9.9"}},
  "packages": {
    "": {"name": "app", "dependencies": {"a": "^1"}},
    "node_modules/a": {"version": "1.2.0", "resolved": "https://r.io/a.tgz",
      "license": "MIT", "dependencies": {"b": "^2", "bad": 3},
      "optionalDependencies": {"c": "*"}, "peerDependencies": {"d": ">=1"}},
    "node_modules/a/node_modules/b": {"version": "2.0.0", "dev": true},
    "node_modules/@s/c": {"version": "1.0.0", "devOptional": true, "license": {"type": "MIT"}},
    "node_modules/d": {"version": "1.0.0", "optional": true, "dev": "yes"},
    "packages/lib": {"name": "lib", "version": "0.1.0"},
    "node_modules/lib": {"resolved": "packages/lib", "link": true},
    "node_modules/noversion": {"resolved": "x"},
    "node_modules/notanobject": "1.0.0",
    "node_modules/e": {"version": 1, "dependencies": ["x"]}
  }
}"#;
        let streamed = read(text);
        assert_eq!(streamed.as_deref(), Some(by_tree(text).as_slice()));
        let names: Vec<_> = streamed.iter().flatten().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "@s/c", "d", "lib", "lib"]);
    }

    #[test]
    fn a_key_with_escapes_is_placed_at_the_key_before_it() {
        let text = r#"{"packages": {"node_modules/a": {"version": "1.0.0"},
 "node_modules/\u0062": {"version": "1.0.0"}}}"#;
        let packages = read(text).unwrap_or_default();
        let spans: Vec<_> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.span.clone()))
            .collect();
        assert_eq!(spans, [("a", 14..30), ("b", 14..30)]);
    }

    #[test]
    fn key_spans_skip_values_that_look_like_keys() {
        let text = r#"{"packages": {"node_modules/x": {"resolved": "node_modules/y"},
 "node_modules/y": {"version": "1.0.0"}}}"#;
        let packages = read(text).unwrap_or_default();
        let y = packages
            .iter()
            .find(|p| p.name == "y")
            .map(|p| p.span.clone());
        let want = text.find("\"node_modules/y\": {").map(|i| i..i + 16);
        assert_eq!(y, want);
    }

    #[test]
    fn v1_comments_and_syntax_errors_are_left_to_the_tree_reader() {
        assert!(read(r#"{"lockfileVersion": 1, "dependencies": {}}"#).is_none());
        assert!(read("{\"packages\": {} // note\n}").is_none());
        assert!(read("{\"packages\": {").is_none());
        assert!(read("[]").is_none());
    }
}
