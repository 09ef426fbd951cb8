//! Conditions on a stored organization row `o` and its stored
//! responsibility `st` (see `engine::WITH_STORED`) that several parts share:
//! 应建未建, a category mismatch, and which stored columns make an
//! organization a gap of each kind counted per organization. A leaf (it
//! imports nothing of the domain), so that the engine, the gap lists and
//! the ledger all read the same text.

/// 应建未建 for an organization `o`: three or more party members (Party
/// Constitution, Art. 30) and no party organization of its own; a JOINT one
/// should set up its own too. The partial index
/// `ix_organization_should_establish` has this predicate word for word.
pub(crate) const SHOULD_ESTABLISH: &str =
    "o.party_member_count >= 3 AND o.party_organization <> 'OWN'";

/// The CATEGORY_MISMATCH gaps: the flag the engine keeps, as the partial
/// index `ix_organization_category_mismatch` spells it.
pub(crate) const CATEGORY_MISMATCH: &str = "o.category_mismatch = TRUE";

/// The condition on an organization `o` (and `st`) that makes it a gap of the kind
/// spelled `code` (as the GraphQL enum and the ledger spell it), for the
/// kinds counted per organization; None for the others.
pub(crate) fn organization_gap(code: &str) -> Option<String> {
    Some(match code {
        "UNASSIGNED" => "st.basis = 'NONE'".to_owned(),
        "FALLBACK_ONLY" => "st.basis = 'FALLBACK'".to_owned(),
        // As the partial index `ix_responsibility_contested` spells it.
        "CONTESTED" => "st.contested = TRUE".to_owned(),
        "SHOULD_ESTABLISH" => SHOULD_ESTABLISH.to_owned(),
        "CATEGORY_MISMATCH" => CATEGORY_MISMATCH.to_owned(),
        _ => return None,
    })
}

/// The codes of the kinds counted per organization.
pub(crate) const ORGANIZATION_GAP_KINDS: [&str; 5] = [
    "UNASSIGNED",
    "FALLBACK_ONLY",
    "CONTESTED",
    "SHOULD_ESTABLISH",
    "CATEGORY_MISMATCH",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_organization_kind_has_a_condition_and_no_other_does() {
        for code in ORGANIZATION_GAP_KINDS {
            assert!(organization_gap(code).is_some(), "{code}");
        }
        for code in [
            "MISSING_DEPARTMENT",
            "UNRULED_CATEGORY",
            "INCOMPLETE_DEDICATION",
        ] {
            assert!(organization_gap(code).is_none(), "{code}");
        }
    }
}
