//! A YAML or JSON document as a tree of nodes that keep their place in the source.
//!
//! serde-saphyr parses both formats (JSON is YAML) and gives every node and every map key
//! its line and byte range. Schemas, examples and prose are skipped while parsing (see
//! `skipped` in data/apis/openapi.toml): statuslint never reads them, and on large specs
//! they are most of the bytes. The path items under `paths` can be handed out one by one
//! as they are read ([`parse_streaming`]), so that a large spec's tree is never whole.

use super::layout::LAYOUT;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::Budget;
use serde_saphyr::options::DuplicateKeyPolicy;
use serde_saphyr::{Location, Options, Spanned};
use std::cell::RefCell;
use std::fmt;
use std::sync::mpsc::{SyncSender, sync_channel};

/// Where a node is: its byte range and its 1-based line. 32 bits each: the walker reads
/// no file over 32 MiB (`walk::MAX_FILE_BYTES`), and a large spec has hundreds of
/// thousands of positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub start: u32,
    pub end: u32,
    pub line: u32,
}

impl Pos {
    fn of(location: &Location) -> Pos {
        let span = location.span();
        let start = span.byte_offset().unwrap_or(0);
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Pos {
            start: small(start),
            end: small(start.saturating_add(span.byte_len().unwrap_or(0))),
            line: small(location.line()),
        }
    }

    pub fn span(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A scalar as the document wrote it. Text is boxed (no spare capacity), and a node is
/// kept small: a large spec's tree is most of the memory statuslint uses on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Str(Box<str>),
    /// An unquoted integer (YAML `200:`).
    Int(i64),
    /// A float, boolean, null or an integer beyond 64 bits, in words.
    Other(Box<str>),
}

impl Scalar {
    pub fn text(&self) -> String {
        match self {
            Scalar::Str(s) | Scalar::Other(s) => s.to_string(),
            Scalar::Int(n) => n.to_string(),
        }
    }
}

#[derive(Debug)]
pub enum Value {
    Map(Box<[Entry]>),
    Seq(Box<[Node]>),
    Scalar(Scalar),
    /// A field that is never read (a schema, an example): only its presence is kept.
    Skipped,
}

#[derive(Debug)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
    /// The node may be cut short: it is the last one read before a syntax error.
    pub partial: bool,
}

#[derive(Debug)]
pub struct Entry {
    pub key: Scalar,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    /// A document with nothing in it.
    pub fn empty() -> Node {
        Node {
            pos: Pos::default(),
            value: Value::Map(Box::new([])),
            partial: false,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|e| matches!(&e.key, Scalar::Str(k) if &**k == key))
            .map(|e| &e.value)
    }

    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar of any type (`openapi: 3.0` is a float).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Scalar(s) => Some(s.text()),
            _ => None,
        }
    }

    /// The node a JSON pointer fragment (`/components/responses/NotFound`) names, with
    /// where it is named: the position of its key, which for a block mapping comes before
    /// the mapping itself.
    pub fn pointer(&self, pointer: &str) -> Option<(&Node, Pos)> {
        let mut node = self;
        let mut at = self.pos;
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            (node, at) = match &node.value {
                Value::Map(entries) => entries
                    .iter()
                    .find(|e| e.key.text() == token)
                    .map(|e| (&e.value, e.key_pos))?,
                Value::Seq(items) => {
                    let item = items.get(token.parse::<usize>().ok()?)?;
                    (item, item.pos)
                }
                _ => return None,
            };
        }
        Some((node, at))
    }
}

/// Why a document could not be read.
#[derive(Debug)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

/// Deeper nesting than this is refused; real specs stay far below.
const MAX_DEPTH: usize = 128;
/// Parser events and nodes: generous for the largest file the walker reads (32 MiB; at most
/// one event for every two bytes, as in `[0,0,0]`).
const MAX_EVENTS: usize = 32_000_000;
/// The parser recurses once per level of nesting, with large frames in debug builds
/// (about 60 KiB a level; 8 KiB in release): it gets a stack that MAX_DEPTH cannot overflow.
const PARSER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Parses a YAML or JSON document.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    std::thread::scope(|scope| joined(spawn_parser(scope, text, None)?))
}

