//! Facts: each documented response of each operation becomes one [`Usage`].
//!
//! The usage sits on the response key in the spec being linted. When the response, or the
//! whole operation, is defined elsewhere (a `$ref`'d component or file), it still sits on
//! the place in this file that uses it, and its evidence names the definition.

use super::layout::LAYOUT;
use super::refs::{Broken, Docs, Hop, refers};
use super::tree::{Entry, Node, Pos, Scalar, Value};
use crate::usage::{
    Body, Code, FileFacts, Headers, Made, Method, Operation, Resource, Shared, TextSource, Usage,
};
use std::collections::HashSet;
use std::sync::Arc;

/// Callbacks may hold callbacks; real specs nest one level.
const MAX_CALLBACK_DEPTH: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Swagger2,
    OpenApi3,
}

impl Dialect {
    fn of(root: &Node) -> Option<Dialect> {
        if root.get("openapi").is_some() {
            Some(Dialect::OpenApi3)
        } else if root.get("swagger").is_some() {
            Some(Dialect::Swagger2)
        } else {
            None
        }
    }
}

/// An operation's method, where its key is, the path it answers and how deep in callbacks.
struct OperationAt<'r> {
    method: Method,
    key: Pos,
    resource: &'r Arc<Resource>,
    depth: usize,
}

/// Where the usages of an operation defined in another place are reported, and what to
/// say about it.
#[derive(Clone)]
struct Anchor {
    pos: Pos,
    origin: String,
}

struct Collector<'a, 's> {
    docs: &'a Docs,
    dialect: Dialect,
    /// Everything but the usages and operations, which go to `sink` as they are made.
    facts: FileFacts,
    sink: &'s mut dyn FnMut(Made),
    /// True while reading `paths` (not webhooks): their operations are the API's own.
    in_paths: bool,
}

/// Where the spec's path items are read from.
pub enum PathItems<'c> {
    /// Kept while the spec was parsed (those not checked then); each is dropped once read.
    Kept(Vec<Entry>),
    /// The tree of the spec (document 0), less those checked while it was parsed (the
    /// offsets of their keys).
    InTree { checked: &'c HashSet<u32> },
}

/// Checks a path item at once, while the spec is still being read, when it needs nothing
/// from the rest of it: the spec said it is OpenAPI 3 before its paths, and the item has no
/// `$ref`. False, with nothing checked, for any other item.
pub fn check_alone(
    docs: &Docs,
    openapi: bool,
    entry: &Entry,
    facts: &mut FileFacts,
    sink: &mut dyn FnMut(Made),
) -> bool {
    if !openapi || refers(&entry.value) {
        return false;
    }
    read_path_item(docs, Dialect::OpenApi3, true, entry, facts, sink);
    true
}

/// Hands the usage of every response in the spec (document 0 of `docs`), and the summary
/// of every operation, to `sink` as it is made, and gives the rest of the facts (notes);
/// they are never all held at once.
pub fn each(mut docs: Docs, path_items: PathItems, sink: &mut dyn FnMut(Made)) -> FileFacts {
    let root = &docs.get(0).root;
    let Some(dialect) = Dialect::of(root) else {
        return FileFacts::default();
    };
    let mut facts = FileFacts::default();
    let (mut kept, checked) = match path_items {
        PathItems::Kept(items) => (Some(items), None),
        PathItems::InTree { checked } => (None, Some(checked)),
    };
    for section in ["paths", "webhooks"] {
        let in_paths = section == "paths";
        let kept = kept.take().filter(|_| in_paths);
        let taken = match kept {
            Some(_) => None,
            None => docs.take_section(section),
        };
        let docs = &docs;
        let unchecked =
            |entry: &Entry| !in_paths || checked.is_none_or(|c| !c.contains(&entry.key_pos.start));
        let mut read =
            |entry: &Entry| read_path_item(docs, dialect, in_paths, entry, &mut facts, sink);
        match kept.or(taken) {
            // Each path item is dropped once read: a large spec's tree and its usages are
            // never both whole.
            Some(items) => items
                .into_iter()
                .filter(|e| unchecked(e))
                .for_each(|e| read(&e)),
            None => {
                let items = docs.get(0).root.get(section).map_or(&[][..], Node::entries);
                items.iter().filter(|e| unchecked(e)).for_each(read);
            }
        }
    }
    facts
}

