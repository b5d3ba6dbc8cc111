//! "Did you mean" for a misspelt key or value of the policy format: the
//! typed parse rejects it with the names it expected, and the nearest of
//! those is offered — at any depth (`rules`, `exceptions`, `contexts`,
//! `services`, `requirements`, `metrics`…), since every section is parsed
//! with the same strictness.

use crate::rules::registry::edit_distance;

/// The nearest expected name in a parse error about an unknown field or
/// variant (`unknown field `owner`, expected one of `name`, `owners``),
/// if one is close enough to be the likely intent.
pub fn did_you_mean(message: &str) -> Option<&str> {
    let (given, expected) = unknown_and_expected(message)?;
    let wanted = comparable(given);
    expected
        .into_iter()
        .map(|name| (edit_distance(&wanted, &comparable(name)), name))
        .filter(|(d, _)| *d <= close_enough(&wanted))
        .min()
        .map(|(_, name)| name)
}

/// `fail_on`, `Fail-On` and `fail-on` are the same intent.
fn comparable(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

fn close_enough(name: &str) -> usize {
    (name.chars().count() / 3).max(2)
}

/// The name the parse refused and the names it expected.
fn unknown_and_expected(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))?;
    let given = rest.strip_prefix('`')?;
    let (given, tail) = given.split_once('`')?;
    let (_, expected) = tail.split_once("expected")?;
    let expected = expected.trim_start();
    let expected = expected.strip_prefix("one of").unwrap_or(expected);
    let names = expected
        .split(',')
        .flat_map(|part| part.split(" or "))
        .map(|name| name.trim().trim_matches('`'))
        .filter(|name| !name.is_empty())
        .collect();
    Some((given, names))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn nearest_expected_name() {
        assert_eq!(
            did_you_mean("unknown field `componentz`, expected one of `extends`, `components`"),
            Some("components")
        );
        assert_eq!(
            did_you_mean("unknown field `fail_on`, expected one of extends, fail-on, exclude"),
            Some("fail-on")
        );
        assert_eq!(
            did_you_mean("unknown variant `eror`, expected `error` or `warning`"),
            Some("error")
        );
        assert_eq!(
            did_you_mean("unknown field `zzzzzz`, expected `name`"),
            None,
            "nothing is close"
        );
        assert_eq!(did_you_mean("invalid type: string"), None);
        assert_eq!(did_you_mean("unknown field `x"), None);
    }
}
