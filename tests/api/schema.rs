//! The checked-in `schema.graphql` is the generated SDL.

#[test]
fn schema_graphql_is_the_generated_sdl() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();

    let generated = orgmap::graphql::sdl();

    assert!(
        checked_in == generated,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` and commit it"
    );
}
