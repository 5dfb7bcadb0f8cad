//! Response: what a handler writes around a site, as far as the syntax shows it. A writer
//! (`res`, `ctx`, `reply`, `c`) is written imperatively: headers set on it before the code
//! belong to the response, and so do the calls chained after the code
//! (`res.status(405).set('Allow', 'GET').end()`), whose last one sends the body.

use super::FileCx;
use super::syntax::{arguments, chained_call, keys, messages, method_call, string_value, text};
use super::table::JS_APIS;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::usage::{Body, Headers};
use tree_sitter::Node;

/// A writer: the parameter a response is written through, and its framework.
#[derive(Clone, Copy)]
pub struct Writer<'t> {
    pub name: &'t str,
    pub framework: &'static str,
    /// The function that declares it as a parameter.
    pub declared_in: Node<'t>,
    /// Declared where the framework puts its writer: a handler, not a helper.
    pub in_handler: bool,
}

/// Headers set on `writer` before `site` in the function that declares it; incomplete
/// when the writer is handed to other code first or that function is not a handler.
pub fn headers_before(writer: &Writer, site: Node, cx: &FileCx) -> Headers {
    headers_set(writer, site, site.start_byte(), cx)
}

/// Headers set on `writer` anywhere in the function that declares it, for a framework that
/// sends the response when the handler returns (Koa).
pub fn headers_in_handler(writer: &Writer, site: Node, cx: &FileCx) -> Headers {
    headers_set(writer, site, usize::MAX, cx)
}

