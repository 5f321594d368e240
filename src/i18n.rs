//! Every user-facing string in English and French, from the Fluent catalogues
//! `src/i18n/locales/{en,fr}/tessera.ftl`, embedded at compile time by fluent-templates.
//!
//! Code names a message by a dotted key (`nav.home`); the catalogue writes it with dashes
//! (`nav-home`), as Fluent identifiers have no dots. Counted phrases are one message that
//! selects on `$count`, so each language's CLDR plural rule picks the form ("0 commande",
//! "0 orders"). Pages, e-mails, PDFs and REST messages all read this one catalogue; tests check
//! that both languages have the same messages and that every key the code names exists.
//!
//! That is the server. The browser bundle carries only the messages its islands show, as data,
//! with a small formatter of its own (`browser`), so phones download no Fluent parser and no
//! catalogue of pages they never render.

#[cfg(any(not(feature = "ssr"), test))]
mod browser;

#[cfg(not(feature = "ssr"))]
pub use browser::{count, has_key, t, tf};
#[cfg(feature = "ssr")]
pub use server::{count, has_key, t, tf};

#[cfg(feature = "ssr")]
mod server {
    use std::{borrow::Cow, collections::HashMap, sync::OnceLock};

    use fluent_bundle::FluentValue;
    use fluent_templates::{langid, LanguageIdentifier};

    use crate::domain::Lang;

    fluent_templates::static_loader! {
        static LOCALES = {
            locales: "./src/i18n/locales",
            fallback_language: "en",
            // No Unicode isolation marks around placeables: the text goes into HTML, mail and PDFs
            // whose fonts do not all draw them.
            customise: |bundle| bundle.set_use_isolating(false),
        };
    }

    /// The catalogue sources, read again only to list the message identifiers.
    const SOURCES: [&str; 2] = [
        include_str!("i18n/locales/en/tessera.ftl"),
        include_str!("i18n/locales/fr/tessera.ftl"),
    ];

    fn language(lang: Lang) -> LanguageIdentifier {
        match lang {
            Lang::En => langid!("en"),
            Lang::Fr => langid!("fr"),
        }
    }

    fn slot(lang: Lang) -> usize {
        match lang {
            Lang::En => 0,
            Lang::Fr => 1,
        }
    }

    /// Messages without placeables, formatted once per language so `t` can hand out `&'static str`;
    /// and every message key with the variables it uses (in either language).
    struct Catalogue {
        plain: HashMap<String, [String; 2]>,
        variables: HashMap<String, Vec<String>>,
    }

