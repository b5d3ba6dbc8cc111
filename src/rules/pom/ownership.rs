//! Code ownership: a CODEOWNERS GitHub accepts, covering every tracked
//! file, and naming the product's owner.

use crate::finding::{Finding, RuleId, Severity};
use crate::location::Location;
use crate::rules::Context;
use crate::rules::anchor;
use crate::rules::registry::RuleInfo;
use crate::scan::codeowners::Codeowners;

pub const CODEOWNERS_MISSING: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/codeowners-missing"),
    default_severity: Severity::Warning,
    summary: "no CODEOWNERS in `.github/`, the root or `docs/`",
    rationale: "CODEOWNERS makes ownership operational: GitHub requests the owners' review on every change to their files, and branch protection can require it.",
    fix: "Add `.github/CODEOWNERS` with a default rule (`* @org/team`) and more specific rules below it.",
    example: "# .github/CODEOWNERS\n*            @acme/team-payments\n/deploy/     @acme/platform",
};

pub const CODEOWNERS_INVALID: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/codeowners-invalid"),
    default_severity: Severity::Error,
    summary: "a CODEOWNERS line GitHub would reject: `!` negation, `[ ]` ranges, a leading `\\#`, `***`, or an owner that is not `@user`, `@org/team` or an e-mail address (or the file is over GitHub's 3 MB limit)",
    rationale: "GitHub does not apply a line it cannot parse (and ignores a file over 3 MB entirely), so the owners it names silently stop being asked for review.",
    fix: "Rewrite the line with supported syntax: instead of `!pattern`, add a later rule for the pattern with no owners; list owners as `@user`, `@org/team` or e-mail addresses.",
    example: "# un-own generated code instead of negating it\n*           @acme/team\n/generated/",
};

pub const UNOWNED_FILES: RuleInfo = RuleInfo {
    id: RuleId::new("PSCF-SPM-POM/unowned-files"),
    default_severity: Severity::Warning,
    summary: "tracked files that no CODEOWNERS rule gives an owner (count and examples), or the product's owner owns nothing in CODEOWNERS",
    rationale: "A change to an unowned file needs nobody's review; the product's accountable owner should be among those asked.",
    fix: "Add a default rule `* @org/team` at the top of CODEOWNERS (later rules override it), and name the product's owner in it.",
    example: "*   @acme/team-payments",
};

/// How many unowned paths a finding names.
const EXAMPLES: usize = 5;

pub(super) fn check(ctx: &Context<'_>, owner: Option<&(String, Location)>, out: &mut Vec<Finding>) {
    let Some(codeowners) = &ctx.facts.product.codeowners else {
        out.extend(
            ctx.explained(
                &CODEOWNERS_MISSING,
                &anchor::repository_file(ctx),
                "codeowners",
                "no CODEOWNERS in `.github/`, the root or `docs/`: changes need no owner's review"
                    .to_owned(),
                "add .github/CODEOWNERS with a default rule such as `* @org/team`".to_owned(),
            ),
        );
        return;
    };
    invalid(ctx, codeowners, out);
    if codeowners.too_large {
        return;
    }
    unowned(ctx, codeowners, out);
    if let Some((name, at)) = owner {
        descriptor_owner(ctx, codeowners, name, at, out);
    }
}

fn invalid(ctx: &Context<'_>, codeowners: &Codeowners, out: &mut Vec<Finding>) {
    if codeowners.too_large {
        out.extend(ctx.explained(
            &CODEOWNERS_INVALID,
            &codeowners.head,
            "size",
            format!(
                "`{}` is over GitHub's 3 MB limit, so GitHub ignores all of it",
                codeowners.path
            ),
            "shorten it: one rule per directory, not per file".to_owned(),
        ));
        return;
    }
    for line in &codeowners.invalid {
        out.extend(ctx.explained(
            &CODEOWNERS_INVALID,
            &line.location,
            &format!("line:{}", line.location.line),
            line.message.clone(),
            "GitHub does not apply this line; rewrite it with supported syntax".to_owned(),
        ));
    }
}

fn unowned(ctx: &Context<'_>, codeowners: &Codeowners, out: &mut Vec<Finding>) {
    let tracked = &ctx.facts.product.tracked;
    let unowned: Vec<&str> = tracked
        .paths
        .iter()
        .map(|p| p.as_str())
        .filter(|p| !codeowners.is_owned(p))
        .collect();
    let Some(first) = unowned.first() else {
        return;
    };
    let examples: Vec<String> = unowned
        .iter()
        .take(EXAMPLES)
        .map(|p| format!("`{}`", crate::shown::shown(p)))
        .collect();
    let more = unowned.len().saturating_sub(EXAMPLES);
    let kind = if tracked.from_index { "tracked" } else { "" };
    let message = format!(
        "{} of {} {kind}{}files have no code owner: {}{}",
        unowned.len(),
        tracked.paths.len(),
        if kind.is_empty() { "" } else { " " },
        examples.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    );
    let truncated = if codeowners.truncated {
        " (rules beyond the first 20,000 were not applied)"
    } else {
        ""
    };
    out.extend(ctx.explained(
        &UNOWNED_FILES,
        &codeowners.head,
        "unowned",
        format!("{message}{truncated}"),
        format!(
            "add a default rule `* @org/team` at the top of `{}` (later rules override it); `{}` is the first unowned file",
            codeowners.path,
            crate::shown::shown(first)
        ),
    ));
}

fn descriptor_owner(
    ctx: &Context<'_>,
    codeowners: &Codeowners,
    name: &str,
    at: &Location,
    out: &mut Vec<Finding>,
) {
    let named = codeowners
        .rules
        .iter()
        .flat_map(|r| &r.owners)
        .any(|o| crate::product::owner_matches(name, &o.value));
    if named {
        return;
    }
    out.extend(ctx.explained(
        &UNOWNED_FILES,
        &anchor::or_repository(ctx, at),
        "descriptor-owner",
        format!(
            "the product's owner `{}` is not a code owner of anything in `{}`",
            crate::shown::shown(name),
            codeowners.path
        ),
        format!(
            "name the owner in `{}` (e.g. `* @<org>/{}`), or correct the descriptor's owner",
            codeowners.path,
            crate::product::entity_name(name)
                .rsplit('/')
                .next()
                .unwrap_or_default()
        ),
    ));
}
