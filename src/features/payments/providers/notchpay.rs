//! Notch Pay, the aggregator for organisers without their own MTN or Orange contract: one
//! merchant account takes MTN Mobile Money and Orange Money in Cameroon (and cards), it
//! settles in XAF, its API is plain JSON with a signed webhook, and it asks for no operator
//! agreement of its own — which is why it was chosen over Campay (a webhook signed as a JWT
//! in the query string) and CinetPay (a token computed from a fixed list of form fields).
//!
//! - `POST /payments` (`Authorization: <public key>`): `{amount, currency, customer,
//!   reference, callback, description}` → `transaction.reference` and `authorization_url`.
//! - `GET /payments/{reference}`: `transaction.status` — `pending`, `complete`, `failed`,
//!   `canceled`, `expired`.
//! - Webhooks carry `x-notch-signature`: the hex HMAC-SHA256 of the raw body under the
//!   account's hash key; anything else is refused, and what a valid one says is re-read with
//!   `GET /payments/{reference}` before anything is settled.
//!
//! `NotchPay` is the provider: "Pay from my phone" goes through it for an operator that is not
//! configured directly (the payer finishes on Notch Pay's page and comes back to the waiting
//! page); the poller and the webhook read the status, and the settle path decides.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use uuid::Uuid;

use super::{
    operator_accounts, wire::answer, Checkout, CheckoutRequest, Open, Provider, ProviderError,
    RefundRequest, Verdict,
};
pub use crate::platform::config::NotchConfig;
use crate::platform::{fulfil::BoxFuture, state::AppState};

/// Notch Pay as a provider of the payments core.
pub struct NotchPay;

impl From<NotchError> for ProviderError {
    fn from(e: NotchError) -> Self {
        match e {
            NotchError::Unreachable(m) => ProviderError::Unreachable(m),
            NotchError::Credentials => {
                ProviderError::Disconnected("Notch Pay refused the key".into())
            }
            NotchError::Refused(m) => ProviderError::Refused(m),
        }
    }
}

/// The organiser's own Notch Pay account when the payment names one, else the site's.
async fn client(state: &AppState, account: Option<Uuid>) -> Result<NotchClient, ProviderError> {
    let config = match account {
        Some(id) => operator_accounts::load(state, id)
            .await?
            .notch(state)
            .ok_or(ProviderError::NotConfigured)?,
        None => state
            .config
            .mobile_money
            .notch
            .clone()
            .ok_or(ProviderError::NotConfigured)?,
    };
    Ok(NotchClient::new(state.http.clone(), config))
}

/// Whether Notch Pay takes `config`'s key: a payment that cannot exist is asked for, and
/// "not found" means the key was accepted.
pub async fn check_credentials(state: &AppState, config: NotchConfig) -> Result<(), ProviderError> {
    NotchClient::new(state.http.clone(), config)
        .check_key()
        .await
        .map_err(Into::into)
}

