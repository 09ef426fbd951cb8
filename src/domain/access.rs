//! Who is asking, and what they may do: a role and a region subtree.
//!
//! Reads are filtered by the caller's [`Scope`]: what lies outside it is not
//! found. Writes check here, inside their transaction, that the caller's
//! role allows writing and that every region the write touches lies in the
//! caller's subtree; otherwise they are FORBIDDEN and write nothing.

use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DeriveActiveEnum, EntityTrait, EnumIter,
    PaginatorTrait, QueryFilter,
};

use entity::region_closure;

use super::scope::Scope;
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::msg;

/// What a token may do; each role includes the ones before it. Stored as
/// the text of its `string_value` in `api_token.role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Role {
    /// Reads.
    #[sea_orm(string_value = "viewer")]
    Viewer,
    /// Reads and writes of the data.
    #[sea_orm(string_value = "editor")]
    Editor,
    /// Everything, tokens and the audit trail included.
    #[sea_orm(string_value = "admin")]
    Admin,
}

impl Role {
    /// A role as a person types it: any case, with spaces around.
    pub fn parse(text: &str) -> Result<Role> {
        let text = text.trim().to_ascii_lowercase();
        Role::try_from_value(&text)
            .map_err(|_| Error::invalid("role", msg!("role-unknown", value = text.as_str())))
    }
}

/// The caller of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's name, recorded in the audit trail.
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Caller {
    /// The caller of a service open for local use (no tokens, loopback).
    pub fn local() -> Caller {
        Caller::system("local")
    }

    /// The operator at the command line, or the service itself.
    pub fn system(name: &str) -> Caller {
        Caller {
            name: name.to_owned(),
            role: Role::Admin,
            scope: Scope::EVERYTHING,
        }
    }

    /// FORBIDDEN unless the caller's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(Error::Forbidden(msg!(
                "forbidden-role",
                role = role.to_value(),
                token = self.name.as_str(),
                has = self.role.to_value()
            )))
        }
    }

    /// FORBIDDEN for a region-bound caller: for data that belongs to no
    /// region (department kinds, categories, rules that hold everywhere).
    pub fn require_everywhere(&self, what: Message) -> Result<()> {
        match self.scope.region_id {
            None => Ok(()),
            Some(_) => Err(Error::Forbidden(msg!("forbidden-everywhere", what = what))),
        }
    }

    /// FORBIDDEN unless the region lies in the caller's subtree.
    pub async fn require_region(&self, db: &impl ConnectionTrait, region_id: i32) -> Result<()> {
        if within(db, &self.scope, region_id).await? {
            Ok(())
        } else {
            Err(Error::Forbidden(msg!("forbidden-outside-region")))
        }
    }

    /// Like `require_region` for a region that may be absent (None is
    /// "everywhere", which only an unbound caller may touch).
    pub async fn require_optional_region(
        &self,
        db: &impl ConnectionTrait,
        region_id: Option<i32>,
        what: Message,
    ) -> Result<()> {
        match region_id {
            Some(id) => self.require_region(db, id).await,
            None => self.require_everywhere(what),
        }
    }
}

/// True when the region lies in the scope's subtree.
pub async fn within(db: &impl ConnectionTrait, scope: &Scope, region_id: i32) -> Result<bool> {
    let Some(root) = scope.region_id else {
        return Ok(true);
    };
    Ok(region_closure::Entity::find()
        .filter(region_closure::Column::AncestorId.eq(root))
        .filter(region_closure::Column::DescendantId.eq(region_id))
        .count(db)
        .await?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_before_them() {
        let editor = Caller {
            name: "e".into(),
            role: Role::Editor,
            scope: Scope::EVERYTHING,
        };
        assert!(editor.require(Role::Viewer).is_ok());
        assert!(editor.require(Role::Editor).is_ok());
        assert_eq!(
            editor.require(Role::Admin).unwrap_err().code(),
            crate::error::FORBIDDEN
        );
    }

    #[test]
    fn roles_parse_case_insensitively_and_refuse_others() {
        assert_eq!(Role::parse(" Admin ").unwrap(), Role::Admin);
        assert_eq!(Role::parse("viewer").unwrap(), Role::Viewer);
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn a_bound_caller_cannot_touch_what_belongs_everywhere() {
        let bound = Caller {
            name: "city".into(),
            role: Role::Admin,
            scope: Scope::within(7),
        };
        assert!(bound.require_everywhere(msg!("what-categories")).is_err());
        assert!(
            Caller::local()
                .require_everywhere(msg!("what-categories"))
                .is_ok()
        );
    }
}
