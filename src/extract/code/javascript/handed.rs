//! How an error made at a site leaves the code around it: thrown (`throw new ApiError(..)`)
//! or handed to whoever answers errors (`next(err)`, `reject(err)`, `Promise.reject(err)`,
//! the spellings of `data/apis/javascript.toml`), directly or through a local
//! (`const e = new ApiError(..); .. return next(e)`), and whether a `catch` around that
//! place takes it and answers or throws something else instead.

use super::syntax::{self, text};
use super::table::JS_APIS;
use crate::extract::code::Kind;
use crate::extract::code::{Field, Parent};
use tree_sitter::Node;

/// Where an error made at a site goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Thrown or handed on, and not caught on the way out.
    Reaches,
    /// Thrown or handed on only where a `catch` takes it and does not hand it on.
    Caught,
    /// Neither thrown nor handed on here (returned, stored, rendered).
    Unseen,
}

/// The fate of the error made by `made` (a `new` expression), from the places it leaves at
/// or after byte `from`.
pub fn fate(made: Node, from: usize, src: &str) -> Fate {
    let mut leaves = leaving_points(made, src);
    leaves.retain(|l| l.start_byte() >= from);
    if leaves.is_empty() {
        Fate::Unseen
    } else if leaves.iter().any(|l| !caught(*l, src)) {
        Fate::Reaches
    } else {
        Fate::Caught
    }
}

/// The nodes at which the error leaves: the site itself when it is thrown or handed on,
/// else each later use of the local it is bound to that is.
fn leaving_points<'t>(made: Node<'t>, src: &str) -> Vec<Node<'t>> {
    if leaves(made, src) {
        return vec![made];
    }
    let Some(declarator) = outer(made).filter(|p| p.kind_name() == "variable_declarator") else {
        return Vec::new();
    };
    let Some(name) = declarator
        .field("name")
        .filter(|n| n.kind_name() == "identifier")
    else {
        return Vec::new();
    };
    let name = text(name, src);
    let scope = syntax::enclosing_function(declarator)
        .and_then(|f| f.field("body"))
        .unwrap_or_else(|| root(declarator));
    let mut found = Vec::new();
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.end_byte() <= declarator.end_byte() {
            continue;
        }
        if node.kind_name() == "identifier" && text(node, src) == name && leaves(node, src) {
            found.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// True when `value` is thrown or handed on where it is written (`throw value`,
/// `next(value)`).
fn leaves(value: Node, src: &str) -> bool {
    let Some(parent) = outer(value) else {
        return false;
    };
    match parent.kind_name() {
        "throw_statement" => true,
        "arguments" => parent
            .parent_node()
            .filter(|c| c.kind_name() == "call_expression")
            .and_then(|c| c.field("function"))
            .is_some_and(|f| {
                let callee = text(f, src);
                JS_APIS.own_errors.handed_to.iter().any(|h| h == callee)
            }),
        _ => false,
    }
}

/// The parent of `node` past parentheses and `await`.
fn outer(node: Node) -> Option<Node> {
    let mut parent = node.parent_node()?;
    while matches!(
        parent.kind_name(),
        "parenthesized_expression" | "await_expression"
    ) {
        parent = parent.parent_node()?;
    }
    Some(parent)
}

pub fn root(node: Node) -> Node {
    let mut top = node;
    while let Some(parent) = top.parent_node() {
        top = parent;
    }
    top
}

/// True when a `try` around `at` (in any function around it: a callback may run inside the
/// `try` too) has a `catch` that does not hand its error on: the error is answered, or
/// thrown again as something else (`catch (e) { throw new ApiError(500, ..) }`).
fn caught(at: Node, src: &str) -> bool {
    let mut child = at;
    while let Some(parent) = child.parent_node() {
        if parent.kind_name() == "try_statement"
            && parent.field("body").is_some_and(|b| b.id() == child.id())
            && let Some(handler) = parent.field("handler")
            && !hands_on_caught(handler, src)
        {
            return true;
        }
        if syntax::FUNCTIONS.contains(&parent.kind_name()) && caught_by_promise(parent, src) {
            return true;
        }
        child = parent;
    }
    false
}

/// True when `function` is a callback of a promise's `.then(..)` whose chain goes on to a
/// `.catch(..)` that does not hand its error on (`.then(() => { throw e }).catch((err) =>
/// res.status(500).send(..))`); `.catch(next)` hands it to the error middleware.
fn caught_by_promise(function: Node, src: &str) -> bool {
    let Some(mut call) = function
        .parent_node()
        .filter(|a| a.kind_name() == "arguments")
        .and_then(|a| a.parent_node())
        .filter(|c| c.kind_name() == "call_expression")
    else {
        return false;
    };
    if method(call, src) != Some("then") {
        return false;
    }
    // Up the chain: `p.then(a).then(b).finally(c).catch(h)`.
    while let Some(next) = call
        .parent_node()
        .filter(|m| m.kind_name() == "member_expression")
        .and_then(|m| m.parent_node())
        .filter(|c| c.kind_name() == "call_expression")
    {
        call = next;
        match method(call, src) {
            Some("then" | "finally") => {}
            Some("catch") => {
                return syntax::arguments(call)
                    .first()
                    .is_some_and(|h| !hands_on_handler(*h, src));
            }
            _ => return false,
        }
    }
    false
}

/// The method a call calls (`catch` of `p.then(f).catch(h)`).
fn method<'s>(call: Node, src: &'s str) -> Option<&'s str> {
    let function = call.field("function")?;
    (function.kind_name() == "member_expression")
        .then(|| function.field("property"))
        .flatten()
        .map(|p| text(p, src))
}

/// True when a promise's rejection handler hands its error on: it is one of the handers
/// (`.catch(next)`), or a function that throws or hands on its first parameter.
fn hands_on_handler(handler: Node, src: &str) -> bool {
    if handler.kind_name() == "identifier" || handler.kind_name() == "member_expression" {
        let name = text(handler, src);
        return JS_APIS.own_errors.handed_to.iter().any(|h| h == name);
    }
    if !syntax::FUNCTIONS.contains(&handler.kind_name()) {
        // Made by a call we cannot see (`.catch(handle(res))`).
        return true;
    }
    let params = syntax::parameters(handler, src);
    match (params.first().and_then(|p| p.0), handler.field("body")) {
        (Some(name), Some(body)) => hands_on(name, body, src),
        _ => false,
    }
}

/// True when a `catch (e)` clause throws or hands on `e` itself.
fn hands_on_caught(clause: Node, src: &str) -> bool {
    let Some(name) = clause
        .field("parameter")
        .filter(|p| p.kind_name() == "identifier")
    else {
        return false;
    };
    let name = text(name, src);
    let Some(body) = clause.field("body") else {
        return false;
    };
    hands_on(name, body, src)
}

/// True when `body` throws or hands on the error named `name`.
fn hands_on(name: &str, body: Node, src: &str) -> bool {
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if node.kind_name() == "identifier" && text(node, src) == name && leaves(node, src) {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
