//! HTML: the page layout and the pieces shared by pages. maud escapes every interpolated value.

use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use testigo_core::Span;

use crate::i18n::{Lang, Messages};
use crate::Session;

/// What every page needs to render: the language, the messages and who is logged in.
pub(crate) struct Ctx<'a> {
    pub(crate) lang: Lang,
    pub(crate) messages: &'a Messages,
    pub(crate) session: Option<&'a Session>,
    /// The path and query of the page, for the language switch to come back to.
    pub(crate) here: String,
    /// The public view (no login, redacted).
    pub(crate) public: bool,
}

impl Ctx<'_> {
    /// The message `id`.
    pub(crate) fn t(&self, id: &str) -> String {
        self.messages.get(self.lang, id)
    }

    /// The session's CSRF token, or empty.
    pub(crate) fn csrf(&self) -> &str {
        self.session.map_or("", |s| s.csrf.as_str())
    }

    /// True when the user may do what role `min` may.
    pub(crate) fn can(&self, min: testigo_store::monitor::Role) -> bool {
        self.session.is_some_and(|s| s.user.role >= min)
    }
}

/// The hidden CSRF field of a form.
pub(crate) fn csrf_field(ctx: &Ctx<'_>) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf()); }
}

/// A whole page.
pub(crate) fn layout(ctx: &Ctx<'_>, title: &str, body: Markup) -> Markup {
    use testigo_store::monitor::Role;
    let other = ctx.lang.other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.as_str()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — testigo" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/incidents" { "testigo" }
                    @if ctx.session.is_some() || ctx.public {
                        nav {
                            a href="/incidents" { (ctx.t("nav-incidents")) }
                            a href="/map" { (ctx.t("nav-map")) }
                            a href="/stats" { (ctx.t("nav-stats")) }
                            @if ctx.can(Role::Analyst) { a href="/upload" { (ctx.t("nav-upload")) } }
                            @if ctx.can(Role::Admin) {
                                a href="/audit" { (ctx.t("nav-audit")) }
                                a href="/users" { (ctx.t("nav-users")) }
                            }
                        }
                    }
                    div.right {
                        a.lang href={ "/lang?to=" (other.as_str()) "&back=" (crate::percent_encode(&ctx.here)) }
                            lang=(other.as_str()) { (ctx.t("switch-language")) }
                        @if let Some(s) = ctx.session {
                            span.user { (s.user.name) " (" (ctx.t(&format!("role-{}", s.user.role.as_str()))) ")" }
                            form.inline method="post" action="/logout" {
                                (csrf_field(ctx))
                                button type="submit" id="logout" { (ctx.t("logout")) }
                            }
                        }
                    }
                }
                main {
                    @if ctx.public { p.public-note { (ctx.t("public-note")) } }
                    (body)
                }
            }
        }
    }
}

/// The page of an error, in plain words and in the request's language: the status and its
/// title, what it means, the detail (what exactly was wrong with the request), a way back.
pub(crate) fn error_page(status: StatusCode, lang: Lang, title: &str, text: &str, detail: Option<&str>, back: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            head {
                meta charset="utf-8";
                title { (status.as_u16()) " — " (title) " — testigo" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                main.error {
                    h1 { (status.as_u16()) " — " (title) }
                    p #error-text { (text) }
                    @if let Some(d) = detail { p.detail #error-detail { (d) } }
                    p { a href="/incidents" { (back) } }
                }
            }
        }
    }
}

/// `text` with the spans of `marks` (span number, span) wrapped in `<mark>` elements: each
/// piece of text carries the classes `eN` of every span covering it, and the piece where span
/// N starts carries the anchor `ev-N`, so that a link to `#ev-N` (and the script) finds it.
pub(crate) fn marked_text(text: &str, marks: &[(usize, Span)]) -> Markup {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (_, s) in marks {
        if s.end() <= text.len() && text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()) {
            cuts.push(s.start());
            cuts.push(s.end());
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::with_capacity(text.len() + marks.len() * 48);
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(piece) = text.get(a..b) else { continue };
        let covering: Vec<usize> =
            marks.iter().filter(|(_, s)| s.start() <= a && s.end() >= b && s.start() < s.end()).map(|(k, _)| *k).collect();
        for (k, s) in marks {
            if s.start() == a {
                out.push_str(&format!("<span class=\"anchor\" id=\"ev-{k}\"></span>"));
            }
        }
        let escaped = html! { (piece) }.into_string();
        if covering.is_empty() {
            out.push_str(&escaped);
        } else {
            let classes: Vec<String> = covering.iter().map(|k| format!("e{k}")).collect();
            out.push_str(&format!("<mark class=\"ev {}\">{escaped}</mark>", classes.join(" ")));
        }
    }
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_text_escapes_and_marks_overlapping_spans() {
        let text = "a <b> shot & killed";
        let m = marked_text(text, &[(0, Span::new(2, 7)), (1, Span::new(4, 13)), (2, Span::new(90, 99))]);
        let s = m.into_string();
        assert!(s.starts_with("a <span class=\"anchor\" id=\"ev-0\"></span><mark class=\"ev e0\">&lt;b</mark>"), "{s}");
        assert!(s.contains("<span class=\"anchor\" id=\"ev-1\"></span><mark class=\"ev e0 e1\">&gt; s</mark>"), "{s}");
        assert!(s.contains("&amp;"), "{s}");
        assert!(!s.contains("<b>"), "{s}");
    }
}