/// The usages and operations of one path (or webhook) item.
fn read_path_item(
    docs: &Docs,
    dialect: Dialect,
    in_paths: bool,
    entry: &Entry,
    facts: &mut FileFacts,
    sink: &mut dyn FnMut(Made),
) {
    let mut collector = Collector {
        docs,
        dialect,
        facts: std::mem::take(facts),
        sink,
        in_paths,
    };
    collector.path_entry(entry);
    *facts = collector.facts;
}

impl<'a> Collector<'a, '_> {
    /// A path (or webhook) and its item; extensions (`x-...`) are not paths.
    fn path_entry(&mut self, entry: &'a Entry) {
        let route = entry.key.text();
        if !route.starts_with("x-") {
            self.path_item(0, &entry.value, &route, None, 0);
        }
    }

    fn path_item(
        &mut self,
        doc: usize,
        node: &'a Node,
        route: &str,
        anchor: Option<Anchor>,
        depth: usize,
    ) {
        let what = format!("the path item `{route}`");
        let Some((doc, item, anchor)) = self.enter(doc, node, anchor, &what) else {
            return;
        };
        let operations: Vec<(Method, &'a Entry)> = item
            .entries()
            .iter()
            .filter_map(|entry| {
                let name = entry.key.text();
                let method = LAYOUT
                    .operations
                    .contains(&name)
                    .then(|| Method::parse(&name))
                    .flatten()?;
                Some((method, entry))
            })
            .collect();
        let resource = Arc::new(Resource {
            path: route.to_string(),
            methods: operations.iter().map(|(m, _)| *m).collect(),
        });
        for (method, entry) in operations {
            let at = OperationAt {
                method,
                key: entry.key_pos,
                resource: &resource,
                depth,
            };
            self.operation(doc, &entry.value, at, anchor.as_ref());
        }
    }

    fn operation(&mut self, doc: usize, node: &'a Node, at: OperationAt, anchor: Option<&Anchor>) {
        let OperationAt {
            method,
            key: method_key,
            resource,
            depth,
        } = at;
        let route = resource.path.as_str();
        let operation = format!("{} {route}", method.as_str());
        let what = format!("the operation `{operation}`");
        let Some((doc, op, anchor)) = self.enter(doc, node, anchor.cloned(), &what) else {
            return;
        };
        let media_types = self.produces(op);
        let responses = match op.get("responses") {
            Some(responses) => {
                let what = format!("the responses of `{operation}`");
                self.enter(doc, responses, anchor.clone(), &what)
            }
            None => None,
        };
        let mut summary = Operation {
            span: anchor.as_ref().map_or(method_key.span(), |a| a.pos.span()),
            method,
            route: route.to_string(),
            codes: Vec::new(),
            has_default: false,
            // Responses that are missing, cannot be followed or are cut short say nothing.
            incomplete: responses.is_none() || op.partial,
        };
        let (doc, responses, anchor) = match responses {
            Some((doc, responses, anchor)) => {
                summary.incomplete |= responses.partial;
                (doc, responses.entries(), anchor)
            }
            None => (doc, &[][..], anchor),
        };
        for entry in responses {
            summary.has_default |= matches!(&entry.key, Scalar::Str(k) if &**k == "default");
            let Some(code) = self.code_of(&entry.key) else {
                continue;
            };
            summary.codes.push(code.clone());
            let key = match &entry.key {
                Scalar::Str(s) => format!("\"{s}\""),
                other => other.text(),
            };
            let (span, mut origin) = match &anchor {
                Some(a) => (
                    a.pos.span(),
                    vec![
                        format!("the spec documents a {key} response for `{operation}`"),
                        a.origin.clone(),
                    ],
                ),
                None => (
                    entry.key_pos.span(),
                    vec![format!(
                        "the spec documents this response for `{operation}`"
                    )],
                ),
            };
            if self.dialect == Dialect::Swagger2
                && matches!(&code, Code::Malformed(t) if is_range(t))
            {
                origin.push(
                    "Swagger 2.0 has no status ranges; `2XX` keys exist from OpenAPI 3.0 on".into(),
                );
            }
            let use_line = anchor.as_ref().map_or(entry.key_pos.line, |a| a.pos.line);
            let mut usage = Usage::new(span, code, format!("response {key} of {operation}"));
            usage.methods = Some(vec![method]);
            usage.resource = Some(Arc::clone(resource));
            self.describe(doc, &entry.value, &media_types, &mut usage, &mut origin);
            if let Some(shared) = &mut usage.shared {
                shared.use_site = format!("`{operation}` at line {use_line}");
            }
            usage.evidence.origin = origin;
            // At once, so the next usage is made in the room given back.
            usage.shrink_to_fit();
            (self.sink)(Made::Usage(usage));
        }
        if self.in_paths && depth == 0 {
            (self.sink)(Made::Operation(summary));
        }
        if depth < MAX_CALLBACK_DEPTH {
            self.callbacks(doc, op, anchor.as_ref(), depth);
        }
    }

    /// Callbacks: requests the API sends, whose responses the spec documents too.
    fn callbacks(&mut self, doc: usize, op: &'a Node, anchor: Option<&Anchor>, depth: usize) {
        for callback in op.get("callbacks").map_or(&[][..], Node::entries) {
            let what = format!("the callback `{}`", callback.key.text());
            let Some((cb_doc, cb, anchor)) =
                self.enter(doc, &callback.value, anchor.cloned(), &what)
            else {
                continue;
            };
            for expression in cb.entries() {
                let route = expression.key.text();
                self.path_item(cb_doc, &expression.value, &route, anchor.clone(), depth + 1);
            }
        }
    }

    /// Follows the `$ref`s of a path item, operation or callback. Once one is followed,
    /// the usages inside are reported where this spec makes the reference.
    fn enter(
        &mut self,
        doc: usize,
        node: &'a Node,
        anchor: Option<Anchor>,
        what: &str,
    ) -> Option<(usize, &'a Node, Option<Anchor>)> {
        let (doc, found, hops) = self.follow(doc, node)?;
        let anchor = anchor.or_else(|| {
            hops.first().map(|first| Anchor {
                pos: first.pos,
                origin: format!("{what} is {}", self.definition(doc, &hops)),
            })
        });
        Some((doc, found, anchor))
    }

    /// Fills in headers and body from the response (following its `$ref`).
    fn describe(
        &mut self,
        doc: usize,
        node: &'a Node,
        media_types: &[String],
        usage: &mut Usage,
        origin: &mut Vec<String>,
    ) {
        let Some((doc, response, hops)) = self.follow(doc, node) else {
            return;
        };
        if response.partial || !matches!(response.value, Value::Map(_)) {
            // Cut short by a syntax error, or not a response object: nothing is known.
            return;
        }
        if let Some(last) = hops.last() {
            origin.push(format!("the response is {}", self.definition(doc, &hops)));
            // Reported at the definition when it is in this file: name it, not its line.
            let what = match doc {
                0 => format!("this is the shared response `{}`", last.reference),
                _ => origin.last().cloned().unwrap_or_default(),
            };
            usage.shared = Some(Box::new(Shared {
                key: format!("{}#{}", self.docs.get(doc).name, last.target_key.start),
                definition: (doc == 0).then(|| last.target_key.span()),
                use_site: String::new(),
                what,
            }));
        }
        if let Some(description) = response.get("description").and_then(Node::str) {
            let description = description.trim();
            if !description.is_empty() {
                usage
                    .evidence
                    .texts
                    .push((TextSource::Description, description.to_string()));
            }
        }
        usage.headers = Headers::complete();
        if let Some(headers) = response.get("headers")
            && let Some((header_doc, headers, _)) = self.follow(doc, headers)
        {
            for header in headers.entries() {
                // A header whose definition is broken is still declared.
                let _ = self.follow(header_doc, &header.value);
                usage.headers.add(&header.key.text(), None);
            }
        }
        let (body, types) = match self.dialect {
            Dialect::OpenApi3 => match response.get("content") {
                Some(content) => {
                    let types: Vec<String> =
                        content.entries().iter().map(|e| e.key.text()).collect();
                    let body = if types.is_empty() {
                        Body::Absent
                    } else {
                        Body::Present
                    };
                    (body, types)
                }
                None => (Body::Absent, Vec::new()),
            },
            Dialect::Swagger2 => match response.get("schema") {
                Some(_) => (Body::Present, media_types.to_vec()),
                None => (Body::Absent, Vec::new()),
            },
        };
        usage.body = body;
        if !types.is_empty() {
            // What the content is sent as; a 206 in multipart/byteranges needs no Content-Range.
            usage.headers.add("content-type", Some(types.join(", ")));
        }
    }

    /// Swagger 2.0 media types of an operation's responses (`produces`, else the spec's).
    fn produces(&self, op: &Node) -> Vec<String> {
        if self.dialect != Dialect::Swagger2 {
            return Vec::new();
        }
        let root = &self.docs.get(0).root;
        let list = op.get("produces").or_else(|| root.get("produces"));
        match list.map(|l| &l.value) {
            Some(Value::Seq(items)) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => Vec::new(),
        }
    }

    /// The code a response key names; None for `default` and extensions (`x-...`).
    fn code_of(&self, key: &Scalar) -> Option<Code> {
        let text = match key {
            Scalar::Int(n) => {
                return Some(
                    u32::try_from(*n).map_or_else(|_| Code::Malformed(n.to_string()), Code::Exact),
                );
            }
            Scalar::Str(s) => &**s,
            Scalar::Other(s) => return Some(Code::Malformed(s.to_string())),
        };
        if text == "default" || text.starts_with("x-") {
            return None;
        }
        Some(parse_code(text, self.dialect == Dialect::OpenApi3))
    }

    /// Follows `$ref`s; a broken one becomes a note and yields nothing.
    fn follow(&mut self, doc: usize, node: &'a Node) -> Option<(usize, &'a Node, Vec<Hop>)> {
        match self.docs.deref(doc, node) {
            Ok(found) => Some(found),
            Err(broken) => {
                self.note(&broken);
                None
            }
        }
    }

    fn note(&mut self, broken: &Broken) {
        let at = if broken.hop.doc == 0 {
            format!("line {}", broken.hop.pos.line)
        } else {
            format!(
                "{}, line {}",
                self.docs.get(broken.hop.doc).name,
                broken.hop.pos.line
            )
        };
        let note = format!(
            "{at}: `$ref: {}` cannot be followed: {}",
            broken.hop.reference, broken.why
        );
        if !self.facts.notes.contains(&note) {
            self.facts.notes.push(note);
        }
    }

    /// What a chain of `$ref`s names and where it leads: "`#/components/responses/Found`,
    /// defined at line 40" or "`./responses.yaml#/Found`, defined in `responses.yaml` at
    /// line 3".
    fn definition(&self, doc: usize, hops: &[Hop]) -> String {
        let reference = hops.first().map_or("", |h| h.reference.as_str());
        let line = hops.last().map_or(0, |h| h.target_line);
        let file = &self.docs.get(doc).name;
        match (doc, line) {
            (0, _) => format!("`{reference}`, defined at line {line}"),
            (_, 0) if reference.trim_start_matches("./") == file => format!("`{file}`"),
            (_, 0) => format!("`{reference}`, the file `{file}`"),
            _ => format!("`{reference}`, defined in `{file}` at line {line}"),
        }
    }
}

