//! Plain text and Markdown through `capture`.

use chrono::NaiveDate;
use testigo_capture::{capture, sha256_hex, CaptureError, DocKind};
use testigo_core::{Language, Metadata};

#[test]
fn header_lines_are_parsed_and_stripped() {
    let source = "Title: Two migrants shot near rail yard\r\n\
                  Publisher: Border Report\r\n\
                  URL: https://borderreport.example/a?id=1\r\n\
                  Published: 2019-07-31\r\n\
                  Language: en\r\n\
                  \r\n\
                  Two Honduran migrants were shot on Tuesday night.\r\n\
                  \r\n\
                  Police said nobody was arrested.  \r\n";
    let c = capture("a/b/report.txt", source.as_bytes()).expect("captures");
    assert_eq!(c.kind, DocKind::Text);
    // CRLF becomes LF; everything else, trailing spaces included, is kept byte for byte.
    assert_eq!(
        c.text,
        "Two Honduran migrants were shot on Tuesday night.\n\nPolice said nobody was arrested.  \n"
    );
    assert_eq!(
        c.metadata,
        Metadata {
            title: Some("Two migrants shot near rail yard".into()),
            publisher: Some("Border Report".into()),
            url: Some("https://borderreport.example/a?id=1".into()),
            published: NaiveDate::from_ymd_opt(2019, 7, 31),
            language: Some(Language::En),
        }
    );
}

#[test]
fn spanish_header_lines() {
    let source = "Título: Hieren a dos migrantes\nMedio: Vanguardia\nFecha: 2019-07-31\n\nDos migrantes resultaron heridos.\n";
    let c = capture("nota.text", source.as_bytes()).expect("captures");
    assert_eq!(c.text, "Dos migrantes resultaron heridos.\n");
    assert_eq!(c.metadata.title.as_deref(), Some("Hieren a dos migrantes"));
    assert_eq!(c.metadata.publisher.as_deref(), Some("Vanguardia"));
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2019, 7, 31));
}

#[test]
fn text_without_header_is_kept_whole() {
    let source = "  Indented first line.\n\nTitle: this is not a header here\n";
    let c = capture("r.txt", source.as_bytes()).expect("captures");
    assert_eq!(c.text, source);
    assert_eq!(c.metadata, Metadata::default());
}

#[test]
fn header_only_file_has_no_text() {
    let err = capture("r.txt", b"Title: only a title\n\n").expect_err("no text");
    assert_eq!(
        err,
        CaptureError::NoText {
            kind: DocKind::Text
        }
    );
    assert!(err.to_string().contains("header lines"), "{err}");
}

#[test]
fn markdown_is_stripped_to_text() {
    let source = "---\ntitle: Shelter raided\ndate: 2020-02-03\nurl: https://ngo.example/raid\n---\n\
                  # Shelter raided\n\n\
                  **Immigration agents** entered the [Casa del Migrante](https://casa.example) shelter\n\
                  without a warrant, _witnesses_ said.\n\n\
                  ![photo](raid.jpg)\n\n\
                  > \"They took `12` people,\" said the director.\n\n\
                  - 12 detained\n- 3 injured\n";
    let c = capture("raid.md", source.as_bytes()).expect("captures");
    assert_eq!(c.kind, DocKind::Markdown);
    assert_eq!(
        c.text,
        "Shelter raided\n\n\
         Immigration agents entered the Casa del Migrante shelter\n\
         without a warrant, witnesses said.\n\n\
         \"They took 12 people,\" said the director.\n\n\
         12 detained\n3 injured\n"
    );
    assert_eq!(c.metadata.title.as_deref(), Some("Shelter raided"));
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2020, 2, 3));
    assert_eq!(c.metadata.url.as_deref(), Some("https://ngo.example/raid"));
}

#[test]
fn markdown_header_lines_work_too() {
    let c = capture(
        "n.markdown",
        b"Title: Note\nPublished: 2018-12-01\n\nSome *text*.\n",
    )
    .expect("captures");
    assert_eq!(c.text, "Some text.\n");
    assert_eq!(c.metadata.title.as_deref(), Some("Note"));
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2018, 12, 1));
}

#[test]
fn sha256_is_of_the_raw_bytes_and_stable() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let a = capture("a.txt", b"Same words.\r\n").expect("captures");
    let b = capture("other-name.md", b"Same words.\r\n").expect("captures");
    assert_eq!(a.sha256, b.sha256, "the name does not enter the hash");
    assert_eq!(
        a.sha256,
        sha256_hex(b"Same words.\r\n"),
        "hash of the raw bytes, before CRLF normalisation"
    );
    let c = capture("a.txt", b"Same words.\n").expect("captures");
    assert_ne!(a.sha256, c.sha256);
}

/// The workspace's example testimony (examples/EXPECTED.md, file 10): the four header lines
/// are metadata, not body text.
#[test]
fn workspace_example_10_header_lines_are_metadata() {
    let report = include_str!("../../../../examples/reports/10-testimony-tecun-uman.txt");
    let c = capture("10-testimony-tecun-uman.txt", report.as_bytes()).expect("captures");
    assert!(
        c.text.starts_with("The following testimony was given"),
        "{}",
        c.text.chars().take(80).collect::<String>()
    );
    assert!(!c.text.contains("Publisher:") && !c.text.contains("URL:"));
    assert_eq!(
        c.metadata.publisher.as_deref(),
        Some("Colectivo Orillas del Suchiate (example NGO)")
    );
    assert_eq!(c.metadata.published, NaiveDate::from_ymd_opt(2025, 3, 10));
    assert_eq!(
        c.metadata.language, None,
        "no Language: line; the extractor detects it"
    );
}
