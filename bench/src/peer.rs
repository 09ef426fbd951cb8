//! The PostgreSQL peer: the same five questions asked of orgmap and of
//! PostGraphile 5 (`bench/peer/`, which generates a GraphQL API from the
//! same tables), through the same client and the same measurement, one
//! server after the other.
//!
//! orgmap is measured while it still runs after its own rows
//! ([`orgmap_side`]); then it is stopped, PostGraphile is started on the
//! same database and measured ([`peer_rows`]), and each pair of answers is
//! compared after its shape is normalised (same organizations in the same
//! order, same names, same counts) before a figure is kept: a mismatch
//! fails the row.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{Load, Row, Server, Sql, Stats, gql_with, new_histogram, pick, row, stats};

/// Requests one at a time whose p50 is kept.
pub const SEQUENTIAL: usize = 2_000;

/// The one-at-a-time sample stops early after this long, once it holds
/// [`SEQUENTIAL_AT_LEAST`] requests: 2,000 of PostGraphile's grouped
/// count at 320 ms each would take 11 minutes for the same p50.
const SEQUENTIAL_FOR: Duration = Duration::from_secs(60);
const SEQUENTIAL_AT_LEAST: usize = 100;
/// Requests whose answers are compared, per question (fewer when the
/// question has fewer distinct inputs).
const CHECKED: usize = 20;
/// The peer's first start installs it (`npm ci`, about a minute).
const PEER_START: Duration = Duration::from_secs(600);

/// One question asked of both servers.
pub struct Question {
    pub name: &'static str,
    /// Extra target on orgmap's own p50, in ms.
    p50_limit_ms: Option<f64>,
    /// Distinct inputs the requests cycle through (one, unused, for a
    /// question without arguments).
    inputs: Vec<String>,
    orgmap: fn(&str) -> String,
    peer: fn(&str) -> String,
    /// The answer of each side, reduced to what both must agree on.
    orgmap_answer: fn(&Value) -> Option<Value>,
    peer_answer: fn(&Value) -> Option<Value>,
}

impl Question {
    fn checked(&self) -> usize {
        self.inputs.len().clamp(1, CHECKED)
    }

    fn orgmap_body(&self, i: usize) -> String {
        (self.orgmap)(&pick(&self.inputs, i))
    }

    fn peer_body(&self, i: usize) -> String {
        (self.peer)(&pick(&self.inputs, i))
    }
}

/// What orgmap answered and how fast.
pub struct Side {
    answers: Vec<Value>,
    alone: Stats,
    loaded: Stats,
}

/// Organization list fields of orgmap's answers, and of the peer's.
const ORGMAP_NODE: &str = "creditCode name category { name } region { name }";
const PEER_NODE: &str = "creditCode name categoryByCategoryId { name } regionByRegionId { name }";

fn unassigned_orgmap(region: &str) -> String {
    gql_with(
        &format!(
            "query($region: String!) {{ unassignedOrganizations(regionCode: $region, first: 100) \
             {{ edges {{ node {{ {ORGMAP_NODE} }} }} pageInfo {{ hasNextPage }} }} }}"
        ),
        json!({ "region": region }),
    )
}

/// The region subtree through a relation filter on `region_closure`
/// (postgraphile-plugin-connection-filter): the organization's region has a
/// closure row whose ancestor has this code.
fn unassigned_peer(region: &str) -> String {
    gql_with(
        &format!(
            "query($region: String!) {{ allOrganizations(first: 100, orderBy: PRIMARY_KEY_ASC, filter: {{ \
               responsibilityByRowId: {{ basis: {{ equalTo: \"NONE\" }} }}, \
               regionByRegionId: {{ regionClosuresByDescendantId: {{ some: {{ \
                 regionByAncestorId: {{ code: {{ equalTo: $region }} }} }} }} }} }}) \
             {{ nodes {{ {PEER_NODE} }} pageInfo {{ hasNextPage }} }} }}"
        ),
        json!({ "region": region }),
    )
}

