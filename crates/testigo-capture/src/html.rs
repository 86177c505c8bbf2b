//! HTML: the main article text (via dom_smoothie's port of Mozilla Readability, with a
//! tag-and-class fallback) and the page's meta tags.

use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeRef};
use dom_smoothie::{Article, Config, Readability};
use testigo_core::Metadata;

use crate::meta;

/// Readability output shorter than this many chars is trusted only when it also holds at least
/// half the fallback text (dom_smoothie's own "readable" minimum is 140 chars).
const MIN_READABLE_CHARS: usize = 140;

/// Pages nested deeper than this skip readability, whose scoring is quadratic in the depth;
/// real article pages stay far below it.
const MAX_READABILITY_DEPTH: usize = 256;

/// HTML nested deeper than this (by [`nesting_estimate`]) is refused: the HTML parsing
/// algorithm scans the stack of open elements for many tags, so its time grows with the square
/// of the depth (100,000 nested `<div>`s took minutes). Real pages nest a few dozen deep.
pub(crate) const MAX_HTML_DEPTH: usize = 4096;

/// Elements that never nest: void elements, and those whose start tag closes the previous
/// one (`<p>`, `<li>`, table cells and rows, `<option>`, ...), so that pages with unclosed
/// paragraphs are not mistaken for deep ones.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc", "thead",
    "tbody", "tfoot", "colgroup", "caption", "frame", "keygen", "image", "basefont", "bgsound",
];

/// Elements whose content is raw text, skipped up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// An upper estimate of how deep the elements of `source` nest, from the tags alone, in one
/// linear pass: a start tag of any element but [`FLAT`] ones opens a level, an end tag of such
/// an element closes one; comments, doctypes and raw text (`<script>`, `<style>`, ...) are
/// skipped.
pub(crate) fn nesting_estimate(source: &str) -> usize {
    let bytes = source.as_bytes();
    let (mut i, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset + 1;
        i = start;
        let Some(&next) = bytes.get(start) else { break };
        if next == b'!' || next == b'?' {
            // A comment ends at `-->`, a doctype or bogus comment at `>`.
            let end = if bytes[start..].starts_with(b"!--") { memchr::memmem::find(&bytes[start..], b"-->") } else { memchr::memchr(b'>', &bytes[start..]) };
            i = end.map_or(bytes.len(), |e| start + e + 1);
            continue;
        }
        let closing = next == b'/';
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = source[name_start..name_start + name_len].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let end_tag = format!("</{name}");
            let lower_rest = &bytes[name_start..];
            i = memchr::memmem::find_iter(lower_rest, b"</")
                .find(|&e| lower_rest[e..].len() >= end_tag.len() && lower_rest[e..e + end_tag.len()].eq_ignore_ascii_case(end_tag.as_bytes()))
                .map_or(bytes.len(), |e| name_start + e + end_tag.len());
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
    }
    deepest
}

/// Extracts the article text and the metadata of the page in `source`.
pub(crate) fn extract(source: &str, warnings: &mut Vec<String>) -> (String, Metadata) {
    let doc = Document::from(source);
    let mut metadata = page_metadata(&doc, warnings);
    let fallback = fallback_text(&doc);
    let article = if depth(&doc) > MAX_READABILITY_DEPTH {
        warnings.push(format!(
            "the page is nested more than {MAX_READABILITY_DEPTH} elements deep, so its text was taken from <article>/<main>/<body> without readability"
        ));
        None
    } else {
        // Classes are kept so that the chrome filter can also clean readability's choice: on
        // short pages it often keeps a menu or a comment block next to the story.
        let config = Config {
            keep_classes: true,
            ..Config::default()
        };
        Readability::new(source, None, Some(config))
            .ok()
            .and_then(|mut r| r.parse().ok())
    };
    let text = match &article {
        Some(article) => {
            let readable = without_chrome(
                &to_text(Document::fragment(article.content.clone()).root()),
                &doc,
            );
            let (r, f) = (readable.chars().count(), fallback.chars().count());
            if r > 0 && (r >= MIN_READABLE_CHARS || 2 * r >= f) {
                readable
            } else {
                fallback
            }
        }
        None => fallback,
    };
    if let Some(article) = &article {
        metadata = metadata.or(readability_metadata(article));
    }
    (text, metadata)
}

