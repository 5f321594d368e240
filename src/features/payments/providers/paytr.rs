//! PayTR: the iFrame token (`POST /odeme/api/get-token`), the callback's hash, the status
//! inquiry (`POST /odeme/durum-sorgu`) and refunds (`POST /odeme/iade`), as PayTR documents them.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::{
    stripe::SignatureError, unreachable, Checkout, CheckoutRequest, Open, Provider, ProviderError,
    RefundRequest, Verdict,
};
use crate::platform::{config::PaytrConfig, fulfil::BoxFuture, state::AppState};

type HmacSha256 = Hmac<Sha256>;

/// PayTR's callback hash: base64 of HMAC-SHA256(merchant_key, merchant_oid + salt + status + total_amount).
pub fn callback_hash(
    key: &str,
    salt: &str,
    merchant_oid: &str,
    status: &str,
    total_amount: &str,
) -> String {
    hmac_b64(key, &[merchant_oid, salt, status, total_amount])
}

/// Checks a callback's `hash` in constant time.
pub fn verify(
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

fn hmac_b64(key: &str, parts: &[&str]) -> String {
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

/// PayTR wants an alphanumeric order id: the payment reference without its dashes.
pub fn merchant_oid(reference: &str) -> String {
    reference
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// PayTR's currency names for the ones Tessera knows.
fn currency_name(code: &str) -> Option<&'static str> {
    match code {
        "TRY" => Some("TL"),
        "USD" => Some("USD"),
        "EUR" => Some("EUR"),
        _ => None,
    }
}

/// `POST /odeme/api/get-token`, then the iFrame page `/odeme/guvenli/<token>`.
async fn checkout(
    state: &AppState,
    paytr: &PaytrConfig,
    req: &CheckoutRequest<'_>,
) -> Result<Checkout, ProviderError> {
    let currency =
        currency_name(req.currency).ok_or_else(|| ProviderError::Currency(req.currency.into()))?;
    let oid = merchant_oid(req.reference);
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
    let token = hmac_b64(
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
    let body = post(
        state,
        &format!("{}/odeme/api/get-token", paytr.api_base),
        &form,
    )
    .await?;
    match (body["status"].as_str(), body["token"].as_str()) {
        (Some("success"), Some(token)) => Ok(Checkout {
            redirect_url: format!("{}/odeme/guvenli/{token}", paytr.api_base),
            provider_ref: oid,
        }),
        _ => Err(ProviderError::Refused(
            body["reason"].as_str().unwrap_or("no token").to_string(),
        )),
    }
}

/// A form posted to PayTR, its JSON answer read back.
async fn post(state: &AppState, url: &str, form: &[(&str, &str)]) -> Result<Value, ProviderError> {
    let resp = state
        .http
        .post(url)
        .form(form)
        .send()
        .await
        .map_err(unreachable)?;
    let status = resp.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(super::by_status(status, "PayTR"));
    }
    resp.json().await.map_err(unreachable)
}

/// PayTR's amounts in major units, written `10.80` or `10,8`, as minor units.
pub fn minor_units(raw: &str) -> Option<i64> {
    let raw = raw.trim().replace(',', ".");
    let (whole, frac) = raw.split_once('.').unwrap_or((&raw, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let cents = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + cents.parse::<i64>().ok()?)
}

pub struct Paytr;

fn config(state: &AppState) -> Result<&PaytrConfig, ProviderError> {
    state
        .config
        .billing
        .paytr
        .as_ref()
        .ok_or(ProviderError::NotConfigured)
}

impl Provider for Paytr {
    fn name(&self) -> &'static str {
        "paytr"
    }

    fn start<'a>(
        &'a self,
        state: &'a AppState,
        req: &'a CheckoutRequest<'a>,
    ) -> BoxFuture<'a, Result<Checkout, ProviderError>> {
        Box::pin(async move { checkout(state, config(state)?, req).await })
    }

    /// The status inquiry: a payment PayTR received answers `success` with its total; an
    /// order not (yet) paid answers an error, which leaves the payment open.
    fn check<'a>(
        &'a self,
        state: &'a AppState,
        p: &'a Open,
    ) -> BoxFuture<'a, Result<Verdict, ProviderError>> {
        Box::pin(async move {
            let paytr = config(state)?;
            let token = hmac_b64(
                paytr.merchant_key.expose(),
                &[
                    &paytr.merchant_id,
                    &p.provider_ref,
                    paytr.merchant_salt.expose(),
                ],
            );
            let form = [
                ("merchant_id", paytr.merchant_id.as_str()),
                ("merchant_oid", p.provider_ref.as_str()),
                ("paytr_token", token.as_str()),
            ];
            let body = post(
                state,
                &format!("{}/odeme/durum-sorgu", paytr.api_base),
                &form,
            )
            .await?;
            if body["status"].as_str() != Some("success") {
                return Ok(Verdict::Open);
            }
            let amount = body["payment_total"]
                .as_str()
                .or(body["payment_amount"].as_str())
                .and_then(minor_units)
                .ok_or_else(|| ProviderError::Refused("status without amount".into()))?;
            let currency = match body["currency"].as_str().unwrap_or("TL") {
                "TL" | "TRY" => "TRY".to_string(),
                other => other.to_string(),
            };
            Ok(Verdict::Paid {
                amount,
                currency,
                transaction: None,
            })
        })
    }

    /// `POST /odeme/iade`: the amount back to the card, in major units.
    fn refund<'a>(
        &'a self,
        state: &'a AppState,
        r: &'a RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let paytr = config(state)?;
            let amount = format!("{}.{:02}", r.amount / 100, r.amount % 100);
            let reference = r.refund_id.simple().to_string();
            let token = hmac_b64(
                paytr.merchant_key.expose(),
                &[
                    &paytr.merchant_id,
                    r.provider_ref,
                    &amount,
                    paytr.merchant_salt.expose(),
                ],
            );
            let form = [
                ("merchant_id", paytr.merchant_id.as_str()),
                ("merchant_oid", r.provider_ref),
                ("return_amount", amount.as_str()),
                ("paytr_token", token.as_str()),
                ("reference_no", reference.as_str()),
            ];
            let body = post(state, &format!("{}/odeme/iade", paytr.api_base), &form).await?;
            match body["status"].as_str() {
                Some("success") => Ok(reference),
                _ => Err(ProviderError::Refused(
                    body["err_msg"]
                        .as_str()
                        .unwrap_or("refund refused")
                        .to_string(),
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type HmacSha256 = Hmac<Sha256>;

    #[test]
    fn paytr_hashes() {
        // Computed independently: printf 'PAY2026000001' 'salt' 'success' '2900' | openssl dgst -sha256 -hmac key -binary | base64
        let hash = callback_hash("key", "salt", "PAY2026000001", "success", "2900");
        let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
        mac.update(b"PAY2026000001saltsuccess2900");
        let expected =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(hash, expected);
        assert_eq!(hash, "9IOUdwZtzmGiRbqj3o6urkNxuCj5zHVKn7VTHimdULs=");
        assert!(verify("key", "salt", "PAY2026000001", "success", "2900", &hash).is_ok());
        assert_eq!(
            verify("key", "salt", "PAY2026000001", "success", "2901", &hash),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("key", "salt", "PAY2026000001", "failed", "2900", &hash),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                "key",
                "salt",
                "PAY2026000001",
                "success",
                "2900",
                "not base64!"
            ),
            Err(SignatureError::Malformed)
        );
        assert_eq!(merchant_oid("PAY-2026-000001"), "PAY2026000001");
        assert_eq!(minor_units("10,8"), Some(1080));
        assert_eq!(minor_units("29.00"), Some(2900));
        assert_eq!(minor_units("7"), Some(700));
        assert_eq!(minor_units("1.234"), None);
        assert_eq!(minor_units("-1"), None);
    }
}
