//! Policy errors: what is wrong, where in which policy file, and how to fix it.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::{DiagLevel, Diagnostic};
use crate::location::SourceFile;

#[derive(Debug, Clone)]
pub struct PolicyError {
    /// The policy file as the user named it (or `builtin:pscf-spm`).
    pub file: String,
    /// Its text, when it could be read.
    pub source: Option<Arc<SourceFile>>,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl PolicyError {
    pub fn new(source: &Arc<SourceFile>, span: Range<usize>, message: impl Into<String>) -> Self {
        PolicyError {
            file: source.path.to_string(),
            source: Some(Arc::clone(source)),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// An error about a file that could not be read at all.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError {
            file: file.into(),
            source: None,
            span: 0..0,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, 1-based.
    pub fn position(&self) -> String {
        match &self.source {
            Some(source) => source.location(self.span.clone()).to_string().replacen(
                source.path.as_str(),
                &self.file,
                1,
            ),
            None => self.file.clone(),
        }
    }

    pub fn render(&self, color: bool) -> String {
        let notes = self
            .help
            .iter()
            .map(|h| (DiagLevel::Help, h.clone()))
            .collect();
        Diagnostic {
            level: DiagLevel::Error,
            code: Some("policy"),
            title: &self.message,
            source: self.source.as_deref(),
            path: &self.file,
            span: self.span.clone(),
            label: "here",
            notes,
        }
        .render(color)
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position(), self.message)
    }
}

/// Every error found in the policy files of one run.
#[derive(Debug, Clone)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl PolicyErrors {
    pub fn render(&self, color: bool) -> String {
        let mut out: String = self.0.iter().map(|e| e.render(color) + "\n").collect();
        let n = self.0.len();
        out.push_str(&format!(
            "error: the policy has {n} error{}; nothing was checked\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<PolicyError> for PolicyErrors {
    fn from(e: PolicyError) -> Self {
        PolicyErrors(vec![e])
    }
}
