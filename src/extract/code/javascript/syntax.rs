//! Small helpers over the tree-sitter-javascript and tree-sitter-typescript syntax trees
//! (their node kinds agree), and what the shared code layer asks of them ([`Js`]
//! implements [`Syntax`]).

use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::Syntax;
use crate::extract::code::context::one_line;
pub use crate::extract::code::{ancestor, text};
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// JavaScript's and TypeScript's answers to the shared layer's questions.
pub struct Js;

/// Nodes that hold a function body.
pub const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "generator_function_declaration",
    "generator_function",
    "arrow_function",
    "method_definition",
];

impl Syntax for Js {
    const FUNCTIONS: &'static [&'static str] = FUNCTIONS;

    fn string_value(node: Node, src: &str) -> Option<String> {
        string_value(node, src)
    }

    /// A declared function's name, or the name a function expression is bound to
    /// (`const create = async (req, res) => ..`, `exports.create = ..`, `{ create: .. }`).
    fn function_name(function: Node, src: &str) -> Option<String> {
        if let Some(name) = function.field("name") {
            return Some(text(name, src).to_string());
        }
        let mut parent = function.parent_node()?;
        // `const create = catchAsync(async (req, res) => ..)`: the wrapper's name.
        if parent.kind_name() == "arguments"
            && let Some(call) = parent
                .parent_node()
                .filter(|c| c.kind_name() == "call_expression")
            && call
                .parent_node()
                .is_some_and(|p| p.kind_name() == "variable_declarator")
        {
            parent = call.parent_node()?;
        }
        let name = match parent.kind_name() {
            "variable_declarator" => parent.field("name")?,
            "assignment_expression" => {
                let left = parent.field("left")?;
                match left.kind_name() {
                    "member_expression" => left.field("property")?,
                    _ => left,
                }
            }
            "pair" => parent.field("key")?,
            _ => return None,
        };
        matches!(name.kind_name(), "identifier" | "property_identifier")
            .then(|| text(name, src).to_string())
    }

    /// Comments right above the function, or above the statement it is written in
    /// (`// POST /login` over `router.post('/login', async (req, res) => {`).
    fn function_docs(function: Node, src: &str) -> Vec<String> {
        let item = statement_of(function);
        let mut out = Vec::new();
        let mut row = item.start_position().row;
        let mut sibling = item.prev_sibling();
        while let Some(s) = sibling {
            // A TypeScript method's decorators stand between it and its comments.
            if s.kind_name() == "decorator" {
                row = s.start_position().row;
                sibling = s.prev_sibling();
                continue;
            }
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

    /// The innermost `if` condition (negated in an `else`), ternary, `case` or `catch`
    /// that decides whether the site runs. A tested name bound to a call just before
    /// (`const parsed = schema.safeParse(req.body); if (!parsed.success)`) says which.
    fn condition<'t>(site: Node<'t>, src: &str) -> Option<(Node<'t>, String)> {
        let mut child = site;
        let mut current = site.parent_node();
        while let Some(node) = current {
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
                        if let Some(call) = tested_call(node, cond, src) {
                            full.push_str(&format!(" after {call}"));
                        }
                        return Some((cond, full));
                    }
                }
                "ternary_expression" => {
                    let cond = node.field("condition")?;
                    if cond.id() != child.id() {
                        let words = spelled(cond, src);
                        let in_else = node
                            .field("alternative")
                            .is_some_and(|a| a.id() == child.id());
                        let full = if in_else {
                            format!("not ({words})")
                        } else {
                            words
                        };
                        return Some((cond, full));
                    }
                }
                "switch_case" => {
                    let value = node.field("value").unwrap_or(node);
                    return Some((value, format!("case {}", one_line(value, src))));
                }
                "catch_clause" => {
                    let call = node
                        .parent_node()
                        .and_then(|t| t.field("body"))
                        .and_then(|b| first_call(b, src));
                    let full = match call {
                        Some(call) => format!("catch error after {call}"),
                        None => "catch error".to_string(),
                    };
                    return Some((node, full));
                }
                k if FUNCTIONS.contains(&k) => return None,
                _ => {}
            }
            child = node;
            current = node.parent_node();
        }
        None
    }
}

/// A condition as written, with JavaScript's empty tests in words (`=== null` reads "is
/// none").
fn spelled(cond: Node, src: &str) -> String {
    let written = one_line(cond, src).replace("?.", ".");
    SIGNED_IN_USER
        .replace_all(&written, "current_user")
        .replace("!== null", "is not none")
        .replace("=== null", "is none")
        .replace("!== undefined", "is not none")
        .replace("=== undefined", "is none")
        .replace("===", "==")
        .replace("!==", "!=")
}

/// The signed-in user as handlers hold it (`req.user`, `ctx.state.user`, `session.user`,
/// `event.locals.user`): read as the shared layer's `current_user`.
static SIGNED_IN_USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:req|request|ctx\.state|ctx|locals|event\.locals|session|this\.session)\s*\.\s*user\b")
        .expect("valid regex")
});

