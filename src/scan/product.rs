//! The product operating model's evidence in the tree (PSCF-SPM-POM):
//! the Backstage descriptor `catalog-info.yaml`, CODEOWNERS, SECURITY.md
//! and an OpenSSF `security-insights.yml`. The scan stage keeps these
//! files' text (see [`retained_globs`]); [`collect`] reads them from there.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use globset::{Glob, GlobBuilder};
use serde::Deserialize;

use super::codeowners::{self, Codeowners};
use crate::facts::{FileProblem, Spanned};
use crate::location::{Location, RelPath, SourceFile};
use crate::product::ProductField;
use crate::yaml;

/// Backstage descriptor names, at the root only.
pub const CATALOG_FILES: [&str; 2] = ["catalog-info.yaml", "catalog-info.yml"];

/// SECURITY policy names GitHub (and OpenSSF Scorecard) recognise,
/// compared case-insensitively, in GitHub's order of precedence.
const SECURITY_FILES: [&str; 13] = [
    ".github/security.md",
    ".github/security.markdown",
    ".github/security.adoc",
    ".github/security.rst",
    "security.md",
    "security.markdown",
    "security.adoc",
    "security.rst",
    "docs/security.md",
    "docs/security.markdown",
    "docs/security.adoc",
    "docs/security.rst",
    "doc/security.rst",
];

/// OpenSSF Security Insights file names, compared case-insensitively.
const INSIGHTS_FILES: [&str; 2] = ["security-insights.yml", ".github/security-insights.yml"];

/// Globs of the files whose text [`collect`] needs.
pub fn retained_globs() -> Vec<Glob> {
    let mut patterns: Vec<&str> = CATALOG_FILES.to_vec();
    patterns.extend(codeowners::LOCATIONS);
    patterns.extend(SECURITY_FILES);
    patterns.extend(INSIGHTS_FILES);
    patterns
        .into_iter()
        .filter_map(|p| {
            GlobBuilder::new(p)
                .case_insensitive(true)
                .literal_separator(true)
                .build()
                .ok()
        })
        .collect()
}

/// A Backstage `kind: Component` entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub path: RelPath,
    /// The `kind: Component` value.
    pub head: Location,
    /// The fields it declares (non-empty), each at its value.
    pub fields: BTreeMap<ProductField, Spanned>,
}

impl Descriptor {
    pub fn get(&self, field: ProductField) -> Option<&Spanned> {
        self.fields.get(&field)
    }
}

/// SECURITY.md (or its variants) and what it offers to report to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityPolicyFile {
    pub head: Location,
    /// The first e-mail address or URL in it.
    pub contact: Option<Spanned>,
}

/// A Security Insights file and its vulnerability-reporting contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityInsights {
    pub head: Location,
    pub contact: Option<Spanned>,
}

/// The files a check of ownership covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackedFiles {
    pub paths: Vec<RelPath>,
    /// From the git index (`git ls-files`); otherwise the walked files.
    pub from_index: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ProductFacts {
    /// Component entities of `catalog-info.yaml`, in document order.
    pub descriptors: Vec<Descriptor>,
    /// The catalog file, when there is one (even without a Component).
    pub catalog: Option<Location>,
    /// The CODEOWNERS GitHub would use (the first found).
    pub codeowners: Option<Codeowners>,
    pub security_policy: Option<SecurityPolicyFile>,
    pub insights: Option<SecurityInsights>,
    /// Filled only when there is a CODEOWNERS to check them against.
    pub tracked: TrackedFiles,
}

