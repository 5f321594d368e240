//! SumUp, paid into each organiser's own account (seed 004): OAuth 2.0 tokens kept encrypted,
//! refreshed before they expire and again when SumUp answers 401; a hosted checkout per order
//! (`POST /v0.1/checkouts`, `hosted_checkout.enabled`), read back by the poller
//! (`GET /v0.1/checkouts/{id}`), refunded by transaction (`POST /v0.1/me/refund/{id}`).
//!
//! A refresh that SumUp refuses marks the organiser disconnected and alerts the admins; it
//! changes no order. A checkout that belongs to another merchant than the organiser's is
//! never settled.

use chrono::{Duration, Utc};
use oauth2::{
    basic::{BasicClient, BasicErrorResponse},
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpClientError,
    RedirectUrl, RefreshToken, RequestTokenError, TokenResponse, TokenUrl,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    by_status, unreachable, Checkout, CheckoutRequest, Open, Provider, ProviderError,
    RefundRequest, Verdict,
};
use crate::{
    domain::Currency,
    platform::{alerts, config::SumUpConfig, fulfil::BoxFuture, outbox, state::AppState},
};

/// The currencies SumUp takes (its API's `Currency`).
pub const CURRENCIES: &[&str] = &[
    "BGN", "BRL", "CHF", "CLP", "COP", "CZK", "DKK", "EUR", "GBP", "HRK", "HUF", "NOK", "PLN",
    "RON", "SEK", "USD",
];

/// SumUp's OAuth client, with the authorization and token endpoints set.
pub type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub fn config(state: &AppState) -> Result<&SumUpConfig, ProviderError> {
    state
        .config
        .sumup
        .as_ref()
        .ok_or(ProviderError::NotConfigured)
}

/// The OAuth client: the client's id and secret sent in the form body, as SumUp expects.
pub fn oauth_client(state: &AppState) -> Result<OAuthClient, ProviderError> {
    let c = config(state)?;
    let bad = |e: oauth2::url::ParseError| ProviderError::Refused(format!("SumUp address: {e}"));
    Ok(BasicClient::new(ClientId::new(c.client_id.clone()))
        .set_client_secret(ClientSecret::new(c.client_secret.expose().to_string()))
        .set_auth_uri(AuthUrl::new(c.authorize_url.clone()).map_err(bad)?)
        .set_token_uri(TokenUrl::new(c.token_url.clone()).map_err(bad)?)
        .set_redirect_uri(RedirectUrl::new(callback_url(state)).map_err(bad)?)
        .set_auth_type(AuthType::RequestBody))
}

/// Where SumUp sends the organiser back after they allowed Tessera.
pub fn callback_url(state: &AppState) -> String {
    format!("{}/settings/sumup/callback", state.config.base_url)
}

/// Why a token request failed: SumUp refused it (`invalid_grant`: the grant is gone), or it
/// could not be asked.
pub fn token_error(
    e: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
) -> ProviderError {
    match e {
        RequestTokenError::ServerResponse(r) => ProviderError::Disconnected(r.to_string()),
        other => ProviderError::Unreachable(other.to_string()),
    }
}

/// Minor units as SumUp's amount in major units.
fn major(amount: i64, currency: &str) -> f64 {
    let digits = Currency::parse(currency).map_or(2, |c| c.minor_digits());
    amount as f64 / 10f64.powi(digits as i32)
}

/// SumUp's amount in major units as minor units.
fn minor(amount: f64, currency: &str) -> i64 {
    let digits = Currency::parse(currency).map_or(2, |c| c.minor_digits());
    (amount * 10f64.powi(digits as i32)).round() as i64
}

