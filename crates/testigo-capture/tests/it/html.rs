//! HTML pages: article text without page chrome, metadata from meta tags.

use chrono::NaiveDate;
use testigo_capture::{capture, CaptureError, DocKind};
use testigo_core::Language;

const NEWS_PAGE: &str = include_str!("data/news_page.html");

const ARTICLE_TEXT: &str = "Dos migrantes hondureños resultaron heridos la noche del martes cuando hombres armados \
dispararon contra ellos cerca de las vías del tren, en la colonia Landín de Saltillo, Coahuila.\n\
\n\
De acuerdo con la Fiscalía General del Estado, las víctimas, de 19 y 23 años de edad, fueron trasladadas al \
Hospital Universitario, donde se reporta su estado como estable.\n\
\n\
Integrantes de la Casa del Migrante de Saltillo señalaron que en lo que va del año han documentado al menos doce \
agresiones similares en la misma zona — la mayoría sin denuncia.\n";

#[test]
fn news_page_gives_only_the_article_paragraphs() {
    let c = capture("reports/saltillo.html", NEWS_PAGE.as_bytes()).expect("captures");
    assert_eq!(c.kind, DocKind::Html);
    assert_eq!(c.text, ARTICLE_TEXT);
    for chrome in [
        "cookies",
        "Deportes",
        "Compartir",
        "relacionadas",
        "derechos reservados",
        "Suscribirse",
        "dataLayer",
    ] {
        assert!(
            !c.text.contains(chrome),
            "page chrome {chrome:?} leaked into the text"
        );
    }
}

#[test]
fn news_page_metadata_comes_from_meta_tags() {
    let c = capture("saltillo.html", NEWS_PAGE.as_bytes()).expect("captures");
    let m = &c.metadata;
    assert_eq!(
        m.title.as_deref(),
        Some("Hieren a dos migrantes en Saltillo"),
        "og:title beats <title>"
    );
    assert_eq!(m.publisher.as_deref(), Some("Diario del Norte"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://diariodelnorte.example/2019/07/31/hieren-migrantes"),
        "og:url beats canonical"
    );
    assert_eq!(
        m.published,
        NaiveDate::from_ymd_opt(2019, 7, 31),
        "article:published_time beats <time>"
    );
    assert_eq!(m.language, Some(Language::Es), "es-MX is Spanish");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn fallback_metadata_title_canonical_time_and_author() {
    let html = "<html lang=\"en-US\"><head><title> Shots  fired at\n shelter </title>\
                <meta name=\"author\" content=\"Border Monitor\">\
                <link rel=\"canonical\" href=\"https://monitor.example/shots\"></head>\
                <body><article><p>Shots were fired at the shelter on <time datetime=\"2021-03-02T22:00\">Tuesday night</time>.</p>\
                </article></body></html>";
    let c = capture("p.htm", html.as_bytes()).expect("captures");
    assert_eq!(c.metadata.title.as_deref(), Some("Shots fired at shelter"));
    assert_eq!(c.metadata.publisher.as_deref(), Some("Border Monitor"));
    assert_eq!(
        c.metadata.url.as_deref(),
        Some("https://monitor.example/shots")
    );
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2021, 3, 2));
    assert_eq!(c.metadata.language, Some(Language::En));
    assert_eq!(
        c.text,
        "Shots were fired at the shelter on Tuesday night.\n"
    );
}

#[test]
fn dublin_core_date_and_unsupported_language_warn_but_capture() {
    let html = "<html lang=\"fr\"><head><meta name=\"DC.date\" content=\"2020-01-05\"></head>\
                <body><p>Un texte court.</p></body></html>";
    let c = capture("fr.html", html.as_bytes()).expect("captures");
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2020, 1, 5));
    assert_eq!(c.metadata.language, None);
    assert!(
        c.warnings.iter().any(|w| w.contains("`fr`")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn page_without_article_element_drops_chrome_around_the_body_text() {
    let html = "<!doctype html><html><body>\
                <nav><a href=\"/\">Home</a> <a href=\"/about\">About us</a></nav>\
                <div class=\"menu-wrapper\">Menu: News, Sport</div>\
                <div id=\"content\"><h2>Deportation flight</h2><p>Forty people were deported on Monday.</p>\
                <div class=\"comments\">Comment by reader: terrible</div></div>\
                <footer>Contact</footer></body></html>";
    let c = capture("no-extension", html.as_bytes()).expect("captures");
    assert_eq!(c.kind, DocKind::Html, "sniffed from the doctype");
    assert_eq!(
        c.text,
        "Deportation flight\n\nForty people were deported on Monday.\n"
    );
}

#[test]
fn entities_are_decoded_and_whitespace_collapsed() {
    let html = "<html><body><article><p>Caf&eacute; &amp; bar&nbsp;&quot;El&#160;Paso&quot;\n\n   closed&#8230;</p></article></body></html>";
    let c = capture("e.html", html.as_bytes()).expect("captures");
    assert_eq!(c.text, "Café & bar \"El Paso\" closed…\n");
}

#[test]
fn page_with_only_chrome_and_scripts_has_no_text() {
    let html =
        "<html><head><title>App</title></head><body><nav>Home</nav><script>render()</script>\
                <div id=\"root\"></div></body></html>";
    assert_eq!(
        capture("app.html", html.as_bytes()),
        Err(CaptureError::NoText {
            kind: DocKind::Html
        })
    );
}

/// The workspace's example page (examples/EXPECTED.md, file 09): only the `<article>` text, and
/// the metadata the expectations table lists.
#[test]
fn workspace_example_09_keeps_only_the_article() {
    let page =
        include_str!("../../../../examples/reports/09-deportado-asesinado-san-pedro-sula.html");
    let c = capture(
        "09-deportado-asesinado-san-pedro-sula.html",
        page.as_bytes(),
    )
    .expect("captures");
    assert!(
        c.text.starts_with("Un joven hondureño de 24 años"),
        "{}",
        c.text
    );
    assert!(c
        .text
        .contains("el 14 de marzo de 2024 en la colonia Rivera Hernández"));
    for chrome in [
        "cookies",
        "Secciones",
        "Choloma",
        "La Ceiba",
        "Redacción Sucesos",
    ] {
        assert!(!c.text.contains(chrome), "{chrome:?} leaked into the text");
    }
    assert_eq!(
        c.metadata.title.as_deref(),
        Some("Asesinan a joven deportado días después de su regreso a San Pedro Sula")
    );
    assert_eq!(
        c.metadata.publisher.as_deref(),
        Some("Diario Valle de Sula")
    );
    assert_eq!(
        c.metadata.url.as_deref(),
        Some(
            "https://example.org/diario-valle-de-sula/sucesos/2024/03/16/asesinan-joven-deportado"
        )
    );
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2024, 3, 16));
    assert_eq!(c.metadata.language, Some(Language::Es));
}