/// Reads the retained descriptor, ownership and security files.
pub fn collect(sources: &BTreeMap<RelPath, Arc<SourceFile>>) -> (ProductFacts, Vec<FileProblem>) {
    let mut problems = Vec::new();
    let find = |names: &[&str]| -> Option<&Arc<SourceFile>> {
        names.iter().find_map(|name| {
            sources
                .iter()
                .find(|(path, _)| path.as_str().eq_ignore_ascii_case(name))
                .map(|(_, s)| s)
        })
    };
    let mut facts = ProductFacts::default();
    if let Some(source) = CATALOG_FILES
        .iter()
        .find_map(|name| sources.get(&RelPath::new(name)))
    {
        facts.catalog = Some(source.location(source.index.line_span(&source.text, 1)));
        match descriptors(source) {
            Ok(found) => facts.descriptors = found,
            Err(problem) => problems.push(problem),
        }
    }
    facts.codeowners = codeowners::LOCATIONS
        .iter()
        .find_map(|name| sources.get(&RelPath::new(name)))
        .map(|s| codeowners::parse(s));
    facts.security_policy = find(&SECURITY_FILES).map(|s| SecurityPolicyFile {
        head: s.location(s.index.line_span(&s.text, 1)),
        contact: first_contact(s),
    });
    if let Some(source) = find(&INSIGHTS_FILES) {
        match insights_contact(source) {
            Ok(contact) => {
                facts.insights = Some(SecurityInsights {
                    head: source.location(source.index.line_span(&source.text, 1)),
                    contact,
                })
            }
            Err(problem) => problems.push(problem),
        }
    }
    (facts, problems)
}

/// The files ownership is computed over: the git index when the root is a
/// work tree's top (what GitHub sees: `tracked`), otherwise the walked
/// files.
pub fn tracked_files(tracked_at_top: Option<&[RelPath]>, walked: &[RelPath]) -> TrackedFiles {
    match tracked_at_top {
        Some(paths) => TrackedFiles {
            paths: paths.to_vec(),
            from_index: true,
        },
        None => TrackedFiles {
            paths: walked.to_vec(),
            from_index: false,
        },
    }
}