/// Removes from `text` the paragraphs that are, word for word, the text of page chrome in
/// `doc`. Readability rewrites markup (a `<div class="comments">` becomes a bare `<p>`), so
/// the class-based filter cannot always see chrome in its output; the chrome's text is the
/// same.
fn without_chrome(text: &str, doc: &Document) -> String {
    let mut chrome = HashSet::new();
    walk(doc.root(), true, Some(&mut chrome));
    let kept: Vec<&str> = text
        .trim_end()
        .split("\n\n")
        .filter(|p| !chrome.contains(*p))
        .collect();
    let mut text = kept.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// The greatest element nesting depth of `doc`.
fn depth(doc: &Document) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        stack.extend(
            node.children_it(false)
                .filter(|c| c.is_element())
                .map(|c| (c, d + 1)),
        );
    }
    deepest
}

/// Elements that never hold article text.
const NEVER_TEXT: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "math",
    "iframe", "object", "embed", "canvas", "video", "audio", "picture", "img", "button", "select",
    "option", "textarea", "input", "dialog",
];

/// Elements that are page chrome.
const CHROME_TAGS: &[&str] = &["nav", "header", "footer", "aside", "form", "menu"];

/// Words in a `class` or `id` that mark page chrome (matched as substrings, lowercase).
const CHROME_WORDS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "menu",
    "nav",
    "share",
    "social",
    "related",
    "comment",
    "subscribe",
    "newsletter",
    "breadcrumb",
    "sidebar",
    "advert",
    "promo",
    "popup",
    "modal",
];

/// ARIA roles of page chrome.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// The text of a whole page without readability: the longest `<article>`, else `<main>`, else
/// `<body>`, minus page chrome.
fn fallback_text(doc: &Document) -> String {
    let mut articles = Vec::new();
    let mut main = None;
    let mut body = None;
    for node in doc.root().descendants_it() {
        match node.node_name().as_deref() {
            Some("article") => articles.push(node),
            Some("main") if main.is_none() => main = Some(node),
            Some("body") if body.is_none() => body = Some(node),
            _ => {}
        }
    }
    let longest_article = articles
        .into_iter()
        .map(|a| to_text(a))
        .max_by_key(|text| text.len())
        .filter(|text| !text.trim().is_empty());
    longest_article
        .or_else(|| main.map(|m| to_text(m)).filter(|t| !t.trim().is_empty()))
        .or_else(|| body.map(|b| to_text(b)).filter(|t| !t.trim().is_empty()))
        .unwrap_or_else(|| to_text(doc.root()))
}

/// One step of the iterative walk (an explicit stack, so deeply nested markup cannot overflow
/// the call stack).
enum Step<'a> {
    Enter(NodeRef<'a>, bool),
    Leave { block: bool, pre: bool },
}

/// The text under `root`, one paragraph per block element, paragraphs separated by a blank
/// line, `<br>` as a line break, whitespace collapsed; page chrome below `root` is skipped.
fn to_text(root: NodeRef<'_>) -> String {
    walk(root, true, None)
}

