//! Text from a repository (file names, `$ref`s, URLs, source lines) is printed where a
//! terminal or a CI runner acts on control characters: an escape sequence can rewrite the
//! screen, a newline can start a GitHub workflow command (`::add-mask::`). Every format
//! meant for people passes such text through here.

use std::borrow::Cow;

/// Characters that do something other than show themselves: C0 and C1 controls, DEL, and
/// the bidirectional overrides that reorder what is shown ("Trojan Source").
fn acts(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with every character that acts written as an escape (`\u{1b}`), one line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if acts(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Source text with every character that acts, other than line ends, replaced by as many
/// `?` as it has bytes: spans into the text stay where they were.
pub fn printable_source(text: &str) -> Cow<'_, str> {
    let bare_cr = |i: usize| text.as_bytes().get(i + 1) != Some(&b'\n');
    let acts_here = |i: usize, c: char| acts(c) && c != '\n' && (c != '\r' || bare_cr(i));
    if !text.char_indices().any(|(i, c)| acts_here(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if acts_here(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_or_runner_acts_on() {
        assert_eq!(printable("a.rs"), "a.rs");
        assert_eq!(printable("x\n::add-mask::y"), "x\\n::add-mask::y");
        assert_eq!(printable("\u{1b}[2J\u{9b}"), "\\u{1b}[2J\\u{9b}");
        assert_eq!(printable("a\u{202e}b\tc"), "a\\u{202e}b\tc");
    }

    #[test]
    fn source_keeps_every_offset() {
        let text = "a\u{1b}[31m\u{9b}\r\nb\rc\n";
        let shown = printable_source(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "a?[31m??\r\nb?c\n");
    }
}