/// A usable access token of `account` and its merchant code. It is refreshed first when it
/// expires within a minute, or when `refused` is the token SumUp just refused. Reading takes
/// no lock; a refresh locks the row and looks again, so concurrent checks refresh once and two
/// never spend one refresh token.
async fn access(
    state: &AppState,
    account: Uuid,
    refused: Option<&str>,
) -> Result<(String, String), ProviderError> {
    let db = |e: sqlx::Error| ProviderError::Unreachable(e.to_string());
    let current = sqlx::query!(
        r#"SELECT merchant_code, access_token, status, disconnected_reason,
                  expires_at <= now() + interval '1 minute' AS "expiring!"
           FROM provider_accounts WHERE id = $1"#,
        account
    )
    .fetch_optional(&state.pool)
    .await
    .map_err(db)?
    .ok_or_else(|| ProviderError::Disconnected("no such account".into()))?;
    if current.status != "CONNECTED" {
        return Err(ProviderError::Disconnected(
            current.disconnected_reason.unwrap_or_default(),
        ));
    }
    if let Some(token) = state.sealer.open(&current.access_token) {
        if !current.expiring && refused != Some(token.as_str()) {
            return Ok((token, current.merchant_code));
        }
    }
    let mut tx = state.pool.begin().await.map_err(db)?;
    let result = refresh(&mut tx, state, account, refused).await;
    match &result {
        Ok(_) | Err(ProviderError::Disconnected(_)) => tx.commit().await.map_err(db)?,
        Err(_) => tx.rollback().await.map_err(db)?,
    }
    result
}

