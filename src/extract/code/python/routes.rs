//! Routes: the methods a handler answers, from decorators (`@app.post("/p")`,
//! `@app.route("/p", methods=[...])`, `@require_POST`, `@api_view([...])`), class-based
//! views (`def post(self, request)`), and registrations (`app.add_url_rule`,
//! `app.router.add_post`, `web.post`).

use super::syntax::{
    Args, callee, decorators, enclosing_class, last_segment, named_children, string_items,
    string_value, text,
};
use super::table::PYTHON_APIS;
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::extract::code::routes::methods_from;
use crate::knowledge::words;
use crate::usage::{Method, RouteBinding};
use tree_sitter::Node;

/// What a function's own decorators and class say of its route.
#[derive(Default)]
pub struct Route<'t> {
    pub methods: Option<Vec<Method>>,
    pub path: Option<String>,
    /// FastAPI's `status_code=` on the route decorator.
    pub status: Option<Node<'t>>,
    /// Registered as an error handler (`@app.errorhandler(404)`).
    pub error_handler: bool,
    /// A route decorator or a view class says this function answers requests.
    pub answers_requests: bool,
}

/// Reads a function's decorators, and its class when it is a method of a view.
pub fn route_of<'t>(function: Node<'t>, src: &'t str) -> Route<'t> {
    let table = &PYTHON_APIS.routing;
    let mut route = Route::default();
    for decorator in decorators(function) {
        let (name, call) = match decorator.kind_name() {
            "call" => match callee(decorator, src) {
                Some(name) => (name, Some(decorator)),
                None => continue,
            },
            "identifier" | "attribute" => (text(decorator, src).to_string(), None),
            _ => continue,
        };
        let last = last_segment(&name);
        if table.error_handler_decorators.iter().any(|d| d == last) {
            route.error_handler = true;
            route.answers_requests = true;
            continue;
        }
        if let Some(methods) = table.fixed_method_decorators.get(last) {
            route.methods = Some(methods_from(methods));
            route.answers_requests = true;
            continue;
        }
        let Some(call) = call else { continue };
        let args = Args::of(call, src);
        let path = args.positional.first().and_then(|p| string_value(*p, src));
        let on_object = name.contains('.');
        if on_object && table.method_decorators.iter().any(|d| d == last) && path.is_some() {
            route.methods = Some(methods_from(&[last]));
        } else if on_object && table.route_decorators.iter().any(|d| d == last) && path.is_some() {
            let written = args
                .keyword(&table.methods_keyword)
                .map(|m| string_items(m, src))
                .unwrap_or_else(|| vec!["GET".to_string()]);
            route.methods = Some(methods_from(&written));
        } else if table.method_list_decorators.iter().any(|d| d == last) {
            let written = args
                .keyword(&table.methods_keyword)
                .or_else(|| args.positional.first().copied())
                .map(|m| string_items(m, src))
                .unwrap_or_else(|| vec!["GET".to_string()]);
            route.methods = Some(methods_from(&written));
            route.answers_requests = true;
            continue;
        } else {
            continue;
        }
        route.answers_requests = true;
        route.path = path;
        route.status = args.keyword(&table.status_keyword);
    }
    if route.methods.is_none()
        && let Some(class) = enclosing_class(function)
        && is_view_class(class, src)
    {
        route.answers_requests = true;
        let name = function.field("name").map(|n| text(n, src)).unwrap_or("");
        if table.view_methods.iter().any(|m| m == name) {
            route.methods = Some(methods_from(&[name]));
        } else if let Some(method) = table.viewset_actions.get(name) {
            route.methods = Some(methods_from(&[method]));
        }
    }
    route
}

/// A class whose bases name a view (`View`, `MethodView`, `APIView`, `RequestHandler`,
/// `HTTPEndpoint`, `ModelViewSet`).
fn is_view_class(class: Node, src: &str) -> bool {
    let Some(bases) = class.field("superclasses") else {
        return false;
    };
    let base_words = words(text(bases, src));
    PYTHON_APIS
        .routing
        .view_base_words
        .iter()
        .any(|w| base_words.iter().any(|b| b == w || b.ends_with(w.as_str())))
}

/// `app.add_url_rule("/p", view_func=h, methods=["POST"])`, `app.router.add_post("/p", h)`,
/// `web.post("/p", h)`: a handler routed by name.
pub fn registration(call: Node, src: &str) -> Option<RouteBinding> {
    let table = &PYTHON_APIS.routing;
    let name = callee(call, src)?;
    let last = last_segment(&name);
    let args = Args::of(call, src);
    let path = args.positional.first().and_then(|p| string_value(*p, src));
    if table.url_rules.iter().any(|r| r == last) {
        let view = args.get(
            Some(table.url_rule_view_position),
            std::slice::from_ref(&table.url_rule_view_keyword),
        )?;
        let methods = args
            .keyword(&table.methods_keyword)
            .map(|m| string_items(m, src))
            .unwrap_or_else(|| vec!["GET".to_string()]);
        return bound(view, methods_from(&methods), path, src);
    }
    // `add_post`, `add_get` on a router; `web.post(...)` inside `add_routes([...])`.
    let method = table
        .registration_prefixes
        .iter()
        .find_map(|p| last.strip_prefix(p.as_str()))
        .or_else(|| (name.starts_with("web.")).then_some(last))?;
    if !table.method_decorators.iter().any(|m| m == method) {
        return None;
    }
    let view = *args.positional.get(1)?;
    bound(view, methods_from(&[method]), path, src)
}

fn bound(
    view: Node,
    methods: Vec<Method>,
    path: Option<String>,
    src: &str,
) -> Option<RouteBinding> {
    if view.kind_name() != "identifier" && view.kind_name() != "attribute" {
        return None;
    }
    let handler = last_segment(text(view, src)).to_string();
    Some(RouteBinding {
        key: crate::summary::Key::partial(vec![handler.clone()]),
        handler,
        methods,
        path,
    })
}

/// The path of a Django URL pattern the node is an argument of (`path("old/", ...)`).
pub fn url_pattern_path(node: Node, src: &str) -> Option<String> {
    let list = node
        .parent_node()
        .filter(|p| p.kind_name() == "argument_list")?;
    let call = list.parent_node().filter(|c| c.kind_name() == "call")?;
    let name = callee(call, src)?;
    if !["path", "re_path", "url"].contains(&last_segment(&name)) {
        return None;
    }
    named_children(list)
        .into_iter()
        .next()
        .and_then(|p| string_value(p, src))
}
