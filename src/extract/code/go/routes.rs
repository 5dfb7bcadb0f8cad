//! Routes: the methods a handler answers, from router calls (`r.POST("/p", h)`,
//! `r.Post("/p", h)`, `mux.HandleFunc("POST /p", h)`, `r.HandleFunc("/p", h).Methods("POST")`,
//! `r.Handle("POST", "/p", h)`) and from method checks in the handler
//! (`if r.Method != http.MethodPost { ...; return }`, `switch r.Method { case ... }`).

use super::syntax::{arguments, method_call, named_children, statements, string_value, text};
use super::table::GO_APIS;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::routes::methods_from;
use crate::usage::{Method, RouteBinding};
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// A router call: the methods, the path, and the handler expression (the last argument).
pub struct Registration<'t> {
    pub methods: Option<Vec<Method>>,
    pub path: Option<String>,
    pub handler: Node<'t>,
}

pub fn registration<'t>(call: Node<'t>, src: &'t str) -> Option<Registration<'t>> {
    let table = &GO_APIS.routing;
    let (_, name) = method_call(call, src)?;
    let args = arguments(call);
    let first = string_value(*args.first()?, src)?;
    let handler = *args.last()?;
    if args.len() < 2 {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    if table.method_named.contains(&upper) && is_path(&first) {
        return Some(Registration {
            methods: Some(methods_from(&[upper])),
            path: Some(first),
            handler,
        });
    }
    if table.method_first.iter().any(|m| m == name)
        && Method::parse(&first).is_some()
        && args.len() >= 3
        && let Some(path) = string_value(args[1], src)
    {
        return Some(Registration {
            methods: Some(methods_from(&[first])),
            path: Some(path),
            handler,
        });
    }
    if table.pattern_calls.iter().any(|m| m == name) {
        // Go 1.22: "POST /items/{id}" or "POST example.com/items".
        let (method, path) = match first.split_once(' ') {
            Some((m, p)) if Method::parse(m).is_some() => (Some(m.to_string()), p.trim()),
            _ => (None, first.as_str()),
        };
        if !is_path(path) && !path.contains('/') {
            return None;
        }
        let methods = match method {
            Some(m) => Some(methods_from(&[m])),
            None => gorilla_methods(call, src),
        };
        return Some(Registration {
            methods,
            path: Some(path.to_string()),
            handler,
        });
    }
    None
}

fn is_path(s: &str) -> bool {
    s.is_empty() || s.starts_with('/')
}

/// `r.HandleFunc("/p", h).Methods("POST", "PUT")`.
fn gorilla_methods(call: Node, src: &str) -> Option<Vec<Method>> {
    let selector = call
        .parent_node()
        .filter(|p| p.kind_name() == "selector_expression")?;
    let outer = selector
        .parent_node()
        .filter(|p| p.kind_name() == "call_expression")?;
    let (_, name) = method_call(outer, src)?;
    if name != GO_APIS.routing.methods_call {
        return None;
    }
    let names: Vec<String> = arguments(outer)
        .into_iter()
        .filter_map(|a| string_value(a, src).or_else(|| method_constant(text(a, src))))
        .collect();
    Some(methods_from(&names))
}

/// The binding a registration makes for a handler named in it (`h`, `s.handleLogin`,
/// `s.handleLogin()`); None for a closure written in place.
pub fn binding(reg: &Registration, src: &str) -> Option<RouteBinding> {
    let methods = reg.methods.clone()?;
    let handler = match reg.handler.kind_name() {
        "identifier" => text(reg.handler, src).to_string(),
        "selector_expression" => text(reg.handler.field("field")?, src).to_string(),
        "call_expression" => {
            let f = reg.handler.field("function")?;
            let name = match f.kind_name() {
                "selector_expression" => f.field("field")?,
                "identifier" => f,
                _ => return None,
            };
            // `http.HandlerFunc(h)` wraps h.
            let name = text(name, src);
            if name == "HandlerFunc" {
                let inner = *arguments(reg.handler).first()?;
                let inner = match inner.kind_name() {
                    "selector_expression" => inner.field("field")?,
                    _ => inner,
                };
                text(inner, src).to_string()
            } else {
                name.to_string()
            }
        }
        _ => return None,
    };
    Some(RouteBinding {
        key: crate::summary::Key::partial(vec![handler.clone()]),
        handler,
        methods,
        path: reg.path.clone(),
    })
}

/// `http.MethodPost`, `fiber.MethodPost`: the method it names.
fn method_constant(written: &str) -> Option<String> {
    let name = written.rsplit('.').next()?.strip_prefix("Method")?;
    Method::parse(name).map(|m| m.as_str().to_string())
}

/// The methods that reach `site` in `scope` by the handler's own checks: an early
/// `if r.Method != X { ...; return }`, or a `case` of `switch r.Method`.
pub fn checked_methods(scope: Node, site: Node, src: &str) -> Option<Vec<Method>> {
    // The innermost `case` of a `switch` on the method.
    let mut current = site.parent_node();
    while let Some(node) = current {
        if node.kind_name() == "expression_case"
            && let Some(switch) = node.parent_node()
            && switch
                .field("value")
                .is_some_and(|v| is_method_field(text(v, src)))
        {
            let values = node.field("value")?;
            let names: Vec<String> = named_children(values)
                .into_iter()
                .filter_map(|v| string_value(v, src).or_else(|| method_constant(text(v, src))))
                .collect();
            return Some(methods_from(&names));
        }
        if node.id() == scope.id() {
            break;
        }
        current = node.parent_node();
    }
    let body = scope.field("body")?;
    for stmt in statements(body) {
        if stmt.start_byte() >= site.start_byte() {
            break;
        }
        if stmt.kind_name() != "if_statement" || stmt.end_byte() > site.start_byte() {
            continue;
        }
        let Some(cond) = stmt.field("condition") else {
            continue;
        };
        let Some(caps) = METHOD_NOT_EQUAL.captures(text(cond, src)) else {
            continue;
        };
        let returns = stmt
            .field("consequence")
            .and_then(|b| statements(b).last().copied())
            .is_some_and(|last| last.kind_name() == "return_statement");
        let method = caps.get(1).or(caps.get(2)).map(|m| m.as_str().to_string());
        if returns && let Some(m) = method {
            return Some(methods_from(&[m]));
        }
    }
    None
}

fn is_method_field(written: &str) -> bool {
    written.rsplit('.').next() == Some(GO_APIS.routing.method_field.as_str())
}

static METHOD_NOT_EQUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u)^\s*[\w.]*\bMethod\s*!=\s*(?:"([A-Z]+)"|[\w.]*\bMethod([A-Z][a-z]+))\s*$"#)
        .expect("valid regex")
});

/// The methods a closure answers when it is written in place in a router call.
pub fn inline_route<'t>(function: Node<'t>, src: &'t str) -> Option<Registration<'t>> {
    if function.kind_name() != "func_literal" {
        return None;
    }
    let call = function
        .parent_node()
        .filter(|p| p.kind_name() == "argument_list")?
        .parent_node()?;
    let reg = registration(call, src)?;
    (reg.handler.id() == function.id()).then_some(reg)
}