/// Path items go to the caller in batches, since handing each over on its own costs more
/// (the two threads waking each other) than reading it. At most three batches are held at
/// once: one being filled, one waiting and one being read.
const PATH_ITEMS_PER_BATCH: usize = 128;

/// Path items as they are read, with what the document said of itself before them.
pub struct Batch {
    pub items: Vec<Entry>,
    /// A top-level `openapi` key came before them: the spec is OpenAPI 3.
    pub openapi_before: bool,
}

/// Parses a document, handing each entry of its top-level `paths` to `each` as soon as it
/// is read instead of keeping it: the tree comes back with `paths` empty. `each` runs on
/// the calling thread while the parser reads on, and may keep what it is given.
pub fn parse_streaming(text: &str, mut each: impl FnMut(Batch)) -> Result<Node, ParseError> {
    let (to, from) = sync_channel(1);
    let streaming = Streaming {
        to,
        batch: Vec::new(),
        openapi_seen: false,
    };
    std::thread::scope(|scope| {
        let parser = spawn_parser(scope, text, Some(streaming))?;
        // Ends when the parser is done and has dropped its end of the channel.
        for batch in from {
            each(batch);
        }
        joined(parser)
    })
}

type Parser<'scope> = std::thread::ScopedJoinHandle<'scope, Result<Node, ParseError>>;

fn spawn_parser<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    text: &'scope str,
    streaming: Option<Streaming>,
) -> Result<Parser<'scope>, ParseError> {
    std::thread::Builder::new()
        .name("openapi-parser".into())
        .stack_size(PARSER_STACK_BYTES)
        .spawn_scoped(scope, move || {
            STREAMING.set(streaming);
            let parsed = parse_here(text);
            // Closes the channel, so the caller's loop ends.
            STREAMING.take();
            parsed
        })
        .map_err(|e| ParseError {
            line: None,
            message: format!("no thread to parse it in: {e}"),
        })
}

fn joined(parser: Parser) -> Result<Node, ParseError> {
    parser.join().unwrap_or_else(|_| {
        Err(ParseError {
            line: None,
            message: "the parser failed".into(),
        })
    })
}

/// Where a parser thread sends the path items it reads, when they are streamed.
struct Streaming {
    to: SyncSender<Batch>,
    batch: Vec<Entry>,
    openapi_seen: bool,
}

impl Streaming {
    fn send(&mut self) {
        let items = std::mem::replace(&mut self.batch, Vec::with_capacity(PATH_ITEMS_PER_BATCH));
        let batch = Batch {
            items,
            openapi_before: self.openapi_seen,
        };
        // The caller stopped listening only if it failed: the rest is not needed.
        let _ = self.to.send(batch);
    }
}

thread_local! {
    /// Set for the life of one parser thread by [`parse_streaming`]. A thread-local because
    /// serde builds every nested value through `Deserialize`, which takes no arguments, and
    /// `Spanned` (which gives the positions) has no seeded form.
    static STREAMING: RefCell<Option<Streaming>> = const { RefCell::new(None) };
}

/// Sends a path item on when they are streamed; gives it back when they are not.
fn stream_path_item(entry: Entry) -> Option<Entry> {
    STREAMING.with_borrow_mut(|streaming| match streaming {
        Some(streaming) => {
            streaming.batch.push(entry);
            if streaming.batch.len() >= PATH_ITEMS_PER_BATCH {
                streaming.send();
            }
            None
        }
        None => Some(entry),
    })
}

/// Sends on the path items not yet sent, at the end of `paths`.
fn stream_the_rest() {
    STREAMING.with_borrow_mut(|streaming| {
        if let Some(streaming) = streaming
            && !streaming.batch.is_empty()
        {
            streaming.send();
        }
    });
}

/// Notes that the document has a top-level `openapi` key.
fn openapi_seen() {
    STREAMING.with_borrow_mut(|streaming| {
        if let Some(streaming) = streaming {
            streaming.openapi_seen = true;
        }
    });
}

