//! Markdown: front matter and header lines become metadata, and the markup is stripped to
//! readable text with paragraph breaks kept as blank lines.
//!
//! This is not a CommonMark renderer. It removes the markup a news report or a field note
//! written in Markdown actually uses (headings, emphasis, links, images, code, lists, quotes,
//! rules, simple tables) and leaves any other text as it is: a stray `*` stays in the text
//! rather than a sentence going missing.

use std::collections::HashMap;

use testigo_core::Metadata;

use crate::{
    meta::{self, Field},
    text,
};

/// Converts Markdown `source` (LF line ends) to text and metadata.
pub(crate) fn extract(source: &str, warnings: &mut Vec<String>) -> (String, Metadata) {
    let (front, body) = front_matter(source, warnings);
    let (headers, consumed) = text::header_lines(body, warnings);
    (strip(&body[consumed..]), front.or(headers))
}

/// Splits YAML front matter (`---` … `---` or `...` at the very top) off `source` and reads
/// its simple `key: value` lines. Nested YAML is skipped.
fn front_matter<'s>(source: &'s str, warnings: &mut Vec<String>) -> (Metadata, &'s str) {
    let mut metadata = Metadata::default();
    let mut lines = source.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return (metadata, source);
    }
    let mut pos = source.find('\n').map_or(source.len(), |i| i + 1);
    let mut fields = Vec::new();
    for line in lines {
        let end = pos + line.len();
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            for (field, key, value) in fields {
                let origin = format!("front matter key `{key}`");
                meta::set_field(&mut metadata, field, value, &origin, warnings);
            }
            return (metadata, &source[end..]);
        }
        if !line.starts_with([' ', '\t']) {
            if let Some((key, value)) = trimmed.split_once(':') {
                if let Some(field) = Field::from_front_matter_key(key) {
                    fields.push((field, key.trim(), unquote(value.trim())));
                }
            }
        }
        pos = end;
    }
    // No closing fence: this was a thematic break, not front matter.
    (Metadata::default(), source)
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// Strips Markdown block and inline markup, keeping one blank line between paragraphs.
fn strip(body: &str) -> String {
    let mut out = Blocks::default();
    let mut fence: Option<(char, usize)> = None;
    let mut prev_was_item = false;
    for raw in body.lines() {
        let was_item = std::mem::take(&mut prev_was_item);
        if let Some((ch, len)) = fence {
            let t = raw.trim();
            if t.chars().take_while(|&c| c == ch).count() >= len && t.chars().all(|c| c == ch) {
                fence = None;
                out.blank();
            } else {
                out.line(raw.trim_end().to_string());
            }
            continue;
        }
        let line = strip_quote_markers(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.blank();
            continue;
        }
        if let Some(opened) = fence_open(trimmed) {
            fence = Some(opened);
            out.blank();
            continue;
        }
        if let Some(heading) = atx_heading(trimmed) {
            out.blank();
            out.line(inline(heading));
            out.blank();
            continue;
        }
        if is_setext_underline(trimmed) && out.in_paragraph() {
            // The paragraph above is a heading; it becomes its own paragraph.
            out.blank();
            continue;
        }
        if is_thematic_break(trimmed) || is_link_definition(trimmed) || is_html_comment(trimmed) {
            out.blank();
            continue;
        }
        if let Some(row) = table_row(trimmed) {
            if let Some(row) = row {
                out.line(row);
            }
            continue;
        }
        // A hard-wrapped paragraph may have a line that starts "2019. The ..."; only a list
        // that starts a block, continues a list or counts from 1 is taken as one (CommonMark's
        // rule for ordered lists interrupting a paragraph).
        let (content, item) = strip_list_marker(trimmed, !out.in_paragraph() || was_item);
        prev_was_item = item;
        out.line(inline(content));
    }
    out.finish()
}

/// Output lines with blank-line bookkeeping.
#[derive(Default)]
struct Blocks {
    lines: Vec<String>,
}

