//! Apache httpd config syntax: logical lines (a trailing `\` continues a line), quoted
//! arguments, `#` comments on their own lines, and `<Section>` nesting, with byte spans.
//!
//! Sections are kept flat with parent indices; a stray or unclosed section is a note.

use crate::usage::Span;

pub use crate::extract::server_config::Arg;

/// One directive line.
#[derive(Debug)]
pub struct Directive {
    /// Lowercased: Apache matches directive names case-insensitively.
    pub name: String,
    pub args: Vec<Arg>,
    /// From the name to the end of the logical line.
    pub span: Span,
    /// The innermost section it sits in.
    pub section: Option<usize>,
    /// Comment lines right above it.
    pub comments: Vec<String>,
}

/// `<Name args>` ... `</Name>`.
#[derive(Debug)]
pub struct Section {
    /// Lowercased, without `<`.
    pub name: String,
    pub args: Vec<Arg>,
    pub parent: Option<usize>,
    pub comments: Vec<String>,
    line: usize,
}

#[derive(Debug, Default)]
pub struct Config {
    pub directives: Vec<Directive>,
    pub sections: Vec<Section>,
    pub notes: Vec<String>,
    /// Per section: the directives right inside it and the sections right inside it, so
    /// listing what a section holds does not scan the whole file.
    direct: Vec<(Vec<usize>, Vec<usize>)>,
}

impl Config {
    /// `section` and the sections around it, innermost first.
    pub fn enclosing(&self, section: Option<usize>) -> impl Iterator<Item = (usize, &Section)> {
        let mut next = section;
        std::iter::from_fn(move || {
            let i = next?;
            next = self.sections[i].parent;
            Some((i, &self.sections[i]))
        })
    }

    /// The directives anywhere inside `section`, nested sections included.
    pub fn inside(&self, section: usize) -> impl Iterator<Item = &Directive> {
        let mut found: Vec<usize> = Vec::new();
        let mut stack = vec![section];
        while let Some(s) = stack.pop() {
            if let Some((directives, sections)) = self.direct.get(s) {
                found.extend(directives);
                stack.extend(sections);
            }
        }
        found.sort_unstable();
        found.into_iter().map(|i| &self.directives[i])
    }

    fn index_sections(&mut self) {
        self.direct = vec![(Vec::new(), Vec::new()); self.sections.len()];
        for (i, d) in self.directives.iter().enumerate() {
            if let Some(s) = d.section {
                self.direct[s].0.push(i);
            }
        }
        for (i, s) in self.sections.iter().enumerate() {
            if let Some(p) = s.parent {
                self.direct[p].1.push(i);
            }
        }
    }
}

/// Splits one logical line into arguments. `start..end` is its byte range in `src`;
/// a backslash before a newline joins lines, and quotes group words.
fn arguments(src: &str, start: usize, end: usize) -> Vec<Arg> {
    let bytes = src.as_bytes();
    let mut args = Vec::new();
    let mut i = start;
    while i < end {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'\\' if matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) => i += 1,
            quote @ (b'"' | b'\'') => {
                let mut text = String::new();
                let mut j = i + 1;
                while j < end && bytes[j] != quote {
                    if bytes[j] == b'\\' && j + 1 < end && bytes[j + 1] == quote {
                        j += 1;
                    }
                    let ch_len = utf8_len(bytes[j]);
                    text.push_str(src.get(j..(j + ch_len).min(end)).unwrap_or(""));
                    j += ch_len;
                }
                let after = (j + 1).min(end);
                args.push(Arg {
                    text,
                    span: i..after,
                });
                i = after;
            }
            _ => {
                let mut j = i;
                while j < end && !matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    if bytes[j] == b'\\' && matches!(bytes.get(j + 1), Some(b'\n' | b'\r')) {
                        break;
                    }
                    j += 1;
                }
                args.push(Arg {
                    text: src[i..j].to_string(),
                    span: i..j,
                });
                i = j;
            }
        }
    }
    args
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The logical lines of `src`: (start, end, first line number).
fn logical_lines(src: &str) -> Vec<(usize, usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 1;
    let mut first_number = 1;
    for (at, _) in src.match_indices('\n') {
        let physical = src[..at].trim_end_matches('\r');
        number += 1;
        if physical.ends_with('\\') {
            continue;
        }
        lines.push((start, at, first_number));
        start = at + 1;
        first_number = number;
    }
    if start < src.len() {
        lines.push((start, src.len(), first_number));
    }
    lines
}