/// Reads what comes before the line of a syntax error. Only the last node at each level
/// can be cut short: those are marked `partial`, the rest is as complete as the file.
pub fn parse_before(text: &str, error_line: usize) -> Option<Node> {
    let cut = text
        .match_indices('\n')
        .nth(error_line.checked_sub(2)?)
        .map(|(i, _)| i + 1)?;
    let mut node = parse(&text[..cut]).ok()?;
    let mut spine = Some(&mut node);
    while let Some(n) = spine {
        n.partial = true;
        spine = match &mut n.value {
            Value::Map(entries) => entries.last_mut().map(|e| &mut e.value),
            Value::Seq(items) => items.last_mut(),
            Value::Scalar(_) | Value::Skipped => None,
        };
    }
    Some(node)
}

fn parse_here(text: &str) -> Result<Node, ParseError> {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_events = MAX_EVENTS;
    budget.max_nodes = MAX_EVENTS;
    // One anchor used a hundred times is a real file; a bomb is stopped by the limit on
    // replayed alias events (serde-saphyr's `AliasLimits`), not by this ratio.
    budget.enforce_alias_anchor_ratio = false;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.emit_comments = false;
    options.with_snippet = false;
    // OpenAPI documents are YAML 1.2: `y` and `on` are strings.
    options.strict_booleans = true;
    // A repeated key is a mistake in the spec, not a reason to read nothing of it.
    options.duplicate_keys = DuplicateKeyPolicy::FirstWins;
    match serde_saphyr::from_str_with_options::<Spanned<Raw<ROOT>>>(text, options) {
        Ok(root) => Ok(node(root)),
        Err(err) => Err(ParseError {
            line: err.location().map(|l| l.line() as usize).filter(|l| *l > 0),
            message: err.to_string().lines().next().unwrap_or("").to_string(),
        }),
    }
}

fn node<const CTX: Context>(spanned: Spanned<Raw<CTX>>) -> Node {
    Node {
        pos: Pos::of(&spanned.referenced),
        value: spanned.value.0,
        partial: false,
    }
}

/// Where a value sits, which decides what of it is skipped.
type Context = u8;
/// A field of the specification (or a list item): skipped fields are skipped.
const FIELD: Context = 0;
/// A map whose keys are names chosen by the author (a header named `description` must not
/// be skipped as prose).
const NAMED: Context = 1;
/// The object under a name (a response, a header, a path item): its own `description` is
/// kept, since it says what the response means.
const ITEM: Context = 2;
/// The document itself: a field map whose `paths` may be streamed (see [`parse_streaming`]).
const ROOT: Context = 3;
/// The top-level `paths`: a named map whose entries may be streamed.
const PATHS: Context = 4;
/// A field whose list is read (`produces`); any other list is skipped.
const LIST: Context = 5;

/// A value being parsed in its context.
struct Raw<const CTX: Context>(Value);

impl<'de, const CTX: Context> Deserialize<'de> for Raw<CTX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor::<CTX>)
    }
}

struct RawVisitor<const CTX: Context>;

impl<const CTX: Context> RawVisitor<CTX> {
    fn scalar<E>(scalar: Scalar) -> Result<Raw<CTX>, E> {
        Ok(Raw(Value::Scalar(scalar)))
    }
}

