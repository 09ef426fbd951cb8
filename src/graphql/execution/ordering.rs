//! Puts each object of a response in the order the query selected its
//! fields, as the GraphQL specification asks (7.2.2, serialized map
//! ordering). async-graphql 7.2 resolves an object's fields concurrently
//! and keeps them in the order they finish.

use std::cell::OnceCell;

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
    order_with(&Plan::new(document, sets), value);
}

/// The response keys of some selection sets, in order, each with the plan
/// of its sub-fields, made when first needed: the items of a list share
/// one plan, so a page of a thousand objects walks the query once.
struct Plan<'a> {
    document: &'a ExecutableDocument,
    keys: Vec<(Name, Vec<&'a SelectionSet>, OnceCell<Plan<'a>>)>,
}

impl<'a> Plan<'a> {
    fn new(document: &'a ExecutableDocument, sets: &[&'a SelectionSet]) -> Plan<'a> {
        let mut keys = Vec::new();
        collect(document, sets, &mut keys, 0);
        Plan {
            document,
            keys: keys
                .into_iter()
                .map(|(key, subsets)| (key, subsets, OnceCell::new()))
                .collect(),
        }
    }

    /// Whether the keys of `map` already follow the plan.
    fn follows(&self, map: &IndexMap<Name, Value>) -> bool {
        let mut last = 0;
        for (key, _, _) in &self.keys {
            if let Some(at) = map.get_index_of(key) {
                if at < last {
                    return false;
                }
                last = at;
            }
        }
        true
    }
}

fn order_with(plan: &Plan<'_>, value: &mut Value) {
    match value {
        Value::List(items) => {
            for item in items {
                order_with(plan, item);
            }
        }
        Value::Object(map) => {
            if !plan.follows(map) {
                let mut old = std::mem::take(map);
                let mut ordered = IndexMap::with_capacity(old.len());
                for (key, _, _) in &plan.keys {
                    if let Some(field) = old.shift_remove(key) {
                        ordered.insert(key.clone(), field);
                    }
                }
                // Nothing else should be there; keep it, at the end, if it is.
                ordered.extend(old);
                *map = ordered;
            }
            for (key, subsets, sub_plan) in &plan.keys {
                if let Some(field) = map.get_mut(key)
                    && matches!(field, Value::List(_) | Value::Object(_))
                {
                    let sub_plan = sub_plan.get_or_init(|| Plan::new(plan.document, subsets));
                    order_with(sub_plan, field);
                }
            }
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
            "a": [{ "y": 1, "z": 2 }, { "z": 5, "y": 6 }, null],
            "b": { "c": 3, "d": 4 }
        }))
        .unwrap();

        let document = async_graphql::parser::parse_query(query).unwrap();
        reorder(&document, Some("Q"), &mut data);

        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"b":{"d":4,"c":3},"a":[{"z":2,"y":1},{"z":5,"y":6},null]}"#
        );
    }
}