/// The call a name tested by `cond` was bound to in the statement just before the `if`.
fn tested_call(if_statement: Node, cond: Node, src: &str) -> Option<String> {
    let mut prev = if_statement.prev_named_sibling();
    while let Some(p) = prev.filter(|p| p.kind_name() == "comment") {
        prev = p.prev_named_sibling();
    }
    let declaration = prev.filter(|p| {
        matches!(
            p.kind_name(),
            "lexical_declaration" | "variable_declaration"
        )
    })?;
    let declarator = declaration.named_child(0)?;
    let name = text(declarator.field("name")?, src);
    let value = unwrap_await(declarator.field("value")?);
    let tested = text(cond, src)
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|w| w == name);
    (tested && value.kind_name() == "call_expression")
        .then(|| one_line(value.field("function").unwrap_or(value), src))
}

/// The callee of the first call in a block (the call a `catch` is about).
fn first_call(block: Node, src: &str) -> Option<String> {
    let mut stack = vec![block];
    while let Some(n) = stack.pop() {
        if n.kind_name() == "call_expression" {
            return n.field("function").map(|f| one_line(f, src));
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    None
}

/// `await x`, `(x)`, `x as T`, `x!`: the expression x.
pub fn unwrap_await(node: Node) -> Node {
    let mut current = node;
    while matches!(
        current.kind_name(),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        match current.named_child(0) {
            Some(inner) => current = inner,
            None => break,
        }
    }
    current
}

/// The statement a node is part of (the route call a closure is passed to).
pub fn statement_of(node: Node) -> Node {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        if matches!(
            parent.kind_name(),
            "statement_block" | "program" | "class_body" | "switch_body"
        ) {
            return current;
        }
        current = parent;
    }
    current
}

/// The value of a string literal (or a template without substitutions) without quotes;
/// escapes are left as written.
pub fn string_value(node: Node, src: &str) -> Option<String> {
    match node.kind_name() {
        "string" => {
            let t = text(node, src);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        "template_string" if !has_substitution(node) => {
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

fn has_substitution(node: Node) -> bool {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .any(|c| c.kind_name() == "template_substitution")
}

/// A template string with `${..}` written as `{}`, and the text of its substitutions.
pub fn template(node: Node, src: &str) -> Option<(String, String)> {
    if node.kind_name() != "template_string" {
        return None;
    }
    let mut out = String::new();
    let mut uses = String::new();
    let mut at = node.start_byte() + 1;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind_name() == "template_substitution" {
            out.push_str(src.get(at..child.start_byte()).unwrap_or(""));
            out.push_str("{}");
            uses.push_str(text(child, src));
            uses.push(' ');
            at = child.end_byte();
        }
    }
    out.push_str(src.get(at..node.end_byte().saturating_sub(1)).unwrap_or(""));
    Some((out, uses))
}

/// A comment without its `//` or `/* */`.
pub fn comment_text(node: Node, src: &str) -> String {
    let t = text(node, src);
    let t = t.strip_prefix("//").unwrap_or(t);
    let t = t.strip_prefix("/*").unwrap_or(t);
    t.strip_suffix("*/")
        .unwrap_or(t)
        .trim()
        .trim_start_matches('*')
        .trim()
        .to_string()
}

/// Named children without comments.
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect()
}

/// A call's (or `new`'s) arguments, in order.
pub fn arguments(call: Node) -> Vec<Node> {
    call.field("arguments")
        .filter(|a| a.kind_name() == "arguments")
        .map(named_children)
        .unwrap_or_default()
}

/// `x.name(...)`: the receiver expression and the name.
pub fn method_call<'t>(call: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str)> {
    let function = call.field("function")?;
    member(function, src)
}

/// `x.name`: the object and the property name.
pub fn member<'t>(node: Node<'t>, src: &'t str) -> Option<(Node<'t>, &'t str)> {
    if node.kind_name() != "member_expression" {
        return None;
    }
    Some((node.field("object")?, text(node.field("property")?, src)))
}

/// The call a member call is chained on to (`res.status(404).json(..)`: the `json` call,
/// for the `status` call).
pub fn chained_call(call: Node) -> Option<Node> {
    let member = call
        .parent_node()
        .filter(|p| p.kind_name() == "member_expression")?;
    if member.field("object")?.id() != call.id() {
        return None;
    }
    member
        .parent_node()
        .filter(|p| p.kind_name() == "call_expression")
}

/// The innermost function holding `node`.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestor(node, FUNCTIONS)
}

