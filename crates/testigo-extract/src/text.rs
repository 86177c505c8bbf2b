//! Tokens, sentences and paragraphs of a document, with byte offsets into the original text.

use testigo_gazetteer::fold;

use crate::lexicon::{Lexicon, NO_WORD};

/// One word token.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// Byte offset of the token in the original text.
    pub start: usize,
    /// One past its last byte in the original text.
    pub end: usize,
    /// Index of the sentence it belongs to.
    pub sentence: u32,
    /// True when its first char is upper-case in the original text.
    pub upper: bool,
    /// [`word_hash`] of its folded form: kept in the token's own record, so that the
    /// tokeniser writes one record per token (see [`Doc::h`]).
    pub hash: u64,
    /// Which cheap tests of later passes the word passes, as bits ([`MARK_DATE_START`],
    /// [`MARK_AFTER_ARTICLE`], [`MARK_NUMBER_START`], [`MARK_ARTICLE`], [`MARK_STREET`],
    /// [`MARK_DATE_IF_NEXT`]): computed once here, with the hash at
    /// hand, so that date and number finding skip most tokens with one load and one test.
    pub marks: u8,
    /// The word's [`Lexicon::word_id`] when the document was tokenised with a lexicon
    /// ([`Doc::new_with_lexicon`]), found by the same lookup as `marks`; else [`NO_WORD`].
    pub word: u32,
}

/// [`Token::marks`] bit: the word may open a date expression: it starts with an ASCII digit or
/// with "mid-", or is one of the date-opening words of [`crate::dates`] (some of which open
/// one only before certain words, which the date finder checks).
pub const MARK_DATE_START: u8 = 1;
/// [`Token::marks`] bit: after an article, the word may make it open a date ("the next day",
/// "la semana pasada").
pub const MARK_AFTER_ARTICLE: u8 = 2;
/// [`Token::marks`] bit: an article or demonstrative that opens a date only before a word of
/// [`MARK_AFTER_ARTICLE`] ("the", "a", "el", "una", "this", …).
pub const MARK_ARTICLE: u8 = 8;
/// [`Token::marks`] bit: a word after which a number names a street or neighbourhood, not a
/// date ("colonia", "calle", "street", …).
pub const MARK_STREET: u8 = 16;
/// [`Token::marks`] bit: a word of [`MARK_DATE_START`] that opens a date only before certain
/// words ("over the weekend", "good Friday"), which the date finder checks.
pub const MARK_DATE_IF_NEXT: u8 = 32;
/// [`Token::marks`] bit: the word may open a number ([`crate::numbers::may_start_number`]): it
/// starts with an ASCII digit, holds a hyphen, or is a number word, a vague quantity or an
/// article.
pub const MARK_NUMBER_START: u8 = 4;

/// The listed words behind [`Token::marks`], each with its bits (a word may be listed more
/// than once). A [`Lexicon`] holds them too, so that one lookup gives a token's word id and
/// marks.
pub(crate) fn marked_words() -> Vec<(&'static str, u8)> {
    let dates = crate::dates::DATE_START_WORDS.iter().map(|&w| (w, MARK_DATE_START));
    let after_article = crate::dates::AFTER_ARTICLE_WORDS.iter().map(|&w| (w, MARK_AFTER_ARTICLE));
    let numbers = crate::numbers::number_start_words().map(|w| (w, MARK_NUMBER_START));
    let articles = crate::dates::ARTICLE_WORDS.iter().map(|&w| (w, MARK_ARTICLE));
    let streets = crate::dates::STREET_WORDS.iter().map(|&w| (w, MARK_STREET));
    let conditional = crate::dates::DATE_IF_NEXT_WORDS.iter().map(|&w| (w, MARK_DATE_IF_NEXT));
    dates.chain(after_article).chain(numbers).chain(articles).chain(streets).chain(conditional).collect()
}

