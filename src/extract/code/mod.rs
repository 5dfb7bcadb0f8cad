//! Code: route handlers written in a programming language (Rust, Python, Go, JavaScript
//! and TypeScript).
//!
//! A language module holds only its syntax: its tree-sitter grammar, its tree walk, and the
//! spellings of its frameworks in `data/apis/<lang>.toml`. What is not syntax lives here and
//! every language uses it:
//! - [`context`]: evidence from names, comments, docstrings, conditions and the request
//!   input a handler reads;
//! - [`evidence`]: what a redirect target keeps of the request and how it normalises it;
//! - [`response`]: the response assembled around a site (headers, body, messages, whether
//!   the whole of it was seen), turned into a [`Usage`](crate::usage::Usage);
//! - [`routes`]: method names read from decorators, attributes and routers.
//!
//! The [`Syntax`] trait is what the shared layer asks of a language's tree.

pub mod context;
pub mod evidence;
pub mod go;
pub mod javascript;
pub mod parents;
pub mod python;
pub mod response;
pub mod routes;
pub mod rust;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;
use tree_sitter::{Language, Node, Parser, Tree};

pub use parents::{Parent, ParsedTree, ancestors};

/// What the shared layer asks of a language's syntax tree.
pub trait Syntax {
    /// Node kinds that hold a handler's body: a site's handler is the nearest one.
    const FUNCTIONS: &'static [&'static str];

    /// The value of a string literal, without quotes; None for anything else.
    fn string_value(node: Node, src: &str) -> Option<String>;

    /// The name a function is declared with.
    fn function_name(function: Node, src: &str) -> Option<String>;

    /// Comments and documentation written right above a function or at the top of its body
    /// (Rust doc comments, Python comments and docstrings), top to bottom.
    fn function_docs(function: Node, src: &str) -> Vec<String>;

    /// The innermost condition that decides whether `site` runs, as the node to read
    /// literals from and a readable text (`if`, `match` arm, `except` clause).
    fn condition<'t>(site: Node<'t>, src: &str) -> Option<(Node<'t>, String)>;
}

/// A node's kind as `Node::kind` gives it, without checking on every call that the
/// grammar's name is UTF-8: extractors ask for kinds millions of times a run, and that check
/// was a twentieth of it.
pub trait Kind {
    fn kind_name(&self) -> &'static str;
}

impl Kind for Node<'_> {
    fn kind_name(&self) -> &'static str {
        // SAFETY: `ts_node_type` returns a NUL-terminated name from the grammar's static
        // symbol table (the pointer `Node::kind` reads too); generated grammars name their
        // symbols in ASCII.
        unsafe {
            let name = std::ffi::CStr::from_ptr(tree_sitter::ffi::ts_node_type(self.into_raw()));
            std::str::from_utf8_unchecked(name.to_bytes())
        }
    }
}

/// A comment found while walking a file: its start byte, line (0-based) and text.
#[derive(Clone, Debug)]
pub struct Comment {
    pub start: usize,
    pub row: usize,
    pub text: String,
}

/// Sites nested deeper than this are skipped: the context of a site is read from its
/// ancestors, and a path of thousands of them is generated code, not a handler.
pub const MAX_SITE_DEPTH: u32 = 256;

thread_local! {
    /// One parser per language per walker thread, made once.
    static PARSERS: RefCell<HashMap<&'static str, Parser>> = RefCell::new(HashMap::new());
}

thread_local! {
    /// Field ids by grammar and field name (see [`Field`]).
    // FxHash: the default hasher cost more than the lookup it saves.
    static FIELD_IDS: RefCell<rustc_hash::FxHashMap<FieldKey, u16>> =
        RefCell::new(rustc_hash::FxHashMap::default());
}

/// A grammar's address, and a field name's address and length.
type FieldKey = (usize, usize, usize);

