//! The one module that knows the XML library (quick-xml, streaming):
//! element events with byte offsets, under a depth bound, with DTD
//! internal subsets and entities other than XML's five predefined ones
//! refused rather than expanded (no entity bombs, no external entities).
//! A DOCTYPE naming an external DTD (JaCoCo, Cobertura) is allowed: it is
//! never read.

use std::collections::HashMap;

use quick_xml::XmlVersion;
use quick_xml::events::Event;

use crate::facts::FileProblem;
use crate::location::SourceFile;

/// Elements nest at most this deep.
pub const MAX_DEPTH: usize = 256;
/// Attributes kept per element (others are ignored).
const MAX_ATTRIBUTES: usize = 64;

/// An element as it opens: local name, attributes, where, how deep (the
/// root is at depth 0).
pub struct Element {
    pub name: String,
    pub attributes: HashMap<String, String>,
    pub offset: usize,
    pub depth: usize,
}

impl Element {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// What a visitor sees.
pub enum XmlEvent<'a> {
    Open(&'a Element),
    /// The element of that name and depth closes.
    Close {
        name: &'a str,
        depth: usize,
    },
}

const PREDEFINED: [&str; 5] = ["lt", "gt", "amp", "apos", "quot"];

fn problem(source: &SourceFile, at: usize, message: String) -> FileProblem {
    FileProblem::Unparsable {
        location: source.location(at..at),
        message,
    }
}

/// Streams the document's elements to `visit`.
pub fn walk(source: &SourceFile, mut visit: impl FnMut(XmlEvent<'_>)) -> Result<(), FileProblem> {
    let mut reader = quick_xml::Reader::from_str(&source.text);
    reader.config_mut().check_end_names = true;
    let mut open: Vec<String> = Vec::new();
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(at);
                return Err(problem(source, at, format!("malformed XML: {e}")));
            }
        };
        match event {
            Event::Eof => break,
            Event::DocType(text) if AsRef::<str>::as_ref(&text).contains('[') => {
                return Err(problem(
                    source,
                    at,
                    "DTDs with an internal subset are refused: entity declarations are never expanded".to_owned(),
                ));
            }
            Event::GeneralRef(r) => {
                let name = AsRef::<str>::as_ref(&r).to_owned();
                if !name.starts_with('#') && !PREDEFINED.contains(&name.as_str()) {
                    return Err(problem(
                        source,
                        at,
                        format!(
                            "entity `&{name};` is refused: only XML's predefined entities are read"
                        ),
                    ));
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let depth = open.len();
                if depth >= MAX_DEPTH {
                    return Err(problem(
                        source,
                        at,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let name = AsRef::<str>::as_ref(&e.local_name()).to_owned();
                let mut attributes = HashMap::new();
                for attr in e.attributes().take(MAX_ATTRIBUTES) {
                    let attr = attr.map_err(|err| {
                        problem(source, at, format!("malformed attribute: {err}"))
                    })?;
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|err| {
                            problem(source, at, format!("attribute value refused: {err}"))
                        })?;
                    let key = AsRef::<str>::as_ref(&attr.key.local_name()).to_owned();
                    attributes.insert(key, value.into_owned());
                }
                let element = Element {
                    name,
                    attributes,
                    offset: at,
                    depth,
                };
                visit(XmlEvent::Open(&element));
                if empty {
                    visit(XmlEvent::Close {
                        name: &element.name,
                        depth,
                    });
                } else {
                    open.push(element.name);
                }
            }
            Event::End(_) => {
                if let Some(name) = open.pop() {
                    visit(XmlEvent::Close {
                        name: &name,
                        depth: open.len(),
                    });
                }
            }
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err(problem(
            source,
            source.text.len(),
            "the document ends before its elements close".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn parse(text: &str) -> Result<Vec<(String, usize)>, String> {
        let source = SourceFile::new(RelPath::new("r.xml"), text.to_owned());
        let mut names = Vec::new();
        walk(&source, |e| {
            if let XmlEvent::Open(el) = e {
                names.push((el.name.clone(), el.depth));
            }
        })
        .map(|()| names)
        .map_err(|p| match p {
            FileProblem::Unparsable { message, .. }
            | FileProblem::Skipped {
                reason: message, ..
            } => message,
        })
    }

    #[test]
    fn elements_with_depth() {
        assert_eq!(
            parse(
                "<?xml version=\"1.0\"?><!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\"><a x=\"&lt;1\"><b/><c></c></a>"
            ),
            Ok(vec![("a".into(), 0), ("b".into(), 1), ("c".into(), 1)])
        );
    }

    #[test]
    fn entity_bombs_and_external_entities_are_refused() {
        let lol = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
        assert!(parse(lol).is_err_and(|m| m.contains("internal subset")));
        let xxe = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>";
        assert!(parse(xxe).is_err());
        assert!(parse("<r>&undeclared;</r>").is_err_and(|m| m.contains("refused")));
        assert!(parse("<r a=\"&undeclared;\"/>").is_err());
        assert!(parse("<r>&amp;&#65;</r>").is_ok());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).is_err_and(|m| m.contains("deeper")));
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a>").is_err());
    }
}