/// [`marked_words`] for documents tokenised without a lexicon.
static WORD_MARKS: crate::lexicon::WordMarks = crate::lexicon::WordMarks::built(marked_words);

/// A sentence: a range of tokens and of bytes.
#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// First token index.
    pub t0: usize,
    /// One past the last token index.
    pub t1: usize,
    /// Paragraph number (blank-line separated blocks, counted from 0).
    pub paragraph: u32,
}

/// A tokenised document.
pub struct Doc<'t> {
    /// The original text.
    pub text: &'t str,
    /// The folded form of each token (see [`fold::fold`]), by token index: a slice of the
    /// text itself when the word is already folded (lower-case ASCII), else of the caller's
    /// arena (see [`Doc::new_in`]). [`Doc::f`] is the most frequent call of extraction and is
    /// a plain load; no token costs an allocation of its own.
    pub folded: Vec<&'t str>,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
}

/// A fast hash of a folded word (multiply-rotate over 8-byte chunks, seeded with the length).
/// Computed once per token by [`Doc::new_in`], so that every later table lookup of the token
/// (lexicon vocabulary, word sets) is one probe without re-hashing its bytes.
///
/// Words of the same length up to eight bytes never collide: such a word is one chunk read
/// injectively (its bytes little-endian, zero-padded), XORed with a constant of the length and
/// multiplied by an odd constant, each a bijection of `u64`. Tables rely on it to skip
/// comparing the bytes of short words. The tokeniser computes it for most words from the eight
/// bytes it has already read (see `mix`).
#[inline]
pub fn word_hash(w: &str) -> u64 {
    word_hash_bytes(w.as_bytes())
}

/// [`word_hash`] of a word's UTF-8 bytes.
#[inline]
fn word_hash_bytes(w: &[u8]) -> u64 {
    let mut h = w.len() as u64;
    let mut chunks = w.chunks_exact(8);
    for chunk in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(b));
    }
    // The last 1 to 7 bytes as a zero-padded little-endian number, built from fixed-size loads
    // (a variable-length copy into a buffer costs a `memcpy` call per word): each load is
    // shifted to its bytes' place, and where loads overlap they hold the same bytes.
    let rest = chunks.remainder();
    let n = rest.len();
    let tail = match n {
        0 => return h,
        1..=3 => u64::from(rest[0]) | u64::from(rest[n / 2]) << (8 * (n / 2)) | u64::from(rest[n - 1]) << (8 * (n - 1)),
        _ => {
            let lo = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            let hi = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
            u64::from(lo) | u64::from(hi) << (8 * (n - 4))
        }
    };
    mix(h, tail)
}

/// One step of [`word_hash`]: the state so far (at first the word's length) and the next
/// eight bytes (or the zero-padded last one to seven) as a little-endian number.
#[inline(always)]
fn mix(h: u64, chunk: u64) -> u64 {
    (h.rotate_left(5) ^ chunk).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Longest sentence, in tokens; longer runs are cut (no real sentence is this long).
pub const MAX_SENTENCE_TOKENS: usize = 250;

/// Words after which a period does not end a sentence (folded, without the period).
static ABBREVIATIONS: crate::lexicon::WordSet = crate::lexicon::WordSet::new(&[
    "mr", "mrs", "ms", "dr", "sr", "sra", "srta", "st", "gen", "gov", "sen", "rep", "lic", "ing", "no", "num", "col",
    "av", "ave", "blvd", "km", "jr", "prof", "lt", "sgt", "capt", "cap", "gral", "dra", "mt", "ft", "vs", "etc", "approx",
    "aprox", "p", "a", "m", "u", "s", "ee", "uu", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "ene", "abr", "ago", "dic", "inc", "co", "corp", "ltd", "fig", "pag", "tel", "depto", "edo", "mpio",
]);

/// Byte classes of ASCII for the tokeniser (0 for bytes >= 0x80): a letter or digit, an
/// upper-case letter, a digit.
const ALNUM: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
/// Not in the table: a non-ASCII numeric char, for the tokeniser's first char of a word.
const NUMERIC: u8 = 8;
static ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = ALNUM;
        }
        if c.is_ascii_uppercase() {
            t[b] |= UPPER;
        }
        if c.is_ascii_digit() {
            t[b] |= DIGIT;
        }
        b += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// The run of ASCII letters and digits at the start of eight bytes read little-endian:
