//! The Subscription root: `responsibilityChanged`, fed by the change feed
//! (see [`crate::domain::feed`]), and what ties the feed to requests:
//! [`publishing`], which publishes each request's committed changes, and on
//! PostgreSQL a listener that brings other replicas' changes in.

use std::time::Duration;

use async_graphql::{Context, Subscription as SubscriptionDerive};
use futures::{Stream, StreamExt, stream};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::error::RecvError;

use super::context::{db, scope};
use super::error::ApiError;
use super::types::Organization;
use crate::domain::feed::{self, CHANNEL, ChangeFeed};
use crate::domain::{organization, region};

#[derive(Default)]
pub struct Subscription;

#[SubscriptionDerive]
impl Subscription {
    /// Each organization located in this region's subtree whose
    /// responsibility changed, sent after the change commits (from any
    /// replica), with its responsibility as it is now.
    async fn responsibility_changed(
        &self,
        ctx: &Context<'_>,
        region_code: String,
    ) -> async_graphql::Result<impl Stream<Item = Organization> + use<>> {
        let db = db(ctx)?.clone();
        let root = region::require(&db, &scope(ctx), "regionCode", &region_code)
            .await
            .map_err(ApiError::from)?
            .id;
        let receiver = ctx
            .data::<ChangeFeed>()
            .map_err(ApiError::from)?
            .subscribe();
        let batches = stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(ids) => return Some((ids, receiver)),
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "a subscriber fell behind the change feed");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(batches
            .then(move |ids| {
                let db = db.clone();
                async move {
                    match organization::changed_in_subtree(&db, root, &ids).await {
                        Ok(rows) => rows.into_iter().map(Organization).collect(),
                        Err(err) => {
                            tracing::error!(error = %err, "cannot load changed organizations");
                            Vec::new()
                        }
                    }
                }
            })
            .flat_map(stream::iter))
    }
}

/// Runs one request's work and then publishes the changes its writes
/// committed to this process's subscribers. `graphql::execute` and the
/// WebSocket driver call it around the schema, rather than a schema
/// extension: any extension makes async-graphql wrap every field's
/// resolution in its hooks (a registry lookup, boxed futures and a context
/// per field), which cost a lookup more than the lookup's own statement.
pub async fn publishing<F: Future>(feed: Option<&ChangeFeed>, work: F) -> F::Output {
    let Some(feed) = feed else {
        return work.await;
    };
    let (output, changed) = feed::capture(feed, work).await;
    feed.publish(changed);
    output
}

/// On PostgreSQL, listens for the changes other replicas commit and hands
/// them to this process's subscribers, reconnecting when the connection
/// drops. Nothing on SQLite, where one process owns the database.
pub fn listen(db: &DatabaseConnection, feed: &ChangeFeed) {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    let feed = feed.clone();
    tokio::spawn(async move {
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let listened = async {
                let schema: String = sea_orm::sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(&pool)
                    .await?;
                let mut listener = PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                loop {
                    let notification = listener.recv().await?;
                    feed.receive(notification.payload(), &schema);
                }
                #[allow(unreachable_code)]
                Ok::<(), sea_orm::sqlx::Error>(())
            }
            .await;
            if let Err(err) = listened {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %err, "change feed listener lost its connection; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    });
}
