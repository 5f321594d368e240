//! MTN Mobile Money Collection (request to pay), as MTN's Open API publishes it.
//!
//! - `POST /collection/token/` with Basic `apiUser:apiKey` and `Ocp-Apim-Subscription-Key`:
//!   a bearer token valid one hour, never refreshed (a new one is minted).
//! - `POST /collection/v1_0/requesttopay` with our own UUID in `X-Reference-Id` — the
//!   idempotency key, so a retry sends the same one and a reuse answers 409 —,
//!   `X-Target-Environment` (`sandbox`, `mtncameroon`) and a body of strings: 202, no body.
//! - `GET /collection/v1_0/requesttopay/{referenceId}`: `PENDING`, `SUCCESSFUL` (with
//!   `financialTransactionId`) or `FAILED` (with a `reason`, a string or `{code, message}`).
//! - Some mistakes come back as HTTP 500 with a code (`INVALID_CURRENCY`, `PAYER_NOT_FOUND`,
//!   `NOT_ENOUGH_FUNDS`…), which the payer is shown in words.
//!
//! `MtnMomo` is the provider: the payment's own id is the `X-Reference-Id`, stored with the
//! payment before the request is sent; the poller reads the status back (and sends the
//! request again, with the same id, when MTN never received it); MTN's callback only makes the
//! poller look now.

use std::sync::Arc;

use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    operator_accounts,
    wire::{answer, Clients, TokenAnswer, TokenCache},
    Checkout, CheckoutRequest, Open, Provider, ProviderError, RefundRequest, Verdict,
};
pub use crate::platform::config::MomoConfig;
use crate::{
    domain::Currency,
    platform::{fulfil::BoxFuture, state::AppState},
};

/// Why MTN did not do what was asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MomoError {
    /// Network failure, timeout or a 5xx without a code: the payment stays pending and is asked
    /// about again with the same reference.
    #[error("MTN could not be reached: {0}")]
    Unreachable(String),
    /// The API user, key or subscription key were refused.
    #[error("MTN refused the credentials")]
    Credentials,
    /// A coded refusal (`PAYER_NOT_FOUND`, `NOT_ENOUGH_FUNDS`, `INVALID_CURRENCY`…).
    #[error("MTN refused: {0}")]
    Refused(String),
}

impl MomoError {
    /// The message key that tells the payer what a refusal means.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Refused(code) => reason_key(code),
            Self::Credentials => "momo.reason.unavailable",
            Self::Unreachable(_) => "momo.reason.unavailable",
        }
    }
}

/// A payer's words for an MTN reason code.
pub fn reason_key(code: &str) -> &'static str {
    crate::domain::wallet_failure_key(code)
}

/// A request to pay as MTN takes it: every value a string.
#[derive(Debug, Clone)]
pub struct RequestToPay<'a> {
    pub reference_id: Uuid,
    /// Minor units; on the wire in major units (XAF has no minor unit: `15000`).
    pub amount: i64,
    pub currency: &'a str,
    /// Ours: the payment's reference, shown in the payer's history.
    pub external_id: &'a str,
    /// The MSISDN, digits only, with the country code (`237670000000`).
    pub msisdn: &'a str,
    pub payer_message: &'a str,
    pub payee_note: &'a str,
}

/// Where a request to pay stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Pending,
    Successful {
        amount: i64,
        currency: String,
        payer: String,
        transaction: String,
    },
    Failed {
        reason: String,
    },
}

/// One MTN MoMo Collection account, its token kept until a minute before it expires.
pub struct MomoClient {
    http: reqwest::Client,
    config: MomoConfig,
    token: TokenCache,
}

fn unreachable(e: reqwest::Error) -> MomoError {
    MomoError::Unreachable(e.to_string())
}