/// `child_by_field_name` with the field's id looked up once per grammar and name:
/// tree-sitter finds an id by comparing the name with the grammar's field names one by one
/// on every call, a twentieth of a whole run on Rust code.
pub trait Field<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> Field<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        // SAFETY: the node borrows its tree, which holds its language.
        let language = unsafe { tree_sitter::ffi::ts_node_language(self.into_raw()) };
        // The length too: the compiler may place one name at the start of a longer one.
        let key = (language as usize, name.as_ptr() as usize, name.len());
        let id = FIELD_IDS.with(|ids| {
            *ids.borrow_mut().entry(key).or_insert_with(|| {
                // SAFETY: the language is alive (above) and the name is read by its length.
                unsafe {
                    tree_sitter::ffi::ts_language_field_id_for_name(
                        language,
                        name.as_ptr().cast(),
                        name.len() as u32,
                    )
                }
            })
        });
        // 0 is no field of this grammar.
        if id == 0 {
            None
        } else {
            self.child_by_field_id(id)
        }
    }
}

/// What a code extractor reads besides the file's text and its path as the walk spells
/// it: facts of the folders around the file. The extraction cache (`crate::cache`) keys on
/// them, so an extractor that comes to read anything else of the disk must add it here.
#[derive(Debug, Hash)]
pub struct Surroundings {
    /// [`in_test_folder`].
    in_test_folder: bool,
    /// The frameworks a JavaScript file's project folders mark (`api/` beside vercel.json).
    project_frameworks: Vec<&'static str>,
}

impl Surroundings {
    pub fn of(kind: crate::classify::SourceKind, path: &Path) -> Surroundings {
        use crate::classify::SourceKind;
        Surroundings {
            in_test_folder: in_test_folder(path),
            project_frameworks: match kind {
                SourceKind::JavaScript => javascript::project_frameworks(path),
                _ => Vec::new(),
            },
        }
    }
}

/// Folders that hold tests, mocks and test data by every language's conventions (Go's
/// `testdata` among them): a handler there answers a test, not a user.
const TEST_FOLDERS: &[&str] = &["test", "tests", "testdata", "__tests__", "__mocks__"];

/// True when a folder between the file's project root (`walk::project_root`) and the file
/// is a test folder. Only folders inside the project count: a checkout may itself sit in
/// `~/tests/`. Read of the disk, so one of the [`Surroundings`].
pub fn in_test_folder(path: &Path) -> bool {
    let file = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let root = crate::walk::project_root(&file);
    let inside = file.strip_prefix(&root).unwrap_or(path);
    inside
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|c| TEST_FOLDERS.contains(&c))
        })
}

/// Parses `src` with the grammar of `language`, reusing this thread's parser.
pub fn parse(language: &'static str, grammar: fn() -> Language, src: &str) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = parsers.entry(language).or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&grammar())
                .expect("each grammar matches the tree-sitter version in Cargo.lock");
            p
        });
        parser.parse(src, None)
    })
}

/// Parses a file of one language for its extractor. A parser that gives up, or a syntax
/// error, is said in `facts` the same way for every language: the file is read in part
/// from that line (`cause` says what usually breaks it).
pub fn parse_file(
    language: &'static str,
    label: &str,
    grammar: fn() -> Language,
    src: &str,
    cause: &str,
    facts: &mut crate::usage::FileFacts,
) -> Option<ParsedTree> {
    let Some(tree) = parse(language, grammar, src) else {
        facts
            .notes
            .push(format!("the {label} parser gave up on this file"));
        return None;
    };
    if let Some(line) = first_unread_line(tree.root_node(), src) {
        facts.read_in_part(
            src,
            line,
            &format!(
                "the {label} parser could not read this part of the file{cause}; status codes in it were not checked"
            ),
        );
    }
    Some(ParsedTree::new(tree))
}

