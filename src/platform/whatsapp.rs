//! WhatsApp Cloud API: text and interactive (button) messages queued in the outbox next to the
//! e-mails when credentials are configured, and what a webhook needs to read Meta's deliveries
//! (the `X-Hub-Signature-256` check and the button presses).

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::config::Config;
use crate::domain::Lang;

/// WhatsApp allows three attempts per message (the seed's retry policy).
pub const MAX_ATTEMPTS: i32 = 3;

/// The number as WhatsApp wants it: digits only, country code first.
pub fn wa_number(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// A plain text message.
pub fn text_payload(to: &str, body: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": wa_number(to),
        "type": "text",
        "text": { "preview_url": true, "body": body },
    })
}

/// A message with reply buttons: (id, title) each; WhatsApp shows titles of 20 characters at most.
pub fn buttons_payload(to: &str, body: &str, buttons: &[(&str, &str)]) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": wa_number(to),
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": { "text": body },
            "action": {
                "buttons": buttons.iter().map(|(id, title)| json!({
                    "type": "reply",
                    "reply": { "id": id, "title": title.chars().take(20).collect::<String>() },
                })).collect::<Vec<_>>(),
            },
        },
    })
}

/// Queues a WhatsApp message in the event's transaction, when WhatsApp is configured.
pub async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    config: &Config,
    kind: &str,
    lang: Lang,
    payload: Value,
    order_id: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    if config.whatsapp.is_none() {
        return Ok(());
    }
    let to = payload["to"].as_str().unwrap_or_default().to_string();
    if to.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "INSERT INTO outbox (id, channel, kind, recipient, language, subject, body, payload, order_id)
         VALUES ($1, 'whatsapp', $2, $3, $4, '', '', $5, $6)",
        Uuid::new_v4(),
        kind,
        to,
        lang.code(),
        payload.to_string(),
        order_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default()
    })
}

/// Sends one queued message to the Cloud API (`POST {base}/{phone-number-id}/messages`).
pub async fn send(config: &Config, payload: &str) -> Result<(), String> {
    let Some(wa) = &config.whatsapp else {
        return Err("WhatsApp is not configured".into());
    };
    let url = format!(
        "{}/{}/messages",
        wa.api_base.trim_end_matches('/'),
        wa.phone_number_id
    );
    let res = client()
        .post(url)
        .bearer_auth(wa.access_token.expose())
        .header("content-type", "application/json")
        .body(payload.to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if res.status().is_success() {
        Ok(())
    } else {
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        Err(format!(
            "WhatsApp answered {status}: {}",
            body.chars().take(300).collect::<String>()
        ))
    }
}

/// Checks `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body under the app
/// secret, in constant time.
pub fn signature_ok(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// The button presses in a webhook delivery: (sender's number, button id).
pub fn button_presses(body: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let empty = Vec::new();
    for entry in body["entry"].as_array().unwrap_or(&empty) {
        for change in entry["changes"].as_array().unwrap_or(&empty) {
            for message in change["value"]["messages"].as_array().unwrap_or(&empty) {
                let reply = &message["interactive"]["button_reply"];
                if message["type"] == "interactive" {
                    if let (Some(from), Some(id)) = (message["from"].as_str(), reply["id"].as_str())
                    {
                        out.push((wa_number(from), id.to_string()));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked() {
        let body = br#"{"entry":[]}"#;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"secret").unwrap();
        mac.update(body);
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signature_ok("secret", body, Some(&good)));
        assert!(!signature_ok("other", body, Some(&good)));
        assert!(!signature_ok("secret", b"{}", Some(&good)));
        assert!(!signature_ok("secret", body, Some(&good[..20])));
        assert!(!signature_ok("secret", body, Some("sha1=abc")));
        assert!(!signature_ok("secret", body, None));
    }

    #[test]
    fn payloads_and_presses() {
        let p = buttons_payload(
            "+237 699 00 00 02",
            "Confirmer ?",
            &[("a.b", "Confirmer la réservation"), ("c.d", "Annuler")],
        );
        assert_eq!(p["to"], "237699000002");
        assert_eq!(
            p["interactive"]["action"]["buttons"][0]["reply"]["id"],
            "a.b"
        );
        assert_eq!(
            p["interactive"]["action"]["buttons"][0]["reply"]["title"]
                .as_str()
                .map(|t| t.chars().count()),
            Some(20)
        );
        assert_eq!(text_payload("+237677000000", "hi")["text"]["body"], "hi");
        let hook = json!({"entry":[{"changes":[{"value":{"messages":[
            {"from":"237699000002","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"x.y","title":"Confirmer"}}},
            {"from":"237699000002","type":"text","text":{"body":"hello"}}
        ]}}]}]});
        assert_eq!(
            button_presses(&hook),
            vec![("237699000002".to_string(), "x.y".to_string())]
        );
        assert!(button_presses(&json!({})).is_empty());
    }
}
