//! Accent and case folding, and the word tokenizer shared by index keys and text matching.
//!
//! This file is also compiled into `build.rs` (through `#[path]`), so the keys of the shipped
//! index and the folded tokens of a text are produced by the same code.

/// Folds one char: lower-case, Latin diacritics removed, ligatures expanded.
/// Pushes the result onto `out` (one or two chars). Non-Latin letters are only lower-cased.
#[inline]
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let base = match c {
        // Combining marks (text in NFD form) vanish, so "Tecu\u{301}n" folds like "Tecún".
        '\u{0300}'..='\u{036F}' => return,
        'À'..='Å' | 'à'..='å' | 'Ā' | 'ā' | 'Ă' | 'ă' | 'Ą' | 'ą' | 'Ǎ' | 'ǎ' | 'Ạ' | 'ạ' | 'Ả' | 'ả' | 'Ấ' | 'ấ' | 'Ầ'
        | 'ầ' | 'Ậ' | 'ậ' => 'a',
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Ĉ' | 'ĉ' | 'Ċ' | 'ċ' | 'Č' | 'č' => 'c',
        'Ď' | 'ď' | 'Đ' | 'đ' | 'Ð' | 'ð' => 'd',
        'È'..='Ë' | 'è'..='ë' | 'Ē' | 'ē' | 'Ĕ' | 'ĕ' | 'Ė' | 'ė' | 'Ę' | 'ę' | 'Ě' | 'ě' | 'Ẹ' | 'ẹ' | 'Ế' | 'ế' | 'Ề'
        | 'ề' | 'Ệ' | 'ệ' => 'e',
        'Ĝ' | 'ĝ' | 'Ğ' | 'ğ' | 'Ġ' | 'ġ' | 'Ģ' | 'ģ' => 'g',
        'Ĥ' | 'ĥ' | 'Ħ' | 'ħ' => 'h',
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ' | 'ĩ' | 'Ī' | 'ī' | 'Ĭ' | 'ĭ' | 'Į' | 'į' | 'İ' | 'ı' | 'Ǐ' | 'ǐ' | 'Ị' | 'ị' => 'i',
        'Ĵ' | 'ĵ' => 'j',
        'Ķ' | 'ķ' => 'k',
        'Ĺ' | 'ĺ' | 'Ļ' | 'ļ' | 'Ľ' | 'ľ' | 'Ŀ' | 'ŀ' | 'Ł' | 'ł' => 'l',
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ņ' | 'ņ' | 'Ň' | 'ň' => 'n',
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō' | 'ō' | 'Ŏ' | 'ŏ' | 'Ő' | 'ő' | 'Ơ' | 'ơ' | 'Ǒ' | 'ǒ' | 'Ọ' | 'ọ' | 'Ố'
        | 'ố' | 'Ồ' | 'ồ' | 'Ộ' | 'ộ' => 'o',
        'Ŕ' | 'ŕ' | 'Ŗ' | 'ŗ' | 'Ř' | 'ř' => 'r',
        'Ś' | 'ś' | 'Ŝ' | 'ŝ' | 'Ş' | 'ş' | 'Š' | 'š' | 'Ș' | 'ș' => 's',
        'Ţ' | 'ţ' | 'Ť' | 'ť' | 'Ŧ' | 'ŧ' | 'Ț' | 'ț' => 't',
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ' | 'ũ' | 'Ū' | 'ū' | 'Ŭ' | 'ŭ' | 'Ů' | 'ů' | 'Ű' | 'ű' | 'Ų' | 'ų' | 'Ư' | 'ư' | 'Ǔ'
        | 'ǔ' | 'Ụ' | 'ụ' => 'u',
        'Ŵ' | 'ŵ' => 'w',
        'Ý' | 'ý' | 'ÿ' | 'Ŷ' | 'ŷ' | 'Ÿ' | 'Ỳ' | 'ỳ' => 'y',
        'Ź' | 'ź' | 'Ż' | 'ż' | 'Ž' | 'ž' => 'z',
        'ß' => {
            out.push_str("ss");
            return;
        }
        'Æ' | 'æ' => {
            out.push_str("ae");
            return;
        }
        'Œ' | 'œ' => {
            out.push_str("oe");
            return;
        }
        'Þ' | 'þ' => {
            out.push_str("th");
            return;
        }
        // Typographic apostrophes and dashes fold to their ASCII forms so that "O’Higgins"
        // and "O'Higgins" agree.
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
        '\u{2010}'..='\u{2015}' => '-',
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push(base);
}

/// Folds a whole string (see [`fold_char_into`]).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

/// True for chars that belong to a word: letters, digits and combining marks.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Splits `s` into word tokens: maximal runs of [`is_word_char`]. Returns byte ranges
/// `[start, end)` into `s`.
pub fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(st) = start.take() {
            spans.push((st, i));
        }
    }
    if let Some(st) = start {
        spans.push((st, s.len()));
    }
    spans
}

/// The index key of a name: its folded word tokens joined by single spaces
/// ("Tecún Umán" → "tecun uman", "St. Louis" → "st louis", "EE.UU." → "ee uu").
pub fn key(name: &str) -> String {
    let folded = fold(name);
    let mut out = String::with_capacity(folded.len());
    for (a, b) in word_spans(&folded) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&folded[a..b]);
    }
    out
}
