//! The error that server functions return: expected refusals the page can show next to a field,
//! and the few infrastructure failures, with their HTTP status decided in one place.

use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// What the user typed, sent back so a page rendered without JavaScript can refill the form.
/// Secrets (passwords, tokens) are never put in here.
pub type Echo = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A field or the whole form was refused; `key` is a translation key.
    #[error("invalid input: {key}")]
    Invalid {
        field: Option<String>,
        key: String,
        echo: Echo,
        status: u16,
        /// The other fields refused by the same submission, `(field, key)`: a form shows
        /// every refusal at once.
        #[serde(default)]
        also: Vec<(String, String)>,
    },
    #[error("login required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The request itself was malformed (wrong encoding, missing arguments).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Logged on the server with its cause; the user sees a generic message.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn field(field: &str, key: &str, echo: Echo) -> Self {
        Self::Invalid {
            field: Some(field.into()),
            key: key.into(),
            echo,
            status: 422,
            also: Vec::new(),
        }
    }

    pub fn form(key: &str, echo: Echo, status: u16) -> Self {
        Self::Invalid {
            field: None,
            key: key.into(),
            echo,
            status,
            also: Vec::new(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { status, .. } => *status,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::BadRequest(_) => 400,
            Self::Internal => 500,
        }
    }

    /// The translation key of the message to show.
    pub fn message_key(&self) -> &str {
        match self {
            Self::Invalid { key, .. } => key,
            Self::Unauthorized => "error.login_required",
            Self::Forbidden => "error.forbidden",
            Self::NotFound => "error.not_found",
            Self::BadRequest(_) => "error.bad_request",
            Self::Internal => "error.internal",
        }
    }

    /// The message for `field`, if this error concerns it.
    pub fn for_field(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid {
                field: Some(f),
                key,
                ..
            } if f == name => Some(key),
            Self::Invalid { also, .. } => also
                .iter()
                .find(|(f, _)| f == name)
                .map(|(_, k)| k.as_str()),
            _ => None,
        }
    }

    /// A message that concerns no single field.
    pub fn general(&self) -> Option<&str> {
        match self {
            Self::Invalid { field: Some(_), .. } => None,
            other => Some(other.message_key()),
        }
    }

    pub fn echoed(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid { echo, .. } => echo
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Checks every field of a form before refusing it, so the user sees all that is wrong at once
/// rather than one field per submission.
pub struct Checks {
    refused: Vec<(String, String)>,
    echo: Echo,
}

impl Checks {
    pub fn new(echo: &Echo) -> Self {
        Self {
            refused: Vec::new(),
            echo: echo.clone(),
        }
    }

    /// The parsed value, or `None` with the refusal noted against `field`.
    pub fn field<T>(&mut self, field: &str, parsed: Result<T, &'static str>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(key) => {
                self.refused.push((field.into(), key.into()));
                None
            }
        }
    }

    /// Notes a refusal found by other means (a rule between fields, a lookup).
    pub fn refuse(&mut self, field: &str, key: &str) {
        self.refused.push((field.into(), key.into()));
    }

    /// The refusal of the whole form, if any field was refused.
    pub fn finish(self) -> Result<(), AppError> {
        let mut refused = self.refused.into_iter();
        match refused.next() {
            None => Ok(()),
            Some((field, key)) => Err(AppError::Invalid {
                field: Some(field),
                key,
                echo: self.echo,
                status: 422,
                also: refused.collect(),
            }),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => Self::BadRequest(m),
            ServerFnErrorErr::UnsupportedRequestMethod(m) => Self::BadRequest(m),
            other => {
                tracing::error!(error = %other, "server function transport failure");
                Self::Internal
            }
        };
        // Runs inside the request on the server: make the response status tell the truth.
        #[cfg(feature = "ssr")]
        set_status(&err);
        err
    }
}

/// The status of an error response, unless the caller is a plain HTML form: that one gets the
/// redirect back to its page (with the error in the URL), which a 4xx would stop the browser from following.
#[cfg(feature = "ssr")]
pub fn set_status(err: &AppError) {
    let from_form = leptos::prelude::use_context::<http::request::Parts>()
        // Pages keep their status; only a server-function call from a plain form is redirected.
        .filter(|p| p.uri.path().starts_with("/fn/"))
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|a| a.contains("text/html"))
        })
        .unwrap_or(false);
    if from_form {
        return;
    }
    if let (Some(opts), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(err.status()),
    ) {
        opts.set_status(code);
    }
}
