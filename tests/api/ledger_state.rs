//! The state of a ledger item's gap kept on the item (for a gap of one
//! organization): after every kind of write that changes organizations —
//! a rule (the engine's staged re-resolution), an organization, an
//! import, a category's credit-code types, a deletion — each item's
//! `gapOpen` is whether its key is among the current gaps, both ways, and
//! the summary counts what the items say.

use std::collections::{HashMap, HashSet};

use orgmap::demo;
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use serde_json::{Value, json};

use crate::helpers::TestApp;

const GAPS: &str = "query($after: String) { coverageGaps(first: 1000, after: $after) {
    edges { node { key } } pageInfo { hasNextPage endCursor } } }";
const ITEMS: &str = "query($after: String) { rectifications(first: 1000, after: $after) {
    edges { node { id gapKey gapKind status gapOpen organization { creditCode } } }
    pageInfo { hasNextPage endCursor } } }";
const SUMMARY: &str = "{ rectificationSummary { total gapGone reopened } }";
const ORGANIZATION: &str = "query($code: String!) { organization(creditCode: $code) {
    name category { code name parent { code } creditCodeTypes } region { code } } }";

/// Every node of a paged connection.
async fn nodes(app: &TestApp, query: &str, field: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.data(query, json!({ "after": after })).await;
        let page = &data[field];
        out.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// Each item's gap state by id, after checking it against the current gaps
/// and the summary against the items.
async fn gap_states(app: &TestApp, case: &str) -> HashMap<String, bool> {
    let gaps: HashSet<String> = nodes(app, GAPS, "coverageGaps")
        .await
        .iter()
        .map(|n| n["key"].as_str().unwrap().to_owned())
        .collect();
    let items = nodes(app, ITEMS, "rectifications").await;
    assert!(!items.is_empty(), "{case}: the ledger has items");
    let newest: HashMap<&str, i64> = items.iter().fold(HashMap::new(), |mut m, n| {
        let id = n["id"].as_str().unwrap().parse::<i64>().unwrap();
        let newest = m.entry(n["gapKey"].as_str().unwrap()).or_insert(id);
        *newest = (*newest).max(id);
        m
    });
    let (mut gone, mut reopened) = (0, 0);
    for n in &items {
        let key = n["gapKey"].as_str().unwrap();
        let open = n["gapOpen"].as_bool().unwrap();
        assert_eq!(open, gaps.contains(key), "{case}: {n}");
        let active = matches!(n["status"].as_str(), Some("OPEN" | "IN_PROGRESS"));
        let id = n["id"].as_str().unwrap().parse::<i64>().unwrap();
        gone += i64::from(active && !open);
        reopened += i64::from(!active && open && newest[key] == id);
    }
    let summary = app.data(SUMMARY, json!({})).await["rectificationSummary"].clone();
    assert_eq!(summary["total"], items.len(), "{case}");
    assert_eq!(summary["gapGone"], gone, "{case}");
    assert_eq!(summary["reopened"], reopened, "{case}");
    items
        .iter()
        .map(|n| (n["id"].as_str().unwrap().to_owned(), n["gapOpen"] == true))
        .collect()
}

/// An item of `kind` about an organization: its id and credit code.
async fn item_of(app: &TestApp, kind: &str) -> (String, String) {
    let items = nodes(app, ITEMS, "rectifications").await;
    let item = items
        .iter()
        .find(|n| n["gapKind"] == kind && n["organization"].is_object())
        .unwrap_or_else(|| panic!("an item of {kind}"));
    (
        item["id"].as_str().unwrap().to_owned(),
        item["organization"]["creditCode"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// Opens an item for every gap of the demo (the demo opens one city's).
async fn open_every_gap(app: &TestApp) {
    app.data(
        "mutation { openRectifications(input: {milestoneCode: \"BATCH2\"}) { opened } }",
        json!({}),
    )
    .await;
}

async fn organization(app: &TestApp, code: &str) -> Value {
    app.data(ORGANIZATION, json!({ "code": code })).await["organization"].clone()
}

#[tokio::test]
async fn the_gap_state_kept_on_items_follows_every_write_of_an_organization() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 2_000, demo::DEFAULT_SEED)
        .await
        .expect("the demo builds");
    open_every_gap(&app).await;
    let opened = gap_states(&app, "opened").await;
    assert!(
        opened.values().all(|open| *open),
        "every gap is open when opened"
    );

    // A rule for a fallback-only organization's category at its region:
    // the engine re-resolves the organizations it decides (staged).
    let (fallback, code) = item_of(&app, "FALLBACK_ONLY").await;
    let org = organization(&app, &code).await;
    let rule = json!({
        "categoryCode": org["category"]["code"],
        "departmentKindCode": "MARKET_REGULATION",
        "scopeRegionCode": org["region"]["code"],
    });
    app.data(
        "mutation($input: RuleInput!) { upsertRule(input: $input) { id } }",
        json!({ "input": rule }),
    )
    .await;
    let ruled = gap_states(&app, "a rule").await;
    assert!(!ruled[&fallback], "the rule ends the fallback-only gap");
    app.data(
        "mutation($category: String!, $scope: String) {
           deleteRule(categoryCode: $category, scopeRegionCode: $scope) }",
        json!({ "category": rule["categoryCode"], "scope": rule["scopeRegionCode"] }),
    )
    .await;
    let unruled = gap_states(&app, "the rule deleted").await;
    assert!(unruled[&fallback], "the gap is back with the rule gone");

    // An organization that should establish a party organization sets up
    // its own (an organization write), then an import takes it back.
    let (should, code) = item_of(&app, "SHOULD_ESTABLISH").await;
    let org = organization(&app, &code).await;
    let input = json!({
        "creditCode": code, "name": org["name"],
        "categoryCode": org["category"]["code"], "regionCode": org["region"]["code"],
    });
    let mut own = input.clone();
    own["partyOrganization"] = json!("OWN");
    app.data(
        "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }",
        json!({ "input": own }),
    )
    .await;
    assert!(!gap_states(&app, "an organization write").await[&should]);
    let mut none = input.clone();
    none["partyOrganization"] = json!("NONE");
    let caller = Caller {
        name: "importer".to_owned(),
        role: Role::Editor,
        scope: Scope::EVERYTHING,
    };
    let report = import(
        &app.db,
        &caller,
        "organizations.jsonl",
        Box::new(std::io::Cursor::new(format!("{none}\n").into_bytes())),
        ImportOptions {
            entity: Dataset::Organizations,
            format: Format::Jsonl,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .expect("the import runs");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(gap_states(&app, "an import").await[&should]);

    // A category that comes to admit a mismatched organization's type.
    let (mismatch, code) = item_of(&app, "CATEGORY_MISMATCH").await;
    let category = organization(&app, &code).await["category"].clone();
    let mut types: Vec<Value> = category["creditCodeTypes"].as_array().unwrap().clone();
    types.push(json!(code[..2]));
    app.data(
        "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code } }",
        json!({ "input": {
            "code": category["code"], "name": category["name"],
            "parentCode": category["parent"]["code"], "creditCodeTypes": types,
        } }),
    )
    .await;
    assert!(!gap_states(&app, "a category's types").await[&mismatch]);

    // An unassigned organization deleted: its item stays, its gap is gone.
    let (unassigned, code) = item_of(&app, "UNASSIGNED").await;
    app.data(
        "mutation($code: String!) { deleteOrganization(creditCode: $code) }",
        json!({ "code": code }),
    )
    .await;
    assert!(!gap_states(&app, "a deletion").await[&unassigned]);
}

/// A database whose items predate the stored state: going up fills it from
/// the organizations as they are then, and going down drops it.
#[tokio::test]
async fn the_migration_fills_the_state_of_the_items_already_stored() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;

    let app = TestApp::spawn().await;
    demo::generate(&app.db, 1_000, demo::DEFAULT_SEED)
        .await
        .expect("the demo builds");
    open_every_gap(&app).await;
    let (should, code) = item_of(&app, "SHOULD_ESTABLISH").await;
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains("store_organization_gap_state"))
        .expect("the migration is registered") as u32
        + 1;
    Migrator::down(&app.db, Some(steps))
        .await
        .expect("the migration goes down");
    // Written while the column did not exist: the organization sets up its
    // own party organization, so that its gap is gone.
    app.db
        .execute_unprepared(&format!(
            "UPDATE organization SET party_organization = 'OWN' WHERE credit_code = '{code}'"
        ))
        .await
        .unwrap();
    Migrator::up(&app.db, None)
        .await
        .expect("the migration goes up");
    let states = gap_states(&app, "migrated").await;
    assert!(!states[&should], "filled from the organization as it is");
    assert!(states.values().any(|open| *open));
}