/// The text walk behind [`to_text`]. With `filter_chrome` false only elements that never hold
/// text are skipped. When `chrome` is given, the paragraphs of every skipped chrome element go
/// into it.
fn walk(
    root: NodeRef<'_>,
    filter_chrome: bool,
    mut chrome: Option<&mut HashSet<String>>,
) -> String {
    let mut out = TextWriter::default();
    let mut stack = vec![Step::Enter(root, true)];
    while let Some(step) = stack.pop() {
        let (node, is_root) = match step {
            Step::Leave { block, pre } => {
                if pre {
                    out.pre = out.pre.saturating_sub(1);
                }
                if block {
                    out.end_block();
                }
                continue;
            }
            Step::Enter(node, is_root) => (node, is_root),
        };
        if node.is_text() {
            out.push_text(&node.text());
            continue;
        }
        if node.is_element() {
            let name = node
                .node_name()
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default();
            if !is_root {
                if never_text(&node, &name) {
                    continue;
                }
                if filter_chrome && is_chrome(&node, &name) {
                    if let Some(chrome) = chrome.as_deref_mut() {
                        // Not recursive: the inner walk does not filter, so it collects nothing.
                        let text = walk(node, false, None);
                        chrome.extend(
                            text.trim_end()
                                .split("\n\n")
                                .filter(|p| !p.is_empty())
                                .map(str::to_string),
                        );
                    }
                    continue;
                }
            }
            match name.as_str() {
                "br" => {
                    out.line_break();
                    continue;
                }
                "hr" => {
                    out.end_block();
                    continue;
                }
                "td" | "th" => out.space = true,
                _ => {}
            }
            let block = BLOCKS.contains(&name.as_str());
            let pre = name == "pre";
            if block {
                out.end_block();
            }
            if pre {
                out.pre += 1;
            }
            stack.push(Step::Leave { block, pre });
        } else if !(node.is_document() || node.is_fragment()) {
            // Comments, doctypes, processing instructions.
            continue;
        }
        let children: Vec<NodeRef<'_>> = node.children_it(true).collect();
        stack.extend(children.into_iter().map(|child| Step::Enter(child, false)));
    }
    out.finish()
}