impl Blocks {
    fn line(&mut self, line: String) {
        let line = line.trim_end().to_string();
        if line.trim().is_empty() {
            // A line that was only markup (an image, a lone `**`) leaves no trace.
            return;
        }
        self.lines.push(line);
    }
    fn blank(&mut self) {
        if self.in_paragraph() {
            self.lines.push(String::new());
        }
    }
    fn in_paragraph(&self) -> bool {
        self.lines.last().is_some_and(|l| !l.is_empty())
    }
    fn finish(mut self) -> String {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        let mut text = self.lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }
}

/// Removes leading `>` blockquote markers (nested ones too).
fn strip_quote_markers(line: &str) -> &str {
    let mut rest = line;
    loop {
        let t = rest.trim_start();
        if rest.len() - t.len() > 3 {
            return rest;
        }
        match t.strip_prefix('>') {
            Some(after) => rest = after.strip_prefix(' ').unwrap_or(after),
            None => return rest,
        }
    }
}

fn fence_open(trimmed: &str) -> Option<(char, usize)> {
    for ch in ['`', '~'] {
        let len = trimmed.chars().take_while(|&c| c == ch).count();
        if len >= 3 {
            return Some((ch, len));
        }
    }
    None
}

/// The text of an ATX heading (`## Text ##`), or `None`.
fn atx_heading(trimmed: &str) -> Option<&str> {
    let level = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    // A closing sequence of `#` counts only after a space.
    let without_closing = rest.trim_end_matches('#');
    if without_closing.is_empty() {
        return Some("");
    }
    if without_closing.len() < rest.len() && without_closing.ends_with([' ', '\t']) {
        return Some(without_closing.trim_end());
    }
    Some(rest)
}

fn is_setext_underline(trimmed: &str) -> bool {
    !trimmed.is_empty() && (trimmed.chars().all(|c| c == '=') || trimmed.chars().all(|c| c == '-'))
}

fn is_thematic_break(trimmed: &str) -> bool {
    ['-', '*', '_'].iter().any(|&ch| {
        trimmed.chars().filter(|&c| c == ch).count() >= 3
            && trimmed.chars().all(|c| c == ch || c == ' ' || c == '\t')
    })
}

/// `[label]: destination` lines, which render as nothing.
fn is_link_definition(trimmed: &str) -> bool {
    trimmed.starts_with('[')
        && trimmed.find("]:").is_some_and(|i| {
            i > 1 && !trimmed[..i].contains(']') && !trimmed[i + 2..].trim().is_empty()
        })
}

fn is_html_comment(trimmed: &str) -> bool {
    trimmed.starts_with("<!--") && trimmed.ends_with("-->")
}

/// A table row: `Some(None)` for the `|---|:--:|` delimiter row, `Some(Some(text))` for a row
/// of cells (joined by ` | `), `None` when the line is not a table row.
fn table_row(trimmed: &str) -> Option<Option<String>> {
    if !(trimmed.starts_with('|') && trimmed.len() > 1) {
        return None;
    }
    let inner = trimmed.trim_start_matches('|').trim_end_matches('|');
    if !inner.is_empty()
        && inner
            .chars()
            .all(|c| matches!(c, '-' | ':' | '|' | ' ' | '\t'))
    {
        return Some(None);
    }
    let cells: Vec<String> = inner
        .split('|')
        .map(|c| inline(c.trim()))
        .filter(|c| !c.is_empty())
        .collect();
    Some(Some(cells.join(" | ")))
}

/// Removes a list bullet (`-`, `*`, `+`), an ordered-list number (`1.`, `1)`) and a task box
/// (`[ ]`, `[x]`); says whether there was a list marker. An ordered number other than 1 counts
/// only when `may_start_any` (at the start of a block or right after another item).
fn strip_list_marker(trimmed: &str, may_start_any: bool) -> (&str, bool) {
    let rest = if let Some(rest) = trimmed
        .strip_prefix(['-', '*', '+'])
        .filter(|r| r.starts_with([' ', '\t']))
    {
        rest.trim_start()
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let first = (may_start_any || &trimmed[..digits] == "1") && (1..=9).contains(&digits);
        match trimmed[digits..].strip_prefix(['.', ')']) {
            Some(rest) if first && rest.starts_with([' ', '\t']) => rest.trim_start(),
            _ => return (trimmed, false),
        }
    };
    for task in ["[ ] ", "[x] ", "[X] "] {
        if let Some(after) = rest.strip_prefix(task) {
            return (after, true);
        }
    }
    (rest, true)
}