/// Under the row's lock: the token as another task may just have refreshed it, or a fresh
/// one from SumUp; a refresh SumUp refuses disconnects the account.
async fn refresh(
    tx: &mut crate::platform::db::Tx<'_>,
    state: &AppState,
    account: Uuid,
    refused: Option<&str>,
) -> Result<(String, String), ProviderError> {
    let db = |e: sqlx::Error| ProviderError::Unreachable(e.to_string());
    let row = sqlx::query!(
        r#"SELECT owner_id, merchant_code, access_token, refresh_token, status, disconnected_reason,
                  expires_at <= now() + interval '1 minute' AS "expiring!"
           FROM provider_accounts WHERE id = $1 FOR UPDATE"#,
        account
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(db)?;
    if row.status != "CONNECTED" {
        return Err(ProviderError::Disconnected(
            row.disconnected_reason.unwrap_or_default(),
        ));
    }
    let (Some(token), Some(refresh)) = (
        state.sealer.open(&row.access_token),
        state.sealer.open(&row.refresh_token),
    ) else {
        let reason = "the stored tokens cannot be read (was the encryption key changed?)";
        disconnect(tx, state, account, row.owner_id, reason).await?;
        return Err(ProviderError::Disconnected(reason.into()));
    };
    if !row.expiring && refused != Some(token.as_str()) {
        return Ok((token, row.merchant_code));
    }
    let client = oauth_client(state)?;
    match client
        .exchange_refresh_token(&RefreshToken::new(refresh.clone()))
        .request_async(&state.http)
        .await
    {
        Ok(fresh) => {
            let access = fresh.access_token().secret().clone();
            // SumUp may or may not rotate the refresh token.
            let refresh = fresh
                .refresh_token()
                .map(|r| r.secret().clone())
                .unwrap_or(refresh);
            let secs = fresh
                .expires_in()
                .map_or(3600, |d| d.as_secs().min(86_400) as i64);
            let expires = Utc::now() + Duration::seconds(secs);
            sqlx::query!(
                "UPDATE provider_accounts SET access_token = $2, refresh_token = $3,
                        expires_at = $4::text::timestamptz, refreshed_at = now(), updated_at = now()
                 WHERE id = $1",
                account,
                state.sealer.seal(&access),
                state.sealer.seal(&refresh),
                expires.to_rfc3339()
            )
            .execute(&mut **tx)
            .await
            .map_err(db)?;
            tracing::info!(%account, "SumUp token refreshed");
            Ok((access, row.merchant_code))
        }
        Err(e) => match token_error(e) {
            ProviderError::Disconnected(reason) => {
                disconnect(tx, state, account, row.owner_id, &reason).await?;
                Err(ProviderError::Disconnected(reason))
            }
            other => Err(other),
        },
    }
}

/// The organiser's connection no longer works: marked disconnected (nothing about their
/// orders changes), the organiser asked to reconnect, the admins alerted.
async fn disconnect(
    tx: &mut crate::platform::db::Tx<'_>,
    state: &AppState,
    account: Uuid,
    owner: Uuid,
    reason: &str,
) -> Result<(), ProviderError> {
    let fail = |e: crate::error::AppError| ProviderError::Unreachable(e.to_string());
    tracing::error!(%account, reason, "SumUp account disconnected");
    let flipped = sqlx::query!(
        "UPDATE provider_accounts SET status = 'DISCONNECTED', disconnected_reason = $2, updated_at = now()
         WHERE id = $1 AND status = 'CONNECTED'",
        account,
        reason
    )
    .execute(&mut **tx)
    .await
    .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
    if flipped.rows_affected() == 0 {
        return Ok(());
    }
    let who = sqlx::query!(
        "SELECT email, name, language FROM users WHERE id = $1",
        owner
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
    let url = format!("{}/settings/sumup", state.config.base_url);
    outbox::enqueue_template(
        tx,
        "sumup_reconnect",
        &who.email,
        crate::domain::Lang::parse(&who.language).unwrap_or_default(),
        &[("name", &who.name), ("url", &url)],
    )
    .await
    .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
    // One alert per disconnection: the status flip above is the claim.
    alerts::raise(
        tx,
        &state.config,
        alerts::Alert {
            kind: "sumup_disconnected",
            subject: Uuid::new_v4(),
            critical: false,
            args: &[("organiser", &who.name), ("reason", reason), ("url", &url)],
        },
    )
    .await
    .map_err(fail)?;
    Ok(())
}

/// Sends a request with the organiser's token; on a 401 the token is refreshed and the
/// request sent once more. Answers SumUp's response and the account's merchant code.
async fn call<F>(
    state: &AppState,
    account: Uuid,
    build: F,
) -> Result<(reqwest::Response, String), ProviderError>
where
    F: Fn(&str) -> reqwest::RequestBuilder,
{
    let (token, merchant) = access(state, account, None).await?;
    let resp = build(&token).send().await.map_err(unreachable)?;
    if resp.status() != reqwest::StatusCode::UNAUTHORIZED {
        return Ok((resp, merchant));
    }
    tracing::info!(%account, "SumUp refused the token: refreshing");
    let (token, merchant) = access(state, account, Some(&token)).await?;
    let resp = build(&token).send().await.map_err(unreachable)?;
    if resp.status() == reqwest::StatusCode::UNAUTHORIZED {
        return Err(ProviderError::Refused(
            "SumUp refused a freshly refreshed token".into(),
        ));
    }
    Ok((resp, merchant))
}

/// SumUp's answer as JSON, or the error it names (`message`, `error_code`).
async fn answer(resp: reqwest::Response) -> Result<Value, ProviderError> {
    let status = resp.status();
    if status == reqwest::StatusCode::NO_CONTENT {
        return Ok(Value::Null);
    }
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    let msg = body["message"]
        .as_str()
        .or(body["error_code"].as_str())
        .unwrap_or("error");
    Err(by_status(status, msg))
}

/// What a SumUp checkout object says, for the account whose merchant code is `merchant`.
pub fn checkout_verdict(checkout: &Value, merchant: &str) -> Result<Verdict, ProviderError> {
    if checkout["merchant_code"].as_str() != Some(merchant) {
        return Err(ProviderError::Refused(
            "the checkout belongs to another merchant".into(),
        ));
    }
    Ok(match checkout["status"].as_str() {
        Some("PAID") => {
            let currency = checkout["currency"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let amount = checkout["amount"]
                .as_f64()
                .ok_or_else(|| ProviderError::Refused("checkout without amount".into()))?;
            let transaction = checkout["transaction_id"]
                .as_str()
                .map(String::from)
                .or_else(|| {
                    checkout["transactions"].as_array().and_then(|ts| {
                        ts.iter()
                            .find(|t| t["status"] == "SUCCESSFUL")
                            .and_then(|t| t["id"].as_str())
                            .map(String::from)
                    })
                });
            Verdict::Paid {
                amount: minor(amount, &currency),
                currency,
                transaction,
            }
        }
        Some("FAILED") => Verdict::Failed {
            reason: "declined at SumUp".into(),
        },
        Some("EXPIRED") => Verdict::Expired,
        _ => Verdict::Open,
    })
}

pub struct SumUp;

impl Provider for SumUp {
    fn name(&self) -> &'static str {
        "sumup"
    }

    /// A hosted checkout on the organiser's account: checkout reference = the order's, the
    /// amount and currency of the order, valid until the order expires.
    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            let c = config(state)?;
            let account = req.account.ok_or(ProviderError::NotConfigured)?;
            if !c.sandbox && !CURRENCIES.contains(&req.currency) {
                return Err(ProviderError::Currency(req.currency.into()));
            }
            let (_, merchant) = access(state, account, None).await?;
            let mut body = json!({
                "checkout_reference": req.checkout_reference,
                "amount": major(req.amount, req.currency),
                "currency": req.currency,
                "merchant_code": merchant,
                "description": req.description,
                "return_url": format!("{}/api/payments/sumup/webhook", state.config.base_url),
                "redirect_url": req.success_url,
                "hosted_checkout": { "enabled": true },
            });
            if let Some(until) = req.expires_at {
                body["valid_until"] = json!(until.to_rfc3339());
            }
            let url = format!("{}/v0.1/checkouts", c.api_base);
            let (resp, _) = call(state, account, |token| {
                state.http.post(&url).bearer_auth(token).json(&body)
            })
            .await?;
            let created = answer(resp).await?;
            match (
                created["id"].as_str(),
                created["hosted_checkout_url"].as_str(),
            ) {
                (Some(id), Some(page)) => Ok(Checkout {
                    redirect_url: page.to_string(),
                    provider_ref: id.to_string(),
                }),
                _ => Err(ProviderError::Refused(
                    "SumUp gave no checkout id or page".into(),
                )),
            }
        })
    }

    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            let c = config(state)?;
            let account = p.account.ok_or(ProviderError::NotConfigured)?;
            let url = format!("{}/v0.1/checkouts/{}", c.api_base, p.provider_ref);
            let (resp, merchant) = call(state, account, |token| {
                state.http.get(&url).bearer_auth(token)
            })
            .await?;
            checkout_verdict(&answer(resp).await?, &merchant)
        })
    }

    fn refund<'a>(
        &'a self,
        state: &'a AppState,
        r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let c = config(state)?;
            let account = r.account.ok_or(ProviderError::NotConfigured)?;
            let transaction = r
                .transaction
                .ok_or_else(|| ProviderError::Refused("no SumUp transaction to refund".into()))?;
            let url = format!("{}/v0.1/me/refund/{transaction}", c.api_base);
            let body = json!({ "amount": major(r.amount, r.currency) });
            let (resp, _) = call(state, account, |token| {
                state.http.post(&url).bearer_auth(token).json(&body)
            })
            .await?;
            answer(resp).await?;
            Ok(format!("sumup-{transaction}-{}", r.refund_id.simple()))
        })
    }
}

