//! The catalogue as the browser has it: only the messages `browser.keys` names, written out
//! by `build.rs` as data, and a formatter for the little of Fluent they use (text, variables,
//! and a select on a number by the language's plural rule). The server keeps Fluent; the test
//! below checks both give the same words for every message the browser carries.

use crate::domain::Lang;

/// One piece of a message.
pub(super) enum Part {
    Text(&'static str),
    Var(&'static str),
    /// No browser message selects today; kept so a counted phrase can join `browser.keys`.
    #[allow(dead_code)]
    Select {
        on: &'static str,
        variants: &'static [(&'static str, &'static [Part])],
        default: usize,
    },
}

include!(concat!(env!("OUT_DIR"), "/browser_messages.rs"));

fn find(lang: Lang, key: &str) -> Option<&'static [Part]> {
    let slot = match lang {
        Lang::En => 0,
        Lang::Fr => 1,
    };
    MESSAGES
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| MESSAGES[i].1[slot])
}

/// The CLDR plural category of an integer: English says "one" for 1 only, French for 0 and 1.
fn category(lang: Lang, n: i64) -> &'static str {
    match (lang, n) {
        (Lang::En, 1) | (Lang::Fr, 0 | 1) => "one",
        _ => "other",
    }
}

fn write(lang: Lang, parts: &[Part], args: &[(&str, &str)], out: &mut String) {
    let arg = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Var(name) => out.push_str(arg(name).unwrap_or("")),
            Part::Select {
                on,
                variants,
                default,
            } => {
                let value = arg(on).unwrap_or("");
                let number = value.parse::<i64>().ok();
                let chosen = variants
                    .iter()
                    .find(|(k, _)| *k == value)
                    .or_else(|| {
                        let c = category(lang, number?);
                        variants.iter().find(|(k, _)| *k == c)
                    })
                    .or_else(|| variants.get(*default))
                    .map(|(_, p)| *p)
                    .unwrap_or(&[]);
                write(lang, chosen, args, out);
            }
        }
    }
}

/// The text of a message without placeables; "…" (and a warning) for any other key.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match find(lang, key) {
        Some([Part::Text(text)]) => text,
        _ => {
            tracing::warn!(key, "missing translation");
            "…"
        }
    }
}

/// `key`'s message with its `{ $name }` placeables filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    match find(lang, key) {
        Some(parts) => {
            let mut out = String::new();
            write(lang, parts, args, &mut out);
            out
        }
        None => {
            tracing::warn!(key, "missing translation");
            "…".to_string()
        }
    }
}

/// A counted phrase: `key` selects on `$count` by the language's plural rule.
pub fn count(lang: Lang, key: &str, n: i64) -> String {
    tf(lang, key, &[("count", &n.to_string())])
}

/// Whether the browser's catalogue has a message named `key`.
pub fn has_key(key: &str) -> bool {
    find(Lang::En, key).is_some()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_browser_says_what_the_server_says() {
        for (key, _) in MESSAGES {
            for lang in [Lang::En, Lang::Fr] {
                assert_eq!(t(lang, key), super::super::t(lang, key), "{key}");
                let args = [("count", "1"), ("from", "2.4 MB"), ("to", "0.8 MB")];
                assert_eq!(
                    tf(lang, key, &args),
                    super::super::tf(lang, key, &args),
                    "{key}"
                );
                for n in [0, 1, 2, 21] {
                    assert_eq!(
                        count(lang, key, n),
                        super::super::count(lang, key, n),
                        "{key}"
                    );
                }
            }
        }
    }

    /// Every message key the islands name, in the files (or, for `CopyButton`, the function)
    /// they are built from, and every key a page hands an island as a prop.
    #[test]
    fn every_key_an_island_names_is_in_the_browser() {
        const ISLANDS: [&str; 6] = [
            "src/features/orders/door.rs",
            "src/features/orders/door_local.rs",
            "src/features/orders/scanner.rs",
            "src/ui/upload.rs",
            "src/ui/file_input.rs",
            "src/ui/proof_input.rs",
        ];
        let keys = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .filter(|s| {
                    s.contains('.')
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                        && super::super::has_key(s)
                })
                .map(str::to_string)
                .collect()
        };
        let read = |file: &str| {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            assert!(!text.is_empty(), "{file} is gone: update this test");
            text
        };
        let mut named = Vec::new();
        for file in ISLANDS {
            named.extend(keys(&read(file)));
        }
        let instructions = read("src/features/payments/instructions.rs");
        let copy = instructions
            .split("pub fn CopyButton")
            .nth(1)
            .and_then(|rest| rest.split("\n}\n").next())
            .unwrap_or_default();
        assert!(!copy.is_empty(), "CopyButton moved: update this test");
        named.extend(keys(copy));
        // Props: the lines of a `FileField { .. }` or `ProofField { .. }` a page builds, and
        // each `<CopyButton .. label=..>`.
        for file in walk("src") {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if line.contains("<CopyButton") {
                    named.extend(keys(line));
                }
                if line.contains("FileField {") || line.contains("ProofField {") {
                    for prop in lines.iter().skip(i).take(10) {
                        named.extend(keys(prop));
                    }
                }
            }
        }
        // Keys an island builds from a code at run time.
        named.extend(
            ["checkin.outcome.VALID", "checkin.reason.UNKNOWN"]
                .into_iter()
                .map(str::to_string),
        );
        let mut missing: Vec<String> = named.into_iter().filter(|k| !has_key(k)).collect();
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "used by an island, so add to browser.keys: {missing:?}"
        );
    }

    fn walk(dir: &str) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path.to_string_lossy()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }
}