/// Any YAML value; scalars as text, anything else as `None`, so an
/// unexpected shape in a field pscf-lint does not judge is no error.
#[derive(Debug, Clone, Default)]
struct Loose(Option<String>);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Loose;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_owned())))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose(Some(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Loose, E> {
                Ok(Loose(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Loose, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Loose(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Loose, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Loose(None))
            }
        }
        d.deserialize_any(Visitor)
    }
}

type Field = Option<yaml::Spanned<Loose>>;

#[derive(Debug, Deserialize, Default)]
struct Entity {
    kind: Field,
    metadata: Option<Metadata>,
    spec: Option<Spec>,
}

#[derive(Debug, Deserialize, Default)]
struct Metadata {
    name: Field,
    description: Field,
    annotations: Option<BTreeMap<String, yaml::Spanned<Loose>>>,
    links: Option<Vec<Link>>,
}

#[derive(Debug, Deserialize, Default)]
struct Spec {
    owner: Field,
    lifecycle: Field,
    system: Field,
    #[serde(rename = "type")]
    kind: Field,
}

#[derive(Debug, Deserialize, Default)]
struct Link {
    url: Field,
    title: Field,
    #[serde(rename = "type")]
    kind: Field,
}

/// Annotation keys pscf-lint reads for fields Backstage has no place for.
const CONTACT_ANNOTATION: &str = "pscf-lint/support-contact";
const END_OF_LIFE_ANNOTATION: &str = "pscf-lint/end-of-life";
const SUPPORT_UNTIL_ANNOTATION: &str = "pscf-lint/support-until";
/// On-call integrations that name who answers for the product.
const ON_CALL_ANNOTATIONS: [&str; 4] = [
    "pagerduty.com/service-id",
    "pagerduty.com/integration-key",
    "opsgenie.com/team",
    "opsgenie.com/component-selector",
];

fn descriptors(source: &SourceFile) -> Result<Vec<Descriptor>, FileProblem> {
    let entities: Vec<Entity> =
        yaml::from_source_multiple(source).map_err(|e| FileProblem::Unparsable {
            location: source.location(e.span),
            message: e.message,
        })?;
    Ok(entities
        .into_iter()
        .filter_map(|e| descriptor(source, e))
        .collect())
}

fn spanned(source: &SourceFile, field: &yaml::Spanned<Loose>) -> Option<Spanned> {
    let value = field.value.0.as_deref()?.trim();
    (!value.is_empty()).then(|| Spanned {
        value: value.to_owned(),
        location: source.location(yaml::span(field, source)),
    })
}

fn descriptor(source: &SourceFile, entity: Entity) -> Option<Descriptor> {
    let kind = entity.kind.as_ref()?;
    if kind.value.0.as_deref().map(str::trim) != Some("Component") {
        return None;
    }
    let metadata = entity.metadata.unwrap_or_default();
    let spec = entity.spec.unwrap_or_default();
    let annotations = metadata.annotations.unwrap_or_default();
    let mut fields = BTreeMap::new();
    let mut put = |field: ProductField, value: Option<&yaml::Spanned<Loose>>| {
        if let Some(v) = value.and_then(|v| spanned(source, v)) {
            fields.entry(field).or_insert(v);
        }
    };
    put(ProductField::Name, metadata.name.as_ref());
    put(ProductField::Description, metadata.description.as_ref());
    put(ProductField::Owner, spec.owner.as_ref());
    put(ProductField::Lifecycle, spec.lifecycle.as_ref());
    put(ProductField::System, spec.system.as_ref());
    put(ProductField::Type, spec.kind.as_ref());
    put(
        ProductField::EndOfLife,
        annotations.get(END_OF_LIFE_ANNOTATION),
    );
    put(
        ProductField::SupportUntil,
        annotations.get(SUPPORT_UNTIL_ANNOTATION),
    );
    put(ProductField::Contact, annotations.get(CONTACT_ANNOTATION));
    let support_link = metadata.links.iter().flatten().find(|link| {
        let label = [&link.kind, &link.title]
            .into_iter()
            .flatten()
            .filter_map(|v| v.value.0.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
        ["support", "on-call", "oncall", "contact", "incident"]
            .iter()
            .any(|k| label.contains(k))
    });
    put(
        ProductField::Contact,
        support_link.and_then(|l| l.url.as_ref()),
    );
    for key in ON_CALL_ANNOTATIONS {
        put(ProductField::Contact, annotations.get(key));
    }
    Some(Descriptor {
        path: source.path.clone(),
        head: source.location(yaml::span(kind, source)),
        fields,
    })
}

static EMAIL: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(r"\b[A-Za-z0-9._%+-]+(?:@|\\?\[at\\?\])[A-Za-z0-9.-]+\.[A-Za-z]{2,6}\b").ok()
});
static URL: LazyLock<Option<regex::Regex>> =
    LazyLock::new(|| regex::Regex::new(r"https?://[a-zA-Z0-9][a-zA-Z0-9./?=_%:-]*").ok());

/// The first e-mail address or URL (OpenSSF Scorecard's patterns).
fn first_contact(source: &SourceFile) -> Option<Spanned> {
    [EMAIL.as_ref(), URL.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|re| re.find(&source.text))
        .min_by_key(|m| m.start())
        .map(|m| Spanned {
            value: m.as_str().to_owned(),
            location: source.location(m.range()),
        })
}

#[derive(Debug, Deserialize, Default)]
struct Insights {
    project: Option<InsightsProject>,
    /// Security Insights v1 keeps it at the top level.
    #[serde(rename = "vulnerability-reporting")]
    vulnerability_reporting: Option<Reporting>,
}

#[derive(Debug, Deserialize, Default)]
struct InsightsProject {
    #[serde(rename = "vulnerability-reporting")]
    vulnerability_reporting: Option<Reporting>,
}