/// Parses a whole file. Never fails: a stray `</X>` or an unclosed `<X>` is a note.
pub fn parse(src: &str) -> Config {
    let mut config = Config::default();
    let mut open: Vec<usize> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    for (start, end, number) in logical_lines(src) {
        let text = src[start..end].trim();
        if text.is_empty() {
            comments.clear();
            continue;
        }
        if let Some(comment) = text.strip_prefix('#') {
            comments.push(comment.trim().to_string());
            continue;
        }
        let mut args = arguments(src, start, end);
        if args.is_empty() {
            continue;
        }
        let first = args.remove(0);
        let span = first.span.start..end;
        if let Some(closing) = first.text.strip_prefix("</") {
            let name = closing.trim_end_matches('>').to_ascii_lowercase();
            close(&mut config, &mut open, &name, number);
        } else if let Some(opening) = first.text.strip_prefix('<') {
            if let Some(last) = args.last_mut() {
                last.text = last.text.trim_end_matches('>').to_string();
            }
            args.retain(|a| !a.text.is_empty());
            config.sections.push(Section {
                name: opening.trim_end_matches('>').to_ascii_lowercase(),
                args,
                parent: open.last().copied(),
                comments: std::mem::take(&mut comments),
                line: number,
            });
            open.push(config.sections.len() - 1);
        } else {
            config.directives.push(Directive {
                name: first.text.to_ascii_lowercase(),
                args,
                span,
                section: open.last().copied(),
                comments: std::mem::take(&mut comments),
            });
        }
        comments.clear();
    }
    if let Some(&outer) = open.first() {
        let s = &config.sections[outer];
        config
            .notes
            .push(format!("line {}: `<{}>` is never closed", s.line, s.name));
    }
    config.index_sections();
    config
}

fn close(config: &mut Config, open: &mut Vec<usize>, name: &str, line: usize) {
    match open.iter().rposition(|&i| config.sections[i].name == name) {
        Some(at) => open.truncate(at),
        None => config
            .notes
            .push(format!("line {line}: `</{name}>` closes no open section")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_sections_and_comments() {
        let src = "# Force https\n<VirtualHost *:80>\n  ServerName example.com\n  # all of it\n  Redirect permanent / https://example.com/\n</VirtualHost>\n";
        let config = parse(src);
        assert!(config.notes.is_empty(), "{:?}", config.notes);
        assert_eq!(config.sections[0].name, "virtualhost");
        assert_eq!(config.sections[0].args[0].text, "*:80");
        assert_eq!(config.sections[0].comments, ["Force https"]);
        let redirect = &config.directives[1];
        assert_eq!(redirect.name, "redirect");
        assert_eq!(redirect.section, Some(0));
        assert_eq!(redirect.comments, ["all of it"]);
        assert_eq!(
            &src[redirect.span.clone()],
            "Redirect permanent / https://example.com/"
        );
    }

    #[test]
    fn continuations_and_quotes() {
        let src =
            "RewriteRule ^old$ \\\n    /new [R=301,L]\nHeader always set X-A \"a \\\"b\\\" c\"\n";
        let config = parse(src);
        let texts: Vec<&str> = config.directives[0]
            .args
            .iter()
            .map(|a| a.text.as_str())
            .collect();
        assert_eq!(texts, ["^old$", "/new", "[R=301,L]"]);
        assert_eq!(config.directives[1].args[3].text, "a \"b\" c");
    }

    #[test]
    fn broken_nesting_gives_notes() {
        let config = parse("</Directory>\n<IfModule x>\n<Location /a>\n");
        assert_eq!(config.notes.len(), 2, "{:?}", config.notes);
        for src in ["<", "</", "\"", "\\", "<a\\\n", "# x\\\ny"] {
            parse(src);
        }
    }
}