fn headers_set(writer: &Writer, site: Node, before: usize, cx: &FileCx) -> Headers {
    let mut headers = Headers::complete();
    headers.complete = writer.in_handler;
    let Some(body) = writer.declared_in.field("body") else {
        return headers;
    };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= before || is_other_answer(node, site) {
            continue;
        }
        if node.kind_name() == "call_expression" {
            if header_set(node, writer, cx, &mut headers) {
                continue;
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

/// True for a branch of an `if` that does not hold `site` and leaves the function
/// (`if (!token) { res.set(..); return res.status(401).end(); }`): what it sets is its own
/// response's, and never reaches the site's.
fn is_other_answer(node: Node, site: Node) -> bool {
    let is_branch = node.parent_node().is_some_and(|p| {
        p.kind_name() == "else_clause"
            || (p.kind_name() == "if_statement"
                && p.field("consequence").is_some_and(|c| c.id() == node.id()))
    });
    if !is_branch || (node.start_byte() <= site.start_byte() && site.end_byte() <= node.end_byte())
    {
        return false;
    }
    let last = match node.kind_name() {
        "statement_block" => super::syntax::named_children(node).last().copied(),
        _ => Some(node),
    };
    last.is_some_and(|l| matches!(l.kind_name(), "return_statement" | "throw_statement"))
}

/// `res.set('Allow', 'GET')`, `res.set({ Allow: 'GET' })`, `res.location(u)`: adds what a
/// header setter on this writer sets, and says whether `call` is one. A name that is not
/// written out makes the headers incomplete.
pub fn header_set(call: Node, writer: &Writer, cx: &FileCx, headers: &mut Headers) -> bool {
    let Some((receiver, method)) = method_call(call, cx.src) else {
        return false;
    };
    let receiver = text(receiver, cx.src).replace(char::is_whitespace, "");
    let setter = JS_APIS.headers.iter().any(|h| {
        h.frameworks.iter().any(|f| f == writer.framework)
            && h.methods.iter().any(|m| m == method)
            && receiver == format!("{}{}", writer.name, h.via)
    });
    if !setter {
        return false;
    }
    add_setter(call, method, cx.src, headers);
    true
}

/// The fields one setter call sets.
fn add_setter(call: Node, method: &str, src: &str, headers: &mut Headers) {
    let args = arguments(call);
    if let Some(name) = JS_APIS.header_methods.get(method) {
        headers.add(name, args.first().and_then(|a| string_value(*a, src)));
        return;
    }
    match args.first() {
        Some(a) if a.kind_name() == "object" => match keys(*a, src) {
            Some(fields) => {
                for (name, value) in fields {
                    headers.add(&name, value);
                }
            }
            None => headers.complete = false,
        },
        Some(a) => match string_value(*a, src) {
            Some(name) => headers.add(&name, args.get(1).and_then(|v| string_value(*v, src))),
            None => headers.complete = false,
        },
        None => {}
    }
}

/// An object of header fields (`{ 'Content-Type': 'text/plain' }`); anything else built
/// elsewhere makes the headers incomplete.
pub fn add_object(node: Node, src: &str, headers: &mut Headers) {
    match keys(node, src) {
        Some(fields) => {
            for (name, value) in fields {
                headers.add(&name, value);
            }
        }
        None => headers.complete = false,
    }
}

/// True when `call` passes the writer itself to other code, which may set headers or
/// answer (`cors()(req, res, next)`, `setAuthCookie(res, user)`).
fn hands_over(call: Node, name: &str, cx: &FileCx) -> bool {
    if super::is_table_call(call, cx) {
        return false;
    }
    arguments(call)
        .iter()
        .any(|a| a.kind_name() == "identifier" && text(*a, cx.src) == name)
}

/// Methods that send a response's body (`res.status(404).json(..)`).
const SENDERS: &[&str] = &[
    "json", "send", "end", "render", "jsonp", "sendFile", "download", "redirect",
];

/// What the calls chained after a code send: headers set in the chain (before it too:
/// `res.set(..).status(..)`) and the body of the last one. Unknown when nothing in the
/// chain sends.
pub fn chain(
    call: Node,
    writer: &Writer,
    cx: &FileCx,
    headers: &mut Headers,
    out: &mut Vec<String>,
) -> Body {
    // Setters chained before the code.
    let mut before = method_call(call, cx.src).map(|(r, _)| r);
    while let Some(r) = before.filter(|r| r.kind_name() == "call_expression") {
        if let Some((_, method)) = method_call(r, cx.src) {
            add_if_setter(r, method, writer, cx, headers);
        }
        before = method_call(r, cx.src).map(|(r, _)| r);
    }
    let mut current = call;
    while let Some(next) = chained_call(current) {
        let Some((_, method)) = method_call(next, cx.src) else {
            break;
        };
        if add_if_setter(next, method, writer, cx, headers) {
            current = next;
            continue;
        }
        if SENDERS.contains(&method) {
            return sent(next, cx, out);
        }
        current = next;
    }
    Body::Unknown
}

fn add_if_setter(
    call: Node,
    method: &str,
    writer: &Writer,
    cx: &FileCx,
    headers: &mut Headers,
) -> bool {
    let setter = JS_APIS.headers.iter().any(|h| {
        h.frameworks.iter().any(|f| f == writer.framework)
            && h.via.is_empty()
            && h.methods.iter().any(|m| m == method)
    });
    if setter {
        add_setter(call, method, cx.src, headers);
    }
    setter
}

/// How a body argument is known: content unless it is missing or empty.
pub fn content_of(node: Option<Node>, src: &str) -> Body {
    match node.map(|n| text(n, src).trim()) {
        None | Some("null" | "undefined" | "''" | "\"\"" | "``") => Body::Absent,
        Some(_) => Body::Present,
    }
}

/// The body a handler assigns to its writer (`ctx.body = { error: .. }`) in the block of
/// `site`, with its messages; None when it assigns none there. Other branches are other
/// responses.
pub fn assigned_body(
    site: Node,
    writer: &Writer,
    cx: &FileCx,
    out: &mut Vec<String>,
) -> Option<Body> {
    let block = super::syntax::ancestor(site, &["statement_block"])?;
    let bodies = &JS_APIS.writers[writer.framework].bodies;
    if bodies.is_empty() {
        return None;
    }
    let mut found = None;
    for statement in super::syntax::named_children(block) {
        let Some(assignment) = statement.named_child(0).filter(|a| {
            statement.kind_name() == "expression_statement"
                && a.kind_name() == "assignment_expression"
        }) else {
            continue;
        };
        let (Some(left), Some(value)) = (assignment.field("left"), assignment.field("right"))
        else {
            continue;
        };
        let written = text(left, cx.src).replace(char::is_whitespace, "");
        if bodies.iter().any(|b| {
            written
                .strip_prefix(writer.name)
                .and_then(|r| r.strip_prefix('.'))
                == Some(b.as_str())
        }) {
            messages(value, cx.src, out);
            found = Some(content_of(Some(value), cx.src));
        }
    }
    found
}

/// True when the function that declares `writer` calls the next middleware (`await
/// next()`), which may answer or change the response after it.
pub fn calls_next(writer: &Writer, cx: &FileCx) -> bool {
    let params = super::syntax::parameters(writer.declared_in, cx.src);
    let Some(Some(next)) = params.get(1).map(|(n, _)| *n) else {
        return false;
    };
    let mut stack = vec![writer.declared_in];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| text(f, cx.src) == next)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// What statements after a code set alone (`res.status(err.status || 500);`) send on the
/// same writer in the same block (`res.render('error');`), adding the headers they set
/// first. Unknown when no later statement there sends.
pub fn sent_after(site: Node, writer: &Writer, cx: &FileCx, headers: &mut Headers) -> Body {
    let Some(statement) = site
        .parent_node()
        .filter(|p| p.kind_name() == "expression_statement")
    else {
        return Body::Unknown;
    };
    let mut next = statement.next_named_sibling();
    while let Some(n) = next {
        next = n.next_named_sibling();
        let Some(call) = n.named_child(0).filter(|c| {
            n.kind_name() == "expression_statement" && c.kind_name() == "call_expression"
        }) else {
            continue;
        };
        if header_set(call, writer, cx, headers) {
            continue;
        }
        if hands_over(call, writer.name, cx) {
            headers.complete = false;
        }
        let Some((receiver, method)) = method_call(call, cx.src) else {
            continue;
        };
        if text(receiver, cx.src) == writer.name && SENDERS.contains(&method) {
            let mut ignored = Vec::new();
            return sent(call, cx, &mut ignored);
        }
    }
    Body::Unknown
}

/// The body a sender call sends (`res.json(x)`, `res.end()`), with its messages.
fn sent(call: Node, cx: &FileCx, out: &mut Vec<String>) -> Body {
    let args = arguments(call);
    for a in &args {
        messages(*a, cx.src, out);
    }
    let empty = args.is_empty()
        || args
            .iter()
            .all(|a| matches!(text(*a, cx.src), "null" | "undefined" | "''" | "\"\""));
    if empty { Body::Absent } else { Body::Present }
}
