//! Stripe Checkout: a hosted page where the card is typed at Stripe, the signed webhook
//! (`Stripe-Signature`), the session read back when a webhook is lost, and refunds.

use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::{
    by_status, unreachable, Checkout, CheckoutRequest, Open, Provider, ProviderError,
    RefundRequest, Verdict,
};
use crate::platform::{config::StripeConfig, fulfil::BoxFuture, state::AppState};

type HmacSha256 = Hmac<Sha256>;

/// Stripe's default tolerance between the signature's timestamp and now.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a webhook signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header missing or malformed")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, each `v1` the hex
/// HMAC-SHA256 of `<t>.<payload>` under the endpoint's secret; any one matching is enough.
pub fn verify(
    secret: &str,
    header: &str,
    payload: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<&str> = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            return Err(SignatureError::Malformed);
        };
        match k {
            "t" => timestamp = Some(v),
            "v1" => signatures.push(v),
            _ => {}
        }
    }
    let t_str = timestamp.ok_or(SignatureError::Malformed)?;
    let t: i64 = t_str.parse().map_err(|_| SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // `abs_diff` cannot overflow, whatever timestamp the header carries.
    if now_unix.abs_diff(t) > tolerance_secs.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    for sig in signatures {
        let Ok(expected) = hex::decode(sig) else {
            continue;
        };
        let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
            return Err(SignatureError::Mismatch);
        };
        mac.update(t_str.as_bytes());
        mac.update(b".");
        mac.update(payload);
        // `verify_slice` compares in constant time.
        if mac.verify_slice(&expected).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

pub struct Stripe;

fn config(state: &AppState) -> Result<&StripeConfig, ProviderError> {
    state
        .config
        .billing
        .stripe
        .as_ref()
        .ok_or(ProviderError::NotConfigured)
}

/// Reads Stripe's answer: the JSON body, or the error it names.
async fn answer(resp: reqwest::Response) -> Result<Value, ProviderError> {
    let status = resp.status();
    let body: Value = resp.json().await.map_err(unreachable)?;
    if status.is_success() {
        Ok(body)
    } else {
        let msg = body["error"]["message"].as_str().unwrap_or("error");
        Err(by_status(status, msg))
    }
}

/// What a Checkout Session object says: paid (with what), expired, or still open.
pub fn session_verdict(session: &Value) -> Result<Verdict, ProviderError> {
    Ok(
        match (
            session["payment_status"].as_str(),
            session["status"].as_str(),
        ) {
            (Some("paid"), _) => match (
                session["amount_total"].as_i64(),
                session["currency"].as_str(),
            ) {
                (Some(amount), Some(currency)) => Verdict::Paid {
                    amount,
                    currency: currency.to_ascii_uppercase(),
                    transaction: session["payment_intent"].as_str().map(String::from),
                },
                _ => return Err(ProviderError::Refused("session without amount".into())),
            },
            (_, Some("expired")) => Verdict::Expired,
            _ => Verdict::Open,
        },
    )
}

impl Provider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    /// `POST /v1/checkout/sessions`, expiring with what it pays for (Stripe takes 30 minutes
    /// to 24 hours).
    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move {
            let stripe = config(state)?;
            let amount = req.amount.to_string();
            let currency = req.currency.to_ascii_lowercase();
            let expires = req.expires_at.map(|e| {
                let now = Utc::now().timestamp();
                e.timestamp()
                    .clamp(now + 31 * 60, now + 24 * 3600)
                    .to_string()
            });
            let mut form = vec![
                ("mode", "payment"),
                ("client_reference_id", req.reference),
                ("customer_email", req.email),
                ("success_url", req.success_url),
                ("cancel_url", req.cancel_url),
                ("line_items[0][quantity]", "1"),
                ("line_items[0][price_data][currency]", currency.as_str()),
                ("line_items[0][price_data][unit_amount]", amount.as_str()),
                (
                    "line_items[0][price_data][product_data][name]",
                    req.description,
                ),
                ("metadata[reference]", req.reference),
            ];
            if let Some(e) = &expires {
                form.push(("expires_at", e.as_str()));
            }
            let resp = state
                .http
                .post(format!("{}/v1/checkout/sessions", stripe.api_base))
                .basic_auth(stripe.secret_key.expose(), Some(""))
                .header("Idempotency-Key", req.reference)
                .form(&form)
                .send()
                .await
                .map_err(unreachable)?;
            let body = answer(resp).await?;
            match (body["id"].as_str(), body["url"].as_str()) {
                (Some(id), Some(url)) => Ok(Checkout {
                    redirect_url: url.to_string(),
                    provider_ref: id.to_string(),
                }),
                _ => Err(ProviderError::Refused("no session id or url".into())),
            }
        })
    }

    /// `GET /v1/checkout/sessions/{id}`: for webhooks that never came.
    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            let stripe = config(state)?;
            let resp = state
                .http
                .get(format!(
                    "{}/v1/checkout/sessions/{}",
                    stripe.api_base, p.provider_ref
                ))
                .basic_auth(stripe.secret_key.expose(), Some(""))
                .send()
                .await
                .map_err(unreachable)?;
            session_verdict(&answer(resp).await?)
        })
    }

    /// `POST /v1/refunds` on the session's PaymentIntent, our refund id as idempotency key.
    fn refund<'a>(
        &'a self,
        state: &'a AppState,
        r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let stripe = config(state)?;
            let intent = match r.transaction {
                Some(t) => t.to_string(),
                None => {
                    let resp = state
                        .http
                        .get(format!(
                            "{}/v1/checkout/sessions/{}",
                            stripe.api_base, r.provider_ref
                        ))
                        .basic_auth(stripe.secret_key.expose(), Some(""))
                        .send()
                        .await
                        .map_err(unreachable)?;
                    answer(resp).await?["payment_intent"]
                        .as_str()
                        .ok_or_else(|| ProviderError::Refused("session without a payment".into()))?
                        .to_string()
                }
            };
            let amount = r.amount.to_string();
            let resp = state
                .http
                .post(format!("{}/v1/refunds", stripe.api_base))
                .basic_auth(stripe.secret_key.expose(), Some(""))
                .header("Idempotency-Key", r.refund_id.to_string())
                .form(&[
                    ("payment_intent", intent.as_str()),
                    ("amount", amount.as_str()),
                ])
                .send()
                .await
                .map_err(unreachable)?;
            let body = answer(resp).await?;
            match (body["id"].as_str(), body["status"].as_str()) {
                (Some(id), Some("succeeded" | "pending" | "requires_action")) => Ok(id.to_string()),
                (_, status) => Err(ProviderError::Refused(format!(
                    "refund {}",
                    status.unwrap_or("without status")
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type HmacSha256 = Hmac<Sha256>;

    /// Stripe's documented scheme, computed here step by step rather than through the verifier.
    fn stripe_header(secret: &str, t: i64, payload: &str) -> String {
        let signed = format!("{t}.{payload}");
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(signed.as_bytes());
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn stripe_signature_from_openssl() {
        // printf '1790000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test_secret
        let header =
            "t=1790000000,v1=621e30333c3e6f1df3159281b9d0e6983411cc64573a2fb2802f56791c7a24c1";
        assert_eq!(
            verify(
                "whsec_test_secret",
                header,
                br#"{"id":"evt_1"}"#,
                1_790_000_100,
                300
            ),
            Ok(())
        );
    }

    #[test]
    fn stripe_signatures() {
        let secret = "whsec_test_secret";
        let payload = r#"{"id":"evt_1","type":"checkout.session.completed"}"#;
        let now = 1_790_000_000;
        let header = stripe_header(secret, now, payload);
        assert_eq!(
            verify(secret, &header, payload.as_bytes(), now + 10, 300),
            Ok(())
        );
        // Several v1 signatures (during secret rotation): one matching is enough.
        let rotated = format!(
            "{},v1={}",
            header.replace("v1=", "v1=00"),
            &header[header.find("v1=").unwrap() + 3..]
        );
        assert_eq!(
            verify(secret, &rotated, payload.as_bytes(), now, 300),
            Ok(())
        );
        // A v0 (test-mode) signature alone is not accepted.
        let v0 = header.replace("v1=", "v0=");
        assert_eq!(
            verify(secret, &v0, payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(secret, &header, b"{\"id\":\"evt_2\"}", now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", &header, payload.as_bytes(), now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(secret, &header, payload.as_bytes(), now + 301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(secret, &header, payload.as_bytes(), now - 301, 300),
            Err(SignatureError::Stale)
        );
        // Extreme timestamps are stale, not an arithmetic overflow.
        for extreme in [i64::MIN, i64::MAX] {
            let header = format!("t={extreme},v1=00");
            assert_eq!(
                verify(secret, &header, payload.as_bytes(), now, 300),
                Err(SignatureError::Stale)
            );
        }
        assert_eq!(
            verify(secret, "garbage", payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(secret, "t=abc,v1=00", payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        let tampered = stripe_header(secret, now, payload)
            .replace(&format!("t={now}"), &format!("t={}", now + 1));
        assert_eq!(
            verify(secret, &tampered, payload.as_bytes(), now, 300),
            Err(SignatureError::Mismatch)
        );
    }
}