/// True when the element `node` (named `name`) never holds article text: scripts, styles,
/// form controls, media, and anything hidden.
fn never_text(node: &NodeRef<'_>, name: &str) -> bool {
    if NEVER_TEXT.contains(&name) || node.has_attr("hidden") {
        return true;
    }
    if node
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    node.attr("style").is_some_and(|s| {
        let s: String = s.to_ascii_lowercase().split_whitespace().collect();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// True when the element `node` (named `name`) is page chrome: navigation, header and footer,
/// asides, forms, a chrome ARIA role, or a class or id that says cookie, menu, nav, share,
/// related, comment, subscribe, ... (unless it holds the page's `<h1>` or `<main>`)
fn is_chrome(node: &NodeRef<'_>, name: &str) -> bool {
    if CHROME_TAGS.contains(&name) {
        return true;
    }
    if node.attr("role").is_some_and(|r| {
        CHROME_ROLES
            .iter()
            .any(|c| r.trim().eq_ignore_ascii_case(c))
    }) {
        return true;
    }
    let marks = [node.class(), node.id_attr()];
    let marked = marks.iter().flatten().any(|value| {
        let value = value.to_ascii_lowercase();
        CHROME_WORDS.iter().any(|word| value.contains(word))
    });
    // Class names are a weak signal: a wrapper such as `<div class="content has-sidebar">` may
    // hold the whole story. One that holds the headline (`<h1>`) or `<main>` is not chrome.
    marked
        && !node
            .descendants_it()
            .any(|d| matches!(d.node_name().as_deref(), Some("h1" | "main")))
}

/// Accumulates paragraphs of collapsed text.
#[derive(Default)]
struct TextWriter {
    paragraphs: Vec<String>,
    lines: Vec<String>,
    current: String,
    /// Whitespace was seen since the last char; a space goes in before the next one.
    space: bool,
    /// Depth of `<pre>` elements, where line breaks in the text are kept.
    pre: usize,
}

impl TextWriter {
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' && self.pre > 0 {
                self.line_break();
            } else if c.is_whitespace() {
                self.space = true;
            } else if matches!(c, '\u{AD}' | '\u{200B}' | '\u{FEFF}') || c.is_control() {
                // Soft hyphens, zero-width spaces and stray BOMs are invisible on the page.
            } else {
                if self.space && !self.current.is_empty() {
                    self.current.push(' ');
                }
                self.space = false;
                self.current.push(c);
            }
        }
    }

    /// `<br>`: ends the line; a second `<br>` in a row ends the paragraph.
    fn line_break(&mut self) {
        if self.current.is_empty() {
            self.end_block();
        } else {
            self.lines.push(std::mem::take(&mut self.current));
        }
        self.space = false;
    }

    fn end_block(&mut self) {
        if !self.current.is_empty() {
            self.lines.push(std::mem::take(&mut self.current));
        }
        if !self.lines.is_empty() {
            self.paragraphs.push(self.lines.join("\n"));
            self.lines.clear();
        }
        self.space = false;
    }

    fn finish(mut self) -> String {
        self.end_block();
        let mut text = self.paragraphs.join("\n\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Metadata from the page's `<meta>` tags, `<title>`, `<link rel=canonical>`, `<html lang>` and
/// a `<time datetime>` inside the `<article>`.
fn page_metadata(doc: &Document, warnings: &mut Vec<String>) -> Metadata {
    let mut metas: HashMap<String, String> = HashMap::new();
    let mut title = None;
    let mut canonical = None;
    let mut html_lang = None;
    let mut article_time = None;
    for node in doc.root().descendants_it() {
        let Some(name) = node.node_name() else {
            continue;
        };
        match &*name {
            "html" if html_lang.is_none() => {
                html_lang = node.attr("lang").or_else(|| node.attr("xml:lang"))
            }
            "meta" => {
                if let Some(content) = node.attr("content") {
                    for key_attr in ["property", "name", "itemprop", "http-equiv"] {
                        if let Some(key) = node.attr(key_attr) {
                            metas
                                .entry(key.trim().to_lowercase())
                                .or_insert_with(|| content.to_string());
                        }
                    }
                }
            }
            "link" if canonical.is_none() => {
                let rel = node.attr("rel").unwrap_or_default();
                if rel
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
                {
                    canonical = node.attr("href");
                }
            }
            "title" if title.is_none() => {
                let in_svg = node
                    .ancestors_it(None)
                    .any(|a| a.node_name().as_deref() == Some("svg"));
                if !in_svg {
                    title = Some(node.text());
                }
            }
            "time" if article_time.is_none() => {
                let in_article = node
                    .ancestors_it(None)
                    .any(|a| a.node_name().as_deref() == Some("article"));
                if in_article || node.has_attr("pubdate") {
                    article_time = node.attr("datetime");
                }
            }
            _ => {}
        }
        // Microdata on any element, e.g. `<time itemprop="datePublished" datetime="...">`.
        if name.as_ref() != "meta"
            && node
                .attr("itemprop")
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("datePublished"))
        {
            if let Some(value) = node.attr("datetime").or_else(|| node.attr("content")) {
                metas
                    .entry("datepublished".to_string())
                    .or_insert_with(|| value.to_string());
            }
        }
    }
    let meta = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| metas.get(*k).and_then(|v| meta::clean(v)))
    };
    let mut metadata = Metadata {
        title: meta(&["og:title"])
            .or_else(|| title.as_deref().and_then(meta::clean))
            .or_else(|| meta(&["twitter:title", "dc.title", "dcterms.title"])),
        publisher: meta(&[
            "og:site_name",
            "publisher",
            "dc.publisher",
            "dcterms.publisher",
            "application-name",
        ])
        .or_else(|| meta(&["article:publisher"]).filter(|p| !p.starts_with("http")))
        .or_else(|| meta(&["author", "dc.creator"])),
        url: meta(&["og:url"])
            .or_else(|| canonical.as_deref().and_then(meta::clean))
            .or_else(|| meta(&["twitter:url", "dc.identifier"]).filter(|u| u.starts_with("http"))),
        published: None,
        language: None,
    };

    let date_keys = [
        "article:published_time",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "datepublished",
        "og:published_time",
        "parsely-pub-date",
        "sailthru.date",
        "citation_publication_date",
    ];
    let mut candidates: Vec<(String, String)> = date_keys
        .iter()
        .filter_map(|k| metas.get(*k).map(|v| (format!("meta `{k}`"), v.clone())))
        .collect();
    if let Some(time) = article_time {
        candidates.push((
            "`<time datetime>` in the article".to_string(),
            time.to_string(),
        ));
    }
    metadata.published = candidates.iter().find_map(|(_, v)| meta::parse_date(v));
    if metadata.published.is_none() {
        if let Some((origin, value)) = candidates.first() {
            warnings.push(format!(
                "{origin}: `{}` is not a date this tool reads (YYYY-MM-DD or an ISO 8601 timestamp), so the publication date is left unset",
                value.trim()
            ));
        }
    }

    let language = html_lang
        .map(|l| ("`<html lang>`".to_string(), l.to_string()))
        .or_else(|| {
            [
                "content-language",
                "og:locale",
                "dc.language",
                "dcterms.language",
                "language",
            ]
            .iter()
            .find_map(|k| metas.get(*k).map(|v| (format!("meta `{k}`"), v.clone())))
        })
        .filter(|(_, v)| !v.trim().is_empty());
    if let Some((origin, value)) = language {
        metadata.language = meta::parse_language(&value);
        if metadata.language.is_none() {
            warnings.push(format!(
                "{origin}: the page declares language `{}`, which testigo does not analyse (it reads en and es)",
                value.trim()
            ));
        }
    }
    metadata
}

