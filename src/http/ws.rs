//! GraphQL subscriptions over WebSocket at `/graphql`, speaking
//! `graphql-transport-ws`.
//!
//! async-graphql runs the protocol; a guard in front of it enforces what
//! the protocol asks of a server and async-graphql leaves out: a
//! connection that sends no `connection_init` in time is closed with 4408,
//! a `subscribe` before the server's `connection_ack` with 4401, and a
//! `subscribe` whose id is in use with 4409; a `connection_init` without
//! valid credentials (once tokens exist) is closed with 4403.
//!
//! async-graphql-axum's `GraphQLWebSocket` would run the same protocol, but
//! it passes the client's messages straight through with no hook before
//! the protocol sees them, and forwards async-graphql's 1002 as is: none of
//! these close codes would survive, so the guard drives async-graphql's
//! protocol type itself.
//!
//! A quiet connection is pinged every `ping_interval`; one that answers
//! nothing (no pong, no message) within `pong_timeout` is dropped, so a
//! subscriber that vanished without closing does not hold its connection
//! place and its subscriptions for good.
//!
//! The connection's language is the `language` of `connection_init`'s
//! payload (`{"language": "en"}`), else the upgrade's `Accept-Language`;
//! subscription answers and their errors are said in it. The close reasons
//! are the protocol's own words and stay English.

use std::any::TypeId;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use async_graphql::http::{WebSocket as Protocol, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Executor};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::stream::{self, BoxStream};
use futures::{SinkExt, StreamExt};
use sea_orm::DatabaseConnection;

use crate::domain::access::Caller;
use crate::domain::feed::ChangeFeed;
use crate::graphql::Limits;
use crate::graphql::execution::localize;
use crate::graphql::loaders::Loaders;
use crate::graphql::subscription::publishing;
use crate::http::auth;
use crate::http::state::{Access, AppState, Drain};
use crate::i18n::Lang;

/// How long a client has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The one sub-protocol spoken.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Middleware on `/graphql`: a WebSocket upgrade becomes a subscription
/// connection; anything else goes on to the GET and POST handlers.
pub async fn upgrade(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let wants_socket = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !wants_socket {
        return next.run(request).await;
    }
    let (mut parts, _) = request.into_parts();
    // A client that can set headers authenticates on the upgrade; a browser
    // sends its token in `connection_init` instead.
    let known = match <Caller as OptionalFromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    {
        Ok(known) => known,
        Err(refusal) => return refusal.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let access = state.options.access;
    let timing = Timing {
        init: INIT_TIMEOUT,
        ping_interval: state.options.ping_interval,
        pong_timeout: state.options.pong_timeout,
    };
    let drain = state.options.drain.clone();
    let lang = crate::http::error::lang(&parts.headers);
    upgrade.protocols([PROTOCOL]).on_upgrade(move |socket| {
        let connection = Connection {
            db: state.db,
            timing,
            access,
            known,
            lang,
            drain,
        };
        // The errors name the limits the schema was built with.
        let limits = state.schema.data::<Limits>().cloned().unwrap_or_default();
        let feed = state.schema.data::<ChangeFeed>().cloned();
        serve(socket, Localized(state.schema, limits, feed), connection)
    })
}

/// The caller of a connection: the one the upgrade authenticated, else the
/// token in the `connection_init` payload (`{"Authorization": "Bearer …"}`,
/// or `{"token": "…"}`), else the local user when the service is open.
async fn caller_of(
    db: &DatabaseConnection,
    access: Access,
    known: Option<Caller>,
    payload: &serde_json::Value,
) -> crate::error::Result<Caller> {
    if let Some(caller) = known {
        return Ok(caller);
    }
    let given = ["Authorization", "authorization"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(|v| v.as_str()))
        .map(str::to_owned)
        .or_else(|| {
            payload
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        });
    // A credential that no header could carry counts as none.
    let authorization = given.and_then(|g| HeaderValue::from_str(&g).ok());
    auth::caller(db, access, authorization.as_ref()).await
}

/// What each subscription of a connection reads from: its own loaders
/// (batching, no cache), the caller and its scope.
fn connection_data(db: DatabaseConnection, caller: Caller, lang: Lang) -> Data {
    let scope = caller.scope;
    let mut data = Data::default();
    data.insert(lang);
    data.insert(DataLoader::new(Loaders { db, scope }, tokio::spawn));
    data.insert(scope);
    data.insert(caller);
    data
}

/// The clocks of a connection.
#[derive(Clone, Copy)]
pub struct Timing {
    /// How long the client has to send `connection_init`.
    init: Duration,
    /// How often the server pings.
    ping_interval: Duration,
    /// How long the client has to answer a ping.
    pong_timeout: Duration,
}

/// What a connection starts with: the database, the rules of access, the
/// caller the upgrade named and the upgrade's language.
pub struct Connection {
    pub db: DatabaseConnection,
    pub timing: Timing,
    pub access: Access,
    pub known: Option<Caller>,
    pub lang: Lang,
    /// Closes the connection with 1001 when the server drains.
    pub drain: Drain,
}

/// The schema, with the errors of each subscription answer said in the
/// connection's language and a query's or mutation's committed changes
/// published to the change feed (as `graphql::execute` does for a request).
#[derive(Clone)]
pub struct Localized<E>(pub E, pub Limits, pub Option<ChangeFeed>);

impl<E: Executor> Executor for Localized<E> {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        publishing(self.2.as_ref(), self.0.execute(request)).await
    }

    fn execute_stream(
        &self,
        request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let lang = session_data
            .as_ref()
            .and_then(|data| data.get(&TypeId::of::<Lang>()))
            .and_then(|value| value.downcast_ref::<Lang>())
            .copied()
            .unwrap_or_default();
        let limits = self.1.clone();
        let feed = self.2.clone();
        let stream = self.0.execute_stream(request, session_data);
        // A query or mutation answers once: its writes' changes are
        // published after that answer (a subscription writes nothing).
        let first = async move {
            let (first, rest) = publishing(feed.as_ref(), stream.into_future()).await;
            stream::iter(first).chain(rest)
        };
        stream::once(first)
            .flatten()
            .map(move |mut response| {
                for error in &mut response.errors {
                    localize(error, lang, &limits);
                }
                response
            })
            .boxed()
    }
}