impl Provider for NotchPay {
    fn name(&self) -> &'static str {
        "notchpay"
    }

    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            if req.currency != "XAF" {
                return Err(ProviderError::Currency(req.currency.to_string()));
            }
            let opened = client(state, req.account)
                .await?
                .open(
                    req.reference,
                    req.amount,
                    req.currency,
                    (req.name, req.email, req.phone),
                    req.success_url,
                    req.description,
                )
                .await?;
            Ok(Checkout {
                redirect_url: opened.authorization_url,
                provider_ref: opened.reference,
            })
        })
    }

    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            let reference = if p.provider_ref.is_empty() {
                &p.reference
            } else {
                &p.provider_ref
            };
            Ok(
                match client(state, p.account).await?.status(reference).await? {
                    NotchStatus::Pending => Verdict::Open,
                    NotchStatus::Complete { amount, currency }
                        if amount == p.amount && currency == p.currency =>
                    {
                        Verdict::Paid {
                            amount,
                            currency,
                            transaction: Some(reference.to_string()),
                        }
                    }
                    NotchStatus::Complete { amount, currency } => Verdict::Suspect {
                        amount,
                        currency,
                        transaction: Some(reference.to_string()),
                        reason: "Notch Pay reports another amount or currency".into(),
                    },
                    NotchStatus::Failed => Verdict::Failed {
                        reason: "FAILED".into(),
                    },
                    NotchStatus::Canceled => Verdict::Failed {
                        reason: "REJECTED".into(),
                    },
                    NotchStatus::Expired => Verdict::Expired,
                },
            )
        })
    }

    fn refund<'a>(
        &'a self,
        _state: &'a AppState,
        _r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            Err(ProviderError::Refused(
                "payments through Notch Pay are not refunded through Tessera".into(),
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotchError {
    #[error("Notch Pay could not be reached: {0}")]
    Unreachable(String),
    #[error("Notch Pay refused the key")]
    Credentials,
    #[error("Notch Pay refused: {0}")]
    Refused(String),
}

/// A payment opened at Notch Pay.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub reference: String,
    pub authorization_url: String,
}

/// Where a payment stands at Notch Pay.
#[derive(Debug, Clone, PartialEq)]
pub enum NotchStatus {
    Pending,
    Complete { amount: i64, currency: String },
    Failed,
    Canceled,
    Expired,
}

/// Whether `signature` (the `x-notch-signature` header) is the HMAC of `body` under the hash
/// key; compared in constant time.
pub fn signature_ok(hash_key: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(sig) = signature.and_then(|s| hex::decode(s.trim()).ok()) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(hash_key.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

pub struct NotchClient {
    http: reqwest::Client,
    config: NotchConfig,
}

fn unreachable(e: reqwest::Error) -> NotchError {
    NotchError::Unreachable(e.to_string())
}

async fn json_answer(req: reqwest::RequestBuilder) -> Result<Value, NotchError> {
    let (status, body) = answer(req).await.map_err(unreachable)?;
    match status.as_u16() {
        200..=299 => {
            serde_json::from_str(&body).map_err(|e| NotchError::Unreachable(format!("answer: {e}")))
        }
        401 | 403 => Err(NotchError::Credentials),
        429 | 500.. => Err(NotchError::Unreachable(format!("{status}: {body}"))),
        _ => Err(NotchError::Refused(format!("{status}: {body}"))),
    }
}

impl NotchClient {
    pub fn new(http: reqwest::Client, config: NotchConfig) -> Self {
        NotchClient { http, config }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// Opens a payment for `reference` (ours); the payer finishes it at `authorization_url`.
    pub async fn open(
        &self,
        reference: &str,
        amount: i64,
        currency: &str,
        (name, email, phone): (&str, &str, &str),
        callback: &str,
        description: &str,
    ) -> Result<Opened, NotchError> {
        let req = self
            .http
            .post(self.url("/payments"))
            .header("Authorization", self.config.public_key.expose())
            .json(&json!({
                "amount": amount,
                "currency": currency,
                "customer": { "name": name, "email": email, "phone": phone },
                "reference": reference,
                "callback": callback,
                "description": description,
            }));
        let v = json_answer(req).await?;
        let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
        match (text("/transaction/reference"), text("/authorization_url")) {
            (Some(reference), Some(authorization_url)) => Ok(Opened {
                reference,
                authorization_url,
            }),
            _ => Err(NotchError::Unreachable("answer without a reference".into())),
        }
    }

    /// Whether the key is accepted: Notch Pay is asked for a payment no one made, which it
    /// answers "not found" to a key it knows and 401 to any other.
    pub async fn check_key(&self) -> Result<(), NotchError> {
        let req = self
            .http
            .get(self.url(&format!("/payments/tessera-check-{}", Uuid::new_v4())))
            .header("Authorization", self.config.public_key.expose());
        let (status, body) = answer(req).await.map_err(unreachable)?;
        match status.as_u16() {
            200..=299 | 404 => Ok(()),
            401 | 403 => Err(NotchError::Credentials),
            429 | 500.. => Err(NotchError::Unreachable(format!("{status}: {body}"))),
            _ => Err(NotchError::Refused(format!("{status}: {body}"))),
        }
    }

    /// What Notch Pay says of the payment `reference` (theirs or ours).
    pub async fn status(&self, reference: &str) -> Result<NotchStatus, NotchError> {
        let req = self
            .http
            .get(self.url(&format!("/payments/{reference}")))
            .header("Authorization", self.config.public_key.expose());
        let v = json_answer(req).await?;
        let t = &v["transaction"];
        Ok(match t["status"].as_str().unwrap_or_default() {
            "complete" => NotchStatus::Complete {
                amount: t["amount"].as_i64().unwrap_or(-1),
                currency: t["currency"].as_str().unwrap_or_default().to_string(),
            },
            "failed" => NotchStatus::Failed,
            "canceled" => NotchStatus::Canceled,
            "expired" => NotchStatus::Expired,
            _ => NotchStatus::Pending,
        })
    }
}

#[cfg(test)]
mod tests {
    //! A stand-in for Notch Pay's API speaking its wire format.

    use axum::{
        extract::Path,
        http::{HeaderMap, StatusCode},
        routing::{get, post},
        Json, Router,
    };

    use super::*;
    use crate::platform::config::Secret;

    fn keyed(h: &HeaderMap) -> bool {
        h.get("authorization").and_then(|v| v.to_str().ok()) == Some("pk_test_1")
    }

    async fn open(h: HeaderMap, Json(b): Json<Value>) -> (StatusCode, Json<Value>) {
        if !keyed(&h) {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"code": 401, "message": "Invalid key"})),
            );
        }
        if !b["amount"].is_i64() || b["currency"] != "XAF" {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"code": 422, "message": "Invalid"})),
            );
        }
        let reference = format!("trx.{}", b["reference"].as_str().unwrap_or_default());
        (
            StatusCode::CREATED,
            Json(json!({
                "status": "Accepted", "message": "Payment initialized", "code": 201,
                "transaction": { "reference": reference, "status": "pending", "amount": b["amount"], "currency": "XAF" },
                "authorization_url": format!("https://pay.notchpay.co/{reference}"),
            })),
        )
    }

    async fn status(h: HeaderMap, Path(reference): Path<String>) -> (StatusCode, Json<Value>) {
        if !keyed(&h) {
            return (StatusCode::UNAUTHORIZED, Json(json!({})));
        }
        let status = if reference.ends_with("-fail") {
            "failed"
        } else {
            "complete"
        };
        (
            StatusCode::OK,
            Json(
                json!({"transaction": {"reference": reference, "status": status, "amount": 15000, "currency": "XAF"}}),
            ),
        )
    }

    async fn start() -> String {
        let app = Router::new()
            .route("/payments", post(open))
            .route("/payments/{reference}", get(status));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    fn client(base: &str, key: &str) -> NotchClient {
        NotchClient::new(
            reqwest::Client::new(),
            NotchConfig {
                api_base: base.into(),
                public_key: Secret::new(key),
                hash_key: Secret::new("hash"),
            },
        )
    }

    #[tokio::test]
    async fn a_payment_is_opened_and_its_status_read_back() {
        let base = start().await;
        let np = client(&base, "pk_test_1");
        let customer = ("Awa Ndiaye", "awa@example.cm", "+237677123456");
        let opened = np
            .open(
                "PAY-2026-000001",
                15000,
                "XAF",
                customer,
                "https://t.example/back",
                "Festival",
            )
            .await
            .unwrap();
        assert_eq!(opened.reference, "trx.PAY-2026-000001");
        assert!(opened.authorization_url.ends_with(&opened.reference));
        assert_eq!(
            np.status(&opened.reference).await.unwrap(),
            NotchStatus::Complete {
                amount: 15000,
                currency: "XAF".into()
            }
        );
        assert_eq!(
            np.status("trx.PAY-2-fail").await.unwrap(),
            NotchStatus::Failed
        );
        assert!(matches!(
            np.open(
                "PAY-2026-000002",
                15000,
                "EUR",
                customer,
                "https://t.example/back",
                "x"
            )
            .await,
            Err(NotchError::Refused(_))
        ));
        assert_eq!(
            client(&base, "pk_wrong").status("trx.x").await.unwrap_err(),
            NotchError::Credentials
        );
    }

    #[test]
    fn only_webhooks_signed_with_the_hash_key_are_believed() {
        let body =
            br#"{"event":"payment.complete","data":{"reference":"trx.PAY-1","status":"complete"}}"#;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"hash").unwrap();
        mac.update(body);
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(signature_ok("hash", body, Some(&good)));
        assert!(!signature_ok("other", body, Some(&good)));
        let tampered =
            br#"{"event":"payment.complete","data":{"reference":"trx.PAY-2","status":"complete"}}"#;
        assert!(!signature_ok("hash", tampered, Some(&good)));
        assert!(!signature_ok("hash", body, None));
        assert!(!signature_ok("hash", body, Some("not-hex")));
    }
}