/// What dom_smoothie found (JSON-LD included), as a lower-priority metadata source.
fn readability_metadata(article: &Article) -> Metadata {
    Metadata {
        title: meta::clean(&article.title),
        publisher: article.site_name.as_deref().and_then(meta::clean),
        url: article
            .url
            .as_deref()
            .and_then(meta::clean)
            .filter(|u| u.starts_with("http")),
        published: article.published_time.as_deref().and_then(meta::parse_date),
        language: article.lang.as_deref().and_then(meta::parse_language),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_text(html: &str) -> String {
        to_text(Document::from(html).root())
    }

    #[test]
    fn blocks_become_paragraphs_and_whitespace_collapses() {
        let text = page_text(
            "<body><h1>Two  migrants\n shot</h1><p>First&nbsp;line<br>second &amp; <b>bold</b>.</p>\
             <ul><li>one</li><li>two</li></ul><p>a<br><br>b</p><table><tr><td>x</td><td>y</td></tr></table></body>",
        );
        assert_eq!(
            text,
            "Two migrants shot\n\nFirst line\nsecond & bold.\n\none\n\ntwo\n\na\n\nb\n\nx y\n"
        );
    }

    #[test]
    fn page_chrome_is_dropped() {
        let html = "<body><nav>Home</nav><div class=\"cookie-banner\">We use cookies</div><p>Story.</p>\
                    <div id=\"share-tools\">Share</div><p hidden>secret</p><script>var x;</script></body>";
        assert_eq!(page_text(html), "Story.\n");
    }

    #[test]
    fn a_wrapper_with_a_chrome_class_that_holds_the_headline_is_kept() {
        let html = "<body><div class=\"layout has-sidebar\"><h1>Headline</h1><p>Story.</p>\
                    <div class=\"sidebar\">Most read</div></div></body>";
        assert_eq!(page_text(html), "Headline\n\nStory.\n");
    }

    #[test]
    fn pre_keeps_its_lines() {
        assert_eq!(page_text("<pre>a  b\nc</pre>"), "a b\nc\n");
    }
}
