//! Keyboard users find their place by the focus ring: every `:focus-visible` outline colour in
//! the stylesheet must stand out at 3:1 or more (WCAG 2.2, non-text contrast) against the
//! surfaces it is drawn on: the page, the cards, and the header's brand colour.

use std::collections::HashMap;

fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex colour")) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// `--name: #rgb` or `#rrggbb` custom properties of the stylesheet, as `#rrggbb`.
fn variables(css: &str) -> HashMap<String, String> {
    css.split(';')
        .filter_map(|decl| {
            let decl = &decl[decl.find("--")?..];
            let (name, value) = decl.split_once(':')?;
            let (name, value) = (name.trim(), value.trim());
            let hex = value
                .starts_with('#')
                .then(|| colour(value, &HashMap::new()))??;
            Some((name.to_string(), hex))
        })
        .collect()
}

/// The colour a declaration value names: `#rrggbb`, `#fff`, or `var(--x)`.
fn colour(value: &str, vars: &HashMap<String, String>) -> Option<String> {
    for word in value.split_whitespace() {
        if let Some(name) = word.strip_prefix("var(").and_then(|w| w.strip_suffix(')')) {
            return vars.get(name).cloned();
        }
        if let Some(hex) = word.strip_prefix('#') {
            let hex: String = hex.chars().take_while(char::is_ascii_hexdigit).collect();
            return match hex.len() {
                6 => Some(format!("#{hex}")),
                3 => Some(format!(
                    "#{}",
                    hex.chars().flat_map(|c| [c, c]).collect::<String>()
                )),
                _ => None,
            };
        }
    }
    None
}

#[test]
fn focus_rings_stand_out_from_what_they_are_drawn_on() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/style/main.css"))
        .expect("style/main.css");
    let vars = variables(&css);
    let mut checked = 0;
    for rule in css.split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        if !selector.contains(":focus") {
            continue;
        }
        // The header's rings are drawn on the brand colour; all others on the page or a card.
        let surfaces: Vec<&str> = if selector.contains("site-header") || selector.contains("menu") {
            vec!["--brand"]
        } else {
            vec!["--bg", "--card"]
        };
        for decl in body.split(';') {
            let Some((prop, value)) = decl.split_once(':') else {
                continue;
            };
            if !prop.trim().starts_with("outline") {
                continue;
            }
            let Some(ring) = colour(value, &vars) else {
                continue;
            };
            for surface in &surfaces {
                let behind = &vars[*surface];
                let ratio = contrast(&ring, behind);
                assert!(
                    ratio >= 3.0,
                    "{} outline {ring} on {surface} {behind}: {ratio:.2}:1",
                    selector.trim()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "only {checked} focus rings found");
}

#[test]
fn the_contrast_formula_matches_known_values() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
    assert!(contrast("#777777", "#ffffff") < 4.5);
    assert!(contrast("#cccccc", "#ffffff") < 3.0, "a pale ring fails");
}