/// Words and numbers without which code cannot choose a status, in any language: the
/// tables' calls and constants all hold one (`abort(403)`, `StatusCode::FOUND`,
/// `res.redirect(...)`, `raise NotFound`, `throw new HttpException`).
/// `http` counts where it names an API (`http.StatusOK`, `HttpResponse`), not in a URL's
/// scheme (`https://`, `https%3A` in a query string): a link in markup names no status.
/// `reply` counts as Fastify's object (`reply.code(`), not in a name (`$canReply`).
/// `error` counts where an error is made or sent (`new BadRequestError(`, `createError(`,
/// `errors.NotFound`), not as a name in markup or styles (`styled(ImageError)`, `$error`).
static STATUS_HINT: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(
        r"(?i)status|redirect|abort|respon|reply\s*\.|http(?:[^s:%]|s[^:%])|new\s+[\w$.]*error|error\w*\s*\(|errors?\.|exception|raise|throw|reject|found|forbid|unauthori|\b[1-5][0-9][0-9]\b",
    )
    .expect("valid regex")
});

/// The line (1-based) of the first syntax error whose unread lines could hold a status
/// choice ([`STATUS_HINT`]), if any. An error in code that names no status (a styled-component
/// template TypeScript's grammar cannot read, say) hides nothing from the rules, so saying
/// the file was read in part would only be noise.
fn first_unread_line(root: Node, src: &str) -> Option<usize> {
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let unread = if node.is_error() {
            Some(node)
        } else if node.is_missing() {
            // A missing token has no text: what it leaves unread is its parent's.
            Some(node.parent_node().unwrap_or(root))
        } else {
            None
        };
        if let Some(unread) = unread {
            // The whole lines it spans: an error often starts just after the call it broke.
            // (Bytes: a node of a broken file need not end on a character boundary.)
            let bytes = src.as_bytes();
            let to = unread.end_byte().min(bytes.len());
            let from = unread.start_byte().min(to);
            let start = bytes[..from]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let end = bytes[to..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| to + i);
            if STATUS_HINT.is_match(&bytes[start..end]) {
                return Some(node.start_position().row + 1);
            }
        } else if node.has_error() && cursor.goto_first_child() {
            // Only subtrees that hold an error are worth entering.
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

/// Walks the tree once, without recursion (deeply nested input must not overflow the
/// stack), calling `visit` on every node; `visit` returns false to skip a node's children.
/// Nodes nested deeper than [`MAX_SITE_DEPTH`] are not entered: gives the first such line.
/// A walk from the root of a [`ParsedTree`] records each node's parent (see [`parents`]).
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) -> Option<usize> {
    let mut too_deep = None;
    let mut cursor = root.walk();
    // Counted here: asking the cursor for its depth walks its whole stack.
    let mut depth = 0u32;
    // The nodes entered, outermost first, when parents are recorded.
    let mut holders: Option<Vec<Node<'t>>> = parents::recording(root).then(Vec::new);
    loop {
        let node = cursor.node();
        if let Some(parent) = holders.as_ref().and_then(|h| h.last()) {
            parents::record(node, *parent);
        }
        if visit(node) {
            if depth > MAX_SITE_DEPTH {
                too_deep.get_or_insert(node.start_position().row + 1);
            } else if cursor.goto_first_child() {
                depth += 1;
                if let Some(holders) = &mut holders {
                    holders.push(node);
                }
                continue;
            }
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return too_deep;
            }
            depth -= 1;
            if let Some(holders) = &mut holders {
                holders.pop();
            }
        }
    }
}

/// The value last bound before `before` in `scope`, by the binding nodes `bound` reads
/// (`let name = value;`, `name = value`): the value node of the latest one.
pub fn last_binding<'t>(
    scope: Node<'t>,
    before: usize,
    bound: impl Fn(Node<'t>) -> Option<Node<'t>>,
) -> Option<Node<'t>> {
    let mut found: Option<Node> = None;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= before {
            continue;
        }
        if let Some(value) = bound(node)
            && found.is_none_or(|f| f.start_byte() < value.start_byte())
        {
            found = Some(value);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// The source text of a node.
pub fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The nearest enclosing node of one of `kinds`.
pub fn ancestor<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    ancestors(node)
        .into_iter()
        .find(|n| kinds.contains(&n.kind_name()))
}

/// Every string literal inside a node, in order.
pub fn string_literals<L: Syntax>(node: Node, src: &str, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(value) = L::string_value(n, src) {
            out.push(value);
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}