    /// Each message a Fluent source defines, with the variables its text refers to.
    fn messages(source: &str) -> Vec<(String, Vec<String>)> {
        use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
        fn walk(pattern: &Pattern<&str>, out: &mut Vec<String>) {
            for element in &pattern.elements {
                let PatternElement::Placeable { expression } = element else {
                    continue;
                };
                let (inline, variants) = match expression {
                    Expression::Inline(inline) => (inline, None),
                    Expression::Select { selector, variants } => (selector, Some(variants)),
                };
                if let InlineExpression::VariableReference { id } = inline {
                    out.push(id.name.to_string());
                }
                for variant in variants.into_iter().flatten() {
                    walk(&variant.value, out);
                }
            }
        }
        let resource = match fluent_syntax::parser::parse(source) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::error!(?errors, "translation catalogue has syntax errors");
                r
            }
        };
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message(m) => {
                    let mut variables = Vec::new();
                    if let Some(value) = &m.value {
                        walk(value, &mut variables);
                    }
                    Some((m.id.name.to_string(), variables))
                }
                _ => None,
            })
            .collect()
    }

    /// The message identifiers a Fluent source defines.
    #[cfg(test)]
    fn message_ids(source: &str) -> Vec<String> {
        messages(source).into_iter().map(|(id, _)| id).collect()
    }

    fn catalogue() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            let mut plain = HashMap::new();
            let mut variables: HashMap<String, Vec<String>> = HashMap::new();
            for (id, names) in SOURCES.iter().flat_map(|s| messages(s)) {
                let entry = variables.entry(id.replace('-', ".")).or_default();
                entry.extend(names);
                entry.sort();
                entry.dedup();
            }
            for key in variables.keys() {
                let id = key.replace('.', "-");
                let lookup = |lang| {
                    LOCALES
                        .lookup_single_language::<&str>(&language(lang), &id, None)
                        .ok()
                };
                if let (Some(en), Some(fr)) = (lookup(Lang::En), lookup(Lang::Fr)) {
                    plain.insert(key.clone(), [en, fr]);
                }
            }
            Catalogue { plain, variables }
        })
    }

    /// The text for `key` in `lang`; "…" (and a warning in the log) when the key is unknown or
    /// needs arguments, so a gap shows in the page.
    pub fn t(lang: Lang, key: &str) -> &'static str {
        match catalogue().plain.get(key) {
            Some(texts) => texts[slot(lang)].as_str(),
            None => {
                tracing::warn!(key, "missing translation");
                "…"
            }
        }
    }

    fn format(
        lang: Lang,
        key: &str,
        mut args: HashMap<Cow<'static, str>, FluentValue<'_>>,
    ) -> String {
        // A variable the caller did not give is left empty rather than losing the whole message.
        for name in catalogue().variables.get(key).into_iter().flatten() {
            if !args.contains_key(name.as_str()) {
                tracing::warn!(key, variable = %name, "translation argument missing");
                args.insert(Cow::Owned(name.clone()), FluentValue::from(""));
            }
        }
        let id = key.replace('.', "-");
        match LOCALES.lookup_single_language(&language(lang), &id, Some(&args)) {
            Ok(text) => text,
            Err(error) => {
                tracing::warn!(key, %error, "translation could not be formatted");
                "…".to_string()
            }
        }
    }

    /// `key`'s message with its `{ $name }` placeables filled in.
    pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let args = args
            .iter()
            .map(|(name, value)| {
                (
                    Cow::Owned(name.to_string()),
                    FluentValue::from(value.to_string()),
                )
            })
            .collect();
        format(lang, key, args)
    }

    /// A counted phrase ("1 commande", "3 orders"): `key` selects on `$count` by the language's
    /// CLDR plural rule.
    pub fn count(lang: Lang, key: &str, n: i64) -> String {
        format(
            lang,
            key,
            HashMap::from([(Cow::Borrowed("count"), FluentValue::from(n))]),
        )
    }

    /// Whether the catalogue has a message named `key`.
    pub fn has_key(key: &str) -> bool {
        catalogue().variables.contains_key(key)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn both_languages_have_the_same_messages_and_parse_cleanly() {
            for source in SOURCES {
                assert!(
                    fluent_syntax::parser::parse(source).is_ok(),
                    "a catalogue has syntax errors"
                );
            }
            let mut en = message_ids(SOURCES[0]);
            let mut fr = message_ids(SOURCES[1]);
            let total = en.len();
            en.sort();
            fr.sort();
            en.dedup();
            assert_eq!(en.len(), total, "a message is defined twice");
            assert_eq!(en, fr, "English and French define different messages");
            for key in catalogue().variables.keys() {
                if let Some([en, fr]) = catalogue().plain.get(key) {
                    assert!(
                        !en.trim().is_empty() && !fr.trim().is_empty(),
                        "{key} is empty"
                    );
                }
            }
        }

        #[test]
        fn a_missing_argument_leaves_a_gap_not_a_lost_message() {
            let s = tf(Lang::En, "mail.welcome.body", &[("name", "Awa")]);
            assert!(s.starts_with("Hello Awa"), "{s}");
        }

        #[test]
        fn french_plurals_follow_cldr_beyond_one() {
            assert_eq!(count(Lang::Fr, "pay.days_count", 1), "1 jour");
            assert_eq!(count(Lang::Fr, "pay.days_count", 30), "30 jours");
            assert_eq!(count(Lang::En, "pay.days_count", 1), "1 day");
            assert_eq!(t(Lang::Fr, "nav.home"), "Accueil");
            assert_eq!(t(Lang::En, "no.such.key"), "…");
        }

        #[test]
        fn counts_follow_each_language_plural_rule() {
            assert_eq!(count(Lang::En, "admin.order_results", 1), "1 order");
            assert_eq!(count(Lang::En, "admin.order_results", 0), "0 orders");
            assert_eq!(count(Lang::En, "admin.order_results", 2), "2 orders");
            assert_eq!(count(Lang::Fr, "admin.order_results", 1), "1 commande");
            assert_eq!(count(Lang::Fr, "admin.order_results", 0), "0 commande");
            assert_eq!(count(Lang::Fr, "admin.results", 12), "12 tickets");
        }

        #[test]
        fn placeholders_are_filled() {
            let s = tf(
                Lang::Fr,
                "mail.welcome.body",
                &[
                    ("name", "Awa"),
                    ("family", "Mbarga"),
                    ("url", "http://x"),
                    ("email", "a@b.cm"),
                ],
            );
            assert!(s.contains("Bonjour Awa") && s.contains("« Mbarga »") && !s.contains('{'));
        }

        #[test]
        fn every_key_in_the_code_is_translated() {
            // Literal keys anywhere in src/: "ns.key" for the namespaces pages and errors use.
            fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
                for entry in std::fs::read_dir(dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        walk(&path, out);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        out.push(std::fs::read_to_string(path).unwrap());
                    }
                }
            }
            let mut sources = Vec::new();
            walk(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
                &mut sources,
            );
            let spaces = [
                "error.",
                "order.",
                "eticket.",
                "owner.",
                "checkin.",
                "refund.",
                "commission.",
                "events.",
                "nav.",
                "admin.",
                "api.",
                "whatsapp.",
                "billing.",
                "invoice.",
                "sumup.",
                "sumup_sandbox.",
                "verification.",
            ];
            let mut missing = Vec::new();
            for src in &sources {
                for piece in src.split('"').skip(1).step_by(2) {
                    let is_key = spaces.iter().any(|s| piece.starts_with(s))
                        && !piece.ends_with('.')
                        && piece
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                    if is_key && !has_key(piece) {
                        missing.push(piece.to_string());
                    }
                }
            }
            // Order history kinds, written as `order_event(tx, id, actor, "KIND", …)`.
            for src in &sources {
                for call in src.split("order_event(").skip(1) {
                    let args = call.split(';').next().unwrap_or_default();
                    let kind = args.split('"').nth(1).unwrap_or_default();
                    let literal = !kind.is_empty()
                        && kind != "KIND"
                        && kind.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                    if literal && !has_key(&format!("order.event.{kind}")) {
                        missing.push(format!("order.event.{kind}"));
                    }
                }
            }
            missing.sort();
            missing.dedup();
            assert!(missing.is_empty(), "untranslated keys: {missing:?}");
            // Keys built from enumerations.
            use crate::domain::{CommissionStatus, ETicketStatus, OrderStatus, RefundStatus};
            for s in OrderStatus::ALL {
                for prefix in ["order.status.", "order.explain.", "order.event."] {
                    assert!(has_key(&format!("{prefix}{}", s.as_str())), "{prefix}{s:?}");
                }
            }
            for s in RefundStatus::ALL {
                assert!(has_key(&format!("refund.status.{}", s.as_str())));
            }
            for s in CommissionStatus::ALL {
                assert!(has_key(&format!("commission.status.{}", s.as_str())));
            }
            for s in ETicketStatus::ALL {
                assert!(has_key(&format!("eticket.status.{}", s.as_str())));
            }
            for s in crate::domain::PaymentStatus::ALL {
                assert!(has_key(&format!("billing.payment_status.{}", s.as_str())));
            }
            for s in crate::domain::SubscriptionStatus::ALL {
                assert!(has_key(&format!("billing.status.{}", s.as_str())));
            }
            for k in ["TOPUP", "PAYMENT", "REFUND"] {
                assert!(has_key(&format!("billing.wallet_kind.{k}")));
            }
            for m in [
                "billing_paid",
                "billing_failed",
                "billing_review",
                "trial_reminder",
            ] {
                assert!(
                    has_key(&format!("mail.{m}.subject")) && has_key(&format!("mail.{m}.body"))
                );
            }
            for k in ["scheduled", "manual"] {
                assert!(has_key(&format!("verification.kind.{k}")));
            }
            for o in ["VALID", "ALREADY_CHECKED_IN", "INVALID", "VOID"] {
                assert!(has_key(&format!("checkin.outcome.{o}")));
            }
            for m in [
                "order_created",
                "tickets_issued",
                "owner_request",
                "order_cancelled",
                "order_cancelled_refund",
                "refund_initiated",
                "refund_completed",
                "refund_required",
                "payment_stuck",
                "payment_expired",
                "refund_failed",
                "sumup_reconnect",
                "tickets_sent",
                "tickets_sent_admin",
                "sumup_disconnected",
                "alert_test",
            ] {
                assert!(
                    has_key(&format!("mail.{m}.subject")) && has_key(&format!("mail.{m}.body"))
                );
            }
        }

        #[test]
        fn domain_error_keys_are_translated() {
            for key in [
                "error.email_invalid",
                "error.email_required",
                "error.phone_invalid",
                "error.phone_required",
                "error.password_short",
                "error.password_long",
                "error.password_digits",
                "error.password_required",
                "error.name_required",
                "error.name_invalid",
                "error.family_name_required",
                "error.family_name_invalid",
                "error.role_invalid",
            ] {
                assert!(has_key(key), "{key}");
            }
        }
    }
}
