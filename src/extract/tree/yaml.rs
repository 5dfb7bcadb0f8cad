//! YAML documents into [`Node`] trees, one document at a time, so one broken document
//! does not hide the others. Helm template actions (`{{ ... }}`) are masked before parsing.

use super::{Entry, Node, Value};
use regex::Regex;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Options, Spanned};
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

/// One `---`-separated document of a YAML stream.
#[derive(Debug)]
pub enum Document {
    Parsed(Node),
    /// The document could not be read: the line of the error, why, and whether the
    /// document holds template actions (a Helm template that is not YAML as written).
    Failed {
        line: usize,
        reason: String,
        templated: bool,
    },
}

/// Every non-empty document of `src`, in order.
pub fn yaml_documents(src: &str) -> Vec<Document> {
    let masked = mask_templates(src);
    document_ranges(src)
        .into_iter()
        .filter_map(|(range, line)| parse_document(src, &masked, range, line))
        .collect()
}

/// Byte ranges of the documents with the line each starts on: a line starting with `---`
/// opens a new one (YAML forbids that marker at column 0 inside content, so this split is
/// exact).
fn document_ranges(src: &str) -> Vec<(Range<usize>, usize)> {
    let mut ranges = Vec::new();
    let (mut start, mut start_line) = (0, 1);
    let mut at = 0;
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let marker = line
            .strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#']));
        if marker && at > start {
            ranges.push((start..at, start_line));
            (start, start_line) = (at, i + 1);
        }
        at += line.len();
    }
    ranges.push((start..src.len(), start_line));
    ranges
}

/// A Helm or Go template action on one line.
static ACTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{.*?\}\}").expect("valid regex"));

/// The source with template actions replaced by `x`s of the same byte length, and lines that
/// hold only actions turned into comments (`{{- if .x }}` becomes `#` and spaces, at the
/// action's indentation, so a block scalar that starts with one does not begin with a line
/// of spaces deeper than its text, which YAML refuses), so offsets stay true and the YAML
/// around them parses. An action
/// that renders a block (`toYaml`, `nindent`) is blanked too: the lines below it then belong
/// to the key before it (`labels: {{- include "x" . | nindent 4 }}`).
fn mask_templates(src: &str) -> String {
    if !src.contains("{{") {
        return src.to_string();
    }
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let masked = ACTION.replace_all(line, |c: &regex::Captures| {
            let block = c[0].contains("nindent") || c[0].contains("toYaml");
            (if block { " " } else { "x" }).repeat(c[0].len())
        });
        let only_actions = ACTION.is_match(line) && ACTION.replace_all(line, "").trim().is_empty();
        if only_actions {
            out.push_str(&as_comment(line));
        } else {
            out.push_str(&masked);
        }
    }
    out
}

fn as_comment(line: &str) -> String {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.bytes()
        .enumerate()
        .map(|(i, b)| match b {
            b'\n' => '\n',
            _ if i == indent => '#',
            _ => ' ',
        })
        .collect()
}

fn parse_document(
    src: &str,
    masked: &str,
    range: Range<usize>,
    start_line: usize,
) -> Option<Document> {
    let text = &masked[range.clone()];
    let has_content = text.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with('#') && l != "---" && l != "..."
    });
    if !has_content {
        return None;
    }
    let mut options = Options::default();
    // One anchor used a hundred times is a real file; a bomb is stopped by the limit on
    // replayed alias events (serde-saphyr's `AliasLimits`), not by this ratio.
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.enforce_alias_anchor_ratio = false;
    // Each level of nesting costs the parser and this reader many stack frames; past this
    // depth a worker thread's stack could overflow (real manifests and specs stay well
    // under it), so a deeper document is a note, not a crash.
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.with_snippet = false;
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(root) => Some(Document::Parsed(to_node(root, src, range.start))),
        Err(err) => {
            let line_in_doc = err.location().map_or(1, |l| l.line().max(1) as usize);
            Some(Document::Failed {
                line: start_line + line_in_doc - 1,
                reason: first_line(&err.to_string()),
                templated: src[range].contains("{{"),
            })
        }
    }
}

/// The deepest nesting of mappings and sequences read.
const MAX_DEPTH: usize = 40;

/// The first line of a parser message, without the position it names inside the document
/// (the note names the line in the file instead).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    POSITION.replace_all(line, "").into_owned()
}

static POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r",? at line \d+,? column \d+").expect("valid regex"));

/// A node as serde-saphyr hands it over, before its spans are made absolute.
enum Raw {
    Scalar(String),
    Null,
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

fn to_node(raw: Spanned<Raw>, src: &str, base: usize) -> Node {
    let loc = raw.referenced.span();
    let start = base + loc.byte_offset().unwrap_or(0) as usize;
    let end = start + loc.byte_len().unwrap_or(0) as usize;
    let span = start.min(src.len())..end.min(src.len());
    if let Some(tag_start) = custom_tag_before(src, span.start) {
        // A custom tag (CloudFormation's `!Ref`, `!Sub`, `!If`) stands for a value computed
        // later: keep it as written, not as the plain value the parser hands over.
        let written = src.get(tag_start..span.end).unwrap_or("").to_string();
        return Node {
            span,
            value: Value::Templated(written),
        };
    }
    let value = match raw.value {
        Raw::Scalar(text) => {
            let written = src.get(span.clone()).unwrap_or("");
            if written.contains("{{") {
                Value::Templated(written.to_string())
            } else {
                Value::Scalar(text)
            }
        }
        Raw::Null => Value::Null,
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|i| to_node(i, src, base)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| Entry {
                    key: to_node(k, src, base),
                    value: to_node(v, src, base),
                })
                .collect(),
        ),
    };
    Node { span, value }
}

