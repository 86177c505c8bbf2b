//! Integration tests of testigo-capture through its public API: one binary for the crate
//! (`autotests = false`), one module per concern.

mod decoding;
mod html;
mod robustness;
mod text_and_markdown;
