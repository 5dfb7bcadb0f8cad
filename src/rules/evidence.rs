//! Reading the evidence texts of a usage, shared by the heuristic rules.

use crate::knowledge::{find_word, words};
use crate::usage::{TextSource, Usage};

/// The first text from one of `sources` that holds a word of `list`, as
/// (where it came from, the text, the word).
pub fn text_with_word<'u>(
    usage: &'u Usage,
    sources: &[TextSource],
    list: &[String],
) -> Option<(TextSource, &'u str, String)> {
    usage
        .evidence
        .texts
        .iter()
        .filter(|(source, _)| sources.contains(source))
        .find_map(|(source, text)| {
            // A URL quoted in a comment (`see https://...`) says nothing about this code.
            let words_of = match source {
                TextSource::Comment | TextSource::Message => without_urls(text),
                _ => text.to_string(),
            };
            find_word(&words_of, list).map(|w| (*source, text.as_str(), w))
        })
}

fn without_urls(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first route segment that is one word of `list` (`/legacy/pricing` says "legacy";
/// `/link/legacy-context` names a topic and does not), as (the route, the word).
pub fn route_segment_with_word<'u>(usage: &'u Usage, list: &[String]) -> Option<(&'u str, String)> {
    usage
        .evidence
        .texts
        .iter()
        .filter(|(source, _)| *source == TextSource::Route)
        .find_map(|(_, route)| {
            route.split('/').find_map(|segment| {
                let word = words(segment).join(" ");
                list.contains(&word).then_some((route.as_str(), word))
            })
        })
}

/// "the handler's name `redirect_old_blog` says `old`".
pub fn says(source: TextSource, text: &str, word: &str) -> String {
    let text = shorten(text.trim(), 80);
    format!("{} `{text}` says \"{word}\"", source.describe())
}

/// Cuts long text at a character boundary, for messages.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

/// Texts that describe the handler or directive itself.
pub const NAMING: &[TextSource] = &[TextSource::Handler, TextSource::Route, TextSource::Comment];
