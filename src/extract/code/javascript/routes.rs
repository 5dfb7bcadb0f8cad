//! Routes: the methods a handler answers, from router calls (`app.post('/p', h)`,
//! `router.route('/p').post(h).get(g)`, koa-router's `router.post('name', '/p', h)`,
//! `fastify.route({ method, url, handler })`), NestJS decorators (`@Post(p)` in a
//! `@Controller(prefix)` class), functions exported under a method's name (Next.js and
//! SvelteKit `export async function POST`), Remix and React Router `action` (every method
//! but GET and HEAD) and `loader`, SvelteKit form `actions` (POST), and method
//! checks in the handler (`if (req.method !== 'POST') return ..`).

use super::FileCx;
use super::syntax::{
    FUNCTIONS, arguments, decorator_call, decorators, method_call, named_children, property,
    string_value, text, unwrap_await,
};
use super::table::JS_APIS;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::routes::methods_from;
use crate::usage::{Method, RouteBinding};
use regex::Regex;
use std::sync::LazyLock;
use tree_sitter::Node;

/// A router call: the methods, the path, and the handler expression (the last argument:
/// the ones before it are middleware).
pub struct Registration<'t> {
    pub methods: Option<Vec<Method>>,
    pub path: Option<String>,
    pub handler: Node<'t>,
}

pub fn registration<'t>(call: Node<'t>, src: &'t str) -> Option<Registration<'t>> {
    let table = &JS_APIS.routing;
    let (receiver, name) = method_call(call, src)?;
    if is_client(receiver, src) {
        return None;
    }
    let args = arguments(call);
    if name == table.route_call
        && let Some(options) = args.first().filter(|a| a.kind_name() == "object")
    {
        let keys = &table.option_keys;
        let method = property(*options, &keys.method, src)?;
        let names: Vec<String> = match method.kind_name() {
            "array" => named_children(method)
                .into_iter()
                .filter_map(|m| string_value(m, src))
                .collect(),
            _ => vec![string_value(method, src)?],
        };
        let path = keys
            .path
            .iter()
            .find_map(|k| property(*options, k, src).and_then(|p| string_value(p, src)));
        return Some(Registration {
            methods: Some(methods_from(&names)),
            path,
            handler: property(*options, &keys.handler, src)?,
        });
    }
    let lower = name.to_ascii_lowercase();
    if !table.methods.contains(&lower) || lower != name {
        return None;
    }
    let method = match lower.as_str() {
        "all" => "*",
        "del" => "DELETE",
        m => m,
    };
    let handler = *args.last()?;
    // The path is the first argument, or the second after a route name; a chained
    // `router.route('/p').post(h)` names it in the `route` call.
    let path = match args.iter().position(|a| string_value(*a, src).is_some()) {
        Some(i @ (0 | 1)) if i + 1 < args.len() => {
            string_value(args[i], src).filter(|p| is_path(p))
        }
        _ => route_path(receiver, src),
    };
    let path = path?;
    Some(Registration {
        methods: Some(methods_from(&[method.to_ascii_uppercase()])),
        path: Some(path),
        handler,
    })
}

fn is_path(s: &str) -> bool {
    s.is_empty() || s.starts_with('/') || s == "*"
}

/// `axios.post('/login', body)`: an HTTP client, not a router.
fn is_client(receiver: Node, src: &str) -> bool {
    let mut root = receiver;
    while let Some(inner) = root.field("object").or_else(|| root.field("function")) {
        root = inner;
    }
    let name = text(root, src);
    JS_APIS.routing.clients.iter().any(|c| c == name)
}

/// The path of `router.route('/p')` at the start of a chain of method calls.
fn route_path(receiver: Node, src: &str) -> Option<String> {
    let mut current = receiver;
    while current.kind_name() == "call_expression" {
        let (inner, name) = method_call(current, src)?;
        if name == JS_APIS.routing.route_call {
            return arguments(current)
                .first()
                .and_then(|a| string_value(*a, src))
                .filter(|p| is_path(p));
        }
        current = inner;
    }
    None
}

