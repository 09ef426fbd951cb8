//! What requests' credentials stood for a moment ago, so that a request
//! need not spend a statement on its own (`http::auth` asks and keeps).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::access::Caller;
use crate::domain::token;

/// How long what a credential stood for is taken as still true. A token
/// created or revoked through this process ends it at once (see
/// [`token::generation`]); one created or revoked by another process (the
/// CLI, another replica) takes effect here within this time.
pub const FRESH: Duration = Duration::from_secs(1);

/// Most credentials remembered at once; past that, all are forgotten.
const REMEMBERED: usize = 1024;

/// The callers that credentials stood for a moment ago, by the SHA-256 of
/// the secret (None: a request without one, while the service is open).
/// Only callers let in are remembered: a refused secret is asked about
/// every time.
#[derive(Default)]
pub struct Remembered {
    callers: Mutex<HashMap<Option<String>, Answer>>,
}

struct Answer {
    at: Instant,
    generation: u64,
    caller: Caller,
}

impl Remembered {
    pub fn recall(&self, credential: &Option<String>) -> Option<Caller> {
        let callers = self.callers.lock().ok()?;
        let answer = callers.get(credential)?;
        (answer.at.elapsed() < FRESH && answer.generation == token::generation())
            .then(|| answer.caller.clone())
    }

    pub fn keep(&self, credential: Option<String>, generation: u64, caller: Caller) {
        let Ok(mut callers) = self.callers.lock() else {
            return;
        };
        if callers.len() >= REMEMBERED {
            callers.clear();
        }
        callers.insert(
            credential,
            Answer {
                at: Instant::now(),
                generation,
                caller,
            },
        );
    }
}
