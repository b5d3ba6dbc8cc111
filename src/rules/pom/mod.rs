//! PSCF-SPM-POM — Product Operating Model: the product says what it is,
//! who owns it, what stage it is in and until when it is supported; every
//! file has a code owner; vulnerabilities have somewhere to be reported.
//! The rules run when the policy has a `product:` section (the built-in
//! bundle has one). One module per concern.

mod descriptor;
mod ownership;
mod security;

use super::Context;
use super::registry::RuleInfo;
use crate::finding::Finding;

pub use descriptor::{
    DECOMMISSION_PLAN_MISSING, END_OF_LIFE_PASSED, LIFECYCLE_INVALID, PRODUCT_DESCRIPTOR_INVALID,
    PRODUCT_DESCRIPTOR_MISSING, PRODUCT_OWNER_MISSING,
};
pub use ownership::{CODEOWNERS_INVALID, CODEOWNERS_MISSING, UNOWNED_FILES};
pub use security::{SECURITY_CONTACT_MISSING, SECURITY_POLICY_MISSING};

pub const RULES: &[RuleInfo] = &[
    PRODUCT_DESCRIPTOR_MISSING,
    PRODUCT_OWNER_MISSING,
    LIFECYCLE_INVALID,
    END_OF_LIFE_PASSED,
    DECOMMISSION_PLAN_MISSING,
    PRODUCT_DESCRIPTOR_INVALID,
    CODEOWNERS_MISSING,
    CODEOWNERS_INVALID,
    UNOWNED_FILES,
    SECURITY_POLICY_MISSING,
    SECURITY_CONTACT_MISSING,
];

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let Some(product) = ctx.policy.product.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let owner = descriptor::check(ctx, product, &mut out);
    ownership::check(ctx, owner.as_ref(), &mut out);
    security::check(ctx, product, &mut out);
    out
}
