//! Caddyfile tokens and blocks, with byte spans.
//!
//! Tokens are split on whitespace; `"..."` (with `\"` escapes) and `` `...` `` quote;
//! `<<MARKER` opens a heredoc; `#` at the start of a token comments out the rest of the
//! line; a `\` before a newline joins two lines. A bare `{` opens a block and a bare `}`
//! closes one; braces inside a token (`{host}`) are placeholders.

use crate::diagnostic::line_of;
use crate::usage::Span;

#[derive(Clone, Debug)]
pub struct Token {
    pub text: String,
    pub span: Span,
    /// Quoted tokens are never structural braces or matchers.
    pub quoted: bool,
}

/// One directive line and the block it opens, if any.
#[derive(Debug, Default)]
pub struct Line {
    pub tokens: Vec<Token>,
    /// Indices of the lines inside this line's block.
    pub children: Vec<usize>,
    pub has_block: bool,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: Vec<Line>,
    /// Lines with no parent, in order.
    pub top: Vec<usize>,
    /// Comments as (byte offset of the `#`, text after it).
    pub comments: Vec<(usize, String)>,
    pub notes: Vec<String>,
}

pub fn parse(src: &str) -> Parsed {
    let (groups, comments) = lex(src);
    let mut parsed = Parsed {
        comments,
        ..Parsed::default()
    };
    let mut open: Vec<usize> = Vec::new();
    for group in groups {
        let mut current: Vec<Token> = Vec::new();
        for token in group {
            match (token.quoted, token.text.as_str()) {
                (false, "{") => {
                    let i = parsed.push(std::mem::take(&mut current), open.last().copied());
                    parsed.lines[i].has_block = true;
                    open.push(i);
                }
                (false, "}") => {
                    if !current.is_empty() {
                        parsed.push(std::mem::take(&mut current), open.last().copied());
                    }
                    // One note is enough: counting lines for each would be quadratic.
                    if open.pop().is_none() && parsed.notes.is_empty() {
                        let line = line_of(src, token.span.start);
                        parsed
                            .notes
                            .push(format!("line {line}: `}}` closes no block"));
                    }
                }
                _ => current.push(token),
            }
        }
        if !current.is_empty() {
            parsed.push(current, open.last().copied());
        }
    }
    // The outermost unclosed block is the one to report.
    if let Some(&i) = open.first() {
        let at = parsed.lines[i].tokens.first().map_or(0, |t| t.span.start);
        let line = line_of(src, at);
        parsed.notes.push(format!("line {line}: unclosed `{{`"));
    }
    parsed
}

impl Parsed {
    fn push(&mut self, tokens: Vec<Token>, parent: Option<usize>) -> usize {
        let i = self.lines.len();
        self.lines.push(Line {
            tokens,
            ..Line::default()
        });
        match parent {
            Some(p) => self.lines[p].children.push(i),
            None => self.top.push(i),
        }
        i
    }

    /// Comments on the lines just above `at` (with no blank line between) and on its line.
    pub fn comments_near(&self, src: &str, at: usize) -> Vec<String> {
        let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[at..].find('\n').map_or(src.len(), |i| at + i);
        let mut out: Vec<String> = self
            .comments
            .iter()
            .filter(|(c, _)| (line_start..line_end).contains(c))
            .map(|(_, t)| t.clone())
            .collect();
        let mut end = line_start;
        while end > 0 {
            let start = src[..end - 1].rfind('\n').map_or(0, |i| i + 1);
            let above = src[start..end].trim();
            match above.strip_prefix('#') {
                Some(text) => out.push(text.trim().to_string()),
                None => break,
            }
            end = start;
        }
        out
    }
}

/// Tokens grouped by logical line, and the comments.
fn lex(src: &str) -> (Vec<Vec<Token>>, Vec<(usize, String)>) {
    let bytes = src.as_bytes();
    let mut groups: Vec<Vec<Token>> = vec![Vec::new()];
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            groups.push(Vec::new());
            i += 1;
        } else if c == b'\\' && bytes.get(i + 1) == Some(&b'\n') {
            i += 2;
        } else if let Some(space) = src[i..].chars().next().filter(|c| c.is_whitespace()) {
            // Unicode whitespace, as a bare token ends at: a vertical tab is one too, and
            // would otherwise start an empty token that never moves on.
            i += space.len_utf8();
        } else if c == b'#' {
            let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
            comments.push((i, src[i + 1..end].trim().to_string()));
            i = end;
        } else {
            // A quoted token may span lines; what follows it stays on its logical line.
            let (token, end) = token_at(src, i);
            if let Some(group) = groups.last_mut() {
                group.push(token);
            }
            i = end;
        }
    }
    (groups, comments)
}