/// A piece of a line during inline processing.
enum Piece {
    Text(String),
    /// A run of `*`, `_` or `~~` that may open or close emphasis.
    Delim {
        ch: char,
        run: String,
        can_open: bool,
        can_close: bool,
        matched: bool,
    },
}

/// Strips inline markup from one line: emphasis, code spans, links, images, autolinks,
/// inline HTML tags and backslash escapes.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let escaped = |i: usize| i > 0 && chars[i - 1] == '\\' && !(i > 1 && chars[i - 2] == '\\');
    let brackets = matching(&chars, '[', ']', &escaped);
    let parens = matching(&chars, '(', ')', &escaped);
    let code_closers = code_span_closers(&chars);

    let mut pieces: Vec<Piece> = Vec::new();
    let mut text = String::new();
    // `skip_to[i] = Some(j)`: at position i, continue at j without emitting (the `](url)` tail
    // of a link whose `[` was already dropped).
    let mut skip_to: HashMap<usize, usize> = HashMap::new();
    let mut i = 0;
    while i < n {
        if let Some(&j) = skip_to.get(&i) {
            i = j;
            continue;
        }
        let c = chars[i];
        match c {
            '\\' if i + 1 < n && chars[i + 1].is_ascii_punctuation() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = run_len(&chars, i);
                match code_closers.get(&i) {
                    Some(&close) => {
                        let content: String = chars[i + run..close].iter().collect();
                        let content =
                            match content.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
                                Some(inner) if !inner.trim().is_empty() => inner.to_string(),
                                _ => content,
                            };
                        text.push_str(&content);
                        i = close + run;
                    }
                    None => {
                        text.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
            }
            '!' if i + 1 < n && chars[i + 1] == '[' => {
                match link_end(&chars, i + 1, &brackets, &parens) {
                    // Images are dropped, alt text and all: it describes a picture, not the events.
                    Some((_, end)) => i = end,
                    None => {
                        text.push(c);
                        i += 1;
                    }
                }
            }
            '[' => match link_end(&chars, i, &brackets, &parens) {
                Some((close, end)) => {
                    skip_to.insert(close, end);
                    i += 1;
                }
                None => {
                    text.push(c);
                    i += 1;
                }
            },
            '<' => match angle(&chars, i) {
                Some((keep, end)) => {
                    text.push_str(&keep);
                    i = end;
                }
                None => {
                    text.push(c);
                    i += 1;
                }
            },
            '*' | '_' | '~' => {
                let run = run_len(&chars, i);
                let run_text: String = chars[i..i + run].iter().collect();
                if c == '~' && run != 2 {
                    text.push_str(&run_text);
                    i += run;
                    continue;
                }
                let before = i.checked_sub(1).map(|k| chars[k]);
                let after = chars.get(i + run).copied();
                let left = flanking(after, before);
                let right = flanking(before, after);
                let punct = |c: Option<char>| c.is_some_and(is_punctuation);
                let (can_open, can_close) = if c == '_' {
                    (
                        left && (!right || punct(before)),
                        right && (!left || punct(after)),
                    )
                } else {
                    (left, right)
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Delim {
                    ch: c,
                    run: run_text,
                    can_open,
                    can_close,
                    matched: false,
                });
                i += run;
            }
            _ => {
                text.push(c);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pair_delimiters(&mut pieces);
    let mut out = String::with_capacity(line.len());
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Delim { matched: true, .. } => {}
            Piece::Delim { run, .. } => out.push_str(&run),
        }
    }
    out
}

/// Marks openers and closers of the same character that pair up; the rest stay literal text.
fn pair_delimiters(pieces: &mut [Piece]) {
    let mut openers: Vec<usize> = Vec::new();
    for k in 0..pieces.len() {
        let (ch, can_open, can_close) = match &pieces[k] {
            Piece::Delim {
                ch,
                can_open,
                can_close,
                ..
            } => (*ch, *can_open, *can_close),
            Piece::Text(_) => continue,
        };
        if can_close {
            let found = openers
                .iter()
                .rposition(|&o| matches!(&pieces[o], Piece::Delim { ch: oc, .. } if *oc == ch));
            if let Some(pos) = found {
                let opener = openers[pos];
                openers.truncate(pos);
                for index in [opener, k] {
                    if let Piece::Delim { matched, .. } = &mut pieces[index] {
                        *matched = true;
                    }
                }
                continue;
            }
        }
        if can_open {
            openers.push(k);
        }
    }
}