/// Sorts an error answer: a code wherever MTN put one, credentials, or transient.
fn refusal(status: reqwest::StatusCode, body: &str) -> MomoError {
    let code = serde_json::from_str::<Value>(body).ok().and_then(|v| {
        v.get("code")
            .or_else(|| v.get("reason").and_then(|r| r.get("code")))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    match (status.as_u16(), code) {
        (401 | 403, _) => MomoError::Credentials,
        (_, Some(code)) if code != "INTERNAL_PROCESSING_ERROR" => MomoError::Refused(code),
        (s, _) if s >= 500 || s == 429 => MomoError::Unreachable(format!("{status}: {body}")),
        _ => MomoError::Refused(format!("HTTP_{}", status.as_u16())),
    }
}

/// Sends `req` and reads its successful JSON answer; an error answer is sorted by `refusal`.
async fn json_answer<T: serde::de::DeserializeOwned>(
    req: reqwest::RequestBuilder,
    what: &str,
) -> Result<T, MomoError> {
    let (status, body) = answer(req).await.map_err(unreachable)?;
    if !status.is_success() {
        return Err(refusal(status, &body));
    }
    serde_json::from_str(&body).map_err(|e| MomoError::Unreachable(format!("{what} answer: {e}")))
}

impl MomoClient {
    pub fn new(http: reqwest::Client, config: MomoConfig) -> Self {
        MomoClient {
            http,
            config,
            token: TokenCache::default(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    /// A call to the Collection API: the bearer token, the target environment and the
    /// subscription key every one of them carries.
    fn call(&self, req: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
        req.bearer_auth(token)
            .header("X-Target-Environment", &self.config.environment)
            .header(
                "Ocp-Apim-Subscription-Key",
                self.config.subscription_key.expose(),
            )
    }

    /// A valid bearer token: the kept one, or a new one minted (MTN's are not refreshed).
    pub async fn token(&self) -> Result<String, MomoError> {
        let req = self
            .http
            .post(self.url("/collection/token/"))
            .basic_auth(&self.config.api_user, Some(self.config.api_key.expose()))
            .header(
                "Ocp-Apim-Subscription-Key",
                self.config.subscription_key.expose(),
            )
            .header(reqwest::header::CONTENT_LENGTH, "0");
        self.token
            .get(|| json_answer::<TokenAnswer>(req, "token"))
            .await
    }

    /// Asks the payer's phone to approve the payment. Sent again with the same reference after
    /// a failure, it never charges twice: MTN answers 409 to a reference it already has, which
    /// means the request exists.
    #[tracing::instrument(skip_all, fields(reference_id = %r.reference_id))]
    pub async fn request_to_pay(&self, r: &RequestToPay<'_>) -> Result<(), MomoError> {
        let token = self.token().await?;
        let body = json!({
            "amount": wire_amount(r.amount, r.currency),
            "currency": r.currency,
            "externalId": r.external_id,
            "payer": { "partyIdType": "MSISDN", "partyId": r.msisdn },
            "payerMessage": r.payer_message,
            "payeeNote": r.payee_note,
        });
        let mut req = self
            .call(
                self.http.post(self.url("/collection/v1_0/requesttopay")),
                &token,
            )
            .header("X-Reference-Id", r.reference_id.to_string())
            .json(&body);
        if let Some(cb) = &self.config.callback_url {
            req = req.header("X-Callback-Url", cb);
        }
        let res = req.send().await.map_err(unreachable)?;
        let status = res.status();
        if status == reqwest::StatusCode::ACCEPTED || status == reqwest::StatusCode::CONFLICT {
            return Ok(());
        }
        let body = res.text().await.unwrap_or_default();
        Err(refusal(status, &body))
    }

    /// Where the request to pay `reference_id` stands.
    pub async fn status(&self, reference_id: Uuid) -> Result<Status, MomoError> {
        let token = self.token().await?;
        let path = format!("/collection/v1_0/requesttopay/{reference_id}");
        let req = self.call(self.http.get(self.url(&path)), &token);
        let v: Value = json_answer(req, "status").await?;
        Ok(parse_status(&v))
    }
}

fn minor_digits(currency: &str) -> u32 {
    Currency::parse(currency).map_or(2, |c| c.minor_digits())
}

/// Minor units as MTN writes an amount: major units, a decimal point only where the currency
/// has minor units (`15000` XAF, `12.50` EUR).
pub fn wire_amount(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(digits);
    format!(
        "{}.{:0width$}",
        minor / scale,
        (minor % scale).abs(),
        width = digits as usize
    )
}

/// MTN's amount (`15000`, `12.5`, `12.50`) in minor units; `None` when it is not a number or
/// has more decimals than the currency.
pub fn minor_amount(text: &str, currency: &str) -> Option<i64> {
    let digits = minor_digits(currency);
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > digits as usize {
        return None;
    }
    let scale = 10i64.pow(digits);
    let whole: i64 = whole.parse().ok()?;
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = digits as usize)
            .parse()
            .ok()?
    };
    whole.checked_mul(scale)?.checked_add(frac_value)
}

/// MTN's answer about a request to pay, read as a status.
pub fn parse_status(v: &Value) -> Status {
    let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    match text("status") {
        "SUCCESSFUL" => Status::Successful {
            amount: minor_amount(text("amount"), text("currency")).unwrap_or(-1),
            currency: text("currency").to_string(),
            payer: v
                .pointer("/payer/partyId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            transaction: text("financialTransactionId").to_string(),
        },
        "FAILED" => {
            let reason = match v.get("reason") {
                Some(Value::String(s)) => s.clone(),
                Some(r) => r
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("FAILED")
                    .to_string(),
                None => "FAILED".to_string(),
            };
            Status::Failed { reason }
        }
        _ => Status::Pending,
    }
}

impl From<MomoError> for ProviderError {
    fn from(e: MomoError) -> Self {
        match e {
            MomoError::Unreachable(why) => ProviderError::Unreachable(why),
            MomoError::Credentials => {
                ProviderError::Disconnected("MTN refused the credentials".into())
            }
            MomoError::Refused(code) => ProviderError::Refused(code),
        }
    }
}

/// One client per MTN account, so its token is minted once an hour rather than per call: the
/// organiser's own account when the payment names one, else the site's.
async fn client(state: &AppState, account: Option<Uuid>) -> Result<Arc<MomoClient>, ProviderError> {
    static CLIENTS: Clients<MomoClient> = Clients::new();
    let (config, key) = match account {
        Some(id) => {
            let a = operator_accounts::load(state, id).await?;
            let config = a.momo(state).ok_or(ProviderError::NotConfigured)?;
            (config, a.cache_key())
        }
        None => {
            let config = state
                .config
                .mobile_money
                .momo
                .clone()
                .ok_or(ProviderError::NotConfigured)?;
            let key = format!(
                "{}|{}|{}",
                config.api_base, config.api_user, config.environment
            );
            (config, key)
        }
    };
    Ok(CLIENTS.get(key, || MomoClient::new(state.http.clone(), config)))
}

/// Whether MTN takes `config`'s credentials: a token is minted with them, by a fresh client.
pub async fn check_credentials(state: &AppState, config: MomoConfig) -> Result<(), ProviderError> {
    MomoClient::new(state.http.clone(), config)
        .token()
        .await
        .map(|_| ())
        .map_err(Into::into)
}

/// The last nine digits: the same wallet, with or without its country code.
fn last9(msisdn: &str) -> &str {
    &msisdn[msisdn.len().saturating_sub(9)..]
}

/// MTN MoMo Collection as a provider.
pub struct MtnMomo;

impl Provider for MtnMomo {
    fn name(&self) -> &'static str {
        "mtn_momo"
    }

    /// Sends the request to pay under the payment's own id. An answer lost on the way is not a
    /// failure: the id is already stored, and the poller asks MTN about it.
    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            let client = client(state, req.account).await?;
            let payer_message = format!("Tessera {}", req.reference);
            let r = RequestToPay {
                reference_id: req.payment_id,
                amount: req.amount,
                currency: req.currency,
                external_id: req.reference,
                msisdn: req.phone,
                payer_message: &payer_message,
                payee_note: req.description,
            };
            match client.request_to_pay(&r).await {
                Ok(()) => {}
                Err(MomoError::Unreachable(e)) => tracing::warn!(
                    reference = req.reference,
                    error = %e,
                    "request to pay not confirmed by MTN; the poller asks about it"
                ),
                Err(e) => return Err(e.into()),
            }
            Ok(Checkout {
                redirect_url: String::new(),
                provider_ref: req.payment_id.to_string(),
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
            let id = Uuid::parse_str(&p.provider_ref)
                .map_err(|_| ProviderError::Refused("not an MTN reference".into()))?;
            let asked = sqlx::query!(
                r#"SELECT payer_msisdn, description,
                          COALESCE(expires_at < now() - interval '30 seconds', false) AS "lapsed!"
                   FROM payments WHERE id = $1"#,
                p.id
            )
            .fetch_one(&state.pool)
            .await
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
            let expected = asked.payer_msisdn.unwrap_or_default();
            match client.status(id).await {
                Ok(Status::Pending) if asked.lapsed => Ok(Verdict::Failed {
                    reason: "EXPIRED".into(),
                }),
                Ok(Status::Pending) => Ok(Verdict::Open),
                Ok(Status::Failed { reason }) => Ok(Verdict::Failed { reason }),
                Ok(Status::Successful {
                    amount,
                    currency,
                    payer,
                    transaction,
                }) => {
                    let transaction = (!transaction.is_empty()).then_some(transaction);
                    if !payer.is_empty() && last9(&payer) != last9(&expected) {
                        return Ok(Verdict::Suspect {
                            amount,
                            currency,
                            transaction,
                            reason: format!(
                                "MTN reports the payer {payer}; the request went to {expected}"
                            ),
                        });
                    }
                    Ok(Verdict::Paid {
                        amount,
                        currency,
                        transaction,
                    })
                }
                Err(MomoError::Refused(code))
                    if code == "RESOURCE_NOT_FOUND" || code == "HTTP_404" =>
                {
                    if asked.lapsed {
                        return Ok(Verdict::Failed {
                            reason: "EXPIRED".into(),
                        });
                    }
                    // MTN never had the request: it is sent again, under the same id.
                    let payer_message = format!("Tessera {}", p.reference);
                    client
                        .request_to_pay(&RequestToPay {
                            reference_id: id,
                            amount: p.amount,
                            currency: &p.currency,
                            external_id: &p.reference,
                            msisdn: &expected,
                            payer_message: &payer_message,
                            payee_note: &asked.description,
                        })
                        .await?;
                    Ok(Verdict::Open)
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Collection takes money in; giving it back is a disbursement, which Tessera does not
    /// make. The refund goes to the family's wallet or is paid back by hand.
    fn refund<'a>(
        &'a self,
        _state: &'a AppState,
        _r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async {
            Err(ProviderError::Refused(
                "MTN MoMo payments are not refunded through MTN here".into(),
            ))
        })
    }
}

#[cfg(test)]
pub mod tests {
    //! A stand-in for MTN's sandbox speaking its wire format, with its documented test numbers.

    use std::{
        collections::HashMap,
        sync::{Arc, Mutex as StdMutex},
    };

    use axum::{
        extract::{Path, State},
        http::{HeaderMap, StatusCode},
        routing::{get, post},
        Json, Router,
    };

    use super::*;
    use crate::platform::config::Secret;

    #[derive(Default)]
    pub struct Fake {
        /// reference id → (body, polls so far)
        pub requests: StdMutex<HashMap<String, (Value, u32)>>,
        pub tokens_minted: StdMutex<u32>,
    }

    const USER: &str = "5c9d3e2a-0000-4000-8000-000000000001";
    const KEY: &str = "api-key";
    const SUB: &str = "sub-key";

    fn header<'a>(h: &'a HeaderMap, k: &str) -> &'a str {
        h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    async fn token(State(fake): State<Arc<Fake>>, h: HeaderMap) -> (StatusCode, Json<Value>) {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{KEY}"));
        if header(&h, "authorization") != format!("Basic {basic}")
            || header(&h, "ocp-apim-subscription-key") != SUB
        {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "login_failed"})),
            );
        }
        *fake.tokens_minted.lock().unwrap() += 1;
        (
            StatusCode::OK,
            Json(json!({"access_token": "tok", "token_type": "access_token", "expires_in": 3600})),
        )
    }

    async fn request(
        State(fake): State<Arc<Fake>>,
        h: HeaderMap,
        Json(body): Json<Value>,
    ) -> (StatusCode, Json<Value>) {
        if header(&h, "authorization") != "Bearer tok" {
            return (StatusCode::UNAUTHORIZED, Json(json!({})));
        }
        // Every value a string, as the API requires.
        let strings = [
            "amount",
            "currency",
            "externalId",
            "payerMessage",
            "payeeNote",
        ]
        .iter()
        .all(|k| body.get(*k).is_some_and(Value::is_string));
        if !strings || header(&h, "x-target-environment") != "sandbox" {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": "INVALID_REQUEST"})),
            );
        }
        if body["currency"] != "EUR" {
            // The sandbox takes euros only.
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"code": "INVALID_CURRENCY", "message": "Currency not supported."})),
            );
        }
        let id = header(&h, "x-reference-id").to_string();
        let mut requests = fake.requests.lock().unwrap();
        if requests.contains_key(&id) {
            return (
                StatusCode::CONFLICT,
                Json(json!({"code": "RESOURCE_ALREADY_EXIST"})),
            );
        }
        requests.insert(id, (body, 0));
        (StatusCode::ACCEPTED, Json(Value::Null))
    }

    async fn status(
        State(fake): State<Arc<Fake>>,
        Path(id): Path<String>,
    ) -> (StatusCode, Json<Value>) {
        let mut requests = fake.requests.lock().unwrap();
        let Some((body, polls)) = requests.get_mut(&id) else {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({"code": "RESOURCE_NOT_FOUND"})),
            );
        };
        *polls += 1;
        let msisdn = body["payer"]["partyId"].as_str().unwrap_or_default();
        let mut answer = json!({
            "amount": body["amount"], "currency": body["currency"], "externalId": body["externalId"],
            "payer": body["payer"], "payerMessage": body["payerMessage"], "payeeNote": body["payeeNote"],
        });
        // MTN's sandbox test numbers.
        let (state, reason) = match msisdn {
            "46733123450" => ("FAILED", Some(json!("INTERNAL_PROCESSING_ERROR"))),
            "46733123451" => ("FAILED", Some(json!("APPROVAL_REJECTED"))),
            "46733123452" => (
                "FAILED",
                Some(json!({"code": "EXPIRED", "message": "Timed out"})),
            ),
            "46733123453" => ("PENDING", None),
            "46733123454" if *polls < 3 => ("PENDING", None),
            _ => ("SUCCESSFUL", None),
        };
        answer["status"] = json!(state);
        if let Some(r) = reason {
            answer["reason"] = r;
        }
        if state == "SUCCESSFUL" {
            answer["financialTransactionId"] = json!("1234567890");
        }
        (StatusCode::OK, Json(answer))
    }

    /// Starts the stand-in on a free port; answers its address and its state.
    pub async fn start() -> (String, Arc<Fake>) {
        let fake = Arc::new(Fake::default());
        let app = Router::new()
            .route("/collection/token/", post(token))
            .route("/collection/v1_0/requesttopay", post(request))
            .route("/collection/v1_0/requesttopay/{id}", get(status))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}"), fake)
    }

    fn client(base: &str, key: &str) -> MomoClient {
        MomoClient::new(
            reqwest::Client::new(),
            MomoConfig {
                api_base: base.to_string(),
                api_user: USER.to_string(),
                api_key: Secret::new(key),
                subscription_key: Secret::new(SUB),
                environment: "sandbox".into(),
                callback_url: None,
                sandbox: false,
            },
        )
    }

    fn pay<'a>(id: Uuid, msisdn: &'a str, currency: &'a str) -> RequestToPay<'a> {
        RequestToPay {
            reference_id: id,
            amount: 15000,
            currency,
            external_id: "PAY-2026-000001",
            msisdn,
            payer_message: "Tessera PAY-2026-000001",
            payee_note: "Famille Ndiaye",
        }
    }

    #[tokio::test]
    async fn a_request_to_pay_is_approved_and_its_transaction_read_back() {
        let (base, fake) = start().await;
        let momo = client(&base, KEY);
        let id = Uuid::new_v4();
        momo.request_to_pay(&pay(id, "237670000000", "EUR"))
            .await
            .unwrap();
        let body = fake.requests.lock().unwrap()[&id.to_string()].0.clone();
        // Minor units go out as MTN writes amounts: major units, as a string.
        assert_eq!(body["amount"], "150.00");
        assert_eq!(body["payer"]["partyIdType"], "MSISDN");
        assert_eq!(
            momo.status(id).await.unwrap(),
            Status::Successful {
                amount: 15000,
                currency: "EUR".into(),
                payer: "237670000000".into(),
                transaction: "1234567890".into(),
            }
        );
        // One token served both calls.
        assert_eq!(*fake.tokens_minted.lock().unwrap(), 1);
    }

    #[test]
    fn amounts_are_written_and_read_as_mtn_does() {
        assert_eq!(wire_amount(15000, "XAF"), "15000");
        assert_eq!(wire_amount(1250, "EUR"), "12.50");
        assert_eq!(wire_amount(5, "EUR"), "0.05");
        assert_eq!(minor_amount("15000", "XAF"), Some(15000));
        assert_eq!(minor_amount("15000.00", "XAF"), Some(15000));
        assert_eq!(minor_amount("15000.5", "XAF"), None);
        assert_eq!(minor_amount("12.5", "EUR"), Some(1250));
        assert_eq!(minor_amount("12.50", "EUR"), Some(1250));
        assert_eq!(minor_amount("12.505", "EUR"), None);
        assert_eq!(minor_amount("-3", "XAF"), None);
        assert_eq!(minor_amount("", "XAF"), None);
        assert_eq!(minor_amount("1e3", "XAF"), None);
    }

    #[tokio::test]
    async fn a_retry_with_the_same_reference_never_makes_a_second_request() {
        let (base, fake) = start().await;
        let momo = client(&base, KEY);
        let id = Uuid::new_v4();
        for _ in 0..3 {
            momo.request_to_pay(&pay(id, "237670000000", "EUR"))
                .await
                .unwrap();
        }
        assert_eq!(fake.requests.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn the_sandbox_test_numbers_fail_reject_expire_or_stay_pending() {
        let (base, _) = start().await;
        let momo = client(&base, KEY);
        let outcome = |msisdn: &'static str| {
            let momo = &momo;
            async move {
                let id = Uuid::new_v4();
                momo.request_to_pay(&pay(id, msisdn, "EUR")).await.unwrap();
                momo.status(id).await.unwrap()
            }
        };
        assert_eq!(
            outcome("46733123450").await,
            Status::Failed {
                reason: "INTERNAL_PROCESSING_ERROR".into()
            }
        );
        let rejected = outcome("46733123451").await;
        assert_eq!(
            rejected,
            Status::Failed {
                reason: "APPROVAL_REJECTED".into()
            }
        );
        // `reason` as an object is read by its code.
        assert_eq!(
            outcome("46733123452").await,
            Status::Failed {
                reason: "EXPIRED".into()
            }
        );
        assert_eq!(outcome("46733123453").await, Status::Pending);
        // Delayed: pending twice, then paid.
        let id = Uuid::new_v4();
        momo.request_to_pay(&pay(id, "46733123454", "EUR"))
            .await
            .unwrap();
        assert_eq!(momo.status(id).await.unwrap(), Status::Pending);
        assert_eq!(momo.status(id).await.unwrap(), Status::Pending);
        assert!(matches!(
            momo.status(id).await.unwrap(),
            Status::Successful { .. }
        ));
        assert_eq!(reason_key("APPROVAL_REJECTED"), "momo.reason.rejected");
        assert_eq!(reason_key("EXPIRED"), "momo.reason.expired");
    }

    #[tokio::test]
    async fn coded_errors_and_bad_credentials_are_told_apart_from_outages() {
        let (base, _) = start().await;
        let momo = client(&base, KEY);
        let err = momo
            .request_to_pay(&pay(Uuid::new_v4(), "237670000000", "XAF"))
            .await
            .unwrap_err();
        assert_eq!(err, MomoError::Refused("INVALID_CURRENCY".into()));
        assert_eq!(err.message_key(), "momo.reason.invalid_amount");
        let wrong = client(&base, "wrong-key");
        assert_eq!(wrong.token().await.unwrap_err(), MomoError::Credentials);
        // Nobody listening: an outage, worth asking again with the same reference.
        let gone = client("http://127.0.0.1:9", KEY);
        assert!(matches!(
            gone.token().await.unwrap_err(),
            MomoError::Unreachable(_)
        ));
    }
}
