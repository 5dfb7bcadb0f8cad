//! Routes: which handler answers which methods, from routers (axum `.route`, actix-web
//! `web::post().to(h)`, warp filters) and attribute macros (`#[post("/p")]`).

use super::FileCx;
use super::syntax::{
    Callee, arguments, attributes, callee, enclosing_call, last_segment, string_literals,
    string_value, text,
};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::routes::methods_from;
use crate::knowledge::RUST_APIS;
use crate::usage::{Method, RouteBinding};
use tree_sitter::Node;

/// A handler bound to methods: by name, or a closure written in place (keyed by its start).
pub enum Bound<'t> {
    Named(RouteBinding),
    Closure(Node<'t>, Vec<Method>, Option<String>),
}

/// The route bindings a function (its attributes) or a call (a router) makes.
pub fn bindings_at<'t>(node: Node<'t>, cx: &FileCx<'t>, out: &mut Vec<Bound<'t>>) {
    match node.kind_name() {
        "function_item" => attribute_routes(node, cx, out),
        "call_expression" => call_routes(node, cx, out),
        _ => {}
    }
}

/// `#[post("/users")]`, `#[actix_web::get("/")]`, `#[route("/", method = "GET", method = "POST")]`.
fn attribute_routes<'t>(function: Node<'t>, cx: &FileCx<'t>, out: &mut Vec<Bound<'t>>) {
    let Some(name) = function.field("name") else {
        return;
    };
    for attribute in attributes(function) {
        let Some(attr) = attribute.named_child(0) else {
            continue;
        };
        let Some(path) = attr.named_child(0) else {
            continue;
        };
        let macro_name = last_segment(text(path, cx.src));
        let mut literals = Vec::new();
        string_literals(attr, cx.src, &mut literals);
        let methods =
            if let Some(method) = RUST_APIS.routing.attributes.get(macro_name) {
                vec![method.as_str()]
            } else if macro_name == "route" {
                // actix `method = "POST"` strings, Rocket `#[route(POST, uri = "/")]` idents.
                let body = text(attr, cx.src);
                let mut found: Vec<&str> = literals
                    .iter()
                    .filter_map(|l| Method::parse(l).map(|m| m.as_str()))
                    .collect();
                found.extend(Method::ALL.iter().map(|m| m.as_str()).filter(|m| {
                    body.contains(&format!("({m}")) || body.contains(&format!(" {m},"))
                }));
                found
            } else {
                continue;
            };
        if methods.is_empty() {
            continue;
        }
        out.push(Bound::Named(RouteBinding {
            handler: text(name, cx.src).to_string(),
            key: match super::summary::function_key(function, cx) {
                Some(key) => key,
                None => continue,
            },
            methods: methods_from(&methods),
            path: literals.into_iter().find(|l| l.starts_with('/')),
        }));
    }
}

fn call_routes<'t>(call: Node<'t>, cx: &FileCx<'t>, out: &mut Vec<Bound<'t>>) {
    let Callee::Method { name, receiver } = callee(call, cx.src) else {
        return;
    };
    let args = arguments(call);
    match (name, args.as_slice()) {
        // axum `.route("/p", post(h).get(g))`
        ("route", [path, router]) => {
            let path = string_value(*path, cx.src);
            method_router(*router, path.as_deref(), cx, out);
        }
        // actix `web::post().to(h)` wherever it stands.
        ("to", [handler]) => {
            if let Some(methods) = actix_methods(receiver, cx) {
                bind(*handler, methods, actix_path(call, cx), cx, out);
            }
        }
        // warp `warp::post().and(..).and_then(h)`
        ("and_then" | "map" | "then", [handler]) if cx.frameworks.contains(&"warp") => {
            let mut methods = Vec::new();
            warp_methods(receiver, cx, &mut methods);
            if !methods.is_empty() {
                bind(*handler, methods_from(&methods), None, cx, out);
            }
        }
        _ => {}
    }
}

/// `post(h)`, `get(a).post(b)`, `routing::post(h).layer(..)`, `on(MethodFilter::POST, h)`.
fn method_router<'t>(
    node: Node<'t>,
    path: Option<&str>,
    cx: &FileCx<'t>,
    out: &mut Vec<Bound<'t>>,
) {
    if node.kind_name() != "call_expression" {
        return;
    }
    // `post(h)` and `.post(h)` read alike; a chained call also routes its receiver.
    let (name, receiver) = match callee(node, cx.src) {
        Callee::Path(p) => (last_segment(&p).to_string(), None),
        Callee::Method { name, receiver } => (name.to_string(), Some(receiver)),
        Callee::Other => return,
    };
    let path = path.map(String::from);
    match (name.as_str(), arguments(node).as_slice()) {
        ("on", [filter, handler]) => {
            let filter_text = text(*filter, cx.src);
            let methods: Vec<&str> = Method::ALL
                .iter()
                .map(|m| m.as_str())
                .filter(|m| filter_text.contains(m))
                .collect();
            bind(*handler, methods_from(&methods), path.clone(), cx, out);
        }
        (name, [handler]) => {
            if let Some(method) = RUST_APIS.routing.method_routers.get(name) {
                bind(
                    *handler,
                    methods_from(&[method.as_str()]),
                    path.clone(),
                    cx,
                    out,
                );
            }
        }
        _ => {}
    }
    if let Some(receiver) = receiver {
        method_router(receiver, path.as_deref(), cx, out);
    }
}

