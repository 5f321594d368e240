//! Card gateways behind one interface: Stripe Checkout, PayTR's iFrame, and the sandbox built
//! into the app. Each speaks its provider's wire format; card details never reach Tessera.
//!
//! The signature checks are pure functions so they can be tested against values computed by
//! the provider's own scheme.

use std::{sync::OnceLock, time::Duration};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::config::{CardGateway, Config, PaytrConfig, StripeConfig};

type HmacSha256 = Hmac<Sha256>;

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
pub fn verify_stripe(
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

/// PayTR's callback hash: base64 of HMAC-SHA256(merchant_key, merchant_oid + salt + status + total_amount).
pub fn paytr_callback_hash(
    key: &str,
    salt: &str,
    merchant_oid: &str,
    status: &str,
    total_amount: &str,
) -> String {
    paytr_hmac(key, &[merchant_oid, salt, status, total_amount])
}

/// Checks a callback's `hash` in constant time.
pub fn verify_paytr(
    key: &str,
    salt: &str,
    merchant_oid: &str,
    status: &str,
    total_amount: &str,
    hash: &str,
) -> Result<(), SignatureError> {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(hash.trim()) else {
        return Err(SignatureError::Malformed);
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(key.as_bytes()) else {
        return Err(SignatureError::Mismatch);
    };
    for part in [merchant_oid, salt, status, total_amount] {
        mac.update(part.as_bytes());
    }
    mac.verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

fn paytr_hmac(key: &str, parts: &[&str]) -> String {
    let mut mac = match HmacSha256::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; this branch cannot be reached.
        Err(_) => return String::new(),
    };
    for p in parts {
        mac.update(p.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// What Stripe says about a Checkout Session when asked.
pub enum SessionState {
    Paid { amount: i64, currency: String },
    Expired,
    Open,
}

/// `GET /v1/checkout/sessions/{id}`: the polling side of Stripe, for webhooks that never came.
pub async fn stripe_session(
    stripe: &StripeConfig,
    session_id: &str,
) -> Result<SessionState, GatewayError> {
    let resp = client()
        .get(format!(
            "{}/v1/checkout/sessions/{session_id}",
            stripe.api_base
        ))
        .basic_auth(stripe.secret_key.expose(), Some(""))
        .send()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    let status = resp.status();
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    if !status.is_success() {
        let msg = body["error"]["message"].as_str().unwrap_or("error");
        return Err(GatewayError::Refused(format!("{status}: {msg}")));
    }
    Ok(
        match (body["payment_status"].as_str(), body["status"].as_str()) {
            (Some("paid"), _) => match (body["amount_total"].as_i64(), body["currency"].as_str()) {
                (Some(amount), Some(currency)) => SessionState::Paid {
                    amount,
                    currency: currency.to_ascii_uppercase(),
                },
                _ => return Err(GatewayError::Refused("session without amount".into())),
            },
            (_, Some("expired")) => SessionState::Expired,
            _ => SessionState::Open,
        },
    )
}

/// PayTR wants an alphanumeric order id: the payment reference without its dashes.
pub fn paytr_merchant_oid(reference: &str) -> String {
    reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// What the checkout needs to know about the payment.
pub struct CheckoutRequest<'a> {
    pub reference: &'a str,
    pub description: &'a str,
    /// Minor units, as every gateway here counts them.
    pub amount: i64,
    pub currency: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub client_ip: &'a str,
    /// Where the gateway sends the browser back.
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    /// Appended to the sandbox page's address (a guest's signature).
    pub sandbox_query: &'a str,
}

/// Where to send the browser, and the gateway's id for the payment.
pub struct Checkout {
    pub redirect_url: String,
    pub provider: &'static str,
    pub provider_ref: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("no card gateway is configured")]
    NotConfigured,
    #[error("the gateway does not take {0}")]
    Currency(String),
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
    #[error("the gateway refused: {0}")]
    Refused(String),
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default()
    })
}

/// Opens a checkout at the configured gateway.
#[tracing::instrument(skip_all, fields(reference = req.reference))]
pub async fn start(config: &Config, req: &CheckoutRequest<'_>) -> Result<Checkout, GatewayError> {
    match config.billing.card_gateway {
        CardGateway::None => Err(GatewayError::NotConfigured),
        CardGateway::Sandbox => Ok(Checkout {
            redirect_url: format!("/billing/sandbox/{}{}", req.reference, req.sandbox_query),
            provider: "sandbox",
            provider_ref: req.reference.to_string(),
        }),
        CardGateway::Stripe => match &config.billing.stripe {
            Some(stripe) => stripe_checkout(stripe, req).await,
            None => Err(GatewayError::NotConfigured),
        },
        CardGateway::Paytr => match &config.billing.paytr {
            Some(paytr) => paytr_checkout(paytr, req).await,
            None => Err(GatewayError::NotConfigured),
        },
    }
}

/// `POST /v1/checkout/sessions`: a hosted page where the card is typed at Stripe.
async fn stripe_checkout(
    stripe: &StripeConfig,
    req: &CheckoutRequest<'_>,
) -> Result<Checkout, GatewayError> {
    let amount = req.amount.to_string();
    let currency = req.currency.to_ascii_lowercase();
    let form = [
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
    let resp = client()
        .post(format!("{}/v1/checkout/sessions", stripe.api_base))
        .basic_auth(stripe.secret_key.expose(), Some(""))
        .header("Idempotency-Key", req.reference)
        .form(&form)
        .send()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    let status = resp.status();
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    if !status.is_success() {
        let msg = body["error"]["message"].as_str().unwrap_or("error");
        return Err(GatewayError::Refused(format!("{status}: {msg}")));
    }
    match (body["id"].as_str(), body["url"].as_str()) {
        (Some(id), Some(url)) => Ok(Checkout {
            redirect_url: url.to_string(),
            provider: "stripe",
            provider_ref: id.to_string(),
        }),
        _ => Err(GatewayError::Refused("no session id or url".into())),
    }
}

/// PayTR's currency names for the ones Tessera knows.
fn paytr_currency(code: &str) -> Option<&'static str> {
    match code {
        "TRY" => Some("TL"),
        "USD" => Some("USD"),
        "EUR" => Some("EUR"),
        _ => None,
    }
}

/// `POST /odeme/api/get-token`, then the iFrame page `/odeme/guvenli/<token>`.
async fn paytr_checkout(
    paytr: &PaytrConfig,
    req: &CheckoutRequest<'_>,
) -> Result<Checkout, GatewayError> {
    let currency =
        paytr_currency(req.currency).ok_or_else(|| GatewayError::Currency(req.currency.into()))?;
    let oid = paytr_merchant_oid(req.reference);
    let amount = req.amount.to_string();
    let basket_json = serde_json::json!([[
        req.description,
        format!("{:.2}", req.amount as f64 / 100.0),
        1
    ]])
    .to_string();
    let basket = base64::engine::general_purpose::STANDARD.encode(basket_json);
    let test_mode = if paytr.test_mode { "1" } else { "0" };
    let (no_installment, max_installment) = ("1", "0");
    let token = paytr_hmac(
        paytr.merchant_key.expose(),
        &[
            &paytr.merchant_id,
            req.client_ip,
            &oid,
            req.email,
            &amount,
            &basket,
            no_installment,
            max_installment,
            currency,
            test_mode,
            paytr.merchant_salt.expose(),
        ],
    );
    let form = [
        ("merchant_id", paytr.merchant_id.as_str()),
        ("user_ip", req.client_ip),
        ("merchant_oid", oid.as_str()),
        ("email", req.email),
        ("payment_amount", amount.as_str()),
        ("paytr_token", token.as_str()),
        ("user_basket", basket.as_str()),
        ("debug_on", "0"),
        ("no_installment", no_installment),
        ("max_installment", max_installment),
        ("user_name", req.name),
        ("user_address", "-"),
        ("user_phone", req.phone),
        ("merchant_ok_url", req.success_url),
        ("merchant_fail_url", req.cancel_url),
        ("timeout_limit", "30"),
        ("currency", currency),
        ("test_mode", test_mode),
    ];
    let resp = client()
        .post(format!("{}/odeme/api/get-token", paytr.api_base))
        .form(&form)
        .send()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| GatewayError::Unreachable(e.to_string()))?;
    match (body["status"].as_str(), body["token"].as_str()) {
        (Some("success"), Some(token)) => Ok(Checkout {
            redirect_url: format!("{}/odeme/guvenli/{token}", paytr.api_base),
            provider: "paytr",
            provider_ref: oid,
        }),
        _ => Err(GatewayError::Refused(
            body["reason"].as_str().unwrap_or("no token").to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            verify_stripe(
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
            verify_stripe(secret, &header, payload.as_bytes(), now + 10, 300),
            Ok(())
        );
        // Several v1 signatures (during secret rotation): one matching is enough.
        let rotated = format!(
            "{},v1={}",
            header.replace("v1=", "v1=00"),
            &header[header.find("v1=").unwrap() + 3..]
        );
        assert_eq!(
            verify_stripe(secret, &rotated, payload.as_bytes(), now, 300),
            Ok(())
        );
        // A v0 (test-mode) signature alone is not accepted.
        let v0 = header.replace("v1=", "v0=");
        assert_eq!(
            verify_stripe(secret, &v0, payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_stripe(secret, &header, b"{\"id\":\"evt_2\"}", now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_stripe("whsec_other", &header, payload.as_bytes(), now, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_stripe(secret, &header, payload.as_bytes(), now + 301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_stripe(secret, &header, payload.as_bytes(), now - 301, 300),
            Err(SignatureError::Stale)
        );
        // Extreme timestamps are stale, not an arithmetic overflow.
        for extreme in [i64::MIN, i64::MAX] {
            let header = format!("t={extreme},v1=00");
            assert_eq!(
                verify_stripe(secret, &header, payload.as_bytes(), now, 300),
                Err(SignatureError::Stale)
            );
        }
        assert_eq!(
            verify_stripe(secret, "garbage", payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_stripe(secret, "t=abc,v1=00", payload.as_bytes(), now, 300),
            Err(SignatureError::Malformed)
        );
        let tampered = stripe_header(secret, now, payload)
            .replace(&format!("t={now}"), &format!("t={}", now + 1));
        assert_eq!(
            verify_stripe(secret, &tampered, payload.as_bytes(), now, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn paytr_hashes() {
        // Computed independently: printf 'PAY2026000001' 'salt' 'success' '2900' | openssl dgst -sha256 -hmac key -binary | base64
        let hash = paytr_callback_hash("key", "salt", "PAY2026000001", "success", "2900");
        let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
        mac.update(b"PAY2026000001saltsuccess2900");
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(hash, expected);
        assert_eq!(hash, "9IOUdwZtzmGiRbqj3o6urkNxuCj5zHVKn7VTHimdULs=");
        assert!(verify_paytr("key", "salt", "PAY2026000001", "success", "2900", &hash).is_ok());
        assert_eq!(
            verify_paytr("key", "salt", "PAY2026000001", "success", "2901", &hash),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_paytr("key", "salt", "PAY2026000001", "failed", "2900", &hash),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_paytr(
                "key",
                "salt",
                "PAY2026000001",
                "success",
                "2900",
                "not base64!"
            ),
            Err(SignatureError::Malformed)
        );
        assert_eq!(paytr_merchant_oid("PAY-2026-000001"), "PAY2026000001");
    }
}