/// A response key as a code: `"200"` exact, `2XX` a class (OpenAPI 3 only), anything else
/// malformed.
fn parse_code(text: &str, ranges: bool) -> Code {
    let bytes = text.as_bytes();
    if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) {
        return match text.parse::<u32>() {
            // "099" is not "99": keep a key with leading zeros as written.
            Ok(n) if n.to_string() == text => Code::Exact(n),
            _ => Code::Malformed(text.to_string()),
        };
    }
    if ranges && is_range(text) {
        return Code::Class(bytes[0] - b'0');
    }
    Code::Malformed(text.to_string())
}

/// `2XX`: a digit and two upper-case X.
fn is_range(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 3 && bytes[0].is_ascii_digit() && &bytes[1..] == b"XX"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_response_keys() {
        assert_eq!(parse_code("200", true), Code::Exact(200));
        assert_eq!(parse_code("1000", true), Code::Exact(1000));
        assert_eq!(parse_code("099", true), Code::Malformed("099".into()));
        assert_eq!(parse_code("2XX", true), Code::Class(2));
        assert_eq!(parse_code("6XX", true), Code::Class(6));
        assert_eq!(parse_code("2XX", false), Code::Malformed("2XX".into()));
        assert_eq!(parse_code("2xx", true), Code::Malformed("2xx".into()));
        assert_eq!(parse_code("20X", true), Code::Malformed("20X".into()));
        assert_eq!(parse_code("", true), Code::Malformed(String::new()));
        assert_eq!(parse_code("4XXX", true), Code::Malformed("4XXX".into()));
    }
}