/// CommonMark flanking: a delimiter run is left-flanking when `next` (the char after it) is not
/// whitespace, and not punctuation unless `prev` is whitespace or punctuation. Called with the
/// arguments swapped for right-flanking.
fn flanking(next: Option<char>, prev: Option<char>) -> bool {
    match next {
        None => false,
        Some(n) if n.is_whitespace() => false,
        Some(n) if is_punctuation(n) => prev.is_none_or(|p| p.is_whitespace() || is_punctuation(p)),
        Some(_) => true,
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace() && !c.is_control())
}

fn run_len(chars: &[char], i: usize) -> usize {
    chars[i..].iter().take_while(|&&c| c == chars[i]).count()
}

/// For every unescaped `open`, the index of its matching `close` (nesting-aware), in one pass.
fn matching(
    chars: &[char],
    open: char,
    close: char,
    escaped: &dyn Fn(usize) -> bool,
) -> HashMap<usize, usize> {
    let mut stack = Vec::new();
    let mut pairs = HashMap::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == open && !escaped(i) {
            stack.push(i);
        } else if c == close && !escaped(i) {
            if let Some(o) = stack.pop() {
                pairs.insert(o, i);
            }
        }
    }
    pairs
}

/// For every backtick run that opens a code span, the index of the closing run of the same
/// length, in one pass over the runs.
fn code_span_closers(chars: &[char]) -> HashMap<usize, usize> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = run_len(chars, i);
            runs.push((i, len));
            i += len;
        } else {
            i += 1;
        }
    }
    let mut closers = HashMap::new();
    let mut open_by_len: HashMap<usize, usize> = HashMap::new();
    // Scanning left to right, a run closes the earliest still-open run of the same length; a
    // run inside an already-open span of another length is content, which this ignores (rare).
    for (pos, len) in runs {
        match open_by_len.remove(&len) {
            Some(open) => {
                closers.insert(open, pos);
            }
            None => {
                open_by_len.insert(len, pos);
            }
        }
    }
    closers
}

/// For a `[` at `open` that starts an inline link `[text](dest)` or a reference link
/// `[text][ref]`, returns the index of the text's `]` and the index just past the link.
fn link_end(
    chars: &[char],
    open: usize,
    brackets: &HashMap<usize, usize>,
    parens: &HashMap<usize, usize>,
) -> Option<(usize, usize)> {
    let close = *brackets.get(&open)?;
    match chars.get(close + 1) {
        Some('(') => parens.get(&(close + 1)).map(|&end| (close, end + 1)),
        Some('[') => brackets.get(&(close + 1)).map(|&end| (close, end + 1)),
        _ => None,
    }
}

