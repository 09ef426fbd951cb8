//! The one error type of orgmap. Each variant maps to a GraphQL
//! `extensions.code`; database and internal errors are logged and never
//! shown. What a person reads is a [`Message`], rendered in their language
//! by the boundary that answers them.

use sea_orm::{DbErr, SqlErr};

use crate::i18n::{Lang, Message};
use crate::msg;

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub const NOT_FOUND: &str = "NOT_FOUND";
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const CONFLICT: &str = "CONFLICT";
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const FORBIDDEN: &str = "FORBIDDEN";
pub const INTERNAL: &str = "INTERNAL";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the request names does not exist.
    /// `field` names the input (an identifier, not prose).
    #[error("{field}: {reason}")]
    NotFound { field: String, reason: Message },
    /// The request is malformed or breaks a rule of the domain.
    #[error("{field}: {reason}")]
    InvalidInput { field: String, reason: Message },
    /// The write would clash with data that exists.
    #[error("{0}")]
    Conflict(Message),
    /// No valid credentials came with a request that needs them.
    #[error("{0}")]
    Unauthenticated(Message),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(Message),
    #[error("database error: {0}")]
    Database(DbErr),
    /// A failure of ours outside the database (a spreadsheet that cannot be
    /// written, a handler that panicked); the text is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: Message) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason,
        }
    }

    pub fn not_found(field: impl Into<String>, reason: Message) -> Self {
        Error::NotFound {
            field: field.into(),
            reason,
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => NOT_FOUND,
            Error::InvalidInput { .. } => BAD_USER_INPUT,
            Error::Conflict(_) => CONFLICT,
            Error::Unauthenticated(_) => UNAUTHENTICATED,
            Error::Forbidden(_) => FORBIDDEN,
            Error::Database(_) | Error::Internal(_) => INTERNAL,
        }
    }

    /// The message a client may read, still to be rendered: database
    /// errors, which could carry SQL, and internal errors become "internal
    /// error"; an input error names its field.
    pub fn public(&self) -> Message {
        match self {
            Error::NotFound { field, reason } | Error::InvalidInput { field, reason } => {
                msg!(
                    "error-field",
                    field = field.as_str(),
                    reason = reason.clone()
                )
            }
            Error::Conflict(reason) | Error::Unauthenticated(reason) | Error::Forbidden(reason) => {
                reason.clone()
            }
            Error::Database(_) | Error::Internal(_) => msg!("error-internal"),
        }
    }

    /// [`Error::public`] in `lang`.
    pub fn public_message(&self, lang: Lang) -> String {
        self.public().render(lang)
    }

    /// Logs what the client is not shown: the detail of database and
    /// internal errors. Each boundary that answers a client (GraphQL,
    /// HTTP) calls it once per error it answers.
    pub fn log_hidden(&self) {
        match self {
            Error::Database(err) => tracing::error!(error = %err, "database error"),
            Error::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            _ => {}
        }
    }

    /// True for failures that a retry of the whole transaction can cure:
    /// serialization failures, deadlocks and a busy SQLite database.
    pub fn is_retryable(&self) -> bool {
        if self.is_unique_violation() {
            // The retry reads the row the other writer committed and updates it.
            return true;
        }
        let Error::Database(err) = self else {
            return false;
        };
        let text = err.to_string();
        [
            "40001",
            "40P01",
            "database is locked",
            "SQLITE_BUSY",
            "could not serialize",
        ]
        .iter()
        .any(|needle| text.contains(needle))
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        Error::Database(err)
    }
}

impl Error {
    /// True when a unique index refused the write: another writer got there first.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Database(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
    }

    /// Turns a unique-index refusal that retries did not cure into a CONFLICT.
    pub fn settle(self) -> Self {
        if self.is_unique_violation() {
            Error::Conflict(msg!("error-concurrent-write"))
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_has_code_internal_and_hides_its_detail() {
        let err = Error::Internal("spreadsheet: disk full".to_owned());

        assert_eq!(err.code(), INTERNAL);
        assert_eq!(err.public_message(Lang::En), "internal error");
        assert_eq!(err.public_message(Lang::Zh), "内部错误");
        assert!(!err.is_retryable());
    }
}
