//! Capture never panics, whatever the bytes.

use proptest::prelude::*;
use testigo_capture::{capture, parse_sidecar, DocKind};

/// Cases per property: `PROPTEST_CASES` when set (the longer fuzzing run of `.ci/run`), else
/// `default`.
fn fuzz_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const NEWS_PAGE: &str = include_str!("data/news_page.html");

fn check_invariants(name: &str, bytes: &[u8]) {
    if let Ok(c) = capture(name, bytes) {
        assert!(!c.text.trim().is_empty(), "{name}: Ok with empty text");
        assert_eq!(c.sha256.len(), 64);
        if c.kind == DocKind::Text {
            // Plain text is the input minus a header block, otherwise byte for byte.
            if let Ok(source) = std::str::from_utf8(bytes) {
                let source = source
                    .strip_prefix('\u{feff}')
                    .unwrap_or(source)
                    .replace("\r\n", "\n");
                assert!(
                    source.ends_with(&c.text),
                    "{name}: text is not a suffix of the input"
                );
            }
        }
    }
}

/// Pieces of markup that random documents are glued from, so that the parsers, not the binary
/// sniffer, see most cases.
const PIECES: &[&str] = &[
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<article>",
    "</article>",
    "<main>",
    "<br>",
    "<nav class=menu>",
    "</nav>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&amp;",
    "&#",
    ";",
    "<time datetime='2019-01-01'>",
    "</time>",
    "<meta property='og:title' content='x'>",
    "<html lang=es>",
    "<pre>",
    "</pre>",
    "<td>",
    "<h1>",
    "text ",
    "ñú ",
    "\n",
    "\r\n",
    "  ",
    "**",
    "*",
    "_",
    "~~",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "`",
    "```\n",
    "---\n",
    "# ",
    "> ",
    "- ",
    "1. ",
    "|",
    "<https://x.org>",
    "\\",
    "Title: x\n",
    "Fecha: 2019-02-30\n",
    "\u{feff}",
];

fn document() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..120)
        .prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases(512)))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for name in ["r.txt", "r.md", "r.html", "r"] {
            check_invariants(name, &bytes);
        }
        let _ = parse_sidecar(&bytes);
    }

    #[test]
    fn random_markupish_text_never_panics(text in "[<>/a-z !\\[\\]()*_`~#>\\-=|:\\\\\n]{0,400}") {
        for name in ["r.txt", "r.md", "r.html"] {
            check_invariants(name, text.as_bytes());
        }
        let _ = parse_sidecar(text.as_bytes());
    }

    #[test]
    fn glued_markup_never_panics(text in document()) {
        for name in ["r.txt", "r.md", "r.html"] {
            check_invariants(name, text.as_bytes());
        }
    }

    #[test]
    fn any_unicode_never_panics(text in any::<String>()) {
        for name in ["r.txt", "r.md", "r.html"] {
            check_invariants(name, text.as_bytes());
        }
    }

    #[test]
    fn truncated_html_never_panics(cut in 0..NEWS_PAGE.len()) {
        check_invariants("p.html", &NEWS_PAGE.as_bytes()[..cut]);
        check_invariants("p.md", &NEWS_PAGE.as_bytes()[..cut]);
    }
}

#[test]
fn deeply_nested_markup_does_not_overflow_the_stack() {
    let depth = 3_000;
    let html = format!(
        "<html><body>{}<p>deep text</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let c = capture("deep.html", html.as_bytes()).expect("captures");
    assert!(c.text.contains("deep text"), "{:?}", c.text);
    let md = format!("{}deep [link]({})\n", "> ".repeat(depth), "(".repeat(depth));
    let c = capture("deep.md", md.as_bytes()).expect("captures");
    assert!(
        c.text.contains("deep"),
        "{:?}",
        c.text.chars().take(80).collect::<String>()
    );
}

#[test]
fn pathological_markdown_lines_are_fast() {
    let line = format!(
        "{}{}{}\n",
        "[".repeat(50_000),
        "`".repeat(3),
        "*a_".repeat(20_000)
    );
    let started = std::time::Instant::now();
    let c = capture("p.md", line.as_bytes()).expect("captures");
    assert!(c.text.starts_with("[[["));
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn issue_6_html_nested_100000_deep_is_refused_at_once_with_a_clear_error() {
    let html = format!(
        "<html><body>{}<p>Un migrante fue asesinado en Tapachula.</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let err = capture("deep.html", html.as_bytes()).expect_err("refused");
    assert!(started.elapsed().as_secs() < 2, "took {:?}", started.elapsed());
    assert!(matches!(err, testigo_capture::CaptureError::TooDeep { depth: 100_002, .. }), "{err:?}");
    assert!(err.to_string().contains("save the article's text"), "{err}");
    // Unclosed paragraphs, list items and cells do not nest: a long sloppy page is not deep.
    let sloppy = format!("<html><body><ul>{}</ul><table>{}</table></body></html>", "<li><p>uno <b>dos</b> tres".repeat(20_000), "<tr><td>a<td>b".repeat(5_000));
    let c = capture("sloppy.html", sloppy.as_bytes()).expect("captures");
    assert!(c.text.contains("uno dos tres"));
    // Tags inside scripts and comments do not count.
    let scripted = format!("<html><body><script>{}</script><!-- {} --><p>Un texto.</p></body></html>", "<div>".repeat(10_000), "<div>".repeat(10_000));
    assert!(capture("scripted.html", scripted.as_bytes()).is_ok());
}

/// JSON values of every type, nested a little, for sidecar keys.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(|d| format!("{d:?}")),
        any::<String>().prop_map(|s| format!("{s:?}")),
        Just("1e999".to_string()),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec(inner, 0..4).prop_map(|v| format!("{{\"k\":{}}}", v.join(","))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases(512)))]

    /// Issue 6: sidecars with any value under any known key give metadata or an error that
    /// names the key, never a panic.
    #[test]
    fn issue_6_sidecars_with_any_values_never_panic(
        values in proptest::collection::vec((proptest::sample::select(vec!["title", "publisher", "url", "published", "language", "other"]), json_value()), 0..6)
    ) {
        let body = format!("{{{}}}", values.iter().map(|(k, v)| format!("{k:?}:{v}")).collect::<Vec<_>>().join(","));
        match parse_sidecar(body.as_bytes()) {
            Ok(_) => {}
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
