//! Request ids and the access log: the id a response carries (the client's
//! when sane, else a new one), one access line per request with its span,
//! and quiet command-line tools.

use std::io::{Read, Write};
use std::process::Command;

use axum::body::Body;
use axum::http::Request;
use serde_json::Value;

use crate::helpers::{TestApp, send};
use crate::probes::{serve_binary, sqlite_in, terminate};

async fn id_of_answer(app: &TestApp, given: Option<&[u8]>) -> String {
    let mut request = Request::get("/livez");
    if let Some(given) = given {
        request = request.header("x-request-id", given);
    }
    let reply = send(app.router(), request.body(Body::empty()).unwrap()).await;
    reply.headers["x-request-id"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_response_carries_the_clients_request_id_when_sane_else_a_new_one() {
    let app = TestApp::spawn().await;

    assert_eq!(
        id_of_answer(&app, Some(b"trace-42.a_b")).await,
        "trace-42.a_b"
    );
    let generated = id_of_answer(&app, None).await;
    assert_eq!(generated.len(), 36, "{generated}");
    assert_ne!(generated, id_of_answer(&app, None).await, "ids are fresh");
    for insane in [&b"two words"[..], &[b'x'; 129]] {
        let answered = id_of_answer(&app, Some(insane)).await;
        assert_eq!(answered.len(), 36, "{insane:?} is replaced, not {answered}");
    }
}

#[test]
fn the_json_access_line_names_the_request_id_operation_status_and_duration() {
    let dir = tempfile::tempdir().unwrap();
    let (server, listen) = serve_binary(&dir, &["--log-format", "json"]);
    let body = r#"{"query":"query Regions { regions(first: 1) { totalCount } }","operationName":"Regions"}"#;
    let mut stream = std::net::TcpStream::connect(&listen).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-request-id: logged-1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let (_, stderr) = terminate(server);

    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let access = lines
        .iter()
        .find(|line| line["fields"]["message"] == "access" && line["span"]["id"] == "logged-1")
        .unwrap_or_else(|| panic!("no access line for logged-1 in {stderr}"));
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["fields"]["status"], 200);
    assert!(access["fields"]["duration_ms"].is_number(), "{access}");
    assert_eq!(access["span"]["method"], "POST");
    assert_eq!(access["span"]["path"], "/graphql");
    assert_eq!(access["span"]["operation"], "Regions");
    assert_eq!(access["span"]["token"], "local");
}

#[test]
fn a_command_other_than_serve_prints_no_info_lines_of_its_libraries() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_in(&dir);
    let export = Command::new(env!("CARGO_BIN_EXE_orgmap"))
        .args(["export", "--entity", "categories", "--database-url", &url])
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(export.status.success(), "{stderr}");

    assert!(!stderr.contains("sea_orm"), "{stderr}");
}
