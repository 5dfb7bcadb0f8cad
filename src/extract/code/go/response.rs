//! Response: what a handler writes around a site, as far as the syntax shows it. Go writes
//! imperatively on a writer: headers set on the same writer before the code is written
//! belong to the response, and what is written after it is the body.

use super::FileCx;
use super::syntax::{arguments, method_call, statements, text};
use super::table::GO_APIS;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::usage::{Body, Headers};
use tree_sitter::Node;

/// A writer: the identifier a response is written through, and its framework.
#[derive(Clone, Copy)]
pub struct Writer<'t> {
    pub name: &'t str,
    pub framework: &'t str,
    /// The function that declares it as a parameter.
    pub declared_in: Node<'t>,
}

/// Headers set on `writer` before `site` in the function that declares it; incomplete
/// when the writer is handed to other code first or that function is not a handler.
pub fn headers_before(writer: &Writer, site: Node, cx: &FileCx) -> Headers {
    let mut headers = Headers::complete();
    if !cx.is_handler(writer.declared_in) {
        headers.complete = false;
    }
    let Some(body) = writer.declared_in.field("body") else {
        return headers;
    };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= site.start_byte() {
            continue;
        }
        if node.kind_name() == "call_expression" {
            match header_set(node, writer, cx) {
                Some(Some((name, value))) => {
                    headers.add(&name, value);
                    continue;
                }
                Some(None) => headers.complete = false,
                None => {}
            }
            if hands_over(node, writer.name, cx) {
                headers.complete = false;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    headers
}

/// `w.Header().Set("Allow", "GET")`, `c.Header("Location", u)`: Some(Some(name, value)) for
/// a setter on this writer with a literal name, Some(None) for one whose name is not literal.
fn header_set(
    call: Node,
    writer: &Writer,
    cx: &FileCx,
) -> Option<Option<(String, Option<String>)>> {
    let (receiver, method) = method_call(call, cx.src)?;
    let receiver = text(receiver, cx.src);
    let setter = GO_APIS.headers.iter().find(|h| {
        h.framework == writer.framework
            && h.methods.iter().any(|m| m == method)
            && receiver.replace(' ', "") == format!("{}{}", writer.name, h.via)
    });
    setter?;
    let args = arguments(call);
    let name = args
        .first()
        .and_then(|a| super::syntax::string_value(*a, cx.src));
    Some(name.map(|n| {
        let value = args
            .get(1)
            .and_then(|v| super::syntax::string_value(*v, cx.src));
        (n, value)
    }))
}

/// True when `call` passes the writer itself to other code, which may set headers or write.
fn hands_over(call: Node, name: &str, cx: &FileCx) -> bool {
    if super::entry_of(call, cx).is_some() {
        return false;
    }
    arguments(call)
        .iter()
        .any(|a| a.kind_name() == "identifier" && text(*a, cx.src) == name)
}

/// For a code written on its own (`w.WriteHeader(204)`, `c.Status(204)`): whether the
/// statements after it in its block write content through the writer, and the messages
/// they write.
pub fn body_after(
    site_call: Node,
    writer: &Writer,
    cx: &FileCx,
    messages: &mut Vec<String>,
) -> Body {
    // fiber's `c.Status(404).JSON(...)`: the chained call is the body.
    if site_call
        .parent_node()
        .filter(|p| p.kind_name() == "selector_expression")
        .and_then(|p| p.parent_node())
        .is_some_and(|p| p.kind_name() == "call_expression")
    {
        return Body::Present;
    }
    let statement = super::syntax::statement_of(site_call);
    let Some(block) = statement.parent_node() else {
        return Body::Unknown;
    };
    let mut after = false;
    for stmt in statements(block) {
        if stmt.id() == statement.id() {
            after = true;
            continue;
        }
        if !after {
            continue;
        }
        if writes(stmt, writer, cx) {
            super::syntax::messages(stmt, cx.src, messages);
            return Body::Present;
        }
        if stmt.kind_name() == "return_statement" {
            return Body::Absent;
        }
    }
    match block.parent_node().map(|p| p.kind_name()) {
        // The end of the handler's own body: nothing more is written.
        Some("function_declaration" | "method_declaration" | "func_literal") => Body::Absent,
        _ => Body::Unknown,
    }
}

/// True when the statement writes through the writer: a method that writes or sends on it,
/// or the writer handed to code (`fmt.Fprintf(w, ..)`, `json.NewEncoder(w)`).
fn writes(stmt: Node, writer: &Writer, cx: &FileCx) -> bool {
    let mut stack = vec![stmt];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "call_expression" {
            if let Some((receiver, method)) = method_call(node, cx.src)
                && root(receiver, cx.src) == Some(writer.name)
                && (["Write", "Send", "Render"]
                    .iter()
                    .any(|p| method.starts_with(p))
                    || GO_APIS.calls.iter().any(|c| c.call == method))
            {
                return true;
            }
            if arguments(node)
                .iter()
                .any(|a| a.kind_name() == "identifier" && text(*a, cx.src) == writer.name)
            {
                return true;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The identifier a chain of selectors and calls starts from (`c` in `c.Response().Header()`).
pub fn root<'t>(node: Node, src: &'t str) -> Option<&'t str> {
    let mut current = node;
    loop {
        match current.kind_name() {
            "identifier" => return Some(text(current, src)),
            "selector_expression" => current = current.field("operand")?,
            "call_expression" => current = current.field("function")?,
            _ => return None,
        }
    }
}

/// How a call entry's body is known from its arguments.
pub fn content_of(node: Node, src: &str) -> Body {
    match text(node, src).trim() {
        "nil" | "\"\"" | "``" => Body::Absent,
        _ => Body::Present,
    }
}
