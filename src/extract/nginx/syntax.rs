//! nginx config syntax: a span-keeping tokenizer and a flat tree of directives.
//!
//! The tree is a `Vec` with parent indices, built with an explicit stack, so unbalanced or
//! deeply nested input never recurses and never panics; what cannot be read is a note.

use crate::diagnostic::Lines;
use crate::usage::Span;

pub use crate::extract::server_config::Arg;

/// One directive: `name args... ;` or `name args... { ... }`.
#[derive(Debug)]
pub struct Directive {
    pub name: String,
    pub args: Vec<Arg>,
    /// From the name to the `;` or `{` that ends it.
    pub span: Span,
    /// The enclosing block's directive, if any.
    pub parent: Option<usize>,
    /// Comments on the lines right above it and after it on its last line.
    pub comments: Vec<String>,
}

/// A parsed file: every directive in source order, plus what could not be read.
#[derive(Debug, Default)]
pub struct Config {
    pub directives: Vec<Directive>,
    pub notes: Vec<String>,
    /// The children of each block, by the block's index + 1 (0: the top level), so
    /// listing a block's children does not scan the whole file.
    children: Vec<Vec<usize>>,
    top_level_error_pages: std::cell::OnceCell<Vec<usize>>,
}

impl Config {
    /// The directives directly inside `block` (None: the file's top level).
    pub fn children(&self, block: Option<usize>) -> impl Iterator<Item = (usize, &Directive)> {
        let slot = block.map_or(0, |b| b + 1);
        self.children
            .get(slot)
            .into_iter()
            .flatten()
            .map(|i| (*i, &self.directives[*i]))
    }

    /// The `error_page`s at the top level of the file.
    pub fn top_level_error_pages(&self) -> Vec<&Directive> {
        let pages = self.top_level_error_pages.get_or_init(|| {
            self.children(None)
                .filter(|(_, d)| d.name == "error_page")
                .map(|(i, _)| i)
                .collect()
        });
        pages.iter().map(|i| &self.directives[*i]).collect()
    }

    fn index_children(&mut self) {
        self.children = vec![Vec::new(); self.directives.len() + 1];
        for (i, d) in self.directives.iter().enumerate() {
            self.children[d.parent.map_or(0, |p| p + 1)].push(i);
        }
    }

    /// `index` and its enclosing blocks, innermost first.
    pub fn ancestors(&self, index: usize) -> impl Iterator<Item = (usize, &Directive)> {
        let mut next = Some(index);
        std::iter::from_fn(move || {
            let i = next?;
            next = self.directives[i].parent;
            Some((i, &self.directives[i]))
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(Arg),
    Semicolon(usize),
    Open(usize),
    Close(usize),
    /// A comment's text without `#`, and whether code came before it on its line.
    Comment(String, bool),
    /// A line with nothing on it: it separates a comment from the directive below.
    BlankLine,
}

fn tokenize(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line_has_code = false;
    let mut line_is_blank = true;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                if line_is_blank {
                    tokens.push(Token::BlankLine);
                }
                line_has_code = false;
                line_is_blank = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => line_is_blank = false,
        }
        match c {
            b'#' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                tokens.push(Token::Comment(
                    src[i + 1..end].trim().to_string(),
                    line_has_code,
                ));
                i = end;
            }
            b';' => {
                tokens.push(Token::Semicolon(i));
                i += 1;
            }
            b'{' => {
                tokens.push(Token::Open(i));
                i += 1;
            }
            b'}' => {
                tokens.push(Token::Close(i));
                i += 1;
            }
            b'"' | b'\'' => {
                let (arg, end) = quoted(src, i);
                tokens.push(Token::Word(arg));
                i = end;
            }
            _ => {
                let end = word_end(bytes, i);
                tokens.push(Token::Word(Arg {
                    text: src[i..end].to_string(),
                    span: i..end,
                }));
                i = end;
            }
        }
        line_has_code = true;
    }
    tokens
}

/// A quoted string from the quote at `start`; backslash escapes the next character. An
/// unclosed quote runs to the end of the file.
fn quoted(src: &str, start: usize) -> (Arg, usize) {
    let bytes = src.as_bytes();
    let quote = bytes[start];
    let mut text = String::new();
    let mut i = start + 1;
    let mut run = i;
    while i < bytes.len() && bytes[i] != quote {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            text.push_str(&src[run..i]);
            // Keep the escape for anything but the quote and the backslash: nginx does.
            if !matches!(bytes[i + 1], b'"' | b'\'' | b'\\') {
                text.push('\\');
            }
            run = i + 1;
            i += 1;
        }
        i += 1;
    }
    let end = i.min(bytes.len());
    text.push_str(&src[run..end]);
    let after = (end + 1).min(bytes.len());
    let arg = Arg {
        text,
        span: start..after,
    };
    (arg, after)
}