/// The language `connection_init`'s payload asks for, else `otherwise`.
fn payload_lang(payload: &serde_json::Value, otherwise: Lang) -> Lang {
    payload
        .get("language")
        .and_then(|v| v.as_str())
        .map(Lang::from_accept_language)
        .unwrap_or(otherwise)
}

/// Serves one connection until either side closes it or the server drains
/// (1001, going away); a `connection_init` without valid credentials is
/// refused (4403).
async fn serve<E: Executor>(socket: WebSocket, executor: E, connection: Connection) {
    let Connection {
        db,
        timing,
        access,
        known,
        lang,
        drain,
    } = connection;
    let (mut sink, mut source) = socket.split();
    let draining = drain.begun();
    tokio::pin!(draining);
    let (to_protocol, from_client) = futures::channel::mpsc::unbounded::<Vec<u8>>();
    let protocol = Protocol::new(executor, from_client, WebSocketProtocols::GraphQLWS)
        .on_connection_init(move |payload| async move {
            let lang = payload_lang(&payload, lang);
            match caller_of(&db, access, known, &payload).await {
                Ok(caller) => Ok(connection_data(db, caller, lang)),
                Err(err) => Err(async_graphql::Error::new(err.public_message(lang))),
            }
        });
    futures::pin_mut!(protocol);
    let mut guard = Guard::default();
    let deadline = tokio::time::sleep(timing.init);
    tokio::pin!(deadline);
    let start = tokio::time::Instant::now() + timing.ping_interval;
    let mut pings = tokio::time::interval_at(start, timing.ping_interval);
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // When the unanswered ping must be answered by; None while none is out.
    let mut pong_due: Option<tokio::time::Instant> = None;
    let close = loop {
        tokio::select! {
            () = &mut deadline, if !guard.initialised => {
                break Some((4408, "Connection initialisation timeout".to_owned()));
            }
            () = &mut draining => {
                break Some((1001, "Server shutting down".to_owned()));
            }
            _ = pings.tick() => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break None;
                }
                pong_due.get_or_insert(tokio::time::Instant::now() + timing.pong_timeout);
            }
            () = sleep_until(pong_due) => {
                tracing::debug!("a subscriber did not answer its ping: dropping it");
                break None;
            }
            incoming = source.next() => match incoming.inspect(|_| pong_due = None) {
                Some(Ok(Message::Text(text))) => {
                    if let Err(refusal) = guard.client(text.as_str()) {
                        break Some(refusal);
                    }
                    if to_protocol.unbounded_send(text.as_bytes().to_vec()).is_err() {
                        break None;
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    break Some((4400, "Messages are JSON text".to_owned()));
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => break None,
            },
            outgoing = protocol.next() => match outgoing {
                Some(WsMessage::Text(text)) => {
                    guard.server(&text);
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break None;
                    }
                }
                // A refused connection_init is 4403 in graphql-transport-ws;
                // async-graphql says 1002.
                Some(WsMessage::Close(1002, reason)) if !guard.acknowledged => {
                    break Some((4403, reason));
                }
                Some(WsMessage::Close(code, reason)) => break Some((code, reason)),
                None => break None,
            },
        }
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
}

/// Sleeps until `due`, or forever when there is none.
async fn sleep_until(due: Option<tokio::time::Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// What the connection has said so far.
#[derive(Default)]
struct Guard {
    initialised: bool,
    acknowledged: bool,
    /// Ids of the subscriptions running.
    running: HashSet<String>,
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

impl Guard {
    /// Checks a client message; Err is the close code and reason.
    fn client(&mut self, text: &str) -> Result<(), (u16, String)> {
        // Malformed messages are async-graphql's to refuse.
        let Ok(message) = serde_json::from_str::<Envelope>(text) else {
            return Ok(());
        };
        match message.kind.as_str() {
            "connection_init" => self.initialised = true,
            "subscribe" => {
                if !self.acknowledged {
                    return Err((4401, "Unauthorized".to_owned()));
                }
                let id = message.id.unwrap_or_default();
                if !self.running.insert(id.clone()) {
                    return Err((4409, format!("Subscriber for {id} already exists")));
                }
                open_subscriptions().increment(1);
            }
            "complete" => {
                if let Some(id) = message.id {
                    self.end(&id);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Notes a server message: the acknowledgement, and subscriptions that ended.
    fn server(&mut self, text: &str) {
        let Ok(message) = serde_json::from_str::<Envelope>(text) else {
            return;
        };
        match message.kind.as_str() {
            "connection_ack" => self.acknowledged = true,
            "complete" | "error" => {
                if let Some(id) = message.id {
                    self.end(&id);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, id: &str) {
        if self.running.remove(id) {
            open_subscriptions().decrement(1);
        }
    }
}

/// The subscriptions a closed connection leaves end with it.
impl Drop for Guard {
    fn drop(&mut self) {
        open_subscriptions().decrement(self.running.len() as f64);
    }
}

/// The gauge of running subscriptions on every connection (`/metrics`).
fn open_subscriptions() -> metrics::Gauge {
    metrics::gauge!("orgmap_subscriptions_open")
}
