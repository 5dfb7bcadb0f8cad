//! A span-keeping tree of a YAML document or a TOML file, so the config extractors read one
//! shape: mappings, sequences and scalars, each with the byte range it was written at.

mod toml;
mod yaml;

pub use self::toml::parse_toml;
pub use self::yaml::{Document, yaml_documents};

use crate::usage::{Code, Span, TextSource};

/// One node of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node is written: for a scalar, the scalar (with its quotes).
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, number or boolean, as text (`307`, `"307"` and `'307'` all give `307`).
    Scalar(String),
    /// A scalar whose source holds a template placeholder (`{{ .Values.code }}`): its value
    /// is not known until the template is rendered.
    Templated(String),
    Null,
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A key and its value in a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Node {
    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean scalar (`true`, `"false"`); Go's config loaders accept these spellings.
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entry whose key is `name` (the last one when a key is repeated, as Kubernetes
    /// and Traefik read them).
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries()
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(name))
    }

    /// Like [`Node::entry`], ignoring ASCII case (Traefik matches option names so).
    pub fn entry_nocase(&self, name: &str) -> Option<&Entry> {
        self.entries()
            .iter()
            .rev()
            .find(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
    }

    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entry(name).map(|e| &e.value)
    }

    pub fn get_nocase(&self, name: &str) -> Option<&Node> {
        self.entry_nocase(name).map(|e| &e.value)
    }

    /// The value of `key` matching every spelling of one name that ignores case and
    /// underscores: Terraform's `status_code`, CloudFormation's `StatusCode`, proto JSON's
    /// `statusCode`.
    pub fn get_loose(&self, key: &str) -> Option<&Node> {
        let wanted = loose(key);
        self.entries()
            .iter()
            .rev()
            .find(|e| e.key.as_str().is_some_and(|k| loose(k) == wanted))
            .map(|e| &e.value)
    }

    /// Follows a path of keys: `doc.path(&["metadata", "name"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn path_nocase(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get_nocase(key))
    }
}

fn loose(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The full-line `#` comments right above the line holding `offset`, nearest last.
pub fn comments_above(src: &str, offset: usize) -> Vec<String> {
    let offset = offset.min(src.len());
    let line_start = src.as_bytes()[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let mut out: Vec<String> = src[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    out.reverse();
    out
}

/// The comments above a key, as evidence texts.
pub fn comment_texts(src: &str, key: &Node) -> Vec<(TextSource, String)> {
    comments_above(src, key.span.start)
        .into_iter()
        .map(|c| (TextSource::Comment, c))
        .collect()
}

/// `replacement` written the way `value` is written at `written` (`"HTTP_302"`, `'302'`,
/// `302`), so a fix keeps the file's style. Where `written` is no literal (a variable whose
/// default gave `value`), the replacement is a double-quoted string, which HCL, YAML and JSON
/// all read.
pub fn written_like(written: &str, value: &str, replacement: &str) -> String {
    match written.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{replacement}{q}"),
        _ if written == value => replacement.to_string(),
        _ => format!("\"{replacement}\""),
    }
}

/// A code written as text: a number, or Malformed.
pub fn code_of(text: &str) -> Code {
    match text.trim().parse::<u32>() {
        Ok(n) => Code::Exact(n),
        Err(_) => Code::Malformed(text.trim().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_keep_the_quoting() {
        assert_eq!(
            written_like("\"HTTP_302\"", "HTTP_302", "HTTP_301"),
            "\"HTTP_301\""
        );
        assert_eq!(written_like("'302'", "302", "301"), "'301'");
        assert_eq!(written_like("HTTP_302", "HTTP_302", "HTTP_301"), "HTTP_301");
        assert_eq!(
            written_like("var.code", "HTTP_302", "HTTP_301"),
            "\"HTTP_301\""
        );
    }

    #[test]
    fn comments_above_stop_at_code() {
        let src = "a: 1\n# not this one?\nb: 2\n# first\n  # second\nc: 3\n";
        let at = src.find("c:").unwrap();
        assert_eq!(comments_above(src, at), ["first", "second"]);
        assert!(comments_above(src, 0).is_empty());
    }
}
