//! Errors as HTTP answers. Every error answer of the service, whichever
//! route gives it, has one shape: the status, a JSON body
//! `{"errors": [{"message": …, "extensions": {"code": …}}]}` (the shape of a
//! GraphQL error, so a client reads every failure the same way) and, on
//! 401, the `WWW-Authenticate: Bearer` challenge. [`answer`] writes that
//! shape; `impl IntoResponse for Error` gives each domain error its status.
//!
//! An answer is written in the default language and keeps its [`Message`]
//! in the response's extensions; the [`localize`] layer renders it again in
//! the language the request's `Accept-Language` asks for. So an extractor's
//! refusal, which cannot see the request's headers, is localized too.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::Error;
use crate::i18n::{Lang, Message};

/// The content type of an error answer outside GraphQL (which negotiates
/// its own).
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// The body of an answer that is one error.
pub fn body(code: &str, message: &str) -> String {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }).to_string()
}

/// An error answer's text, kept so that [`localize`] can say it again in
/// the request's language.
#[derive(Clone, Debug)]
struct Said {
    code: String,
    message: Message,
}

/// The language a request's `Accept-Language` header asks for (Chinese
/// without one).
pub fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Renders an error answer again in the request's language.
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = lang(request.headers());
    let mut response = next.run(request).await;
    if let Some(said) = response.extensions_mut().remove::<Said>()
        && lang != Lang::default()
    {
        *response.body_mut() = Body::from(body(&said.code, &said.message.render(lang)));
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    response
}

/// An answer that is one error, with its status, code and content type;
/// a 401 carries the challenge that says how to authenticate.
pub fn answer(
    status: StatusCode,
    code: &str,
    message: &Message,
    content_type: HeaderValue,
) -> Response {
    let mut response = (status, body(code, &message.render(Lang::default()))).into_response();
    response.extensions_mut().insert(Said {
        code: code.to_owned(),
        message: message.clone(),
    });
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// The HTTP status of an error.
pub fn status(err: &Error) -> StatusCode {
    match err {
        Error::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `err` as an answer in `content_type`; what the client is not shown is
/// logged.
pub fn respond_as(err: &Error, content_type: HeaderValue) -> Response {
    err.log_hidden();
    answer(status(err), err.code(), &err.public(), content_type)
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        respond_as(&self, JSON)
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use serde_json::Value;

    use super::*;
    use crate::msg;

    async fn parts(err: Error) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = err.into_response();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn an_internal_error_is_500_with_code_internal_and_no_detail() {
        let (status, headers, body) = parts(Error::Internal("disk full".to_owned())).await;

        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        assert_eq!(body["errors"][0]["message"], "内部错误");
        assert!(headers.get(header::WWW_AUTHENTICATE).is_none());
    }

    #[tokio::test]
    async fn an_unauthenticated_error_is_401_with_the_bearer_challenge() {
        let (status, headers, body) = parts(Error::Unauthenticated(msg!("token-invalid"))).await;

        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert_eq!(body["errors"][0]["message"], "令牌无效：令牌不存在或已吊销");
    }
}
