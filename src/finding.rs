//! What the rules produce: findings with a rule id, a severity, a location
//! and a fingerprint that survives unrelated edits.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::location::Location;
use crate::purl::Purl;

/// At most this many findings of one rule in one file are listed; the rest
/// are counted in one more finding. A file crafted to match a pattern
/// millions of times costs bounded memory and output.
pub const MAX_PER_RULE_AND_FILE: usize = 100;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The lowest severity that makes `check` exit 1, or `never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

/// The six capabilities of the PSCF area *Secure Product Management*.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    RecommendedComponents,
    RecommendedSharedSecurityServices,
    DeliveryMetrics,
    QualityMetrics,
    ProductOperatingModel,
    MinimumApplicationRequirements,
}

impl Capability {
    pub const ALL: [Capability; 6] = [
        Capability::RecommendedComponents,
        Capability::RecommendedSharedSecurityServices,
        Capability::DeliveryMetrics,
        Capability::QualityMetrics,
        Capability::ProductOperatingModel,
        Capability::MinimumApplicationRequirements,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Capability::RecommendedComponents => "PSCF-SPM-RC",
            Capability::RecommendedSharedSecurityServices => "PSCF-SPM-RSS",
            Capability::DeliveryMetrics => "PSCF-SPM-DM",
            Capability::QualityMetrics => "PSCF-SPM-QM",
            Capability::ProductOperatingModel => "PSCF-SPM-POM",
            Capability::MinimumApplicationRequirements => "PSCF-SPM-MAR",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Capability::RecommendedComponents => "Recommended Components",
            Capability::RecommendedSharedSecurityServices => "Recommended Shared Security Services",
            Capability::DeliveryMetrics => "Delivery Metrics",
            Capability::QualityMetrics => "Quality Metrics",
            Capability::ProductOperatingModel => "Product Operating Model",
            Capability::MinimumApplicationRequirements => "Minimum Application Requirements",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Capability::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// A rule id: `<capability id>/<slug>` or `pscf-lint/<slug>` for tool
/// findings. Only the rule registry creates them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RuleId(&'static str);

impl RuleId {
    pub(crate) const fn new(id: &'static str) -> Self {
        RuleId(id)
    }

    /// A rule id a policy defines (a shared service of its own). The string
    /// lives for the process: policies are loaded once, so this is bounded
    /// by the policy's size.
    pub(crate) fn policy_defined(id: String) -> Self {
        RuleId(Box::leak(id.into_boxed_str()))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The capability part, `None` for tool findings.
    pub fn capability(&self) -> Option<Capability> {
        self.0
            .split_once('/')
            .and_then(|(cap, _)| Capability::from_id(cap))
    }

    pub fn slug(&self) -> &'static str {
        self.0.split_once('/').map_or(self.0, |(_, slug)| slug)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}

/// How sure a rule is that a finding is a real problem (SARIF `precision`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// A further place that explains a finding (the manifest line a transitive
/// dependency comes in through, the `env:` entry a value flows from).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// Why a finding does not count against the exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// Covered by a policy exception that has not expired.
    Exception {
        reason: String,
        expires: Option<String>,
        /// Who answers for the accepted risk.
        owner: Option<String>,
        /// What tracks the fix.
        ticket: Option<String>,
    },
    /// Covered by a `pscf-lint: ignore[...]` comment in the scanned file.
    Inline { reason: String, location: Location },
    /// Present in the baseline the run was given.
    Baseline,
}

impl Suppression {
    /// The kind reports show: `exception`, `inline` or `baseline`.
    pub fn kind(&self) -> &'static str {
        match self {
            Suppression::Exception { .. } => "exception",
            Suppression::Inline { .. } => "inline",
            Suppression::Baseline => "baseline",
        }
    }

    /// The exception's owner and ticket, where it has them.
    pub fn owner(&self) -> Option<&str> {
        match self {
            Suppression::Exception { owner, .. } => owner.as_deref(),
            _ => None,
        }
    }

    pub fn ticket(&self) -> Option<&str> {
        match self {
            Suppression::Exception { ticket, .. } => ticket.as_deref(),
            _ => None,
        }
    }

    /// When the exception runs out, if it does.
    pub fn expires(&self) -> Option<&str> {
        match self {
            Suppression::Exception { expires, .. } => expires.as_deref(),
            _ => None,
        }
    }

    pub fn justification(&self) -> String {
        match self {
            Suppression::Exception {
                reason,
                expires: Some(date),
                ..
            } => {
                format!("{reason} (exception expires {date})")
            }
            Suppression::Exception {
                reason,
                expires: None,
                ..
            } => reason.clone(),
            Suppression::Inline { reason, location } => {
                format!("{reason} (inline suppression at {location})")
            }
            Suppression::Baseline => "in the baseline".to_owned(),
        }
    }
}

/// One violation, at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    pub component: Option<Purl>,
    pub help: Option<String>,
    /// What the finding is about, independent of its line (a purl, a key):
    /// part of the fingerprint.
    pub subject: String,
    pub suppression: Option<Suppression>,
    /// `None`: the rule's usual precision.
    pub confidence: Option<Confidence>,
    /// How a transitive component is reached, outermost first
    /// (`my-app`, `tracing-subscriber`, `sharded-slab`, `lazy_static`).
    pub dependency_path: Vec<String>,
    /// Further locations that explain the finding.
    pub related: Vec<Related>,
    /// The context of the file it is in (production, test, …), when it is
    /// a file of the tree.
    pub context: Option<crate::context::PathContext>,
    /// Which of the findings with this rule, path and subject this is, in
    /// file order (0 for the first): part of the fingerprint, so twelve
    /// `actions/checkout@v6` in one workflow have twelve. Set by
    /// [`number_occurrences`].
    pub occurrence: u32,
}

impl Finding {
    /// A finding with nothing but its rule, severity, message and place;
    /// the other fields start empty.
    pub fn new(rule: RuleId, severity: Severity, message: String, location: Location) -> Self {
        Finding {
            rule,
            severity,
            message,
            location,
            component: None,
            help: None,
            subject: String::new(),
            suppression: None,
            confidence: None,
            dependency_path: Vec::new(),
            related: Vec::new(),
            context: None,
            occurrence: 0,
        }
    }

    /// A stable 64-bit FNV-1a hash of rule, path, subject and occurrence,
    /// in hex. Line numbers are left out on purpose so a baseline survives
    /// edits above; the occurrence is hashed only when it is not the first,
    /// so a finding alone of its kind keeps the fingerprint it always had.
    pub fn fingerprint(&self) -> String {
        let occurrence = self.occurrence.to_string();
        let mut parts = vec![
            self.rule.as_str(),
            self.location.path.as_str(),
            &self.subject,
        ];
        if self.occurrence > 0 {
            parts.push(&occurrence);
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in parts {
            for byte in part.bytes().chain(std::iter::once(0)) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    /// Masks URL credentials and escapes hidden characters in everything
    /// the finding says, once, before any report sees it: messages quote
    /// values from the repository.
    pub fn make_printable(&mut self) {
        self.message = crate::escape::report_text(&self.message);
        if let Some(help) = &self.help {
            self.help = Some(crate::escape::multiline(&crate::escape::credentials(help)));
        }
        self.subject = crate::escape::credentials(&self.subject).into_owned();
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    /// The deterministic report order: path, line, column, rule, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str, &str) {
        (
            self.location.path.as_str(),
            self.location.line,
            self.location.column,
            self.rule.as_str(),
            &self.message,
            &self.subject,
        )
    }
}

/// Numbers the findings that share rule, path and subject in file order
/// (line, column, then message): the first is 0. The order of `findings`
/// does not matter, so numbering again after more findings are added
/// gives the earlier ones the same numbers.
pub fn number_occurrences(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            findings.get(i).map(|f| {
                (
                    f.rule.as_str(),
                    f.location.path.as_str(),
                    f.subject.as_str(),
                    f.location.line,
                    f.location.column,
                    f.message.as_str(),
                )
            })
        };
        key(a).cmp(&key(b)).then(a.cmp(&b))
    });
    let mut previous: Option<usize> = None;
    let mut next = 0u32;
    for i in order {
        let same = match (previous.and_then(|p| findings.get(p)), findings.get(i)) {
            (Some(p), Some(f)) => {
                p.rule == f.rule && p.location.path == f.location.path && p.subject == f.subject
            }
            _ => false,
        };
        next = if same { next.saturating_add(1) } else { 0 };
        if let Some(f) = findings.get_mut(i) {
            f.occurrence = next;
        }
        previous = Some(i);
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "note" => Ok(Severity::Note),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (use error, warning or note)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location::RelPath;

    fn finding(line: u32) -> Finding {
        let mut location = Location::file(RelPath::new("Cargo.toml"));
        location.line = line;
        let mut f = Finding::new(
            RuleId::new("PSCF-SPM-RC/banned-component"),
            Severity::Error,
            "m".into(),
            location,
        );
        f.subject = "pkg:cargo/openssl".into();
        f
    }

    #[test]
    fn fingerprint_ignores_line_numbers() {
        assert_eq!(finding(3).fingerprint(), finding(30).fingerprint());
        assert_eq!(finding(3).fingerprint().len(), 16);
        let mut other = finding(3);
        other.subject = "pkg:cargo/openssl-sys".into();
        assert_ne!(other.fingerprint(), finding(3).fingerprint());
    }

    /// Twelve findings alike but for their line, as twelve
    /// `actions/checkout@v6` steps in one workflow.
    fn twelve(first_line: u32) -> Vec<Finding> {
        let mut all: Vec<Finding> = (0..12).map(|i| finding(first_line + 3 * i)).collect();
        all.reverse();
        number_occurrences(&mut all);
        all.sort_by_key(|f| f.location.line);
        all
    }

    #[test]
    fn findings_alike_get_distinct_fingerprints_that_survive_a_line_added_above() {
        let prints: Vec<String> = twelve(5).iter().map(Finding::fingerprint).collect();
        let mut distinct = prints.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 12);
        let shifted: Vec<String> = twelve(6).iter().map(Finding::fingerprint).collect();
        assert_eq!(prints, shifted);
        // The first keeps the fingerprint a finding alone of its kind has.
        assert_eq!(prints.first(), Some(&finding(1).fingerprint()));
    }

    #[test]
    fn numbering_again_keeps_the_numbers() {
        let mut all = twelve(5);
        let before: Vec<u32> = all.iter().map(|f| f.occurrence).collect();
        let mut other = finding(2);
        other.rule = RuleId::new("pscf-lint/unused-exception");
        all.push(other);
        number_occurrences(&mut all);
        let after: Vec<u32> = all.iter().take(12).map(|f| f.occurrence).collect();
        assert_eq!(before, after);
        assert_eq!(before, (0..12).collect::<Vec<u32>>());
    }

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(FailOn::Note.fails(Severity::Note));
        assert!(!FailOn::Never.fails(Severity::Error));
    }

    #[test]
    fn rule_ids_know_their_capability() {
        let id = RuleId::new("PSCF-SPM-RC/banned-component");
        assert_eq!(id.capability(), Some(Capability::RecommendedComponents));
        assert_eq!(id.slug(), "banned-component");
        assert_eq!(RuleId::new("pscf-lint/parse-error").capability(), None);
    }
}
