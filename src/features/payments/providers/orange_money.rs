//! Orange Money Web Payment, as Orange's developer portal publishes it.
//!
//! - `POST /oauth/v3/token` (`grant_type=client_credentials`, Basic client id and secret): a
//!   bearer token, kept until a minute before it expires.
//! - `POST /orange-money-webpay/{country}/v1/webpayment` with the merchant key, our order id,
//!   the amount and the return, cancel and notification addresses: `pay_token`, `payment_url`
//!   (where the payer confirms with their PIN) and `notif_token`.
//! - The notification Orange posts to `notif_url` carries only `status`, `notif_token` and
//!   `txnid`, unsigned: it is authenticated by the `notif_token` stored for that payment, and
//!   what it says is re-read with `POST …/transactionstatus` (`INITIATED`, `PENDING`,
//!   `EXPIRED`, `SUCCESS`, `FAILED`) before anything is settled.
//!
//! `OrangeMoney` is the provider: the payer confirms on Orange's page (`payment_url`) and comes
//! back to the waiting page; the `notif_token` is kept encrypted with the payment; the poller
//! reads the status back, and a notification only makes it look now.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    operator_accounts,
    wire::{answer, Clients, TokenAnswer, TokenCache},
    Checkout, CheckoutRequest, Open, Provider, ProviderError, RefundRequest, Verdict,
};
pub use crate::platform::config::OrangeConfig;
use crate::platform::{fulfil::BoxFuture, state::AppState};

/// Whether two tokens are equal, compared by their SHA-256 digests: how long the comparison
/// takes tells a guesser nothing about how much of the token they guessed.
fn equal(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrangeError {
    /// Network failure, timeout or 5xx: asked again later.
    #[error("Orange Money could not be reached: {0}")]
    Unreachable(String),
    #[error("Orange Money refused the credentials")]
    Credentials,
    #[error("Orange Money refused: {0}")]
    Refused(String),
}

/// A payment page opened at Orange.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WebPayment {
    pub pay_token: String,
    pub payment_url: String,
    pub notif_token: String,
}

/// Where a web payment stands.
#[derive(Debug, Clone, PartialEq)]
pub enum OrangeStatus {
    /// `INITIATED` or `PENDING`: the payer has not confirmed yet.
    Waiting,
    Success {
        txnid: String,
    },
    Failed,
    Expired,
}

/// What a notification says, once its `notif_token` matched the stored one.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub status: String,
    pub txnid: String,
}

/// Why a notification was refused (logged; nothing changes).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotificationError {
    #[error("the notification is not JSON with status and notif_token")]
    Malformed,
    #[error("the notif_token is not the one stored for this payment")]
    Forged,
}

/// Checks a notification against the `notif_token` stored when the payment was opened.
pub fn authenticate(
    stored_notif_token: &str,
    body: &[u8],
) -> Result<Notification, NotificationError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| NotificationError::Malformed)?;
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    let (Some(status), Some(token)) = (text("status"), text("notif_token")) else {
        return Err(NotificationError::Malformed);
    };
    if stored_notif_token.is_empty() || !equal(token, stored_notif_token) {
        return Err(NotificationError::Forged);
    }
    Ok(Notification {
        status: status.to_string(),
        txnid: text("txnid").unwrap_or_default().to_string(),
    })
}

pub struct OrangeClient {
    http: reqwest::Client,
    config: OrangeConfig,
    token: TokenCache,
}

fn unreachable(e: reqwest::Error) -> OrangeError {
    OrangeError::Unreachable(e.to_string())
}

async fn json_answer<T: serde::de::DeserializeOwned>(
    req: reqwest::RequestBuilder,
    what: &str,
) -> Result<T, OrangeError> {
    let (status, body) = answer(req).await.map_err(unreachable)?;
    match status.as_u16() {
        200..=299 => serde_json::from_str(&body)
            .map_err(|e| OrangeError::Unreachable(format!("{what} answer: {e}"))),
        401 | 403 => Err(OrangeError::Credentials),
        429 | 500.. => Err(OrangeError::Unreachable(format!("{status}: {body}"))),
        _ => Err(OrangeError::Refused(format!("{status}: {body}"))),
    }
}

