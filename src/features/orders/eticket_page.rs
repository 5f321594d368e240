//! `GET /t/{token}`, the guest's e-ticket page, on its fast path.
//!
//! Every guest of a festival opens their own ticket, most of them once: a cache of whole pages
//! would rarely be hit. What is the same for every guest is the page around the ticket (head,
//! header, menu for a visitor, language switch): it is rendered once per language through the
//! app itself and kept as a frame. A request then reads its ticket from the database (always:
//! a check-in or a refund shows at once), renders only the ticket card (`pages::ETicketCard`,
//! the component the full page renders too) and fills the frame.
//!
//! The fast path is taken for a plain visit: GET without a query string and without a session
//! (a signed-in visitor's menu is theirs). Anything else, and an unknown ticket, is rendered by
//! the app as every other page.

use std::{future::Future, pin::Pin, sync::Arc};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use leptos::{prelude::*, tachys::view::RenderHtml};
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::{etickets, pages::ETicketCard, ETicketView};
use crate::{
    domain::{lang::cookie_value, Lang},
    platform::{
        auth::{no_session, SESSION_COOKIE},
        mail_html::esc,
        state::AppState,
    },
    ui::{page_csp, UiLang},
};

/// The app's own page renderer (Leptos, with the app's context), for what the fast path does
/// not serve and for the frames.
pub type RenderPage =
    Arc<dyn Fn(Request) -> Pin<Box<dyn Future<Output = Response> + Send>> + Send + Sync>;

/// Where the frame's token goes: a token-shaped word no real token can be (not hex), so the
/// page renders for it as for an unknown ticket, around which the frame is cut.
const FRAME_TOKEN: &str = "tessera-frame-token";
const MAIN_OPEN: &str = "<main id=\"main\">";
const MAIN_CLOSE: &str = "</main>";
const HTML_CLOSE: &str = "</html>";

/// The page around the ticket card, cut where the token of the address goes (the language
/// switch sends the visitor back to it) and where the card goes.
#[derive(Debug, PartialEq)]
struct Frame {
    /// Pieces between which the token goes; the card goes after `head`'s last piece.
    head: Vec<String>,
    tail: Vec<String>,
}

impl Frame {
    /// Cuts a page rendered for `FRAME_TOKEN`; `None` if it is not the page expected.
    fn cut(page: &str) -> Option<Self> {
        let open = page.find(MAIN_OPEN)? + MAIN_OPEN.len();
        let close = page.rfind(MAIN_CLOSE)?;
        // What Leptos appends after the document (its resources, for hydration) is left out:
        // this page is not hydrated, and those scripts were the frame's.
        let end = page.rfind(HTML_CLOSE)? + HTML_CLOSE.len();
        if close < open || end < close {
            return None;
        }
        let split = |s: &str| s.split(FRAME_TOKEN).map(str::to_string).collect::<Vec<_>>();
        Some(Self {
            head: split(&page[..open]),
            tail: split(&page[close..end]),
        })
    }

    fn fill(&self, token: &str, card: &str) -> String {
        let token = esc(token);
        let size = self
            .head
            .iter()
            .chain(&self.tail)
            .map(String::len)
            .sum::<usize>();
        let mut out = String::with_capacity(size + card.len() + 4 * token.len());
        join(&mut out, &self.head, &token);
        out.push_str(card);
        join(&mut out, &self.tail, &token);
        out
    }
}

/// The pieces with the token between each two.
fn join(out: &mut String, pieces: &[String], token: &str) {
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(token);
        }
        out.push_str(p);
    }
}

/// The frames, rendered on first use, one per language.
#[derive(Default)]
pub struct Frames {
    en: OnceCell<Frame>,
    fr: OnceCell<Frame>,
}

impl Frames {
    async fn get(&self, lang: Lang, render: &RenderPage, pool: &PgPool) -> Option<&Frame> {
        let cell = match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        };
        cell.get_or_try_init(|| frame(lang, render, pool))
            .await
            .ok()
    }
}

/// Renders the page for `FRAME_TOKEN` in `lang` and cuts it.
async fn frame(lang: Lang, render: &RenderPage, pool: &PgPool) -> Result<Frame, ()> {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(format!("/t/{FRAME_TOKEN}"))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("lang={}", lang.code()))
        .body(Body::empty())
        .map_err(|_| ())?;
    req.extensions_mut().insert(no_session(pool));
    let res = render(req).await;
    let bytes = axum::body::to_bytes(res.into_body(), 4 << 20)
        .await
        .map_err(|e| tracing::error!(error = %e, "could not render the e-ticket frame"))?;
    let page = String::from_utf8(bytes.to_vec()).map_err(|_| ())?;
    Frame::cut(&page).ok_or_else(|| tracing::error!("the e-ticket frame has no <main>"))
}

pub fn routes(render: RenderPage) -> Router<AppState> {
    Router::new()
        .route("/t/{token}", get(page))
        .layer(Extension(render))
        .layer(Extension(Arc::new(Frames::default())))
}

/// A plain visit: no query string, no session.
fn plain(req: &Request) -> bool {
    req.uri().query().is_none() && cookie_value(req.headers(), SESSION_COOKIE).is_none()
}

#[tracing::instrument(skip_all)]
async fn page(
    State(state): State<AppState>,
    Extension(render): Extension<RenderPage>,
    Extension(frames): Extension<Arc<Frames>>,
    req: Request,
) -> Response {
    if !plain(&req) {
        return render(req).await;
    }
    let token = req
        .uri()
        .path()
        .strip_prefix("/t/")
        .unwrap_or_default()
        .to_string();
    let lang = Lang::of_request(req.headers());
    let view = match etickets::find(&state.pool, &state.config, &token).await {
        Ok(v) => v,
        // Unknown (the app's page says so) or the database failing (its error page).
        Err(_) => return render(req).await,
    };
    let Some(frame) = frames.get(lang, &render, &state.pool).await else {
        return render(req).await;
    };
    let view = match etickets::with_qr_svg(view) {
        Ok(v) => v,
        Err(_) => return render(req).await,
    };
    let page = frame.fill(&token, &card(lang, view));
    let csp = page_csp(&leptos::nonce::Nonce::new().to_string());
    let mut res = (StatusCode::OK, page).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// The ticket card alone, in `lang`.
fn card(lang: Lang, t: ETicketView) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(UiLang(lang));
        view! { <ETicketCard t/> }.to_html()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_cut_around_main_and_filled_with_the_token_and_card() {
        let page = format!(
            "<html><head><title>T</title></head><body><form><input name=\"next\" value=\"/t/{FRAME_TOKEN}\"></form>\
             <main id=\"main\"><section>not found</section></main><footer>/t/{FRAME_TOKEN}</footer></body></html><script>x</script>"
        );
        let frame = Frame::cut(&page).unwrap();
        let out = frame.fill("abc", "<article>card</article>");
        assert_eq!(
            out,
            "<html><head><title>T</title></head><body><form><input name=\"next\" value=\"/t/abc\"></form>\
             <main id=\"main\"><article>card</article></main><footer>/t/abc</footer></body></html>"
        );
        assert_eq!(frame.fill("a\"<b", "").matches("a&quot;&lt;b").count(), 2);
        assert!(Frame::cut("<html><body>no main</body></html>").is_none());
    }
}
