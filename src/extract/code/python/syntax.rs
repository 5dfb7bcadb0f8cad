//! Small helpers over the tree-sitter-python syntax tree, and what the shared code layer
//! asks of it ([`Python`] implements [`Syntax`]).

use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::Syntax;
pub use crate::extract::code::{ancestor, ancestors, text};
use tree_sitter::Node;

/// Python's answers to the shared layer's questions.
pub struct Python;

impl Syntax for Python {
    const FUNCTIONS: &'static [&'static str] = &["function_definition"];

    fn string_value(node: Node, src: &str) -> Option<String> {
        string_value(node, src)
    }

    fn function_name(function: Node, src: &str) -> Option<String> {
        Some(text(function.field("name")?, src).to_string())
    }

    /// Comments right above the function (and its decorators), and its docstring.
    fn function_docs(function: Node, src: &str) -> Vec<String> {
        let item = match function.parent_node() {
            Some(p) if p.kind_name() == "decorated_definition" => p,
            _ => function,
        };
        let mut out = Vec::new();
        let mut sibling = item.prev_sibling();
        while let Some(s) = sibling {
            if s.kind_name() != "comment" || s.end_position().row + 1 < item.start_position().row {
                break;
            }
            out.push(comment_text(s, src));
            sibling = s.prev_sibling();
        }
        out.reverse();
        if let Some(doc) = docstring(function, src) {
            out.push(doc);
        }
        out
    }

    /// The innermost `if`/`elif` condition (negated in an `else`) or `except` clause that
    /// decides whether the site runs.
    fn condition<'t>(site: Node<'t>, src: &str) -> Option<(Node<'t>, String)> {
        let mut child = site;
        for node in ancestors(site) {
            match node.kind_name() {
                "if_statement" | "elif_clause" => {
                    let cond = node.field("condition")?;
                    if cond.id() != child.id() && !is_within(child, cond) {
                        let branch_is_else = child.kind_name() == "else_clause";
                        let words = one_line(cond, src);
                        let mut full = if branch_is_else {
                            negate(&words)
                        } else {
                            words
                        };
                        if let Some(call) = tested_call(node, cond, src) {
                            full.push_str(&format!(" after {call}"));
                        }
                        return Some((cond, full));
                    }
                }
                "except_clause" => {
                    let types: Vec<String> = named_children(node)
                        .into_iter()
                        .filter(|n| n.kind_name() != "block" && n.kind_name() != "comment")
                        .map(|n| one_line(n, src))
                        .collect();
                    return Some((node, format!("except {}", types.join(" "))));
                }
                "function_definition" | "lambda" | "class_definition" => return None,
                _ => {}
            }
            child = node;
        }
        None
    }
}

/// The callee whose result the `if` tests, when the statement just before binds a tested
/// name to a call (`header = self.get_authenticate_header(request)` then `if header:`), as
/// the JavaScript and Go conditions read.
fn tested_call(if_statement: Node, cond: Node, src: &str) -> Option<String> {
    if if_statement.kind_name() != "if_statement" {
        return None;
    }
    let mut prev = if_statement.prev_named_sibling();
    while let Some(p) = prev.filter(|p| p.kind_name() == "comment") {
        prev = p.prev_named_sibling();
    }
    let statement = prev.filter(|p| p.kind_name() == "expression_statement")?;
    let assignment = statement
        .named_child(0)
        .filter(|a| a.kind_name() == "assignment")?;
    let name = assignment
        .field("left")
        .filter(|l| l.kind_name() == "identifier")?;
    let mut value = assignment.field("right")?;
    if value.kind_name() == "await" {
        value = value.named_child(0)?;
    }
    let name = text(name, src);
    let tested = text(cond, src)
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == name);
    (tested && value.kind_name() == "call").then(|| callee(value, src))?
}

fn is_within(node: Node, outer: Node) -> bool {
    outer.start_byte() <= node.start_byte() && node.end_byte() <= outer.end_byte()
}

fn one_line(node: Node, src: &str) -> String {
    crate::extract::code::context::one_line(node, src)
}

/// `not x` for `x`, and `x` for `not x`: the condition an `else` branch runs under.
fn negate(condition: &str) -> String {
    match condition.strip_prefix("not ") {
        Some(rest) => rest.trim().to_string(),
        None => format!("not ({condition})"),
    }
}

/// The value of a string literal without prefix and quotes; an f-string keeps its
/// `{...}` placeholders as written. Escapes are left as written.
pub fn string_value(node: Node, src: &str) -> Option<String> {
    match node.kind_name() {
        "string" => {
            let mut start = None;
            let mut end = None;
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                match child.kind_name() {
                    "string_start" => start = Some(child.end_byte()),
                    "string_end" => end = Some(child.start_byte()),
                    _ => {}
                }
            }
            let (start, end) = (start?, end?);
            (start <= end).then(|| src.get(start..end).unwrap_or("").to_string())
        }
        "concatenated_string" => {
            let parts: Vec<String> = named_children(node)
                .into_iter()
                .filter_map(|n| string_value(n, src))
                .collect();
            Some(parts.concat())
        }
        _ => None,
    }
}