impl OrangeClient {
    pub fn new(http: reqwest::Client, config: OrangeConfig) -> Self {
        OrangeClient {
            http,
            config,
            token: TokenCache::default(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    fn webpay(&self, what: &str) -> String {
        self.url(&format!(
            "/orange-money-webpay/{}/v1/{what}",
            self.config.country
        ))
    }

    pub async fn token(&self) -> Result<String, OrangeError> {
        let req = self
            .http
            .post(self.url("/oauth/v3/token"))
            .basic_auth(
                &self.config.client_id,
                Some(self.config.client_secret.expose()),
            )
            .form(&[("grant_type", "client_credentials")]);
        self.token
            .get(|| json_answer::<TokenAnswer>(req, "token"))
            .await
    }

    /// Opens Orange's payment page for `order_id` (ours, unique per attempt).
    #[allow(clippy::too_many_arguments)]
    pub async fn web_payment(
        &self,
        order_id: &str,
        amount: i64,
        return_url: &str,
        cancel_url: &str,
        notif_url: &str,
        lang: &str,
        reference: &str,
    ) -> Result<WebPayment, OrangeError> {
        let token = self.token().await?;
        let req = self
            .http
            .post(self.webpay("webpayment"))
            .bearer_auth(token)
            .json(&json!({
                "merchant_key": self.config.merchant_key.expose(),
                "currency": self.config.currency,
                "order_id": order_id,
                "amount": amount,
                "return_url": return_url,
                "cancel_url": cancel_url,
                "notif_url": notif_url,
                "lang": lang,
                "reference": reference,
            }));
        json_answer(req, "webpayment").await
    }

    /// Where the web payment stands, as Orange says when asked (never as a notification says).
    pub async fn transaction_status(
        &self,
        order_id: &str,
        amount: i64,
        pay_token: &str,
    ) -> Result<OrangeStatus, OrangeError> {
        let token = self.token().await?;
        let req = self
            .http
            .post(self.webpay("transactionstatus"))
            .bearer_auth(token)
            .json(&json!({ "order_id": order_id, "amount": amount, "pay_token": pay_token }));
        let v: Value = json_answer(req, "transactionstatus").await?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
        Ok(match text("status") {
            "SUCCESS" => OrangeStatus::Success {
                txnid: text("txnid").to_string(),
            },
            "FAILED" => OrangeStatus::Failed,
            "EXPIRED" => OrangeStatus::Expired,
            _ => OrangeStatus::Waiting,
        })
    }
}

impl From<OrangeError> for ProviderError {
    fn from(e: OrangeError) -> Self {
        match e {
            OrangeError::Unreachable(why) => ProviderError::Unreachable(why),
            OrangeError::Credentials => {
                ProviderError::Disconnected("Orange refused the credentials".into())
            }
            OrangeError::Refused(why) => ProviderError::Refused(why),
        }
    }
}

/// One client per Orange account, so its token is asked for once, not per call: the
/// organiser's own account when the payment names one, else the site's.
async fn client(
    state: &AppState,
    account: Option<Uuid>,
) -> Result<Arc<OrangeClient>, ProviderError> {
    static CLIENTS: Clients<OrangeClient> = Clients::new();
    let (config, key) = match account {
        Some(id) => {
            let a = operator_accounts::load(state, id).await?;
            let config = a.orange(state).ok_or(ProviderError::NotConfigured)?;
            (config, a.cache_key())
        }
        None => {
            let config = state
                .config
                .mobile_money
                .orange
                .clone()
                .ok_or(ProviderError::NotConfigured)?;
            let key = format!(
                "{}|{}|{}",
                config.api_base, config.client_id, config.country
            );
            (config, key)
        }
    };
    Ok(CLIENTS.get(key, || OrangeClient::new(state.http.clone(), config)))
}

/// Whether Orange takes `config`'s credentials: a token is asked for with them, by a fresh
/// client.
pub async fn check_credentials(
    state: &AppState,
    config: OrangeConfig,
) -> Result<(), ProviderError> {
    OrangeClient::new(state.http.clone(), config)
        .token()
        .await
        .map(|_| ())
        .map_err(Into::into)
}

/// Where Orange posts the notification of the payment `reference`.
pub fn notif_url(state: &AppState, reference: &str) -> String {
    format!(
        "{}/api/payments/orange/notify/{reference}",
        state.config.base_url
    )
}

/// Orange Money Web Payment as a provider.
pub struct OrangeMoney;

impl Provider for OrangeMoney {
    fn name(&self) -> &'static str {
        "orange_money"
    }

    /// Opens Orange's payment page; its `notif_token` is kept, encrypted, with the payment.
    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            let client = client(state, req.account).await?;
            if !req.currency.eq_ignore_ascii_case(&client.config.currency) {
                return Err(ProviderError::Refused("INVALID_CURRENCY".into()));
            }
            let opened = client
                .web_payment(
                    req.reference,
                    req.amount,
                    req.success_url,
                    req.cancel_url,
                    &notif_url(state, req.reference),
                    req.lang,
                    "Tessera",
                )
                .await?;
            sqlx::query!(
                "UPDATE payments SET notif_token = $2 WHERE id = $1",
                req.payment_id,
                state.sealer.seal(&opened.notif_token)
            )
            .execute(&state.pool)
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
            Ok(Checkout {
                redirect_url: opened.payment_url,
                provider_ref: opened.pay_token,
            })
        })
    }

    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            let client = client(state, p.account).await?;
            let lapsed = sqlx::query_scalar!(
                r#"SELECT COALESCE(expires_at < now() - interval '30 seconds', false) AS "lapsed!"
                   FROM payments WHERE id = $1"#,
                p.id
            )
            .fetch_one(&state.pool)
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
            Ok(
                match client
                    .transaction_status(&p.reference, p.amount, &p.provider_ref)
                    .await?
                {
                    // Orange answers for the amount it was asked about: a success is that
                    // amount, in the account's currency.
                    OrangeStatus::Success { txnid } => Verdict::Paid {
                        amount: p.amount,
                        currency: client.config.currency.clone(),
                        transaction: (!txnid.is_empty()).then_some(txnid),
                    },
                    OrangeStatus::Failed => Verdict::Failed {
                        reason: "REJECTED".into(),
                    },
                    OrangeStatus::Expired => Verdict::Failed {
                        reason: "EXPIRED".into(),
                    },
                    OrangeStatus::Waiting if lapsed => Verdict::Failed {
                        reason: "EXPIRED".into(),
                    },
                    OrangeStatus::Waiting => Verdict::Open,
                },
            )
        })
    }

    /// Web Payment takes money in; Tessera does not pay out through Orange.
    fn refund<'a>(
        &'a self,
        _state: &'a AppState,
        _r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async {
            Err(ProviderError::Refused(
                "Orange Money payments are not refunded through Orange here".into(),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    //! A stand-in for Orange's Web Payment API speaking its wire format.

    use std::{
        collections::HashMap,
        sync::{Arc, Mutex as StdMutex},
    };

    use axum::{
        extract::State,
        http::{HeaderMap, StatusCode},
        routing::post,
        Form, Json, Router,
    };

    use super::*;
    use crate::platform::config::Secret;

    #[derive(Default)]
    struct Fake {
        /// pay_token → (order_id, amount, status)
        payments: StdMutex<HashMap<String, (String, i64, &'static str)>>,
    }

    async fn token(
        h: HeaderMap,
        Form(f): Form<HashMap<String, String>>,
    ) -> (StatusCode, Json<Value>) {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode("client:secret");
        let auth = h
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth != format!("Basic {basic}")
            || f.get("grant_type").map(String::as_str) != Some("client_credentials")
        {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client"})),
            );
        }
        (
            StatusCode::OK,
            Json(
                json!({"token_type": "Bearer", "access_token": "om-token", "expires_in": 7776000}),
            ),
        )
    }

    async fn webpayment(
        State(fake): State<Arc<Fake>>,
        Json(b): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        if b["merchant_key"] != "mk" || b["currency"] != "OUV" || !b["amount"].is_i64() {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": 1, "message": "Invalid"})),
            );
        }
        let pay_token = format!("pt-{}", b["order_id"].as_str().unwrap_or_default());
        let amount = b["amount"].as_i64().unwrap_or_default();
        let status = if amount == 13 { "FAILED" } else { "SUCCESS" };
        fake.payments.lock().unwrap().insert(
            pay_token.clone(),
            (
                b["order_id"].as_str().unwrap_or_default().to_string(),
                amount,
                status,
            ),
        );
        (
            StatusCode::CREATED,
            Json(json!({
                "status": 201, "message": "OK", "pay_token": pay_token,
                "payment_url": format!("https://webpayment-qualif.orange-money.com/payment/pay_token/{pay_token}"),
                "notif_token": "nt-secret",
            })),
        )
    }

    async fn status(
        State(fake): State<Arc<Fake>>,
        Json(b): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        let payments = fake.payments.lock().unwrap();
        match payments.get(b["pay_token"].as_str().unwrap_or_default()) {
            Some((order, amount, status))
                if b["order_id"] == order.as_str() && b["amount"] == *amount =>
            {
                (
                    StatusCode::CREATED,
                    Json(
                        json!({"status": status, "order_id": order, "txnid": "MP201206.1234.A12345"}),
                    ),
                )
            }
            _ => (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": 1, "message": "Unknown"})),
            ),
        }
    }

    async fn start() -> String {
        let fake = Arc::new(Fake::default());
        let app = Router::new()
            .route("/oauth/v3/token", post(token))
            .route("/orange-money-webpay/dev/v1/webpayment", post(webpayment))
            .route(
                "/orange-money-webpay/dev/v1/transactionstatus",
                post(status),
            )
            .with_state(fake);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    fn client(base: &str, secret: &str) -> OrangeClient {
        OrangeClient::new(
            reqwest::Client::new(),
            OrangeConfig {
                api_base: base.into(),
                client_id: "client".into(),
                client_secret: Secret::new(secret),
                merchant_key: Secret::new("mk"),
                country: "dev".into(),
                currency: "OUV".into(),
                sandbox: false,
            },
        )
    }

    async fn open(om: &OrangeClient, order: &str, amount: i64) -> WebPayment {
        om.web_payment(
            order,
            amount,
            "https://t.example/orders/ORD-1",
            "https://t.example/orders/ORD-1?cancel=1",
            "https://t.example/api/payments/orange/notify",
            "fr",
            "Tessera",
        )
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_web_payment_is_opened_and_its_outcome_read_back() {
        let base = start().await;
        let om = client(&base, "secret");
        let wp = open(&om, "PAY-2026-000001-1", 15000).await;
        assert!(wp.payment_url.contains(&wp.pay_token));
        assert_eq!(wp.notif_token, "nt-secret");
        assert_eq!(
            om.transaction_status("PAY-2026-000001-1", 15000, &wp.pay_token)
                .await
                .unwrap(),
            OrangeStatus::Success {
                txnid: "MP201206.1234.A12345".into()
            }
        );
        let failed = open(&om, "PAY-2026-000002-1", 13).await;
        assert_eq!(
            om.transaction_status("PAY-2026-000002-1", 13, &failed.pay_token)
                .await
                .unwrap(),
            OrangeStatus::Failed
        );
        assert!(matches!(
            om.transaction_status("PAY-2026-000002-1", 99, &failed.pay_token)
                .await
                .unwrap_err(),
            OrangeError::Refused(_)
        ));
        assert_eq!(
            client(&base, "wrong").token().await.unwrap_err(),
            OrangeError::Credentials
        );
    }

    #[test]
    fn a_notification_counts_only_with_the_stored_notif_token() {
        let ok = br#"{"status":"SUCCESS","notif_token":"nt-secret","txnid":"MP1"}"#;
        assert_eq!(
            authenticate("nt-secret", ok),
            Ok(Notification {
                status: "SUCCESS".into(),
                txnid: "MP1".into()
            })
        );
        let forged = br#"{"status":"SUCCESS","notif_token":"nt-guess","txnid":"MP1"}"#;
        assert_eq!(
            authenticate("nt-secret", forged),
            Err(NotificationError::Forged)
        );
        assert_eq!(authenticate("", ok), Err(NotificationError::Forged));
        assert_eq!(
            authenticate("nt-secret", b"status=SUCCESS"),
            Err(NotificationError::Malformed)
        );
        assert_eq!(
            authenticate("nt-secret", br#"{"status":"SUCCESS"}"#),
            Err(NotificationError::Malformed)
        );
    }
}
