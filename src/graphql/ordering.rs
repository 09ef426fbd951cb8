//! Puts each object of a response in the order the query selected its
//! fields, as the GraphQL specification asks (7.2.2, serialized map
//! ordering). async-graphql 7.2 resolves an object's fields concurrently
//! and keeps them in the order they finish.

use async_graphql::Value;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, indexmap::IndexMap};

/// Fragments nest at most this deep here (validation refuses cycles).
const MAX_FRAGMENT_DEPTH: usize = 32;

/// Reorders `data`, the result of running `document` (its operation
/// `operation_name`), to follow the query's selection order.
pub fn reorder(document: &ExecutableDocument, operation_name: Option<&str>, data: &mut Value) {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| match operation_name {
            Some(wanted) => name.map(|n| n.as_str()) == Some(wanted),
            None => true,
        });
    if let Some((_, operation)) = operation {
        order(document, &[&operation.node.selection_set.node], data);
    }
}

fn order(document: &ExecutableDocument, sets: &[&SelectionSet], value: &mut Value) {
    match value {
        Value::List(items) => {
            for item in items {
                order(document, sets, item);
            }
        }
        Value::Object(map) => {
            let mut keys: Vec<(Name, Vec<&SelectionSet>)> = Vec::new();
            collect(document, sets, &mut keys, 0);
            let mut old = std::mem::take(map);
            let mut ordered = IndexMap::with_capacity(old.len());
            for (key, subsets) in keys {
                if let Some(mut field) = old.shift_remove(&key) {
                    order(document, &subsets, &mut field);
                    ordered.insert(key, field);
                }
            }
            // Nothing else should be there; keep it, at the end, if it is.
            ordered.extend(old);
            *map = ordered;
        }
        _ => {}
    }
}

/// The response keys the selection sets name, in order, each with the
/// selection sets of its sub-fields (a key selected twice merges them).
fn collect<'a>(
    document: &'a ExecutableDocument,
    sets: &[&'a SelectionSet],
    keys: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    if depth > MAX_FRAGMENT_DEPTH {
        return;
    }
    for set in sets {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = field.alias.as_ref().unwrap_or(&field.name).node.clone();
                    let sub = &field.selection_set.node;
                    match keys.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, subs)) => subs.push(sub),
                        None => keys.push((key, vec![sub])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    {
                        collect(
                            document,
                            &[&fragment.node.selection_set.node],
                            keys,
                            depth + 1,
                        );
                    }
                }
                Selection::InlineFragment(inline) => {
                    collect(
                        document,
                        &[&inline.node.selection_set.node],
                        keys,
                        depth + 1,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_selection_through_aliases_fragments_and_lists() {
        let query = "query Q { b: x { d c } ...F } fragment F on Query { a { ... on A { z y } } }";
        let mut data = Value::from_json(serde_json::json!({
            "a": [{ "y": 1, "z": 2 }],
            "b": { "c": 3, "d": 4 }
        }))
        .unwrap();

        let document = async_graphql::parser::parse_query(query).unwrap();
        reorder(&document, Some("Q"), &mut data);

        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"b":{"d":4,"c":3},"a":[{"z":2,"y":1}]}"#
        );
    }
}