#[derive(Debug, Deserialize, Default)]
struct Reporting {
    contact: Option<InsightsContact>,
    #[serde(rename = "email-contact")]
    email_contact: Field,
    #[serde(rename = "security-policy")]
    security_policy: Field,
}

#[derive(Debug, Deserialize, Default)]
struct InsightsContact {
    email: Field,
}

fn insights_contact(source: &SourceFile) -> Result<Option<Spanned>, FileProblem> {
    let doc: Insights = yaml::from_source(source).map_err(|e| FileProblem::Unparsable {
        location: source.location(e.span),
        message: e.message,
    })?;
    let reporting = [
        doc.project.and_then(|p| p.vulnerability_reporting),
        doc.vulnerability_reporting,
    ];
    Ok(reporting.iter().flatten().find_map(|r| {
        [
            r.contact.as_ref().and_then(|c| c.email.as_ref()),
            r.email_contact.as_ref(),
            r.security_policy.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find_map(|v| spanned(source, v))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(RelPath::new(path), text.to_owned()))
    }

    fn sources(files: &[(&str, &str)]) -> BTreeMap<RelPath, Arc<SourceFile>> {
        files
            .iter()
            .map(|(p, t)| (RelPath::new(p), source(p, t)))
            .collect()
    }

    #[test]
    fn components_of_a_multi_document_catalog() {
        let text = "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: pay\n---\nkind: Component\nmetadata:\n  name: payments-api\n  annotations:\n    pscf-lint/end-of-life: 2029-06-30\n  links:\n    - url: https://oncall.example.com/pay\n      title: On-call\nspec:\n  owner: group:team-payments\n  lifecycle: production\n  providesApis: [a, b]\n";
        let (facts, problems) = collect(&sources(&[("catalog-info.yaml", text)]));
        assert!(problems.is_empty(), "{problems:?}");
        let [d] = facts.descriptors.as_slice() else {
            panic!("{:?}", facts.descriptors)
        };
        assert_eq!(d.head.line, 6);
        let get = |f| d.get(f).map(|s| (s.value.as_str(), s.location.line));
        assert_eq!(get(ProductField::Name), Some(("payments-api", 8)));
        assert_eq!(get(ProductField::Owner), Some(("group:team-payments", 15)));
        assert_eq!(get(ProductField::EndOfLife), Some(("2029-06-30", 10)));
        assert_eq!(
            get(ProductField::Contact),
            Some(("https://oncall.example.com/pay", 12))
        );
        assert_eq!(get(ProductField::System), None);
    }

    #[test]
    fn a_broken_catalog_is_a_problem_not_a_panic() {
        let (facts, problems) = collect(&sources(&[("catalog-info.yaml", "kind: [\n")]));
        assert!(facts.descriptors.is_empty());
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn security_contacts() {
        let (facts, _) = collect(&sources(&[
            (
                "SECURITY.md",
                "# Security\n\nMail security[at]example.org please.\n",
            ),
            (
                ".github/security-insights.yml",
                "header:\n  schema-version: 2.0.0\nproject:\n  vulnerability-reporting:\n    contact:\n      email: sec@example.org\n",
            ),
        ]));
        let policy = facts.security_policy.unwrap_or_else(|| panic!("no policy"));
        assert_eq!(
            policy.contact.map(|c| (c.value, c.location.line)),
            Some(("security[at]example.org".to_owned(), 3))
        );
        let insights = facts.insights.unwrap_or_else(|| panic!("no insights"));
        assert_eq!(
            insights.contact.map(|c| c.value),
            Some("sec@example.org".to_owned())
        );
    }

    #[test]
    fn github_search_order_for_codeowners() {
        let (facts, _) = collect(&sources(&[
            ("CODEOWNERS", "* @root\n"),
            (".github/CODEOWNERS", "* @dotgithub\n"),
        ]));
        assert_eq!(
            facts.codeowners.map(|c| c.path.to_string()),
            Some(".github/CODEOWNERS".to_owned())
        );
    }
}