/// The token starting at `start`, and where it ends.
fn token_at(src: &str, start: usize) -> (Token, usize) {
    let bytes = src.as_bytes();
    let quoted = |text: String, end: usize| {
        (
            Token {
                text,
                span: start..end,
                quoted: true,
            },
            end,
        )
    };
    match bytes[start] {
        b'"' => {
            let mut text = String::new();
            let mut chars = src[start + 1..].char_indices();
            while let Some((k, ch)) = chars.next() {
                match ch {
                    '\\' => match chars.next() {
                        Some((_, '"')) => text.push('"'),
                        Some((_, other)) => {
                            text.push('\\');
                            text.push(other);
                        }
                        None => text.push('\\'),
                    },
                    '"' => return quoted(text, start + 1 + k + 1),
                    _ => text.push(ch),
                }
            }
            quoted(text, src.len())
        }
        b'`' => match src[start + 1..].find('`') {
            Some(k) => quoted(src[start + 1..start + 1 + k].to_string(), start + k + 2),
            None => quoted(src[start + 1..].to_string(), src.len()),
        },
        b'<' if src[start..].starts_with("<<") => {
            heredoc(src, start).unwrap_or_else(|| bare(src, start))
        }
        _ => bare(src, start),
    }
}

fn bare(src: &str, start: usize) -> (Token, usize) {
    let end = src[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(src.len(), |n| start + n);
    (
        Token {
            text: src[start..end].to_string(),
            span: start..end,
            quoted: false,
        },
        end,
    )
}

/// `<<MARKER` ... a line starting with `MARKER` (more arguments may follow it).
fn heredoc(src: &str, start: usize) -> Option<(Token, usize)> {
    let line_end = start + src[start..].find('\n')?;
    let marker = src[start + 2..line_end].trim();
    if marker.is_empty()
        || !marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    let mut at = line_end + 1;
    while at <= src.len() {
        let end = src[at..].find('\n').map_or(src.len(), |n| at + n);
        let line = &src[at..end];
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        if rest.starts_with(marker)
            && rest[marker.len()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
        {
            let close = at + indent + marker.len();
            let token = Token {
                text: src[line_end + 1..at].to_string(),
                span: start..close,
                quoted: true,
            };
            return Some((token, close));
        }
        if end == src.len() {
            break;
        }
        at = end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_whitespace_separates_tokens() {
        // Found by the caddy fuzz target: a vertical tab looped forever, growing memory.
        let (groups, _) = lex("redir\u{b}/a\u{2028}/b 308\n");
        let texts: Vec<&str> = groups[0].iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["redir", "/a", "/b", "308"]);
    }

    #[test]
    fn blocks_and_tokens() {
        let src = "# site\nexample.com {\n\tredir /a \"https://x{uri}\" 301 # why\n\thandle /b {\n\t\trespond `ok` 200\n\t}\n}\n";
        let p = parse(src);
        assert!(p.notes.is_empty());
        assert_eq!(p.top.len(), 1);
        let site = &p.lines[p.top[0]];
        assert_eq!(site.tokens[0].text, "example.com");
        assert_eq!(site.children.len(), 2);
        let redir = &p.lines[site.children[0]];
        assert_eq!(redir.tokens[2].text, "https://x{uri}");
        assert_eq!(&src[redir.tokens[3].span.clone()], "301");
        let handle = &p.lines[site.children[1]];
        assert_eq!(p.lines[handle.children[0]].tokens[1].text, "ok");
        assert_eq!(p.comments_near(src, redir.tokens[0].span.start), ["why"]);
        assert_eq!(p.comments_near(src, site.tokens[0].span.start), ["site"]);
    }

    #[test]
    fn broken_input_gives_notes_not_panics() {
        let p = parse("a {\n b {\n \"open");
        assert_eq!(p.notes, ["line 1: unclosed `{`"]);
        let p = parse("}\n<<EOF\nx");
        assert_eq!(p.notes.len(), 1);
        parse("\\");
        parse("\"\\");
        parse("`");
    }

    #[test]
    fn heredocs_are_one_token() {
        let p = parse("respond <<HTML\n  <b>hi</b>\n  HTML 200\n");
        let line = &p.lines[p.top[0]];
        assert_eq!(line.tokens[1].text, "  <b>hi</b>\n");
        assert_eq!(line.tokens[2].text, "200");
    }
}