impl<'de, const CTX: Context> Visitor<'de> for RawVisitor<CTX> {
    type Value = Raw<CTX>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Str(v.into()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Str(v.into_boxed_str()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::scalar(
            i64::try_from(v).map_or_else(|_| Scalar::Other(v.to_string().into()), Scalar::Int),
        )
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Self::scalar(
            i64::try_from(v).map_or_else(|_| Scalar::Other(v.to_string().into()), Scalar::Int),
        )
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Other(v.to_string().into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Other(v.to_string().into()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Other(v.to_string().into()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Self::scalar(Scalar::Other("null".into()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Raw::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if CTX != LIST {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Raw(Value::Skipped));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw<FIELD>>>()? {
            items.push(node(item));
        }
        // Most maps and lists of a spec hold one or two items: boxed without the room a
        // growing Vec keeps (four at least), which would be most of the tree.
        Ok(Raw(Value::Seq(items.into_boxed_slice())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw<NAMED>>>()? {
            let key_pos = Pos::of(&key.referenced);
            let Value::Scalar(key) = key.value.0 else {
                // A map or list as a key: no part of a spec uses one.
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let name = match &key {
                Scalar::Str(s) => &**s,
                _ => "",
            };
            let value = if CTX == NAMED || CTX == PATHS {
                node(map.next_value::<Spanned<Raw<ITEM>>>()?)
            } else if CTX == ROOT && name == "paths" {
                node(map.next_value::<Spanned<Raw<PATHS>>>()?)
            } else if CTX == ITEM && name == "description" {
                node(map.next_value::<Spanned<Raw<FIELD>>>()?)
            } else if LAYOUT.skipped.iter().any(|s| s == name) {
                map.next_value::<IgnoredAny>()?;
                Node {
                    pos: key_pos,
                    value: Value::Skipped,
                    partial: false,
                }
            } else if LAYOUT.named_maps.iter().any(|s| s == name) {
                node(map.next_value::<Spanned<Raw<NAMED>>>()?)
            } else if LAYOUT.lists.iter().any(|s| s == name) {
                node(map.next_value::<Spanned<Raw<LIST>>>()?)
            } else {
                node(map.next_value::<Spanned<Raw<FIELD>>>()?)
            };
            if CTX == ROOT && name == "openapi" {
                openapi_seen();
            }
            let entry = Entry {
                key,
                key_pos,
                value,
            };
            let kept = if CTX == PATHS {
                stream_path_item(entry)
            } else {
                Some(entry)
            };
            entries.extend(kept);
        }
        if CTX == PATHS {
            stream_the_rest();
        }
        Ok(Raw(Value::Map(entries.into_boxed_slice())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Node {
        parse(text).unwrap_or_else(|e| panic!("{}", e.message))
    }

    #[test]
    fn keeps_key_spans_in_yaml() {
        let text =
            "paths:\n  /a:\n    get:\n      responses:\n        \"302\": {}\n        200: {}\n";
        let root = parsed(text);
        let responses = root
            .pointer("/paths/~1a/get/responses")
            .map(|(n, _)| n)
            .expect("found");
        let keys: Vec<_> = responses
            .entries()
            .iter()
            .map(|e| (e.key.clone(), &text[e.key_pos.span()], e.key_pos.line))
            .collect();
        assert_eq!(
            keys,
            vec![
                (Scalar::Str("302".into()), "\"302\"", 5),
                (Scalar::Int(200), "200", 6)
            ]
        );
    }

    #[test]
    fn keeps_key_spans_in_json() {
        let text = "{\n  \"responses\": {\n    \"404\": {\"description\": \"x\"}\n  }\n}";
        let root = parsed(text);
        let entry = &root.get("responses").expect("found").entries()[0];
        assert_eq!(&text[entry.key_pos.span()], "\"404\"");
        assert_eq!(entry.key_pos.line, 3);
    }

    #[test]
    fn skips_schemas_but_not_named_entries() {
        let root = parsed(
            "components:\n  schemas:\n    A: {type: object}\n  headers:\n    description: {}\n",
        );
        assert!(matches!(
            root.pointer("/components/schemas")
                .map(|(n, _)| n)
                .map(|n| &n.value),
            Some(Value::Skipped)
        ));
        assert!(
            root.pointer("/components/headers/description")
                .map(|(n, _)| n)
                .is_some()
        );
    }

    #[test]
    fn reports_the_line_of_a_syntax_error() {
        let err = parse("a:\n  b: [1, 2\nc: d\n").expect_err("an error");
        assert!(err.line.is_some(), "{}", err.message);
    }

    #[test]
    fn reads_deep_nesting_and_refuses_deeper_without_overflowing_the_stack() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep).is_err());
        let nested = |depth: usize| {
            (0..depth).fold("x: 1".to_string(), |inner, i| {
                format!("k{i}:\n{}", indent(&inner))
            })
        };
        assert!(parse(&nested(MAX_DEPTH - 1)).is_ok());
        assert!(parse(&nested(MAX_DEPTH + 1)).is_err());
        let blocks = (0..10_000).fold(String::new(), |inner, _| format!("- {inner}"));
        assert!(parse(&blocks).is_err());
    }

    fn indent(text: &str) -> String {
        text.lines().map(|l| format!("  {l}\n")).collect::<String>()
    }

    #[test]
    fn reads_what_comes_before_a_syntax_error() {
        let text = "a:\n  b: 1\n  c:\n    d: 2\ne: x: y\n";
        let err = parse(text).expect_err("an error");
        assert_eq!(err.line, Some(5));
        let root = parse_before(text, 5).expect("the first four lines parse");
        let (b, _) = root.pointer("/a/b").expect("b");
        let (c, _) = root.pointer("/a/c").expect("c");
        assert!(!b.partial && c.partial);
        assert!(parse_before(text, 1).is_none());
    }

    #[test]
    fn streams_path_items_in_order_and_keeps_the_rest() {
        let items: String = (0..300)
            .map(|i| format!("  /p{i}:\n    get: {{responses: {{'200': {{}}}}}}\n"))
            .collect();
        for head in ["openapi: 3.0.0\n", "swagger: '2.0'\n", ""] {
            let text = format!("{head}paths:\n{items}components:\n  responses: {{A: {{}}}}\n");
            let (mut routes, mut openapi) = (Vec::new(), Vec::new());
            let root = parse_streaming(&text, |batch| {
                openapi.push(batch.openapi_before);
                routes.extend(batch.items.iter().map(|item| item.key.text()));
            })
            .unwrap_or_else(|e| panic!("{}", e.message));
            // More than two batches, each path item once and in order.
            let expected: Vec<String> = (0..300).map(|i| format!("/p{i}")).collect();
            assert_eq!(routes, expected);
            assert_eq!(openapi.len(), 3);
            assert!(
                openapi.iter().all(|o| *o == head.starts_with("openapi")),
                "{head}"
            );
            assert!(root.get("paths").is_some_and(|p| p.entries().is_empty()));
            assert!(root.pointer("/components/responses/A").is_some());
        }
        // Not a map of path items, or no top-level `paths`: nothing is streamed.
        for text in ["paths: null\n", "a:\n  paths:\n    /x: {}\n", "[1, 2]\n"] {
            let mut streamed = 0;
            let root = parse_streaming(text, |b| streamed += b.items.len()).expect("parsed");
            assert_eq!(streamed, 0, "{text}");
            assert_eq!(format!("{root:?}"), format!("{:?}", parsed(text)), "{text}");
        }
    }

    #[test]
    fn a_repeated_paths_key_streams_only_the_first() {
        let text = "paths:\n  /a: {}\npaths:\n  /b: {}\n";
        let mut routes = Vec::new();
        parse_streaming(text, |b| {
            routes.extend(b.items.iter().map(|i| i.key.text()))
        })
        .expect("parsed");
        assert_eq!(routes, ["/a"]);
    }

    #[test]
    fn a_syntax_error_after_streamed_items_is_still_an_error() {
        let text = "paths:\n  /a: {get: {}}\n  /b: [\n";
        let mut streamed = Vec::new();
        let err = parse_streaming(text, |b| {
            streamed.extend(b.items.iter().map(|i| i.key.text()))
        })
        .expect_err("an error");
        assert_eq!(err.line, parse(text).expect_err("an error").line);
        // What is streamed before the error is complete; a batch not yet full is not sent.
        assert!(streamed.iter().all(|route| route == "/a"), "{streamed:?}");
    }

    #[test]
    fn keeps_only_the_lists_it_reads() {
        let root = parsed("produces: [a, b]\nx: [1, 2, [3]]\nops:\n  - {get: {}}\n");
        let kept = |p: &str| root.pointer(p).map(|(n, _)| &n.value);
        assert!(matches!(kept("/produces"), Some(Value::Seq(items)) if items.len() == 2));
        assert!(matches!(kept("/x"), Some(Value::Skipped)));
        assert!(matches!(kept("/ops"), Some(Value::Skipped)));
        assert!(matches!(parsed("[1, 2]\n").value, Value::Skipped));
    }

    #[test]
    fn resolves_pointers_with_escapes_and_indices() {
        let root = parsed("a:\n  b/c:\n    produces:\n      - x\n      - y\n  t~n: 1\n");
        assert_eq!(
            root.pointer("/a/b~1c/produces/1")
                .map(|(n, _)| n)
                .and_then(Node::str),
            Some("y")
        );
        assert!(root.pointer("/a/t~0n").map(|(n, _)| n).is_some());
        assert!(root.pointer("/a/missing").map(|(n, _)| n).is_none());
        assert!(root.pointer("").map(|(n, _)| n).is_some());
    }
}