/// A page as `[[creditCode, name, category, region], …]` and whether more follow.
fn page(nodes: &[Value], category: &str, region: &str, more: &Value) -> Option<Value> {
    let rows = nodes
        .iter()
        .map(|node| {
            Some(json!([
                node.get("creditCode")?.as_str()?,
                node.get("name")?.as_str()?,
                node.get(category)?.get("name")?.as_str()?,
                node.get(region)?.get("name")?.as_str()?,
            ]))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(json!({ "rows": rows, "hasNextPage": more.as_bool()? }))
}

fn orgmap_page(connection: &Value) -> Option<Value> {
    let nodes = connection
        .get("edges")?
        .as_array()?
        .iter()
        .map(|edge| edge.get("node").cloned())
        .collect::<Option<Vec<_>>>()?;
    page(
        &nodes,
        "category",
        "region",
        connection.get("pageInfo")?.get("hasNextPage")?,
    )
}

fn peer_page(connection: &Value) -> Option<Value> {
    page(
        connection.get("nodes")?.as_array()?,
        "categoryByCategoryId",
        "regionByRegionId",
        connection.get("pageInfo")?.get("hasNextPage")?,
    )
}

/// A lookup as `[creditCode, name, category, region, basis, department]`,
/// read under the names each side gives them.
fn lookup(
    o: &Value,
    category: &str,
    region: &str,
    basis: &Value,
    department: &Value,
) -> Option<Value> {
    Some(json!([
        o.get("creditCode")?,
        o.get("name")?,
        o.get(category)?.get("name")?,
        o.get(region)?.get("name")?,
        basis,
        department.get("name").unwrap_or(&Value::Null),
    ]))
}

/// Counts by basis, sorted by basis, without empty ones.
fn counts(pairs: impl Iterator<Item = Option<(String, i64)>>) -> Option<Value> {
    let mut pairs = pairs.collect::<Option<Vec<_>>>()?;
    pairs.retain(|(_, n)| *n > 0);
    pairs.sort();
    Some(json!(pairs))
}

/// A first page of the unassigned organizations under one of `regions`.
fn unassigned(name: &'static str, regions: Vec<String>) -> Question {
    Question {
        name,
        p50_limit_ms: None,
        inputs: regions,
        orgmap: unassigned_orgmap,
        peer: unassigned_peer,
        orgmap_answer: |data| orgmap_page(data.get("unassignedOrganizations")?),
        peer_answer: |data| peer_page(data.get("allOrganizations")?),
    }
}

/// The five questions of issue 17, orgmap's query first.
pub async fn questions(
    sql: &Sql,
    credit_codes: &[String],
    cities: &[String],
) -> anyhow::Result<Vec<Question>> {
    let province = sql
        .strings("SELECT code FROM region WHERE level = 'PROVINCE' ORDER BY id LIMIT 1")
        .await?;
    if province.is_empty() {
        bail!("the demo province has no province region");
    }
    Ok(vec![
        Question {
            name: "one organization by credit code, with category, region, responsible department and basis",
            p50_limit_ms: Some(0.8),
            inputs: credit_codes.to_vec(),
            orgmap: |code| {
                gql_with(
                    "query($code: String!) { organization(creditCode: $code) { creditCode name \
                     category { name } region { name } responsibility { basis department { name } } } }",
                    json!({ "code": code }),
                )
            },
            peer: |code| {
                gql_with(
                    "query($code: String!) { organizationByCreditCode(creditCode: $code) { creditCode name \
                     categoryByCategoryId { name } regionByRegionId { name } \
                     responsibilityByRowId { basis departmentByDepartmentId { name } } } }",
                    json!({ "code": code }),
                )
            },
            orgmap_answer: |data| {
                let o = data.get("organization")?;
                let r = o.get("responsibility")?;
                lookup(
                    o,
                    "category",
                    "region",
                    r.get("basis")?,
                    r.get("department")?,
                )
            },
            peer_answer: |data| {
                let o = data.get("organizationByCreditCode")?;
                let r = o.get("responsibilityByRowId")?;
                lookup(
                    o,
                    "categoryByCategoryId",
                    "regionByRegionId",
                    r.get("basis")?,
                    r.get("departmentByDepartmentId")?,
                )
            },
        },
        unassigned(
            "100 unassigned organizations of one city, with names",
            cities.to_vec(),
        ),
        unassigned(
            "100 unassigned organizations of the province, with names",
            province,
        ),
        Question {
            name: "a plain page of 100 organizations with category and region names",
            p50_limit_ms: None,
            inputs: vec![String::new()],
            orgmap: |_| {
                gql_with(
                    &format!(
                        "{{ organizations(first: 100) {{ edges {{ node {{ {ORGMAP_NODE} }} }} \
                         pageInfo {{ hasNextPage }} }} }}"
                    ),
                    json!({}),
                )
            },
            peer: |_| {
                gql_with(
                    &format!(
                        "{{ allOrganizations(first: 100, orderBy: PRIMARY_KEY_ASC) {{ nodes {{ {PEER_NODE} }} \
                         pageInfo {{ hasNextPage }} }} }}"
                    ),
                    json!({}),
                )
            },
            orgmap_answer: |data| orgmap_page(data.get("organizations")?),
            peer_answer: |data| peer_page(data.get("allOrganizations")?),
        },
        Question {
            name: "organizations per responsibility basis, province",
            p50_limit_ms: None,
            inputs: vec![String::new()],
            orgmap: |_| gql_with("{ coverage { byBasis { basis count } } }", json!({})),
            // pg-aggregates has no plain count per group: the distinct
            // count of the primary key is its count of rows.
            peer: |_| {
                gql_with(
                    "{ allResponsibilities { groupedAggregates(groupBy: [BASIS]) { keys distinctCount { rowId } } } }",
                    json!({}),
                )
            },
            orgmap_answer: |data| {
                counts(
                    data.get("coverage")?
                        .get("byBasis")?
                        .as_array()?
                        .iter()
                        .map(|b| {
                            Some((
                                b.get("basis")?.as_str()?.to_owned(),
                                b.get("count")?.as_i64()?,
                            ))
                        }),
                )
            },
            peer_answer: |data| {
                let groups = data
                    .get("allResponsibilities")?
                    .get("groupedAggregates")?
                    .as_array()?;
                // BigInt counts come as strings.
                counts(groups.iter().map(|g| {
                    Some((
                        g.get("keys")?.get(0)?.as_str()?.to_owned(),
                        g.get("distinctCount")?
                            .get("rowId")?
                            .as_str()?
                            .parse()
                            .ok()?,
                    ))
                }))
            },
        },
    ])
}

/// The `data` of each checked request's answer, reduced by `reduce`.
async fn answers(
    load: &Load,
    question: &Question,
    body: &dyn Fn(usize) -> String,
    reduce: fn(&Value) -> Option<Value>,
) -> anyhow::Result<Vec<Value>> {
    let mut answers = Vec::with_capacity(question.checked());
    for i in 0..question.checked() {
        let answer = load.post(&body(i)).await?;
        let reduced = answer
            .get("data")
            .filter(|_| answer.get("errors").is_none())
            .and_then(reduce)
            .with_context(|| format!("{}: unexpected answer {answer}", question.name))?;
        answers.push(reduced);
    }
    Ok(answers)
}

/// p50 of [`SEQUENTIAL`] requests one at a time after a warm-up (fewer
/// when they take longer than [`SEQUENTIAL_FOR`]), and the throughput at
/// `connections`, of one server.
async fn measure(
    load: &Load,
    body: &dyn Fn(usize) -> String,
    connections: usize,
) -> (Stats, Stats) {
    // Warm up as `Load::run` does.
    let warm = load.run_until(body, 1);
    tokio::time::sleep(Duration::from_secs_f64((load.seconds / 5.0).min(1.0))).await;
    warm.stop.store(1, std::sync::atomic::Ordering::SeqCst);
    warm.finish().await;
    let mut histogram = new_histogram();
    let mut failures = 0;
    let started = Instant::now();
    for i in 0..SEQUENTIAL {
        if i >= SEQUENTIAL_AT_LEAST && started.elapsed() >= SEQUENTIAL_FOR {
            break;
        }
        let sent = Instant::now();
        match load.post(&body(i)).await {
            Ok(answer) if answer.get("errors").is_none() => {}
            _ => failures += 1,
        }
        histogram
            .record(sent.elapsed().as_micros().max(1) as u64)
            .ok();
    }
    let alone = stats(&histogram, failures, started.elapsed());
    let loaded = load.run(body, connections, load.seconds).await;
    (alone, loaded)
}

/// orgmap's answers and figures, taken while it runs.
pub async fn orgmap_side(
    load: &Load,
    questions: &[Question],
    connections: usize,
) -> anyhow::Result<Vec<Side>> {
    let mut sides = Vec::with_capacity(questions.len());
    for question in questions {
        eprintln!("orgmap, for the peer: {}", question.name);
        let body = |i| question.orgmap_body(i);
        let answers = answers(load, question, &body, question.orgmap_answer).await?;
        let (alone, loaded) = measure(load, &body, connections).await;
        sides.push(Side {
            answers,
            alone,
            loaded,
        });
    }
    Ok(sides)
}

/// The peer's directory: its pinned packages and its server.
fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peer")
}

/// Starts PostGraphile on `url`, asks it the same questions and returns
/// the comparison rows. orgmap must be stopped by then.
pub async fn peer_rows(
    client: &reqwest::Client,
    url: &str,
    listen: &str,
    seconds: f64,
    connections: usize,
    questions: &[Question],
    orgmap: &[Side],
) -> anyhow::Result<Vec<Row>> {
    eprintln!("starting PostGraphile (bench/peer/serve)");
    let mut server = Server(
        Command::new(peer_dir().join("serve"))
            .args([url, listen])
            .stdin(Stdio::null())
            .spawn()
            .context("PostGraphile does not start (bench/peer/serve)")?,
    );
    let base = format!("http://{listen}");
    super::wait_healthy(client, &base, &mut server.0, PEER_START).await?;
    let load = Load {
        client: client.clone(),
        url: format!("{base}/graphql"),
        seconds,
    };
    let mut rows = Vec::new();
    for (question, ours) in questions.iter().zip(orgmap) {
        eprintln!("PostGraphile: {}", question.name);
        let body = |i| question.peer_body(i);
        let theirs = match answers(&load, question, &body, question.peer_answer).await {
            Ok(theirs) => theirs,
            Err(err) => {
                eprintln!("PostGraphile failed: {err:#}");
                rows.push(row(
                    &format!("vs PostGraphile: {}", question.name),
                    format!("**PostGraphile failed**: {}", one_line(&err)),
                    "answers equal",
                    Some(false),
                ));
                continue;
            }
        };
        if let Some(i) = (0..ours.answers.len()).find(|&i| ours.answers.get(i) != theirs.get(i)) {
            eprintln!(
                "ANSWERS DIFFER: {} (request {i})\n  orgmap:       {}\n  PostGraphile: {}",
                question.name, ours.answers[i], theirs[i]
            );
            rows.push(row(
                &format!("vs PostGraphile: {}", question.name),
                format!("**answers differ** (request {i}): see the benchmark's standard error"),
                "answers equal",
                Some(false),
            ));
            continue;
        }
        let compared = compared_items(&ours.answers);
        let (alone, loaded) = measure(&load, &body, connections).await;
        rows.extend(compare(
            question,
            ours,
            &alone,
            &loaded,
            compared,
            connections,
        ));
    }
    Ok(rows)
}

/// The row that says a side could not be asked the questions.
pub fn failed(side: &str, err: &anyhow::Error) -> Row {
    eprintln!("{side} failed the peer's questions: {err:#}");
    row(
        "vs PostGraphile",
        format!("**{side} failed**: {}", one_line(err)),
        "answers equal",
        Some(false),
    )
}

/// An error's chain on one line of a Markdown table.
fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace(['\n', '|'], " ")
}

