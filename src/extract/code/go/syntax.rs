//! Small helpers over the tree-sitter-go syntax tree, and what the shared code layer asks
//! of it ([`Go`] implements [`Syntax`]).

use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::Syntax;
use crate::extract::code::context::one_line;
pub use crate::extract::code::{ancestor, ancestors, text};
use std::borrow::Cow;
use tree_sitter::Node;

/// The source as tree-sitter-go should read it. Go 1.26 lets `new` take a value
/// (`new(time.Now())`, `new(42)`), where the grammar reads only a type and fails on the whole
/// function. Such a `new` becomes `neW`, an ordinary call of the same length, so every
/// position, and every other node's text, stays as in `src`.
pub fn parseable(src: &str) -> Cow<'_, str> {
    let bytes = src.as_bytes();
    let mut values = src
        .match_indices("new(")
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || !is_word_byte(bytes[at - 1]))
        .filter(|&at| takes_a_value(&bytes[at + 4..]))
        .peekable();
    if values.peek().is_none() {
        return Cow::Borrowed(src);
    }
    let mut out = bytes.to_vec();
    for at in values {
        out[at + 2] = b'W';
    }
    // Only an ASCII byte changed to another.
    Cow::Owned(String::from_utf8(out).expect("still UTF-8"))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
}

/// True when what follows `new(` is a value, not a type: a literal, a unary operator, or
/// a (qualified) name that is called, built or combined (`f(x)`, `T{..}`, `a + b`).
fn takes_a_value(rest: &[u8]) -> bool {
    let rest = rest.trim_ascii_start();
    match rest.first() {
        Some(b) if b.is_ascii_digit() || b"\"'`-+!&".contains(b) => true,
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
            let name = rest.iter().take_while(|b| is_word_byte(**b)).count();
            let word = &rest[..name];
            if [&b"map"[..], b"chan", b"func", b"struct", b"interface"].contains(&word) {
                return false;
            }
            rest[name..]
                .trim_ascii_start()
                .first()
                .is_some_and(|b| b"({+-*/%<>=!&|^".contains(b))
        }
        _ => false,
    }
}

/// Go's answers to the shared layer's questions.
pub struct Go;

/// Nodes that hold a function body.
pub const FUNCTIONS: &[&str] = &["function_declaration", "method_declaration", "func_literal"];

impl Syntax for Go {
    const FUNCTIONS: &'static [&'static str] = FUNCTIONS;

    fn string_value(node: Node, src: &str) -> Option<String> {
        string_value(node, src)
    }

    /// Declared functions and methods by name; a closure has none.
    fn function_name(function: Node, src: &str) -> Option<String> {
        Some(text(function.field("name")?, src).to_string())
    }

    /// Comments right above the declaration (Go doc comments), or above the statement a
    /// closure is written in (`// POST /login` over `r.POST("/login", func(c *gin.Context) {`).
    fn function_docs(function: Node, src: &str) -> Vec<String> {
        let item = if function.kind_name() == "func_literal" {
            statement_of(function)
        } else {
            function
        };
        let mut out = Vec::new();
        let mut row = item.start_position().row;
        let mut sibling = item.prev_sibling();
        while let Some(s) = sibling {
            if s.kind_name() != "comment" || s.end_position().row + 1 < row {
                break;
            }
            out.push(comment_text(s, src));
            row = s.start_position().row;
            sibling = s.prev_sibling();
        }
        out.reverse();
        out
    }

    /// The innermost `if` condition (negated in an `else`) or `case` that decides whether
    /// the site runs. `err != nil` says which call failed: the initializer
    /// (`if err := c.ShouldBindJSON(&req); err != nil`) or the statement right before.
    fn condition<'t>(site: Node<'t>, src: &str) -> Option<(Node<'t>, String)> {
        let mut child = site;
        for node in ancestors(site) {
            match node.kind_name() {
                "if_statement" => {
                    let cond = node.field("condition")?;
                    let in_else = node
                        .field("alternative")
                        .is_some_and(|a| a.id() == child.id());
                    let in_body = node
                        .field("consequence")
                        .is_some_and(|c| c.id() == child.id());
                    if in_body || in_else {
                        let words = spelled(cond, src);
                        let mut full = if in_else {
                            format!("not ({words})")
                        } else {
                            words
                        };
                        if let Some(call) = failed_call(node, cond, src) {
                            full.push_str(&format!(" after {call}"));
                        }
                        return Some((cond, full));
                    }
                }
                "expression_case" | "type_case" => {
                    let value = node.field("value").unwrap_or(node);
                    return Some((value, format!("case {}", one_line(value, src))));
                }
                "function_declaration" | "method_declaration" | "func_literal" => return None,
                _ => {}
            }
            child = node;
        }
        None
    }
}

/// A condition as written, with Go's nil and empty tests in words (`token == ""` reads
/// "token is empty", `user == nil` reads "user is none").
fn spelled(cond: Node, src: &str) -> String {
    one_line(cond, src)
        .replace("== \"\"", "is empty")
        .replace("!= \"\"", "is not empty")
        .replace("== nil", "is none")
        .replace("!= nil", "is not none")
}

