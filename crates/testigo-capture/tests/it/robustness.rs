//! Capture never panics, whatever the bytes.

use proptest::prelude::*;
use testigo_capture::{capture, parse_sidecar, DocKind};

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
    #![proptest_config(ProptestConfig::with_cases(512))]

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