/// What the equality check compared: organizations or counts, all requests.
fn compared_items(answers: &[Value]) -> usize {
    answers
        .iter()
        .map(|answer| match answer.get("rows") {
            Some(rows) => rows.as_array().map_or(0, Vec::len),
            None => answer.as_array().map_or(1, |a| {
                // A lookup is one organization; counts are one per basis.
                if a.first().is_some_and(Value::is_array) {
                    a.len()
                } else {
                    1
                }
            }),
        })
        .sum()
}

/// The two rows of one question: p50 one at a time, throughput at
/// `connections`, each against the target.
fn compare(
    question: &Question,
    ours: &Side,
    alone: &Stats,
    loaded: &Stats,
    compared: usize,
    connections: usize,
) -> Vec<Row> {
    let name = format!("vs PostGraphile: {}", question.name);
    let p50_ratio = ours.alone.p50_ms / alone.p50_ms;
    let rate_ratio = ours.loaded.throughput / loaded.throughput;
    let clean = ours.alone.failures + ours.loaded.failures + alone.failures + loaded.failures == 0;
    let (limit_text, limit_met) = match question.p50_limit_ms {
        Some(limit) => (format!(", and ≤ {limit} ms"), ours.alone.p50_ms <= limit),
        None => (String::new(), true),
    };
    vec![
        row(
            &name,
            format!(
                "p50 one at a time: orgmap {:.2} ms of {}, PostGraphile {:.2} ms of {}: {p50_ratio:.2} × \
                 (answers equal: {} requests, {compared} items; failed {} and {})",
                ours.alone.p50_ms,
                ours.alone.count,
                alone.p50_ms,
                alone.count,
                ours.answers.len(),
                ours.alone.failures,
                alone.failures,
            ),
            &format!("orgmap p50 ≤ 0.7 × PostGraphile's{limit_text}"),
            Some(clean && p50_ratio <= 0.7 && limit_met),
        ),
        row(
            &name,
            format!(
                "at {connections} connections: orgmap {:.0} req/s, PostGraphile {:.0} req/s: {rate_ratio:.2} × \
                 (failed {} and {})",
                ours.loaded.throughput, loaded.throughput, ours.loaded.failures, loaded.failures,
            ),
            "orgmap req/s ≥ 1.3 × PostGraphile's",
            Some(clean && rate_ratio >= 1.3),
        ),
    ]
}

