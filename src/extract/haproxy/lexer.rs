//! HAProxy configuration lines: words with byte spans, and sections.
//!
//! Words are split on spaces and tabs; `"..."` quotes with `\` escapes, `'...'` quotes
//! without; a `\` escapes the next character; `#` outside quotes starts a comment.

use crate::usage::Span;

#[derive(Clone, Debug)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct ConfigLine {
    pub words: Vec<Word>,
    /// The comment at the end of the line, or the whole line's comment.
    pub comment: Option<String>,
}

/// A `frontend`, `backend`, `listen`, `defaults`, ... section and its lines.
#[derive(Debug)]
pub struct Section {
    pub kind: String,
    pub name: String,
    pub lines: Vec<ConfigLine>,
}

const SECTIONS: [&str; 14] = [
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "userlist",
    "peers",
    "resolvers",
    "cache",
    "program",
    "http-errors",
    "ring",
    "mailers",
    "fcgi-app",
];

pub fn sections(src: &str) -> Vec<Section> {
    let mut out: Vec<Section> = vec![Section {
        kind: String::new(),
        name: String::new(),
        lines: Vec::new(),
    }];
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        let line = split(raw, offset);
        offset += raw.len();
        let keyword = line.words.first().map(|w| w.text.as_str());
        if let Some(kind) = keyword.filter(|k| SECTIONS.contains(k)) {
            out.push(Section {
                kind: kind.to_string(),
                name: line
                    .words
                    .get(1)
                    .map(|w| w.text.clone())
                    .unwrap_or_default(),
                lines: Vec::new(),
            });
        }
        if let Some(section) = out.last_mut() {
            section.lines.push(line);
        }
    }
    out
}

/// The words of one line starting at byte `start`.
fn split(raw: &str, start: usize) -> ConfigLine {
    let mut words = Vec::new();
    let mut comment = None;
    let mut current: Option<(usize, String)> = None;
    let mut quote: Option<char> = None;
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                let word = current.get_or_insert((i, String::new()));
                if let Some((_, next)) = chars.next() {
                    word.1.push(next);
                }
            }
            (Some(_), c) => current.get_or_insert((i, String::new())).1.push(c),
            (None, '"' | '\'') => {
                current.get_or_insert((i, String::new()));
                quote = Some(c);
            }
            (None, '#') => {
                comment = Some(raw[i + 1..].trim().to_string());
                break;
            }
            (None, c) if c.is_whitespace() => {
                if let Some((b, text)) = current.take() {
                    words.push(Word {
                        text,
                        span: start + b..start + i,
                    });
                }
            }
            (None, c) => current.get_or_insert((i, String::new())).1.push(c),
        }
    }
    if let Some((b, text)) = current {
        let end = raw[b..].trim_end().len() + b;
        words.push(Word {
            text,
            span: start + b..start + end.max(b),
        });
    }
    ConfigLine { words, comment }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_quotes_and_comments() {
        let src = "frontend web # edge\n  http-request return status 503 string \"down for now\" hdr 'X-A' b\\ c\n";
        let s = sections(src);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].name, "web");
        assert_eq!(s[1].lines[0].comment.as_deref(), Some("edge"));
        let words: Vec<&str> = s[1].lines[1]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(
            words,
            [
                "http-request",
                "return",
                "status",
                "503",
                "string",
                "down for now",
                "hdr",
                "X-A",
                "b c"
            ]
        );
        assert_eq!(&src[s[1].lines[1].words[3].span.clone()], "503");
    }

    #[test]
    fn odd_input_does_not_panic() {
        sections("\"unclosed\n\\");
        sections("frontend\n\t#\n'");
    }
}