/// The call an `err != nil` test is about: the `if` initializer's, or the statement just
/// before the `if` when it assigns `err`.
fn failed_call(if_statement: Node, cond: Node, src: &str) -> Option<String> {
    if !text(cond, src).contains("err") {
        return None;
    }
    let assignment = if_statement.field("initializer").or_else(|| {
        let mut prev = if_statement.prev_named_sibling();
        while let Some(p) = prev.filter(|p| p.kind_name() == "comment") {
            prev = p.prev_named_sibling();
        }
        prev
    })?;
    if !matches!(
        assignment.kind_name(),
        "short_var_declaration" | "assignment_statement"
    ) {
        return None;
    }
    let left = assignment.field("left")?;
    if !text(left, src).split([',', ' ']).any(|n| n.trim() == "err") {
        return None;
    }
    Some(one_line(assignment.field("right")?, src))
}

/// The statement a node is part of (the route call a closure is passed to).
pub fn statement_of(node: Node) -> Node {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        if matches!(
            parent.kind_name(),
            "block" | "statement_list" | "source_file"
        ) {
            return current;
        }
        current = parent;
    }
    current
}

/// The value of a string literal without quotes; escapes are left as written.
pub fn string_value(node: Node, src: &str) -> Option<String> {
    match node.kind_name() {
        "interpreted_string_literal" | "raw_string_literal" => {
            let t = text(node, src);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        _ => None,
    }
}

/// A comment without its `//` or `/* */`.
pub fn comment_text(node: Node, src: &str) -> String {
    let t = text(node, src);
    let t = t.strip_prefix("//").unwrap_or(t);
    let t = t.strip_prefix("/*").unwrap_or(t);
    t.strip_suffix("*/").unwrap_or(t).trim().to_string()
}

/// Named children without comments.
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect()
}

/// The statements of a block, in order (tree-sitter-go wraps them in a `statement_list`).
pub fn statements(block: Node) -> Vec<Node> {
    let mut out = Vec::new();
    for child in named_children(block) {
        if child.kind_name() == "statement_list" {
            out.extend(named_children(child));
        } else {
            out.push(child);
        }
    }
    out
}

/// A call's arguments, in order.
pub fn arguments(call: Node) -> Vec<Node> {
    call.field("arguments")
        .map(named_children)
        .unwrap_or_default()
}

/// `x.Name(...)`: the receiver expression and the name.
pub fn method_call<'t>(call: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str)> {
    let function = call.field("function")?;
    if function.kind_name() != "selector_expression" {
        return None;
    }
    Some((
        function.field("operand")?,
        text(function.field("field")?, src),
    ))
}

/// The innermost function or closure holding `node`.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestor(node, FUNCTIONS)
}

/// The type names of a function's parameters, one per declared name, without `*` and
/// package (`w http.ResponseWriter, r *http.Request` gives ResponseWriter, Request), with
/// the package qualifier each was written with.
/// Where a text of [`parameter_spans`] is in the source.
pub type Span = std::ops::Range<usize>;

/// As spans of the source (see `FileCx::parameters`): no name is an unnamed parameter.
pub fn parameter_spans(function: Node) -> Vec<(Option<Span>, Option<Span>, Span)> {
    let mut out = Vec::new();
    let Some(list) = function.field("parameters") else {
        return out;
    };
    for p in named_children(list) {
        let Some(ty) = p.field("type") else {
            continue;
        };
        let ty = if ty.kind_name() == "pointer_type" {
            ty.named_child(0).unwrap_or(ty)
        } else {
            ty
        };
        let (package, name) = if ty.kind_name() == "qualified_type" {
            (
                ty.field("package").map(|n| n.byte_range()),
                ty.field("name").map_or(0..0, |n| n.byte_range()),
            )
        } else {
            (None, ty.byte_range())
        };
        let mut cursor = p.walk();
        let names: Vec<Span> = p
            .children_by_field_name("name", &mut cursor)
            .map(|n| n.byte_range())
            .collect();
        if names.is_empty() {
            out.push((None, package.clone(), name.clone()));
        }
        for n in names {
            out.push((Some(n), package.clone(), name.clone()));
        }
    }
    out
}

/// Unwraps a `literal_element` (a composite literal's key or value).
pub fn element(node: Node) -> Node {
    if node.kind_name() == "literal_element" {
        node.named_child(0).unwrap_or(node)
    } else {
        node
    }
}

/// The messages in an expression: its string literals, with keyed elements read as
/// `key: value` (`gin.H{"error": err.Error()}` says "error: err.Error()").
pub fn messages(node: Node, src: &str, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(value) = string_value(n, src) {
            out.push(value);
            continue;
        }
        if n.kind_name() == "keyed_element"
            && let (Some(key), Some(value)) = (n.named_child(0), n.named_child(1))
        {
            let (key, value) = (element(key), element(value));
            // A string key names a payload field: with a literal, or with an error
            // (`"error": err.Error()`), not with a list that may be empty
            // (`"failed": failedFiles`). A struct field (`Message: "no such user"`) speaks by
            // its string.
            let message = match (string_value(key, src), string_value(value, src)) {
                (Some(k), Some(v)) => Some(format!("{k}: {v}")),
                (Some(k), None) if holds_error(value, src) => {
                    Some(format!("{k}: {}", one_line(value, src)))
                }
                (None, Some(v)) if key.kind_name() != "selector_expression" => {
                    Some(format!("{}: {v}", text(key, src)))
                }
                _ => None,
            };
            out.extend(message);
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// An expression that carries an error value (`err`, `err.Error()`, `fmt.Sprintf(.., err)`).
fn holds_error(node: Node, src: &str) -> bool {
    crate::knowledge::words(text(node, src))
        .iter()
        .any(|w| w == "err" || w == "error")
}