/// A function's parameters, in order: the name each binds (None for a pattern) and its
/// type annotation's last segment without generics (`express.Response` gives Response).
pub fn parameters<'t>(function: Node<'t>, src: &'t str) -> Vec<(Option<&'t str>, Option<&'t str>)> {
    if let Some(single) = function.field("parameter") {
        return vec![(Some(text(single, src)), None)];
    }
    let Some(list) = function.field("parameters") else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter(|p| p.kind_name() != "decorator")
        .map(|p| {
            let (pattern, ty) = match p.kind_name() {
                "required_parameter" | "optional_parameter" => {
                    (p.field("pattern"), p.field("type"))
                }
                "assignment_pattern" => (p.field("left"), None),
                _ => (Some(p), None),
            };
            let name = pattern
                .filter(|n| n.kind_name() == "identifier")
                .map(|n| text(n, src));
            let ty = ty.map(|t| {
                let written = text(t, src).trim_start_matches(':').trim();
                let base = written.split('<').next().unwrap_or(written).trim();
                base.rsplit('.').next().unwrap_or(base)
            });
            (name, ty)
        })
        .collect()
}

/// A property of an object literal by key (`status` in `{ status: 404 }`).
pub fn property<'t>(object: Node<'t>, key: &str, src: &str) -> Option<Node<'t>> {
    if object.kind_name() != "object" {
        return None;
    }
    named_children(object)
        .into_iter()
        .find_map(|p| match p.kind_name() {
            "pair" => {
                let k = p.field("key")?;
                let name = string_value(k, src).unwrap_or_else(|| text(k, src).to_string());
                (name == key).then(|| p.field("value"))?
            }
            "shorthand_property_identifier" if text(p, src) == key => Some(p),
            _ => None,
        })
}

/// The keys of an object literal, or None when some are not written out (a spread, a
/// computed key).
pub fn keys(object: Node, src: &str) -> Option<Vec<(String, Option<String>)>> {
    if object.kind_name() != "object" {
        return None;
    }
    let mut out = Vec::new();
    for p in named_children(object) {
        match p.kind_name() {
            "pair" => {
                let k = p.field("key")?;
                let name = match k.kind_name() {
                    "property_identifier" => text(k, src).to_string(),
                    _ => string_value(k, src)?,
                };
                let value = p.field("value").and_then(|v| string_value(v, src));
                out.push((name, value));
            }
            "shorthand_property_identifier" => out.push((text(p, src).to_string(), None)),
            _ => return None,
        }
    }
    Some(out)
}

/// The messages in an expression: its string literals, with object properties read as
/// `key: value` (`{ error: 'no such user' }` says "error: no such user").
pub fn messages(node: Node, src: &str, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(value) = string_value(n, src) {
            out.push(value);
            continue;
        }
        if n.kind_name() == "pair"
            && let (Some(key), Some(value)) = (n.field("key"), n.field("value"))
        {
            let key = string_value(key, src).unwrap_or_else(|| text(key, src).to_string());
            let value = unwrap_await(value);
            match string_value(value, src) {
                Some(v) => out.push(format!("{key}: {v}")),
                // `{ error: err.message }`: a payload field that carries an error.
                None if holds_error(value, src) => {
                    out.push(format!("{key}: {}", one_line(value, src)));
                }
                None if matches!(value.kind_name(), "object" | "array" | "template_string") => {
                    stack.push(value)
                }
                None => {}
            }
            continue;
        }
        // Functions passed along are not the payload.
        if FUNCTIONS.contains(&n.kind_name()) {
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// An expression that carries an error value (`err`, `err.message`, `error.toString()`).
fn holds_error(node: Node, src: &str) -> bool {
    crate::knowledge::words(text(node, src))
        .iter()
        .any(|w| w == "err" || w == "error" || w == "e")
}

/// The decorators of a class member or class: in TypeScript they precede it in the class
/// body; in JavaScript they are its children.
pub fn decorators(node: Node) -> Vec<Node> {
    let mut out: Vec<Node> = {
        let mut cursor = node.walk();
        node.children(&mut cursor)
            .filter(|c| c.kind_name() == "decorator")
            .collect()
    };
    let mut sibling = node.prev_named_sibling();
    while let Some(s) = sibling.filter(|s| matches!(s.kind_name(), "decorator" | "comment")) {
        if s.kind_name() == "decorator" {
            out.push(s);
        }
        sibling = s.prev_named_sibling();
    }
    // `@Controller('users') export class ..`: on the export statement.
    if let Some(export) = node
        .parent_node()
        .filter(|p| p.kind_name() == "export_statement")
    {
        let mut cursor = export.walk();
        out.extend(
            export
                .children(&mut cursor)
                .filter(|c| c.kind_name() == "decorator"),
        );
    }
    out
}

/// A decorator's name and its call's arguments (`@Post('login')` gives Post, ['login']).
pub fn decorator_call<'t>(decorator: Node<'t>, src: &'t str) -> Option<(&'t str, Node<'t>)> {
    let inner = decorator.named_child(0)?;
    if inner.kind_name() != "call_expression" {
        return None;
    }
    let function = inner.field("function")?;
    let name = match function.kind_name() {
        "identifier" => text(function, src),
        "member_expression" => text(function.field("property")?, src),
        _ => return None,
    };
    Some((name, inner))
}