/// The header lines that say what the peer is and how it is asked.
pub fn describe() -> String {
    // The pinned versions, as the peer's package.json names them.
    let versions = std::fs::read_to_string(peer_dir().join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|package| {
            let dependencies = package.get("dependencies")?.as_object()?;
            Some(
                dependencies
                    .iter()
                    .map(|(name, version)| format!("{name} {}", version.as_str().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .unwrap_or_else(|| "unknown versions".to_owned());
    format!(
        "- peer (rows \"vs PostGraphile\"): PostGraphile 5 as `bench/peer/serve` runs it \
         ([bench/peer/README.md](bench/peer/README.md); {versions}; \
         the Amber preset, relation filters on, production mode, pg's default pool of 10 connections \
         against orgmap's 12), on the same database after orgmap is stopped; it adds nothing to the \
         database and reads its relations from orgmap's foreign keys (the stored responsibility is \
         `responsibility`, one row per organization); the region subtree is a relation filter \
         through `region_closure`\n\
         - each question: its answers compared with orgmap's first ({CHECKED} distinct requests at most, \
         shapes normalised: the same organizations in the same order, the same names and counts; a \
         mismatch fails the row), then p50 of {SEQUENTIAL} sequential requests after a warm-up (or of as many as {} s allow, at least {SEQUENTIAL_AT_LEAST}), and \
         requests/s at the stated connections, one server after the other with the same client\n",
        SEQUENTIAL_FOR.as_secs()
    )
}