/// The end of an unquoted word: whitespace, `;`, `{` or `}` ends it, except inside `${...}`.
fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'}' => break,
            b'{' if i > start && bytes[i - 1] == b'$' => {
                while i < bytes.len() && !matches!(bytes[i], b'}' | b'\n') {
                    i += 1;
                }
            }
            b'{' => break,
            b'\\' if i + 1 < bytes.len() => i += 1,
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// Parses a whole file. Never fails: stray `}` and unclosed blocks become notes.
pub fn parse(src: &str) -> Config {
    let mut config = Config::default();
    // Line starts, found once and only when a note needs a line number.
    let lines = std::cell::OnceCell::new();
    let line_of = |at: usize| lines.get_or_init(|| Lines::new(src)).locate(at).line;
    let mut stack: Vec<usize> = Vec::new();
    let mut words: Vec<Arg> = Vec::new();
    let mut pending_comments: Vec<String> = Vec::new();
    let mut last_ended: Option<usize> = None;
    for token in tokenize(src) {
        match token {
            Token::Word(arg) => words.push(arg),
            Token::Comment(text, trailing) => match (trailing, last_ended) {
                (true, Some(d)) if words.is_empty() => config.directives[d].comments.push(text),
                _ => pending_comments.push(text),
            },
            Token::BlankLine => pending_comments.clear(),
            Token::Semicolon(at) | Token::Open(at) => {
                let is_block = matches!(token, Token::Open(_));
                let Some(directive) = finish(&mut words, at, stack.last().copied()) else {
                    config.notes.push(format!(
                        "line {}: `{}` with no directive",
                        line_of(at),
                        &src[at..=at]
                    ));
                    continue;
                };
                let index = config.directives.len();
                config.directives.push(Directive {
                    comments: std::mem::take(&mut pending_comments),
                    ..directive
                });
                last_ended = Some(index);
                if is_block {
                    stack.push(index);
                }
            }
            Token::Close(at) => {
                if !words.is_empty() {
                    config.notes.push(format!(
                        "line {}: `{}` has no `;`",
                        line_of(words[0].span.start),
                        words[0].text
                    ));
                    words.clear();
                }
                pending_comments.clear();
                if stack.pop().is_none() {
                    config
                        .notes
                        .push(format!("line {}: `}}` closes no block", line_of(at)));
                }
                last_ended = None;
            }
        }
    }
    if let Some(first) = words.first() {
        config.notes.push(format!(
            "line {}: `{}` has no `;`",
            line_of(first.span.start),
            first.text
        ));
    }
    // The outermost unclosed block names the problem; the ones inside it follow from it.
    if let Some(&outer) = stack.first() {
        let d = &config.directives[outer];
        let inner = match stack.len() - 1 {
            0 => String::new(),
            n => format!(" ({n} more blocks inside it are unclosed too)"),
        };
        config.notes.push(format!(
            "line {}: unclosed `{{` of `{}`{inner}",
            line_of(d.span.start),
            d.name
        ));
    }
    config.index_children();
    config
}

fn finish(words: &mut Vec<Arg>, end: usize, parent: Option<usize>) -> Option<Directive> {
    let mut args = std::mem::take(words).into_iter();
    let name = args.next()?;
    Some(Directive {
        span: name.span.start..end + 1,
        name: name.text,
        args: args.collect(),
        parent,
        comments: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(config: &Config) -> Vec<(&str, Option<usize>)> {
        config
            .directives
            .iter()
            .map(|d| (d.name.as_str(), d.parent))
            .collect()
    }

    #[test]
    fn builds_blocks_with_parents_and_spans() {
        let src =
            "server {\n  listen 80;\n  location / { return 301 https://$host$request_uri; }\n}\n";
        let config = parse(src);
        assert!(config.notes.is_empty(), "{:?}", config.notes);
        assert_eq!(
            names(&config),
            [
                ("server", None),
                ("listen", Some(0)),
                ("location", Some(0)),
                ("return", Some(2))
            ]
        );
        let ret = &config.directives[3];
        assert_eq!(
            &src[ret.span.clone()],
            "return 301 https://$host$request_uri;"
        );
        assert_eq!(ret.args[1].text, "https://$host$request_uri");
    }

    #[test]
    fn keeps_quotes_variables_and_comments() {
        let src = "# old shop\n# moved in 2020\nlocation /shop {\n  return 200 \"it's \\\"ok\\\"; {}\"; # trailing\n  rewrite ^/(\\d+)$ ${scheme}://x/$1 permanent;\n}";
        let config = parse(src);
        assert!(config.notes.is_empty(), "{:?}", config.notes);
        assert_eq!(config.directives[0].comments, ["old shop", "moved in 2020"]);
        let ret = &config.directives[1];
        assert_eq!(ret.args[1].text, "it's \"ok\"; {}");
        assert_eq!(ret.comments, ["trailing"]);
        assert_eq!(config.directives[2].args[1].text, "${scheme}://x/$1");
    }

    #[test]
    fn a_blank_line_separates_comments_from_the_directive() {
        let config = parse("# about the file\n\nlisten 80;\n");
        assert!(config.directives[0].comments.is_empty());
    }

    #[test]
    fn unbalanced_input_yields_notes_not_panics() {
        let config = parse("server {\n  location / {\n    return 302 /x;\n");
        assert_eq!(config.directives.len(), 3);
        assert_eq!(config.notes.len(), 1, "{:?}", config.notes);
        assert!(config.notes[0].starts_with("line 1: unclosed `{` of `server` (1 more"));
        let config = parse("}\n}\nreturn 301\n");
        assert_eq!(config.notes.len(), 3, "{:?}", config.notes);
        for src in ["\"unclosed", "{", "}", ";", "'", "a ${", "x \\", "#"] {
            parse(src);
        }
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let src = "a {".repeat(100_000);
        let config = parse(&src);
        assert_eq!(config.directives.len(), 100_000);
        assert_eq!(config.ancestors(99_999).count(), 100_000);
    }
}