/// True for an f-string.
pub fn is_template(node: Node, src: &str) -> bool {
    node.kind_name() == "string"
        && text(node, src)
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .any(|c| c == 'f' || c == 'F')
}

/// Named children of a node, in order, without comments.
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect()
}

/// A comment without its `#`.
pub fn comment_text(node: Node, src: &str) -> String {
    text(node, src).trim_start_matches('#').trim().to_string()
}

/// The docstring: a string that is the first statement of the body.
pub fn docstring(function: Node, src: &str) -> Option<String> {
    let body = function.field("body")?;
    let first = named_children(body).into_iter().next()?;
    if first.kind_name() != "expression_statement" {
        return None;
    }
    let value = first.named_child(0)?;
    string_value(value, src).map(|s| s.trim().to_string())
}

/// The callee of a call as written, without spaces (`redirect`, `web.HTTPFound`,
/// `self.redirect`, `RedirectView.as_view`).
pub fn callee(call: Node, src: &str) -> Option<String> {
    let function = call.field("function")?;
    matches!(function.kind_name(), "identifier" | "attribute")
        .then(|| text(function, src).split_whitespace().collect())
}

/// True when the dotted `path` ends with the segments of `suffix`.
pub fn path_ends_with(path: &str, suffix: &str) -> bool {
    // Without building `.{suffix}`: this runs for every call against every table entry.
    path.strip_suffix(suffix)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// The last segment of a dotted path.
pub fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A call's arguments: positional ones in order, and keyword ones by name.
pub struct Args<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(&'t str, Node<'t>)>,
    /// `*args` or `**kwargs` was passed: any argument may be in there.
    pub splat: bool,
}

impl<'t> Args<'t> {
    pub fn of(call: Node<'t>, src: &'t str) -> Args<'t> {
        let mut args = Args {
            positional: Vec::new(),
            keywords: Vec::new(),
            splat: false,
        };
        let Some(list) = call.field("arguments") else {
            return args;
        };
        for arg in named_children(list) {
            match arg.kind_name() {
                "keyword_argument" => {
                    if let (Some(name), Some(value)) = (arg.field("name"), arg.field("value")) {
                        args.keywords.push((text(name, src), value));
                    }
                }
                "list_splat" | "dictionary_splat" => args.splat = true,
                _ => args.positional.push(arg),
            }
        }
        args
    }

    /// The argument at `position` or under one of `keywords`.
    pub fn get(&self, position: Option<usize>, keywords: &[String]) -> Option<Node<'t>> {
        self.keywords
            .iter()
            .find(|(name, _)| keywords.iter().any(|k| k == name))
            .map(|(_, v)| *v)
            .or_else(|| position.and_then(|p| self.positional.get(p).copied()))
    }

    pub fn keyword(&self, name: &str) -> Option<Node<'t>> {
        self.keywords
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    pub fn all(&self) -> impl Iterator<Item = Node<'t>> + '_ {
        self.positional
            .iter()
            .copied()
            .chain(self.keywords.iter().map(|(_, v)| *v))
    }
}

/// The string items of a list or tuple literal (`["GET", "POST"]`).
pub fn string_items(node: Node, src: &str) -> Vec<String> {
    match node.kind_name() {
        "list" | "tuple" | "set" => named_children(node)
            .into_iter()
            .filter_map(|n| string_value(n, src))
            .collect(),
        _ => string_value(node, src).into_iter().collect(),
    }
}

/// The innermost function that holds `node`, and the class it is a method of.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestor(node, &["function_definition"])
}

pub fn enclosing_class(function: Node) -> Option<Node> {
    let mut parent = function.parent_node()?;
    if parent.kind_name() == "decorated_definition" {
        parent = parent.parent_node()?;
    }
    if parent.kind_name() != "block" {
        return None;
    }
    let class = parent.parent_node()?;
    (class.kind_name() == "class_definition").then_some(class)
}

/// The decorators written on a function or class, top to bottom.
pub fn decorators(definition: Node) -> Vec<Node> {
    match definition.parent_node() {
        Some(p) if p.kind_name() == "decorated_definition" => named_children(p)
            .into_iter()
            .filter(|n| n.kind_name() == "decorator")
            .filter_map(|d| d.named_child(0))
            .collect(),
        _ => Vec::new(),
    }
}

/// `True` / `False` literals.
pub fn boolean(node: Node) -> Option<bool> {
    match node.kind_name() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The messages in an expression: its string literals, with keyword arguments read as
/// `name: value` (`jsonify(error="not found")` says "error: not found").
pub fn messages(node: Node, src: &str, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(value) = string_value(n, src) {
            out.push(value);
            continue;
        }
        if n.kind_name() == "keyword_argument"
            && let (Some(name), Some(value)) = (n.field("name"), n.field("value"))
            && let Some(value) = string_value(value, src)
        {
            out.push(format!("{}: {value}", text(name, src)));
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}
