//! Extractors whose every rejection is the API's JSON error body naming the field or parameter:
//! [`JsonBody`] (only `application/json`, bounded in size and time), [`Path`] and [`Query`]
//! (wrapping axum's, which answer plain text).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::{ApiError, FieldError};

/// How long reading a request body may take, from the handler's first read to its last byte;
/// inserted as a request extension by the router ([`crate::ServerLimits::body_read_timeout`])
/// and applied by [`read_body`]. Without it, bodies are read without a limit of time (the
/// request timeout still applies).
#[derive(Debug, Clone, Copy)]
pub struct BodyReadTimeout(pub Duration);

/// JSON body extractor: the content type must be `application/json` (415 otherwise), the body
/// at most the router's size limit (413), read within [`BodyReadTimeout`] (408), and every
/// decoding error names the field (its JSON path) and the problem, as a 400.
pub struct JsonBody<T>(pub T);

/// Whether the request says its body is JSON (`application/json`, optionally with parameters).
fn is_json(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = read_body(req, state).await.map_err(|e| match e {
            BodyError::TimedOut => ApiError::Timeout,
            BodyError::TooLarge => ApiError::PayloadTooLarge,
            BodyError::Unreadable(rule) => ApiError::Malformed(FieldError::new("body", rule)),
        })?;
        decode_json(&bytes).map(JsonBody)
    }
}

/// Why a request body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Not all of it arrived within [`BodyReadTimeout`] (a stalled or trickling client): 408.
    TimedOut,
    /// Longer than the router's size limit: 413.
    TooLarge,
    /// The connection failed or the framing was wrong: 400, with what went wrong.
    Unreadable(String),
}

/// The whole body of `req`, read within [`BodyReadTimeout`] and the router's size limit — the
/// one way every extractor of a body reads it ([`JsonBody`] for the API, the pages' form
/// bodies), so that no body is bounded by the request timeout alone.
pub(crate) async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, BodyError> {
    let timeout = req.extensions().get::<BodyReadTimeout>().map(|t| t.0);
    let read = Bytes::from_request(req, state);
    match timeout {
        Some(limit) => tokio::time::timeout(limit, read)
            .await
            .map_err(|_| BodyError::TimedOut)?,
        None => read.await,
    }
    .map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            BodyError::TooLarge
        } else {
            BodyError::Unreadable(e.body_text())
        }
    })
}

/// Decodes JSON keeping the path of the first error (`applicant.kind`, `items`, …). A body that
/// is not JSON, or a value of the wrong JSON type, is malformed (400); a value of the right type
/// that is not allowed (an unknown code, an impossible date) is invalid (422). A number with a
/// zero fraction (`5.0`) counts as the integer it is, as in JSON Schema.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::Malformed(FieldError::new("body", e.to_string())))?;
    integral_floats(&mut value);
    serde_path_to_error::deserialize(value).map_err(path_error)
}

/// `5.0` → `5` everywhere in a JSON value.
fn integral_floats(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats),
        Value::Object(map) => map.values_mut().for_each(integral_floats),
        _ => {}
    }
}

/// Separates the path of a flattened part's error from its rule (see [`flattened`]); a control
/// character, which no serde message contains.
const FLATTENED_PATH: char = '\u{1f}';

/// Decodes a `#[serde(flatten)]`ed part of a body (`#[serde(flatten, deserialize_with =
/// "crate::extract::flattened")]`) so that an error in it still names its field: serde hands a
/// flattened part its fields without their path (the error would be the whole body's), so the
/// part is decoded on its own and its path carried in the error, which [`path_error`] unpacks.
pub(crate) fn flattened<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize;
    use serde::de::Error;
    let fields = serde_json::Value::deserialize(d)?;
    serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        D::Error::custom(format_args!(
            "{FLATTENED_PATH}{path}{FLATTENED_PATH}{}",
            e.into_inner()
        ))
    })
}

pub(crate) fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let mut path = e.path().to_string();
    let inner = e.into_inner();
    let mut rule = inner.to_string();
    let mut is_data = inner.is_data();
    if let Some((part_path, part_rule)) = rule
        .strip_prefix(FLATTENED_PATH)
        .and_then(|r| r.split_once(FLATTENED_PATH))
    {
        path = match path.as_str() {
            "." | "" => part_path.to_string(),
            outer => format!("{outer}.{part_path}"),
        };
        rule = part_rule.to_string();
        is_data = true;
    }
    let field = if path == "." || path.is_empty() {
        "body".to_string()
    } else {
        path
    };
    let wrong_type = rule.starts_with("invalid type:") || !is_data;
    let error = FieldError::new(field, rule);
    if wrong_type {
        ApiError::Malformed(error)
    } else {
        ApiError::Validation(vec![error])
    }
}

/// Path parameters; an unparsable one (`/report-versions/abc/approve`) is a 400 naming it.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let rule = e.body_text();
                let field = match e.into_kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => key,
                    // A single parameter's error carries no key: the route's one parameter.
                    _ => match axum::extract::RawPathParams::from_request_parts(parts, state).await
                    {
                        Ok(params) if params.iter().count() == 1 => params
                            .iter()
                            .next()
                            .map_or_else(|| "path".to_string(), |(k, _)| k.to_string()),
                        _ => "path".to_string(),
                    },
                };
                Err(ApiError::Malformed(FieldError::new(field, rule)))
            }
            Err(e) => Err(ApiError::Malformed(FieldError::new("path", e.body_text()))),
        }
    }
}

/// Query parameters; an unparsable one (`?limit=x`) is a 400 naming it.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner().to_string();
                // Missing or unknown fields carry no path; the message names them.
                let field = if path == "." || path.is_empty() {
                    "query".to_string()
                } else {
                    path
                };
                ApiError::Malformed(FieldError::new(field, inner))
            })
    }
}