/// (its length, 0 to 8; the top bit (0x80) of each of its bytes that is an upper-case
/// letter). The same classes as [`ASCII_CLASS`], computed for the eight bytes at once: for a
/// byte `b < 0x80`, `b + (0x80 - c)` has its top bit set exactly when `b >= c`, and never
/// carries into the next byte.
#[inline]
fn ascii_alnum_run(x: u64) -> (usize, u64) {
    let low7 = x & !HIGH;
    let at_least = |v: u64, c: u8| (v + ONES * u64::from(0x80 - c)) & HIGH;
    // With bit 5 set, upper-case letters read as lower-case ones (and nothing else does): one
    // range test finds the letters of both cases, and bit 5 clear tells the upper-case ones.
    let lowered = low7 | (ONES * 0x20);
    let letter = at_least(lowered, b'a') & !at_least(lowered, b'z' + 1);
    let digit = at_least(low7, b'0') & !at_least(low7, b'9' + 1);
    // Bytes with their own top bit set are not ASCII.
    let alnum = (letter | digit) & !x;
    let stop = !alnum & HIGH;
    let n = (stop.trailing_zeros() / 8) as usize;
    // Every bit below the first stop byte's top bit (all of them when no byte stops the run).
    let in_run = (stop & stop.wrapping_neg()).wrapping_sub(1);
    (n, letter & !(x << 2) & alnum & in_run)
}

/// The folded (lower-case) form of the first `n` (below 8) bytes of `x`, zero-padded, when
/// they are ASCII letters and digits whose upper-case letters have their top bits in `upper`
/// (see [`ascii_alnum_run`]): bit 5 set on those letters.
#[inline]
fn folded_run(x: u64, n: usize, upper: u64) -> u64 {
    (x & ((1u64 << (8 * n)) - 1)) | (upper >> 2)
}

/// Where a token's folded form was written while tokenising: `(in_arena, start, end)`.
type FoldRange = (bool, usize, usize);

/// A token whose folded form is in the arena: `(token index, start, end)` in the arena.
type ArenaFold = (usize, usize, usize);

