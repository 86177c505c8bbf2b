//! Bytes that are not usable text, and the encodings that are accepted.

use testigo_capture::{capture, CaptureError};

#[test]
fn empty_and_whitespace_only_files() {
    assert_eq!(capture("e.txt", b""), Err(CaptureError::Empty));
    assert_eq!(capture("e.txt", b" \n\t\r\n"), Err(CaptureError::Empty));
    assert_eq!(
        capture("e.md", b"\xEF\xBB\xBF\n"),
        Err(CaptureError::Empty),
        "a BOM alone is empty"
    );
    assert!(CaptureError::Empty.to_string().contains("empty"));
}

#[test]
fn png_and_zip_are_binary() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
    assert_eq!(
        capture("photo.txt", png),
        Err(CaptureError::Binary {
            format: Some("a PNG image")
        })
    );
    let zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0word/document.xml";
    let err = capture("report.docx", zip).expect_err("binary");
    assert!(
        matches!(err, CaptureError::Binary { format: Some(f) } if f.contains("ZIP")),
        "{err:?}"
    );
    assert!(err.to_string().contains(".docx"), "{err}");
}

#[test]
fn nul_bytes_or_control_characters_are_binary() {
    assert_eq!(
        capture("x.txt", b"text with a \0 NUL"),
        Err(CaptureError::Binary { format: None })
    );
    let controls: Vec<u8> = (0..100u8)
        .map(|i| if i % 3 == 0 { 0x01 } else { b'a' })
        .collect();
    assert_eq!(
        capture("x.txt", &controls),
        Err(CaptureError::Binary { format: None })
    );
}

#[test]
fn invalid_utf8_reports_the_offset_of_the_first_bad_byte() {
    // "café" in Latin-1: the é is byte 3.
    assert_eq!(
        capture("r.txt", b"caf\xE9 con leche"),
        Err(CaptureError::InvalidUtf8 { byte_offset: 3 })
    );
    // The offset counts a BOM, so it points into the file as it is on disk.
    assert_eq!(
        capture("r.txt", b"\xEF\xBB\xBFab\xFF"),
        Err(CaptureError::InvalidUtf8 { byte_offset: 5 })
    );
    // A sequence cut off at the end of the file.
    assert_eq!(
        capture("r.txt", "año".as_bytes().get(..2).unwrap_or_default()),
        Err(CaptureError::InvalidUtf8 { byte_offset: 1 })
    );
}

#[test]
fn utf8_bom_is_stripped() {
    let c = capture("r.txt", b"\xEF\xBB\xBFTitle: T\n\nBody.\n").expect("captures");
    assert_eq!(c.text, "Body.\n");
    assert_eq!(
        c.metadata.title.as_deref(),
        Some("T"),
        "the BOM does not hide the first header line"
    );
    assert_eq!(
        c.sha256,
        testigo_capture::sha256_hex(b"\xEF\xBB\xBFTitle: T\n\nBody.\n")
    );
}

#[test]
fn utf16_with_bom_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("Niño herido.\n".encode_utf16().flat_map(u16::to_le_bytes));
    let c = capture("r.txt", &bytes).expect("captures");
    assert_eq!(c.text, "Niño herido.\n");
    assert!(
        c.warnings.iter().any(|w| w.contains("UTF-16")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn windows_1252_html_is_decoded_when_declared() {
    let html = b"<html><head><meta charset=\"windows-1252\"></head><body><p>Ni\xF1o \x93herido\x94 en Le\xF3n.</p></body></html>";
    let c = capture("p.html", html).expect("captures");
    assert_eq!(c.text, "Niño “herido” en León.\n");
    // Undeclared, the same bytes are an error.
    let undeclared = b"<html><body><p>Ni\xF1o</p></body></html>";
    assert_eq!(
        capture("p.html", undeclared),
        Err(CaptureError::InvalidUtf8 { byte_offset: 17 })
    );
    // Plain text is never guessed.
    assert_eq!(
        capture("p.txt", html),
        Err(CaptureError::InvalidUtf8 { byte_offset: 59 })
    );
}