/// The processing status SumUp posts to the checkout's `return_url` (unsigned: only a hint,
/// the checkout is read back before anything changes).
pub fn webhook_checkout_id(body: &Value) -> Option<&str> {
    (body["event_type"] == "CHECKOUT_STATUS_CHANGED")
        .then(|| body["id"].as_str())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_cross_between_major_and_minor_units() {
        assert_eq!(major(1050, "EUR"), 10.5);
        assert_eq!(minor(10.5, "EUR"), 1050);
        assert_eq!(minor(0.1 + 0.2, "EUR"), 30);
        assert_eq!(major(15000, "XAF"), 15000.0);
        assert_eq!(minor(15000.0, "XAF"), 15000);
    }

    #[test]
    fn checkouts_are_read_as_sumup_writes_them() {
        let paid = json!({
            "id": "c1", "checkout_reference": "ORD-2026-00001", "amount": 25.0, "currency": "GBP",
            "merchant_code": "MH4H92C7", "status": "PAID", "transaction_id": "t1",
            "transactions": [{ "id": "t1", "status": "SUCCESSFUL", "amount": 25.0, "currency": "GBP" }]
        });
        assert_eq!(
            checkout_verdict(&paid, "MH4H92C7").unwrap(),
            Verdict::Paid {
                amount: 2500,
                currency: "GBP".into(),
                transaction: Some("t1".into())
            }
        );
        // Another organiser's checkout is never taken as paid.
        assert!(checkout_verdict(&paid, "OTHER").is_err());
        let pending = json!({ "merchant_code": "M", "status": "PENDING", "transactions": [] });
        assert_eq!(checkout_verdict(&pending, "M").unwrap(), Verdict::Open);
        let failed = json!({ "merchant_code": "M", "status": "FAILED" });
        assert!(matches!(
            checkout_verdict(&failed, "M").unwrap(),
            Verdict::Failed { .. }
        ));
        let expired = json!({ "merchant_code": "M", "status": "EXPIRED" });
        assert_eq!(checkout_verdict(&expired, "M").unwrap(), Verdict::Expired);
        assert_eq!(
            webhook_checkout_id(&json!({ "event_type": "CHECKOUT_STATUS_CHANGED", "id": "c1" })),
            Some("c1")
        );
        assert_eq!(webhook_checkout_id(&json!({ "id": "c1" })), None);
    }
}