impl<'t> Doc<'t> {
    /// Tokenises `text` and splits it into sentences and paragraphs; the folded forms that
    /// differ from the text are written into `arena` (cleared first), which the document then
    /// borrows. Reusing one arena for many documents allocates nothing per document.
    pub fn new_in(text: &'t str, arena: &'t mut String) -> Doc<'t> {
        Doc::tokenise(text, arena, |h, w| (NO_WORD, WORD_MARKS.get_hashed(h, w)))
    }

    /// [`Doc::new_in`] that also gives each token its [`Lexicon::word_id`] in `lex`
    /// ([`Token::word`]), with the same lookup that finds its marks.
    pub fn new_with_lexicon(text: &'t str, arena: &'t mut String, lex: &Lexicon) -> Doc<'t> {
        Doc::tokenise(text, arena, |h, w| lex.word_and_marks(h, w))
    }

    /// The tokeniser; `lookup(hash, folded)` gives a word's id and its listed marks.
    #[inline(always)]
    fn tokenise(text: &'t str, arena: &'t mut String, lookup: impl Fn(u64, &str) -> (u32, u8)) -> Doc<'t> {
        arena.clear();
        // About one token per six bytes of prose; room for a few more so that short texts
        // never grow these vectors.
        let cap = text.len() / 5 + 8;
        // Folded forms that are slices of the text go straight in; those written into the
        // arena (which grows while tokenising) are filled in at the end, from `in_arena`.
        let mut folded: Vec<&'t str> = Vec::with_capacity(cap);
        // Room for a capitalised word in four, so that the list seldom grows.
        let mut in_arena: Vec<ArenaFold> = Vec::with_capacity(cap / 4);
        let mut tokens = Vec::with_capacity(cap);
        let mut sentences = Vec::with_capacity(text.len() / 80 + 2);
        // Where the last token's folded form is (for abbreviations, below).
        let mut last_range: Option<FoldRange> = None;
        let mut paragraph = 0u32;
        let mut sent_start_byte = 0usize;
        let mut sent_t0 = 0usize;
        let bytes = text.as_bytes();
        let mut i = 0usize;
        let mut newline_run = 0u32;
        // The first token of the current line (for headlines, below).
        let mut line_t0 = 0usize;
        let mut pending_break = false; // a sentence-final mark was seen; break at the next token
        while i < text.len() {
            // Plain spaces change nothing: skip them at once.
            if bytes[i] == b' ' {
                i += 1;
                continue;
            }
            // ASCII needs no decoding.
            let c = if bytes[i] < 128 {
                bytes[i] as char
            } else {
                match text[i..].chars().next() {
                    Some(c) => c,
                    None => break,
                }
            };
            let clen = c.len_utf8();
            // The first char's classes: from the table for ASCII (no char methods), else
            // from the char (a non-ASCII digit is numeric but not an ASCII digit).
            let first = if bytes[i] < 128 {
                ASCII_CLASS[usize::from(bytes[i])]
            } else {
                (u8::from(fold::is_word_char(c)) * ALNUM) | (u8::from(c.is_uppercase()) * UPPER) | (u8::from(c.is_numeric()) * NUMERIC)
            };
            if first & ALNUM != 0 {
                // Start of a token.
                let start = i;
                let mut j = i;
                // Whether the word differs from its folded form (upper-case or non-ASCII).
                let mut needs_fold = false;
                // Whether a hyphen joined two parts of the word (see `MARK_NUMBER_START`).
                let mut hyphen = false;
                // The length and folded bytes (zero-padded) of the run of ASCII letters and
                // digits that opens the word, when it is shorter than eight bytes and was read
                // eight bytes at once; (0, 0) when not.
                let mut first_run = (0usize, 0u64);
                // Words join across an apostrophe or hyphen only when a letter follows: keep
                // "U.S.-Mexico" as separate words but "twenty-three" as one token.
                while j < text.len() {
                    // ASCII fast path: a run of letters and digits needs no decoding. Eight
                    // bytes at a time while they last (no branch per byte to mispredict at the
                    // word's end), then byte by byte near the end of the text.
                    let mut seen = 0u8;
                    while let Some(chunk) = bytes.get(j..j + 8) {
                        let x = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
                        let (n, upper) = ascii_alnum_run(x);
                        if j == start && n < 8 {
                            first_run = (n, folded_run(x, n, upper));
                        }
                        j += n;
                        seen |= u8::from(upper != 0) * UPPER;
                        if n < 8 {
                            break;
                        }
                    }
                    if bytes.len() - j < 8 {
                        for &b in &bytes[j..] {
                            let class = ASCII_CLASS[usize::from(b)];
                            if class & ALNUM == 0 {
                                break;
                            }
                            seen |= class;
                            j += 1;
                        }
                    }
                    needs_fold |= seen & UPPER != 0;
                    let Some(&b) = bytes.get(j) else { break };
                    // Other ASCII (punctuation, space) ends the word, except a hyphen.
                    if b < 0x80 && b != b'-' {
                        break;
                    }
                    needs_fold |= b >= 0x80;
                    let d = match text[j..].chars().next() {
                        Some(d) => d,
                        None => break,
                    };
                    if fold::is_word_char(d) {
                        j += d.len_utf8();
                    } else if d == '-' && j + 1 < text.len() {
                        let next = text[j + 1..].chars().next();
                        // Only lower-case compounds join ("twenty-three", "drive-by"); names
                        // split ("Port-au-Prince", "Pétion-Ville") as the gazetteer keys do.
                        let prev_alpha = text[start..j].chars().all(|x| x.is_alphabetic() && !x.is_uppercase());
                        if prev_alpha && next.is_some_and(|n| n.is_lowercase()) {
                            j += 1;
                            hyphen = true;
                        } else {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                let upper = first & UPPER != 0;
                // A "sentence" longer than MAX_SENTENCE_TOKENS (a text without punctuation, a
                // table, junk) is cut, so that the work per sentence stays bounded.
                let too_long = tokens.len() - sent_t0 >= MAX_SENTENCE_TOKENS;
                if (pending_break && (upper || first & (DIGIT | NUMERIC) != 0 || newline_run >= 1)) || too_long {
                    // Close the previous sentence before this token.
                    if tokens.len() > sent_t0 {
                        sentences.push(Sentence {
                            start: sent_start_byte,
                            end: tokens.last().map_or(start, |t: &Token| t.end),
                            t0: sent_t0,
                            t1: tokens.len(),
                            paragraph,
                        });
                    }
                    sent_t0 = tokens.len();
                    sent_start_byte = start;
                }
                if newline_run >= 2 {
                    paragraph += 1;
                }
                pending_break = false;
                newline_run = 0;
                // Where the folded form is, and its hash, taken from the slice just written (not
                // sliced again).
                let (range, w) = if !needs_fold {
                    // Already folded: the text itself.
                    let w = text.get(start..j).unwrap_or("");
                    folded.push(w);
                    ((false, start, j), w)
                } else {
                    let word = &text[start..j];
                    let a = arena.len();
                    if word.is_ascii() {
                        arena.push_str(word);
                        if let Some(f) = arena.get_mut(a..) {
                            f.make_ascii_lowercase();
                        }
                    } else {
                        for ch in word.chars() {
                            if ch != '-' {
                                fold::fold_char_into(ch, arena);
                            } else {
                                arena.push('-');
                            }
                        }
                    }
                    in_arena.push((tokens.len(), a, arena.len()));
                    // Filled in once the arena is complete.
                    folded.push("");
                    ((true, a, arena.len()), arena.get(a..).unwrap_or_default())
                };
                // A word that is all its first run (most words) hashes from the bytes already
                // read; others from their folded form.
                let hash = if first_run.0 == j - start { mix(first_run.0 as u64, first_run.1) } else { word_hash_bytes(w.as_bytes()) };
                // A folded word starts with an ASCII digit exactly when the original does, and
                // holds a hyphen exactly when one joined its parts.
                let (word, mut marks) = lookup(hash, w);
                if first & DIGIT != 0 {
                    marks |= MARK_DATE_START | MARK_NUMBER_START;
                }
                if hyphen {
                    marks |= MARK_NUMBER_START;
                    if w.starts_with("mid-") {
                        marks |= MARK_DATE_START;
                    }
                }
                last_range = Some(range);
                tokens.push(Token { start, end: j, sentence: sentences.len() as u32, upper, hash, marks, word });
                i = j;
                continue;
            }
            match c {
                '.' | '!' | '?' | '…' => {
                    let is_abbrev = c == '.'
                        && tokens.last().is_some_and(|t| {
                            t.end == i && {
                                let w: &str = match last_range {
                                    Some((true, a, b)) => arena.get(a..b).unwrap_or(""),
                                    Some((false, a, b)) => text.get(a..b).unwrap_or(""),
                                    None => "",
                                };
                                ABBREVIATIONS.contains_hashed(t.hash, w)
                                    || (w.len() == 1 && text[t.start..t.end].chars().all(|x| x.is_uppercase()))
                            }
                        });
                    // Decimal points and times ("9.5", "3.30") are not sentence ends.
                    let digit_follows = bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
                    if !is_abbrev && !digit_follows {
                        pending_break = true;
                    }
                }
                '\n' => {
                    newline_run += 1;
                    if newline_run >= 2 {
                        pending_break = true;
                    }
                    // A headline in capitals ("SHELTER VOLUNTEER SLAIN IN ENSENADA") ends at
                    // its line even without a blank line: hard-wrapped prose has lower case.
                    if newline_run == 1 && tokens.len() >= line_t0 + 2 && tokens[line_t0..].iter().all(|t| !text[t.start..t.end].chars().any(char::is_lowercase)) {
                        pending_break = true;
                    }
                    line_t0 = tokens.len();
                    // A line that ends without punctuation and is followed by a blank line is
                    // a heading or a paragraph of its own.
                }
                _ => {
                    if !c.is_whitespace() && !matches!(c, '"' | '\'' | '”' | '’' | '“' | '‘' | ')' | '»' | '«' | '(') {
                        // Any other punctuation cancels a pending break unless a newline intervened.
                        if newline_run == 0 && !matches!(c, ':' | ';' | ',' | '—' | '–' | '-') {
                            pending_break = false;
                        }
                    }
                    if c == '\r' {
                        // CR is transparent.
                    } else if !c.is_whitespace() {
                        newline_run = 0;
                    } else if c != ' ' && c != '\t' {
                        // Other whitespace.
                    }
                }
            }
            if c.is_whitespace() && c != '\n' && c != '\r' {
                // Spaces do not reset the newline count ("\n  \n" is a blank line).
            }
            i += clen;
        }
        if tokens.len() > sent_t0 {
            sentences.push(Sentence {
                start: sent_start_byte,
                end: tokens.last().map_or(text.len(), |t| t.end),
                t0: sent_t0,
                t1: tokens.len(),
                paragraph,
            });
        }
        // Extend each sentence's byte end to include closing punctuation and quotes.
        for s in sentences.iter_mut() {
            let mut e = s.end;
            for ch in text[e..].chars() {
                if matches!(ch, '.' | '!' | '?' | '"' | '”' | '’' | '\'' | ')' | '»' | '…') {
                    e += ch.len_utf8();
                } else {
                    break;
                }
            }
            s.end = e;
        }
        // The arena is complete: from here on the document only reads it.
        let arena: &'t String = arena;
        for &(k, a, b) in &in_arena {
            if let Some(f) = folded.get_mut(k) {
                *f = arena.get(a..b).unwrap_or("");
            }
        }
        Doc { text, folded, tokens, sentences }
    }

    /// Folded form of token `i`.
    #[inline]
    pub fn f(&self, i: usize) -> &str {
        self.folded.get(i).copied().unwrap_or("")
    }

    /// [`word_hash`] of token `i`'s folded form (that of "" past the end).
    #[inline]
    pub fn h(&self, i: usize) -> u64 {
        self.tokens.get(i).map_or(0, |t| t.hash)
    }

    /// Original form of token `i`.
    pub fn raw(&self, i: usize) -> &'t str {
        match self.tokens.get(i) {
            Some(t) => &self.text[t.start..t.end],
            None => "",
        }
    }

    /// The original text between the start of token `a` and the end of token `b - 1`.
    pub fn slice(&self, a: usize, b: usize) -> &'t str {
        if a >= b || b > self.tokens.len() {
            return "";
        }
        &self.text[self.tokens[a].start..self.tokens[b - 1].end]
    }

    /// The punctuation and spaces between token `i - 1` and token `i` (empty for the first).
    #[inline]
    pub fn gap_before(&self, i: usize) -> &'t str {
        let (Some(prev), Some(t)) = (i.checked_sub(1).and_then(|p| self.tokens.get(p)), self.tokens.get(i)) else {
            return "";
        };
        // Most gaps are one space: answered without slicing the text (which checks both ends
        // for char boundaries).
        if t.start == prev.end + 1 && self.text.as_bytes().get(prev.end) == Some(&b' ') {
            return " ";
        }
        self.text.get(prev.end..t.start).unwrap_or("")
    }

    /// Sentence text.
    pub fn sentence_text(&self, s: usize) -> &'t str {
        match self.sentences.get(s) {
            Some(s) => &self.text[s.start..s.end],
            None => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_after_periods_but_not_abbreviations() {
        let mut arena = String::new();
        let d = Doc::new_in("Mr. Smith went to St. Louis. He was shot at 9:30 p.m. in the U.S. capital. Then he left.\n\nNew para.", &mut arena);
        let texts: Vec<&str> = (0..d.sentences.len()).map(|i| d.sentence_text(i)).collect();
        assert_eq!(texts[0], "Mr. Smith went to St. Louis.");
        assert_eq!(texts.len(), 4, "{texts:?}");
        assert_eq!(d.sentences[3].paragraph, 1);
    }

    #[test]
    fn eight_bytes_at_once_classify_as_the_byte_table_does() {
        // Every byte value in every position, among letters, digits and stops.
        let fillers = [b'a', b'Z', b'5', b' ', b'-', 0xC3, 0x80, b'@', b'[', b'`', b'{', b'/', b':'];
        let by_table = |w: &[u8; 8]| {
            let n = w.iter().take_while(|&&b| ASCII_CLASS[usize::from(b)] & ALNUM != 0).count();
            let upper = w[..n].iter().enumerate().filter(|(_, &b)| ASCII_CLASS[usize::from(b)] & UPPER != 0).fold(0u64, |m, (k, _)| m | 0x80 << (8 * k));
            (n, upper)
        };
        for pos in 0..8 {
            for b in 0..=255u8 {
                for &f in &fillers {
                    let mut w = [f; 8];
                    w[pos] = b;
                    let x = u64::from_le_bytes(w);
                    let (n, upper) = ascii_alnum_run(x);
                    assert_eq!((n, upper), by_table(&w), "{w:?}");
                    if n < 8 {
                        let folded = String::from_utf8_lossy(&w[..n]).to_ascii_lowercase();
                        assert_eq!(mix(n as u64, folded_run(x, n, upper)), word_hash(&folded), "{w:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn short_words_of_equal_length_never_share_a_hash() {
        // Every lower-case word of one to three letters, and many longer ones up to eight bytes
        // (including non-ASCII), grouped by length: no two hashes alike.
        let letters: Vec<char> = ('a'..='z').chain(['ñ', 'ü', '-', '1']).collect();
        let mut words: Vec<String> = Vec::new();
        for &a in &letters {
            words.push(a.to_string());
            for &b in &letters {
                words.push(format!("{a}{b}"));
                for &c in &letters {
                    words.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut seed = 7u64;
        for _ in 0..200_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = 4 + (seed >> 60) as usize % 5;
            let w: String = (0..len).map(|k| letters[((seed >> (8 * k)) & 0xFF) as usize % letters.len()]).collect();
            if w.len() <= 8 {
                words.push(w);
            }
        }
        words.sort();
        words.dedup();
        let mut seen = std::collections::HashMap::new();
        for w in &words {
            if let Some(other) = seen.insert((w.len(), word_hash(w)), w) {
                panic!("{w:?} and {other:?} share a hash");
            }
        }
    }

    #[test]
    fn tokens_carry_byte_offsets_and_folded_forms() {
        let mut arena = String::new();
        let d = Doc::new_in("En Tecún Umán, veintitrés migrantes.", &mut arena);
        assert_eq!(d.raw(1), "Tecún");
        assert_eq!(d.f(1), "tecun");
        assert_eq!(d.f(3), "veintitres");
        assert!(d.tokens[1].upper);
        let mut arena2 = String::new();
        let d = Doc::new_in("twenty-three U.S.-Mexico", &mut arena2);
        assert_eq!(d.f(0), "twenty-three");
        assert_eq!(d.raw(3), "Mexico");
    }
}
