//! The language of a request: the `lang` cookie, else the browser's Accept-Language.

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form,
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{auth::SESSION_USER_KEY, state::AppState};
use crate::domain::Lang;

use crate::domain::lang::COOKIE;

/// The language of a request: the `lang` cookie, else the browser's Accept-Language.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    Lang::of_request(headers)
}

/// `Set-Cookie` remembering the language for a year.
pub fn set_cookie(lang: Lang, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("lang=en; Path=/"))
}

#[derive(Deserialize)]
pub struct SwitchForm {
    lang: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this site, so the switch cannot be turned into an open redirect.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// `POST /lang` from the switcher on every page: remember the choice and go back.
pub async fn switch(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SwitchForm>,
) -> Response {
    let Some(lang) = Lang::parse(&form.lang) else {
        return (
            StatusCode::BAD_REQUEST,
            crate::i18n::t(Lang::En, "error.language_invalid"),
        )
            .into_response();
    };
    if let Ok(Some(user_id)) = session.get::<Uuid>(SESSION_USER_KEY).await {
        if let Err(e) = sqlx::query!(
            "UPDATE users SET language = $1 WHERE id = $2",
            lang.code(),
            user_id
        )
        .execute(&state.pool)
        .await
        {
            tracing::error!(error = %e, "could not save language");
        }
    }
    let mut res = Redirect::to(safe_next(&form.next)).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(lang, state.config.secure_cookies()),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_accept_language() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr-FR"));
        assert_eq!(request_lang(&h), Lang::Fr);
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(request_lang(&h), Lang::En);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/family"), "/family");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
    }
}
