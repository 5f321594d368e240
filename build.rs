//! Writes the browser's share of the message catalogue.
//!
//! The server formats every message with Fluent. The browser bundle only needs the words its
//! islands show, so instead of shipping both catalogues and a Fluent parser to every phone, this
//! script reads the catalogues once at build time and writes the messages that
//! `src/i18n/browser.keys` names as Rust data (`OUT_DIR/browser_messages.rs`), read by
//! `src/i18n/browser.rs`. A test checks the two formatters agree on every one of them.

use std::{env, fmt::Write as _, fs, path::Path};

use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement, VariantKey};

const CATALOGUES: [&str; 2] = [
    "src/i18n/locales/en/tessera.ftl",
    "src/i18n/locales/fr/tessera.ftl",
];
const KEYS: &str = "src/i18n/browser.keys";

fn main() {
    for path in CATALOGUES.iter().chain([&KEYS]) {
        println!("cargo:rerun-if-changed={path}");
    }
    let patterns: Vec<String> = read(KEYS)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let wanted = |key: &str| {
        patterns.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => key.starts_with(prefix),
            None => key == p,
        })
    };
    let sources: Vec<String> = CATALOGUES.iter().map(|p| read(p)).collect();
    let mut languages = Vec::new();
    for source in &sources {
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("a catalogue has syntax errors: {errors:?}"));
        let mut messages = std::collections::BTreeMap::new();
        for entry in resource.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let key = m.id.name.replace('-', ".");
                if let (true, Some(value)) = (wanted(&key), &m.value) {
                    messages.insert(key.clone(), parts(&key, value));
                }
            }
        }
        languages.push(messages);
    }
    let mut out = String::from("pub(super) static MESSAGES: &[(&str, [&[Part]; 2])] = &[\n");
    for (key, en) in &languages[0] {
        let fr = languages[1]
            .get(key)
            .unwrap_or_else(|| panic!("{key} is not in the French catalogue"));
        let _ = writeln!(out, "    ({key:?}, [{en}, {fr}]),");
    }
    out.push_str("];\n");
    for pattern in &patterns {
        let found = languages[0]
            .keys()
            .any(|k| match pattern.strip_suffix('*') {
                Some(prefix) => k.starts_with(prefix),
                None => k == pattern,
            });
        assert!(
            found,
            "{KEYS} names {pattern}, which the catalogue does not have"
        );
    }
    let dir = env::var("OUT_DIR").unwrap_or_else(|_| panic!("cargo sets OUT_DIR"));
    fs::write(Path::new(&dir).join("browser_messages.rs"), out)
        .unwrap_or_else(|e| panic!("cannot write the browser messages: {e}"));
}

fn read(path: &str) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// A pattern as a Rust expression of `&[Part]`.
fn parts(key: &str, pattern: &Pattern<&str>) -> String {
    let mut out = String::from("&[");
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => {
                let _ = write!(out, "Part::Text({value:?}),");
            }
            PatternElement::Placeable { expression } => match expression {
                Expression::Inline(inline) => out.push_str(&inline_part(key, inline)),
                Expression::Select { selector, variants } => {
                    let InlineExpression::VariableReference { id } = selector else {
                        panic!("{key}: the browser selects only on a variable");
                    };
                    let mut list = String::from("&[");
                    let mut default = 0;
                    for (i, variant) in variants.iter().enumerate() {
                        if variant.default {
                            default = i;
                        }
                        let name = match &variant.key {
                            VariantKey::Identifier { name } => name.to_string(),
                            VariantKey::NumberLiteral { value } => value.to_string(),
                        };
                        let _ = write!(list, "({name:?}, {}),", parts(key, &variant.value));
                    }
                    list.push(']');
                    let _ = write!(
                        out,
                        "Part::Select {{ on: {:?}, variants: {list}, default: {default} }},",
                        id.name
                    );
                }
            },
        }
    }
    out.push(']');
    out
}

fn inline_part(key: &str, inline: &InlineExpression<&str>) -> String {
    match inline {
        InlineExpression::VariableReference { id } => format!("Part::Var({:?}),", id.name),
        InlineExpression::StringLiteral { value } if !value.contains('\\') => {
            format!("Part::Text({value:?}),")
        }
        InlineExpression::NumberLiteral { value } => format!("Part::Text({value:?}),"),
        InlineExpression::Placeable { expression } => match &**expression {
            Expression::Inline(inner) => inline_part(key, inner),
            Expression::Select { .. } => panic!("{key}: a nested select is not for the browser"),
        },
        _ => panic!("{key} uses a Fluent feature the browser catalogue does not carry"),
    }
}
