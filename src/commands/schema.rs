//! `orgmap schema`: prints the GraphQL schema (SDL), which needs no database.

use crate::graphql;

/// Prints the SDL that `schema.graphql` holds.
pub fn run() -> anyhow::Result<()> {
    print!("{}", graphql::sdl());
    Ok(())
}