/// The binding a registration makes for a handler named in it (`create`,
/// `userController.create`, `asyncHandler(ctrl.create)`, `ctrl.create.bind(ctrl)`); None
/// for a function written in place.
pub fn binding(reg: &Registration, src: &str) -> Option<RouteBinding> {
    let methods = reg.methods.clone()?;
    let handler = handler_name(reg.handler, src, 0)?;
    Some(RouteBinding {
        key: crate::summary::Key::partial(vec![handler.clone()]),
        handler,
        methods,
        path: reg.path.clone(),
    })
}

fn handler_name(node: Node, src: &str, depth: u32) -> Option<String> {
    match node.kind_name() {
        "identifier" => Some(text(node, src).to_string()),
        "member_expression" => Some(text(node.field("property")?, src).to_string()),
        "call_expression" if depth < 2 => {
            // `ctrl.create.bind(ctrl)`, or a wrapper `catchAsync(create)`.
            if let Some((receiver, "bind")) = method_call(node, src) {
                return handler_name(receiver, src, depth + 1);
            }
            let args = arguments(node);
            match args.as_slice() {
                [only] => handler_name(*only, src, depth + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The registration a function is written in as the handler: the last argument of a
/// router call, directly or in a wrapper (`asyncHandler(async (req, res) => ..)`), or the
/// `handler` of Fastify's route options.
pub fn inline_route<'t>(function: Node<'t>, src: &'t str) -> Option<Registration<'t>> {
    let mut arg = function;
    for _ in 0..3 {
        let parent = arg.parent_node()?;
        let call = match parent.kind_name() {
            "arguments" => parent.parent_node()?,
            // `{ method: 'POST', url, handler: async (req, reply) => .. }`
            "pair" => parent.parent_node()?.parent_node()?.parent_node()?,
            _ => return None,
        };
        if let Some(reg) = registration(call, src)
            && reg.handler.id() == arg.id()
        {
            return Some(reg);
        }
        if call.kind_name() != "call_expression" {
            return None;
        }
        arg = call;
    }
    None
}

/// The methods and path a NestJS controller method answers (`@Post('login')` in
/// `@Controller('auth')`).
pub fn nest_route(method: Node, cx: &FileCx) -> Option<(Vec<Method>, Option<String>)> {
    if method.kind_name() != "method_definition" || !cx.uses("nest") {
        return None;
    }
    let src = cx.src;
    let (names, path) = decorators(method).into_iter().find_map(|d| {
        let (name, call) = decorator_call(d, src)?;
        let method = JS_APIS.routing.decorators.get(name)?;
        let path = arguments(call).first().and_then(|a| string_value(*a, src));
        Some((vec![method.clone()], path))
    })?;
    let prefix =
        super::syntax::ancestor(method, &["class_declaration", "class"]).and_then(|class| {
            decorators(class).into_iter().find_map(|d| {
                let (name, call) = decorator_call(d, src)?;
                (name == "Controller")
                    .then(|| arguments(call).first().and_then(|a| string_value(*a, src)))?
            })
        });
    let path = match (prefix, path) {
        (Some(p), Some(q)) => Some(format!("/{}/{}", p.trim_matches('/'), q.trim_matches('/'))),
        (Some(p), None) => Some(format!("/{}", p.trim_matches('/'))),
        (None, Some(q)) => Some(format!("/{}", q.trim_matches('/'))),
        (None, None) => None,
    };
    Some((methods_from(&names), path))
}

/// The methods an exported function answers by its name (`export async function POST`,
/// `export const DELETE = ..`, a Remix or React Router `action` or `loader` in a file that
/// imports one), or POST for a SvelteKit form action.
pub fn exported_method(function: Node, cx: &FileCx) -> Option<Vec<Method>> {
    let src = cx.src;
    let mut declaration = function;
    let name = match function.kind_name() {
        "function_declaration" => text(function.field("name")?, src),
        _ => {
            let parent = function.parent_node()?;
            match parent.kind_name() {
                "variable_declarator" => {
                    declaration = parent.parent_node()?;
                    text(parent.field("name")?, src)
                }
                // `export const actions = { default: async (event) => .. }`
                "pair" => {
                    let declarator = parent.parent_node()?.parent_node()?;
                    let actions = declarator.kind_name() == "variable_declarator"
                        && declarator
                            .field("name")
                            .is_some_and(|n| text(n, src) == JS_APIS.routing.form_actions);
                    let exported = declarator
                        .parent_node()
                        .and_then(|d| d.parent_node())
                        .is_some_and(|e| e.kind_name() == "export_statement");
                    return (actions && exported).then(|| vec![Method::Post]);
                }
                _ => return None,
            }
        }
    };
    let exported = declaration
        .parent_node()
        .is_some_and(|p| p.kind_name() == "export_statement");
    if !exported {
        return None;
    }
    if let Some(methods) = JS_APIS
        .routing
        .module_exports
        .iter()
        .filter(|(framework, _)| cx.uses(framework))
        .find_map(|(_, exports)| exports.get(name))
    {
        return Some(methods_from(methods));
    }
    let method = Method::parse(name).filter(|m| m.as_str() == name)?;
    Some(vec![method])
}

/// The methods that reach `site` by the handler's own early check:
/// `if (req.method !== 'POST') { ..; return .. }` before it.
pub fn checked_methods(scope: Node, site: Node, src: &str) -> Option<Vec<Method>> {
    let body = scope.field("body")?;
    for stmt in named_children(body) {
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
        let consequence = stmt.field("consequence");
        let returns = consequence.is_some_and(|c| {
            matches!(c.kind_name(), "return_statement" | "throw_statement")
                || named_children(c).last().is_some_and(|l| {
                    matches!(l.kind_name(), "return_statement" | "throw_statement")
                })
        });
        if returns {
            return Some(methods_from(&[caps[1].to_string()]));
        }
    }
    None
}

static METHOD_NOT_EQUAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u)^\(\s*[\w.]*\bmethod\s*!==?\s*['"]([A-Z]+)['"]\s*\)$"#).expect("valid regex")
});

/// Every function in `node`'s ancestry, innermost first, up to the file.
pub fn functions_around(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut current = node.parent_node();
    while let Some(n) = current {
        if FUNCTIONS.contains(&n.kind_name()) {
            out.push(n);
        }
        current = n.parent_node();
    }
    out
}

/// `await`ed or parenthesised, the value a function returns or throws directly.
pub fn is_returned(node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent_node() {
        match parent.kind_name() {
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression" => current = parent,
            "return_statement" | "throw_statement" => return true,
            // `async (req) => Response.json(..)`
            "arrow_function" => {
                return parent
                    .field("body")
                    .is_some_and(|b| unwrap_await(b).id() == node.id() || b.id() == current.id());
            }
            _ => return false,
        }
    }
    false
}

/// True for a call that hands its function arguments to the framework as handlers or
/// middleware: a router method (`app.post(p, ..)`, `router.get(..)`) or `use`.
pub fn is_router_call(call: Node, src: &str) -> bool {
    let Some((receiver, name)) = method_call(call, src) else {
        return false;
    };
    (name == JS_APIS.routing.use_call || JS_APIS.routing.methods.iter().any(|m| m == name))
        && !is_client(receiver, src)
}

/// The names a file hands to the framework: passed to a router call (`router.get(p, auth,
/// create)`, through a wrapper: `catchAsync(create)`) or exported (`module.exports = {
/// create }`, `exports.create = create`, `export { create }`, `export default create`).
pub fn handler_names<'t>(root: Node<'t>, calls: &[Node<'t>], src: &'t str) -> Vec<&'t str> {
    let mut names = Vec::new();
    for call in calls.iter().filter(|c| is_router_call(**c, src)) {
        for arg in arguments(*call) {
            passed_names(arg, src, 0, &mut names);
        }
    }
    for statement in named_children(root) {
        match statement.kind_name() {
            "export_statement" => {
                for child in named_children(statement) {
                    match child.kind_name() {
                        // `export default withSession(handler)`
                        "identifier" | "call_expression" => passed_names(child, src, 0, &mut names),
                        "export_clause" => names.extend(
                            named_children(child)
                                .into_iter()
                                .filter_map(|s| s.field("name"))
                                .map(|n| text(n, src)),
                        ),
                        _ => {}
                    }
                }
            }
            "expression_statement" => {
                let Some(assignment) = statement
                    .named_child(0)
                    .filter(|a| a.kind_name() == "assignment_expression")
                else {
                    continue;
                };
                let (Some(left), Some(right)) =
                    (assignment.field("left"), assignment.field("right"))
                else {
                    continue;
                };
                if !is_exports(left, src) {
                    continue;
                }
                match right.kind_name() {
                    "object" => {
                        for p in named_children(right) {
                            match p.kind_name() {
                                "shorthand_property_identifier" => names.push(text(p, src)),
                                "pair" => {
                                    if let Some(v) = p.field("value") {
                                        passed_names(v, src, 0, &mut names);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => passed_names(right, src, 0, &mut names),
                }
            }
            _ => {}
        }
    }
    names
}

/// The function names an argument hands over: itself, or what a wrapper call is given.
fn passed_names<'t>(node: Node<'t>, src: &'t str, depth: u32, out: &mut Vec<&'t str>) {
    match node.kind_name() {
        "identifier" => out.push(text(node, src)),
        "call_expression" if depth < 2 => {
            for arg in arguments(node) {
                passed_names(arg, src, depth + 1, out);
            }
        }
        "array" => {
            for item in named_children(node) {
                passed_names(item, src, depth, out);
            }
        }
        _ => {}
    }
}

/// `module.exports`, `module.exports.create`, `exports.create`.
fn is_exports(left: Node, src: &str) -> bool {
    let written = text(left, src);
    written == "module.exports"
        || written.starts_with("module.exports.")
        || written.starts_with("exports.")
}

/// True when a function sits where a framework calls it with its writer: passed to a router
/// call or `use` (directly or in a wrapper: `asyncHandler(async (req, res) => ..)`),
/// Fastify's route `handler`, exported, or bound to a name that is passed or exported so.
/// A parameter is a writer by its place only here: a callback's second parameter
/// (`new Promise((resolve, reject) => ..)`) is no writer.
pub fn in_handler_place(function: Node, cx: &FileCx) -> bool {
    let src = cx.src;
    let named = |n: Option<Node>| n.is_some_and(|n| cx.handler_names.contains(text(n, src)));
    if inline_route(function, src).is_some()
        || (function.kind_name() == "function_declaration" && named(function.field("name")))
    {
        return true;
    }
    let mut node = function;
    // A few wrappers and an object of handlers, no deeper.
    for _ in 0..4 {
        let Some(parent) = node.parent_node() else {
            return false;
        };
        match parent.kind_name() {
            "arguments" => {
                let Some(call) = parent.parent_node() else {
                    return false;
                };
                if is_router_call(call, src) {
                    return true;
                }
                if call.kind_name() != "call_expression" {
                    return false;
                }
                node = call;
            }
            "parenthesized_expression" | "object" => node = parent,
            // `module.exports = { login: async (req, res) => .. }`
            "pair" => node = parent,
            "export_statement" => return true,
            "variable_declarator" => {
                return named(parent.field("name"))
                    || parent
                        .parent_node()
                        .and_then(|d| d.parent_node())
                        .is_some_and(|e| e.kind_name() == "export_statement");
            }
            "assignment_expression" => {
                return parent
                    .field("left")
                    .is_some_and(|l| is_exports(l, src) || named(Some(l)));
            }
            _ => return false,
        }
    }
    false
}