/// Where a custom tag (`!Ref`, not the standard `!!str`) written right before `offset`
/// starts, looking back over blanks and a block scalar indicator (`!Sub |`).
fn custom_tag_before(src: &str, offset: usize) -> Option<usize> {
    let before = src.get(..offset)?;
    let mut end = before.trim_end_matches([' ', '\t', '\r', '\n']).len();
    for _ in 0..2 {
        let head = &before[..end];
        let start = head
            .rfind([' ', '\t', '\n', '[', '{', ','])
            .map_or(0, |i| i + 1);
        let token = &head[start..];
        if token.starts_with('!') && !token.starts_with("!!") && token.len() > 1 {
            return Some(start);
        }
        if !matches!(token, "|" | ">" | "|-" | ">-" | "|+" | ">+") {
            return None;
        }
        end = head[..start].trim_end_matches([' ', '\t']).len();
    }
    None
}

impl<'de> de::Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Scalar(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Scalar(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        de::Deserialize::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(doc: &Document) -> &Node {
        match doc {
            Document::Parsed(node) => node,
            Document::Failed { line, reason, .. } => panic!("line {line}: {reason}"),
        }
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let src = "a: 1\nb:\n  c: \"307\"\n  d: [x, 'y']\n";
        let docs = yaml_documents(src);
        let root = parsed(&docs[0]);
        let c = root.path(&["b"]).unwrap().entry("c").unwrap();
        assert_eq!(&src[c.key.span.clone()], "c");
        assert_eq!(&src[c.value.span.clone()], "\"307\"");
        assert_eq!(c.value.as_str(), Some("307"));
        let d = root.path(&["b", "d"]).unwrap();
        assert_eq!(&src[d.items()[1].span.clone()], "'y'");
    }

    #[test]
    fn one_bad_document_leaves_the_others() {
        let src = "kind: A\n---\nkind: [B\n---\n# only a comment\n---\nkind: C\n";
        let docs = yaml_documents(src);
        assert_eq!(docs.len(), 3);
        assert!(
            matches!(docs[1], Document::Failed { line: 3, .. }),
            "{docs:?}"
        );
        let c = parsed(&docs[2]).get("kind").unwrap();
        assert_eq!(&src[c.span.clone()], "C");
    }

    #[test]
    fn masks_helm_actions_and_marks_templated_values() {
        let src = "{{- if .Values.ingress.enabled }}\napiVersion: v1\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    {{- toYaml .Values.annotations | nindent 4 }}\n    code: \"{{ .Values.code }}\"\n{{- end }}\n";
        let docs = yaml_documents(src);
        let root = parsed(&docs[0]);
        let name = root.path(&["metadata", "name"]).unwrap();
        assert!(matches!(&name.value, Value::Templated(t) if t == "{{ .Release.Name }}"));
        let code = root.path(&["metadata", "annotations", "code"]).unwrap();
        assert!(matches!(code.value, Value::Templated(_)));
    }

    #[test]
    fn block_actions_leave_the_lines_below_to_their_key() {
        let src = "metadata:\n  labels: {{- include \"x.labels\" . | nindent 4 }}\n    app: web\nspec:\n  a: 1\n";
        let docs = yaml_documents(src);
        let root = parsed(&docs[0]);
        assert_eq!(
            root.path(&["metadata", "labels", "app"])
                .and_then(Node::as_str),
            Some("web")
        );
    }

    #[test]
    fn custom_tags_are_values_computed_later() {
        let src = "a: !Ref Listener\nb: !If [c, HTTP_301, HTTP_302]\nc: !!str 302\nd: !Sub |\n  https://${Domain}\ne: plain\n";
        let docs = yaml_documents(src);
        let root = parsed(&docs[0]);
        let a = root.get("a").unwrap();
        assert_eq!(a.value, Value::Templated("!Ref Listener".into()));
        assert!(matches!(root.get("b").unwrap().value, Value::Templated(_)));
        assert_eq!(root.get("c").and_then(Node::as_str), Some("302"));
        assert!(matches!(root.get("d").unwrap().value, Value::Templated(_)));
        assert_eq!(root.get("e").and_then(Node::as_str), Some("plain"));
    }

    #[test]
    fn survives_hostile_input() {
        for src in [
            "[".repeat(10_000),
            "a:\n".to_string() + &"  ".repeat(500) + "b",
            "&a [*a]".into(),
            "key: \u{0}\u{1}".into(),
            "---\n---\n...\n".into(),
            "a: {{\n".into(),
        ] {
            let _ = yaml_documents(&src);
        }
    }
}
