//! Arrows point down: every `crate::…` path in `src/` must go from a module to one it may
//! depend on (the table in README's "How it is built"). A feature may use the payments core,
//! the payments core uses no feature, and the platform uses nothing above it. This test reads
//! the sources, so a new `use` that breaks a direction fails here with its file and target.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// The unit a file belongs to: `features::<name>`, or the first segment under `src/`.
fn unit_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [first, second, ..] if first == "features" && second != "mod" => {
            format!("features::{second}")
        }
        [first, ..] => first.clone(),
        [] => String::new(),
    }
}

/// Which units `unit` may import (besides itself).
fn allowed(unit: &str) -> Option<&'static [&'static str]> {
    const BASE: &[&str] = &["domain", "error", "i18n"];
    Some(match unit {
        "error" | "domain" => &[],
        "i18n" => &["domain"],
        "ui" => BASE,
        "platform" => BASE,
        "features::payments" => &["domain", "error", "i18n", "ui", "platform"],
        "features::billing"
        | "features::payment_tickets"
        | "features::orders"
        | "features::admin" => &[
            "domain",
            "error",
            "i18n",
            "ui",
            "platform",
            "features::payments",
        ],
        // Registering a family starts its trial.
        "features::accounts" => &[
            "domain",
            "error",
            "i18n",
            "ui",
            "platform",
            "features::payments",
            "features::billing",
        ],
        // A statement line approves a ticket or pays an order, as an admin would.
        "features::statements" => &[
            "domain",
            "error",
            "i18n",
            "ui",
            "platform",
            "features::payments",
            "features::payment_tickets",
            "features::orders",
        ],
        // Adding a member sends them a reset link.
        "features::family" => &[
            "domain",
            "error",
            "i18n",
            "ui",
            "platform",
            "features::accounts",
        ],
        "features" => &[],
        "app" => &["domain", "error", "i18n", "ui", "features"],
        // The composition root and the crate's entry points know everything.
        "startup" | "lib" | "main" => return None,
        _ => &[],
    })
}

/// The first segment (two for `features::x`) of every path behind `crate::` in `src`,
/// grouped imports (`crate::{a, features::{b, c}}`) expanded.
fn targets(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = src;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        collect(rest, "", &mut out);
    }
    out
}

fn collect(text: &str, prefix: &str, out: &mut BTreeSet<String>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        for item in split_group(group) {
            collect(item, prefix, out);
        }
        return;
    }
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return;
    }
    if prefix.is_empty() && name == "features" {
        let after = text[name.len()..].trim_start();
        if let Some(next) = after.strip_prefix("::") {
            collect(next, "features", out);
        } else {
            out.insert("features".into());
        }
        return;
    }
    if prefix.is_empty() {
        out.insert(name);
    } else {
        out.insert(format!("{prefix}::{name}"));
    }
}

/// The top-level items of a `{…}` group, up to its closing brace.
fn split_group(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&text[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn module_imports_point_down() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 50, "the sources were not found");
    let mut broken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under src");
        let unit = unit_of(rel);
        let Some(may) = allowed(&unit) else { continue };
        let text = fs::read_to_string(file).expect("a source file is readable");
        for target in targets(&text) {
            let known = root.join(target.replace("::", "/")).exists()
                || root
                    .join(format!("{}.rs", target.replace("::", "/")))
                    .exists();
            let any_feature = may.contains(&"features") && target.starts_with("features");
            if !known || target == unit || any_feature || may.contains(&target.as_str()) {
                continue;
            }
            broken
                .entry(format!("{} ({unit})", rel.display()))
                .or_default()
                .insert(target);
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the allowed directions:\n{}",
        broken
            .iter()
            .map(|(f, t)| format!(
                "  {f} -> {}",
                t.iter().cloned().collect::<Vec<_>>().join(", ")
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn grouped_imports_are_read() {
    let t =
        targets("use crate::{domain::Lang, features::{payments::ledger, orders}, platform::db};");
    assert_eq!(
        t.into_iter().collect::<Vec<_>>(),
        vec![
            "domain",
            "features::orders",
            "features::payments",
            "platform"
        ]
    );
    let t = targets("let x = crate::features::billing::service::plans(pool);");
    assert!(t.contains("features::billing"));
}
