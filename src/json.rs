//! JSON with byte spans on every node (jsonc-parser), behind one module.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::facts::FileProblem;
use crate::location::SourceFile;

pub use jsonc_parser::ast;

/// Parses a JSON document (comments and trailing commas tolerated, as in
/// `tsconfig`-style files); a syntax error becomes a located problem.
pub fn parse(source: &SourceFile) -> Result<Value<'_>, FileProblem> {
    let options = ParseOptions::default();
    match parse_to_ast(&source.text, &CollectOptions::default(), &options) {
        Ok(result) => result.value.ok_or_else(|| FileProblem::Unparsable {
            location: source.location(0..0),
            message: "the file holds no JSON value".to_owned(),
        }),
        Err(e) => {
            let range = e.range();
            Err(FileProblem::Unparsable {
                location: source.location(range.start..range.end),
                message: e.kind().to_string(),
            })
        }
    }
}

/// The string value of `key` in `object`.
pub fn string<'a>(object: &'a Object<'_>, key: &str) -> Option<&'a str> {
    object.get_string(key).map(|s| s.value.as_ref())
}

/// Whether `key` is `true`.
pub fn flag(object: &Object<'_>, key: &str) -> bool {
    object.get_boolean(key).is_some_and(|b| b.value)
}