/// An autolink `<https://...>` (kept as its address) or an inline HTML tag (dropped): the text
/// to keep and the index past the `>`.
fn angle(chars: &[char], open: usize) -> Option<(String, usize)> {
    let close = open
        + 1
        + chars
            .get(open + 1..)?
            .iter()
            .take(2048)
            .position(|&c| c == '>')?;
    let inner: String = chars[open + 1..close].iter().collect();
    if inner.contains(char::is_whitespace)
        && !inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
    {
        return None;
    }
    let lower = inner.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        if inner.contains(char::is_whitespace) {
            return None;
        }
        return Some((
            inner.strip_prefix("mailto:").unwrap_or(&inner).to_string(),
            close + 1,
        ));
    }
    let name = inner.strip_prefix('/').unwrap_or(&inner);
    let tag_name_len = name
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .count();
    let is_tag = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name[tag_name_len..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '/');
    is_tag.then(|| (String::new(), close + 1))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use testigo_core::Language;

    use super::*;

    fn md(source: &str) -> (String, Metadata, Vec<String>) {
        let mut warnings = Vec::new();
        let (text, metadata) = extract(source, &mut warnings);
        (text, metadata, warnings)
    }

    #[test]
    fn inline_markup_is_removed() {
        assert_eq!(
            inline("**Two** migrants were *shot* in __Saltillo__"),
            "Two migrants were shot in Saltillo"
        );
        assert_eq!(
            inline("see [the report](https://x.org/a_(b)) and [this][1]"),
            "see the report and this"
        );
        assert_eq!(inline("![photo of the scene](img.png)The car"), "The car");
        assert_eq!(inline("run `rm *.txt` now"), "run rm *.txt now");
        assert_eq!(inline("a ``code with ` tick`` b"), "a code with ` tick b");
        assert_eq!(inline("~~wrong~~ right"), "wrong right");
        assert_eq!(
            inline("<https://x.org> and <span>tag</span>"),
            "https://x.org and tag"
        );
        assert_eq!(inline(r"not \*emphasis\*"), "not *emphasis*");
    }

    #[test]
    fn lone_markers_stay_as_text() {
        assert_eq!(inline("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(inline("5 * 3 = 15, 5*3 too"), "5 * 3 = 15, 5*3 too");
        assert_eq!(
            inline("about ~40 people [sic] (or 2 < 3)"),
            "about ~40 people [sic] (or 2 < 3)"
        );
        assert_eq!(inline("unclosed **bold"), "unclosed **bold");
    }

    #[test]
    fn blocks_become_paragraphs() {
        let source = "# Two migrants shot\n\
                      Intro line one\n\
                      line two.\n\
                      \n\
                      > Quoted *witness*:\n\
                      > \"they fired\".\n\
                      \n\
                      - first item\n\
                      * second item\n\
                      1. third item\n\
                      \n\
                      ---\n\
                      \n\
                      Setext Heading\n\
                      ==============\n\
                      Body after.\n\
                      \n\
                      ```\n\
                      code *kept*\n\
                      ```\n\
                      [1]: https://x.org\n\
                      | a | b |\n\
                      |---|---|\n\
                      | 1 | 2 |\n";
        let (text, _, _) = md(source);
        assert_eq!(
            text,
            "Two migrants shot\n\
             \n\
             Intro line one\n\
             line two.\n\
             \n\
             Quoted witness:\n\
             \"they fired\".\n\
             \n\
             first item\n\
             second item\n\
             third item\n\
             \n\
             Setext Heading\n\
             \n\
             Body after.\n\
             \n\
             code *kept*\n\
             \n\
             a | b\n\
             1 | 2\n"
        );
    }

    #[test]
    fn a_wrapped_line_starting_with_a_year_is_not_a_list_item() {
        let (text, _, _) = md("It happened in\n2019. Then more.\n\n3. A list item\n4. Another\n");
        assert_eq!(
            text,
            "It happened in\n2019. Then more.\n\nA list item\nAnother\n"
        );
    }

    #[test]
    fn front_matter_and_header_lines_become_metadata() {
        let source = "---\n\
                      title: \"Dos migrantes heridos\"\n\
                      date: 2019-07-31T10:00:00-06:00\n\
                      lang: es\n\
                      tags:\n  - migración\n\
                      ---\n\
                      Publisher: Vanguardia\n\
                      Title: ignored, front matter wins\n\
                      \n\
                      ## Saltillo\n\
                      Texto.\n";
        let (text, metadata, warnings) = md(source);
        assert_eq!(text, "Saltillo\n\nTexto.\n");
        assert_eq!(metadata.title.as_deref(), Some("Dos migrantes heridos"));
        assert_eq!(metadata.publisher.as_deref(), Some("Vanguardia"));
        assert_eq!(metadata.published, NaiveDate::from_ymd_opt(2019, 7, 31));
        assert_eq!(metadata.language, Some(Language::Es));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_leading_rule_without_closing_fence_is_not_front_matter() {
        let (text, metadata, _) = md("---\nJust text: with a colon.\n");
        assert_eq!(text, "Just text: with a colon.\n");
        assert_eq!(metadata, Metadata::default());
    }
}
