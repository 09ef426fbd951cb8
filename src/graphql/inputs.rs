//! Input objects that more than one root takes (a rule is both upserted and
//! previewed), and the conversion of an optional input field into a
//! [`Patch`].

use async_graphql::{InputObject, MaybeUndefined};

use crate::domain::rule::RuleInput as DomainRule;
use crate::domain::values::Patch;

/// Omitted keeps, null clears, a value sets.
pub(crate) fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}

/// A rule by (category, scope): in the scope region and below (no scope:
/// everywhere), organizations of the category's subtree are overseen by the kind.
#[derive(InputObject, Clone)]
pub struct RuleInput {
    pub category_code: String,
    pub department_kind_code: String,
    pub scope_region_code: Option<String>,
    /// The document that established the rule; omitted keeps, null clears.
    pub basis: MaybeUndefined<String>,
}

impl From<RuleInput> for DomainRule {
    fn from(input: RuleInput) -> Self {
        DomainRule {
            category_code: input.category_code,
            department_kind_code: input.department_kind_code,
            scope_region_code: input.scope_region_code,
            basis: patch(input.basis),
        }
    }
}
