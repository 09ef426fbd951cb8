//! The natural-key codes of the tables a file names rows by: code to id
//! for an import, id to code for an export.

use std::collections::HashMap;

use entity::{category, department, department_kind, region};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::Result;

/// A row with a natural-key code.
pub(super) trait Coded {
    fn code_and_id(self) -> (String, i32);
}

macro_rules! coded {
    ($($table:ident),*) => {$(
        impl Coded for $table::Model {
            fn code_and_id(self) -> (String, i32) {
                (self.code, self.id)
            }
        }
    )*};
}

coded!(category, department, department_kind, region);

/// Codes to ids of a small table.
pub(super) async fn ids_by_code<E>(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>>
where
    E: EntityTrait,
    E::Model: Coded,
{
    Ok(E::find()
        .all(db)
        .await?
        .into_iter()
        .map(Coded::code_and_id)
        .collect())
}

/// Ids to codes of a small table.
pub(super) async fn codes_by_id<E>(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>>
where
    E: EntityTrait,
    E::Model: Coded,
{
    let ids = ids_by_code::<E>(db).await?;
    Ok(ids.into_iter().map(|(code, id)| (id, code)).collect())
}
