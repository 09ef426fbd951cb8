//! The part of the region tree a caller may see. Every read takes a scope,
//! so that a region-bound caller sees only its subtree.

/// A region subtree, or everything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The root of the visible subtree; None means the whole database.
    pub region_id: Option<i32>,
}

impl Scope {
    pub const EVERYTHING: Scope = Scope { region_id: None };

    pub fn within(region_id: i32) -> Self {
        Scope {
            region_id: Some(region_id),
        }
    }
}
