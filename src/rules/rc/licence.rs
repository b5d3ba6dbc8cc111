//! license-not-allowed and license-unknown: a component's SPDX expression
//! against the allowed licences, with cargo-deny's semantics (an exception
//! is allowed only where the policy names it with its licence).

use super::{LICENSE_NOT_ALLOWED, LICENSE_UNKNOWN};
use crate::facts::Component;
use crate::finding::{Finding, Severity};
use crate::policy::{ComponentPolicy, UnknownLicense};
use crate::rules::Context;

pub(super) fn check(ctx: &Context<'_>, policy: &ComponentPolicy, c: &Component) -> Option<Finding> {
    let licenses = policy.licenses.as_ref()?;
    let purl = &c.purl;
    let unknown = |why: String| {
        let help = match c.source {
            // Nothing to fetch: the crate is in the repository.
            crate::facts::Source::Path(_) => "state the licence as an SPDX expression in its manifest (`license = \"MIT\"`), or set `components.licenses.unknown: allow` to accept unknown licences".to_owned(),
            _ => LICENSE_UNKNOWN.fix.to_owned(),
        };
        let mut f = ctx.component_finding(&LICENSE_UNKNOWN, &c.location, purl, why, Some(help))?;
        match licenses.unknown {
            Some(UnknownLicense::Allow) => return None,
            Some(UnknownLicense::Note) => f.severity = Severity::Note,
            Some(UnknownLicense::Warning) => f.severity = Severity::Warning,
            Some(UnknownLicense::Error) => f.severity = Severity::Error,
            None => {}
        }
        Some(f)
    };
    let Some(text) = &c.license else {
        let why = c
            .license_note
            .as_deref()
            .map(|note| format!(": {note}"))
            .unwrap_or_default();
        return unknown(format!("the licence of `{purl}` is not known{why}"));
    };
    let Ok(expression) = spdx::Expression::parse_mode(text, spdx::ParseMode::LAX) else {
        return unknown(format!(
            "the licence of `{purl}` (`{text}`) is not an SPDX expression"
        ));
    };
    let allowed = |req: &spdx::LicenseReq| licenses.allow.iter().any(|a| a.satisfies(req));
    if expression.evaluate(allowed) {
        return None;
    }
    let message =
        format!("`{purl}` is licensed `{text}`, which the allowed licences do not satisfy");
    let allow_list: Vec<String> = licenses.allow.iter().map(ToString::to_string).collect();
    let mut help = format!(
        "allowed: {}; replace the component or have its licence reviewed",
        allow_list.join(", ")
    );
    if let Some(exception) = allowed_without_exception(&expression, allowed) {
        help.push_str(&format!(
            "; an exception is allowed only with its licence: add `{exception}` to `components.licenses.allow` once it is reviewed"
        ));
    }
    ctx.component_finding(&LICENSE_NOT_ALLOWED, &c.location, purl, message, Some(help))
}

/// A requirement `L WITH E` that fails only because of its exception (`L`
/// alone is allowed): the help then says how such an entry is written.
fn allowed_without_exception(
    expression: &spdx::Expression,
    allowed: impl Fn(&spdx::LicenseReq) -> bool,
) -> Option<String> {
    expression
        .requirements()
        .map(|r| &r.req)
        .find(|req| {
            req.addition.is_some()
                && !allowed(req)
                && allowed(&spdx::LicenseReq {
                    license: req.license.clone(),
                    addition: None,
                })
        })
        .map(ToString::to_string)
}
