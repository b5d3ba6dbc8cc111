//! `pscf-lint init`: a starter `.pscf-lint.yaml` from what the repository
//! holds — the ecosystems its components come from, the product's name
//! (descriptor or root manifest) and its owner (CODEOWNERS) — with every
//! section of the format present, active where the value is known and
//! commented where the team must decide.
//!
//! Names from the repository reach the file only when they are plain
//! (letters, digits, `. _ - / @` and spaces): anything else is left out,
//! so the starter is always valid YAML and nothing hidden reaches a
//! terminal through `--stdout`.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::purl::Ecosystem;

/// What `init` found in the repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    /// Ecosystems of the components, manifests and workflows found.
    pub ecosystems: BTreeSet<Ecosystem>,
    /// The product's name (descriptor, else root manifest, else directory).
    pub product: Option<String>,
    /// Whether `catalog-info.yaml` already describes the product.
    pub has_catalog: bool,
    /// The default owner in CODEOWNERS (the `*` rule's first owner).
    pub owner: Option<String>,
    /// Top-level directories that usually hold no product code.
    pub test_data: Vec<String>,
}

/// Whether a value from the repository may be written into the starter.
fn plain(value: &str) -> Option<&str> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-/@".contains(c));
    ok.then_some(value)
}

/// A YAML double-quoted scalar of a [`plain`] value.
fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

fn ecosystem_label(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Cargo => "Rust (Cargo)",
        Ecosystem::Npm => "JavaScript (npm, pnpm, Yarn)",
        Ecosystem::Pypi => "Python (PyPI)",
        Ecosystem::Golang => "Go modules",
        Ecosystem::Github => "GitHub Actions",
        Ecosystem::Docker => "container images",
    }
}

/// An example component of the ecosystem, for the commented lists.
fn example_purl(e: Ecosystem) -> &'static str {
    match e {
        Ecosystem::Cargo => "pkg:cargo/openssl",
        Ecosystem::Npm => "pkg:npm/request",
        Ecosystem::Pypi => "pkg:pypi/pycrypto",
        Ecosystem::Golang => "pkg:golang/github.com/dgrijalva/jwt-go",
        Ecosystem::Github => "pkg:github/some-org/some-action",
        Ecosystem::Docker => "pkg:docker/library/node@14",
    }
}

/// The starter policy's text.
pub fn render(survey: &Survey) -> String {
    let mut out = String::new();
    header(&mut out, survey);
    product(&mut out, survey);
    components(&mut out, survey);
    out.push_str(include_str!("init_sections.yaml"));
    exclude(&mut out, survey);
    out
}

fn header(out: &mut String, survey: &Survey) {
    out.push_str(
        "# pscf-lint policy (written by `pscf-lint init`; edit freely).\n\
         # `pscf-lint policy validate .pscf-lint.yaml` checks it, `pscf-lint schema`\n\
         # prints the whole format, `pscf-lint explain RULE` explains a rule.\n#\n",
    );
    if survey.ecosystems.is_empty() {
        out.push_str("# Found no manifest, lockfile, workflow or Dockerfile.\n");
    } else {
        let found: Vec<&str> = survey
            .ecosystems
            .iter()
            .map(|e| ecosystem_label(*e))
            .collect();
        let _ = writeln!(out, "# Ecosystems found: {}.", found.join(", "));
    }
    out.push_str(
        "\n# Start from the built-in policy (every implemented rule, with defaults).\n\
         extends: [builtin:pscf-spm]\n\n\
         # The lowest severity that fails the check: error, warning, note or never.\n\
         fail-on: error\n\n",
    );
}

fn product(out: &mut String, survey: &Survey) {
    out.push_str("# PSCF-SPM-POM: what the product is and who runs it.\n");
    let name = survey.product.as_deref().and_then(plain);
    let owner = survey
        .owner
        .as_deref()
        .map(|o| o.trim().trim_start_matches('@'))
        .and_then(plain);
    if survey.has_catalog {
        out.push_str(
            "# catalog-info.yaml describes the product; fields set here must agree with it.\n\
             # product:\n",
        );
        comment_field(out, "name", name);
        comment_field(out, "owner", owner);
        out.push_str("#   lifecycle: production\n");
    } else {
        out.push_str("product:\n");
        match name {
            Some(n) => {
                let _ = writeln!(out, "  name: {}", quoted(n));
            }
            None => out.push_str("  # name: my-product\n"),
        }
        match owner {
            Some(o) => {
                let _ = writeln!(
                    out,
                    "  owner: {}   # the default owner in CODEOWNERS",
                    quoted(o)
                );
            }
            None => out.push_str("  # owner: team-name   # the team accountable for it\n"),
        }
        out.push_str(
            "  # lifecycle: production   # experimental, production, deprecated or decommissioned\n",
        );
    }
    out.push_str(
        "  # description: what it does\n\
         \x20 # support: { contact: \"https://example.com/support\" }\n\n",
    );
}

fn comment_field(out: &mut String, key: &str, value: Option<&str>) {
    match value {
        Some(v) => {
            let _ = writeln!(out, "#   {key}: {}", quoted(v));
        }
        None => {
            let _ = writeln!(out, "#   {key}: …");
        }
    }
}

fn components(out: &mut String, survey: &Survey) {
    out.push_str(
        "# PSCF-SPM-RC: which components may be used. The built-in policy bans a few\n\
         # unmaintained crates and git sources; add your own lists here.\n\
         # components:\n\
         #   mode: denylist            # or allowlist: only `recommended` components\n",
    );
    let examples: Vec<&str> = if survey.ecosystems.is_empty() {
        vec![example_purl(Ecosystem::Npm)]
    } else {
        survey.ecosystems.iter().map(|e| example_purl(*e)).collect()
    };
    out.push_str("#   banned:\n");
    for purl in &examples {
        let _ = writeln!(
            out,
            "#     - purl: {purl}\n#       reason: why it may not be used"
        );
    }
    out.push_str(
        "#   licenses:\n\
         #     allow: [MIT, Apache-2.0, BSD-3-Clause, ISC]\n\
         #     unknown: warning\n\n",
    );
}

fn exclude(out: &mut String, survey: &Survey) {
    out.push_str("\n# Paths (globs, from the root) pscf-lint does not scan.\n");
    if survey.test_data.is_empty() {
        out.push_str("# exclude:\n#   - \"testdata/**\"\n");
    } else {
        out.push_str("# Test data is usually excluded; uncomment what applies.\n# exclude:\n");
        for dir in survey.test_data.iter().filter_map(|d| plain(d)) {
            let _ = writeln!(out, "#   - \"{dir}/**\"");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_written() {
        assert_eq!(plain(" payments "), Some("payments"));
        assert_eq!(plain("acme/team-payments"), Some("acme/team-payments"));
        assert_eq!(plain("evil\"\nfail-on: never"), None);
        assert_eq!(plain("\u{1b}[31mred"), None);
        assert_eq!(plain(""), None);
    }

    #[test]
    fn a_hostile_name_never_reaches_the_file() {
        let survey = Survey {
            product: Some("x\"\nfail-on: never\n#".to_owned()),
            owner: Some("@acme/pay\u{202e}ments".to_owned()),
            ..Survey::default()
        };
        let text = render(&survey);
        assert!(text.contains("  # name: my-product\n"));
        assert!(text.contains("  # owner: team-name"));
        assert_eq!(text.matches("fail-on:").count(), 1, "{text}");
        assert!(!text.contains('\u{202e}'));
    }
}