/// Methods of an actix route builder: `web::post()`, `web::route().method(Method::POST)`,
/// `.guard(guard::Post())`; None when it is not one.
fn actix_methods(receiver: Node, cx: &FileCx) -> Option<Vec<Method>> {
    if !cx.frameworks.contains(&"actix_web") {
        return None;
    }
    let mut current = receiver;
    let mut methods = Vec::new();
    loop {
        match callee(current, cx.src) {
            Callee::Method { name, receiver } => {
                let args_text = arguments(current)
                    .iter()
                    .map(|a| text(*a, cx.src).to_ascii_uppercase())
                    .collect::<String>();
                if name == "method" || name == "guard" {
                    methods.extend(
                        Method::ALL
                            .iter()
                            .copied()
                            .filter(|m| args_text.contains(m.as_str())),
                    );
                }
                if receiver.kind_name() != "call_expression" {
                    return None;
                }
                current = receiver;
            }
            Callee::Path(p) => {
                let last = last_segment(&p);
                if let Some(m) = RUST_APIS.routing.route_builders.get(last) {
                    methods.extend(Method::parse(m));
                } else if last == "resource" || last == "route" {
                    if methods.is_empty() {
                        methods.extend(Method::ALL);
                    }
                } else {
                    return None;
                }
                methods.sort();
                methods.dedup();
                return Some(methods);
            }
            Callee::Other => return None,
        }
    }
}

/// The path of an actix route: `.route("/p", web::post().to(h))` or `web::resource("/p")`.
fn actix_path(to_call: Node, cx: &FileCx) -> Option<String> {
    let mut current = to_call;
    for _ in 0..6 {
        if let Some((call, 1)) = enclosing_call(current)
            && let Callee::Method { name: "route", .. } = callee(call, cx.src)
        {
            return arguments(call)
                .first()
                .and_then(|p| string_value(*p, cx.src));
        }
        if let Some((call, 0)) = enclosing_call(current)
            && let Callee::Method {
                name: "route",
                receiver,
            } = callee(call, cx.src)
        {
            return resource_path(receiver, cx);
        }
        current = current.parent_node()?;
    }
    None
}

fn resource_path(node: Node, cx: &FileCx) -> Option<String> {
    match callee(node, cx.src) {
        Callee::Method { receiver, .. } => resource_path(receiver, cx),
        Callee::Path(p) if last_segment(&p) == "resource" => arguments(node)
            .first()
            .and_then(|a| string_value(*a, cx.src)),
        _ => None,
    }
}

fn warp_methods<'a>(node: Node, cx: &FileCx<'a>, out: &mut Vec<&'static str>) {
    if node.kind_name() == "call_expression"
        && let Callee::Path(p) = callee(node, cx.src)
        && (p.starts_with("warp::") || p.starts_with("method::"))
        && let Some(m) = RUST_APIS
            .routing
            .route_builders
            .get(last_segment(&p))
            .and_then(|m| Method::parse(m))
    {
        out.push(m.as_str());
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        warp_methods(child, cx, out);
    }
}

fn bind<'t>(
    handler: Node<'t>,
    methods: Vec<Method>,
    path: Option<String>,
    cx: &FileCx<'t>,
    out: &mut Vec<Bound<'t>>,
) {
    if methods.is_empty() {
        return;
    }
    match handler.kind_name() {
        "identifier" | "scoped_identifier" => out.push(Bound::Named(RouteBinding {
            handler: last_segment(text(handler, cx.src)).to_string(),
            // `get(Self::index)` in an `impl` routes to that type's `index`.
            key: super::summary::resolve_at(handler, text(handler, cx.src), cx),
            methods,
            path,
        })),
        "generic_function" => {
            if let Some(f) = handler.field("function") {
                bind(f, methods, path, cx, out);
            }
        }
        "closure_expression" => out.push(Bound::Closure(handler, methods, path)),
        // `handler.layer(..)`, `handler.with_state(..)`
        "call_expression" => {
            if let Callee::Method { receiver, .. } = callee(handler, cx.src) {
                bind(receiver, methods, path, cx, out);
            }
        }
        _ => {}
    }
}
