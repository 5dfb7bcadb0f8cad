//! Rust handlers (axum, actix-web, Rocket, warp, hyper/http) with tree-sitter-rust.
//!
//! Spellings come from `data/apis/rust.toml`; this module knows only Rust syntax.

mod evidence;
mod names;
mod response;
mod routes;
mod sites;
mod summary;
mod syntax;

use super::context::{self, Place};
use super::response::Chosen;
use super::{Comment, MAX_SITE_DEPTH};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::usage::{FileFacts, Method, TextSource, Usage};
use routes::Bound;
use std::collections::{HashMap, HashSet};
use syntax::{Callee, Rust, callee, comment_text, method_call_on, text};
use tree_sitter::Node;

/// What the extractor knows of the whole file while it reads one site.
pub struct FileCx<'t> {
    pub src: &'t str,
    /// Crates the file uses (`axum`, `actix_web`, `rocket`, `warp`, `hyper`, `http`).
    pub frameworks: Vec<&'static str>,
    /// Functions this file routes to.
    pub routed_handlers: HashSet<String>,
    /// Closures this file routes to, by start byte: their methods and path.
    pub routed_closures: HashMap<usize, (Vec<Method>, Option<String>)>,
    /// Type aliases of response types (`type HttpResult = Result<Response<Body>, E>`),
    /// lowercased as `knowledge::words` gives them.
    pub response_aliases: HashSet<String>,
    /// This file's module and what the paths it writes name.
    pub names: names::Names,
}

const FRAMEWORKS: [&str; 6] = ["axum", "actix_web", "rocket", "warp", "hyper", "http"];

fn frameworks(src: &str) -> Vec<&'static str> {
    FRAMEWORKS
        .into_iter()
        .filter(|f| src.contains(&format!("{f}::")) || src.contains(&format!("extern crate {f}")))
        .collect()
}

/// Tokens without which a Rust file can neither name a status (constants, builders,
/// redirect helpers, numeric status calls, actix `Error*` helpers) nor say something the
/// project index needs: routers (`.route(`, `.service(`, route attributes, Rocket's
/// `routes!`, warp filters), error messages (`#[error(`, `impl Display`), macros that
/// may take a status, and macro calls that hand one a bare number (`fail!("gone", 404)`).
/// Two regexes, either of which lets a file in: the macro branch starts with no fixed text,
/// so joined to the others it made the engine read every byte of every file (a sixth of the
/// instructions per file).
pub const PREFILTER: &[&str] = &[
    r"StatusCode|HttpResponse|Redirect|redirect|Status::|status::|\.status\(|with_status|\bError[A-Z][a-zA-Z]+\(|\.route\(|\.service\(|#\[(get|post|put|patch|delete|head|options|route)\(|routes!|warp::|#\[error\(|Display for|macro_rules!",
    r"\w!\s*\([^()\n]*\b[1-5][0-9]{2}\b",
];

/// What a Rust file must match to tell the index about other files: routers, error
/// messages and macros (as in [`PREFILTER`]), functions that take a status (helpers) and
/// functions that return one as their error (`Result<_, StatusCode>`). A handler that only
/// names constants is read for the index only when a router may name it (see
/// `index::names_to_read`).
pub const INDEX_PREFILTER: &str = r"\.route\(|\.service\(|#\[(get|post|put|patch|delete|head|options|route)\(|routes!|warp::|#\[error\(|Display for|macro_rules!|:\s*&?\s*(http::)?(StatusCode|Status|u16)\b|StatusCode\s*>";

pub fn extract(path: &std::path::Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(tree) = super::parse_file(
        "rust",
        "Rust",
        || tree_sitter_rust::LANGUAGE.into(),
        src,
        "",
        &mut facts,
    ) else {
        return facts;
    };
    let root = tree.root_node();

    let nodes = Nodes::collect(root, src);
    let module = names::module_of(path);
    facts.summary.module = module.clone();
    let mut cx = FileCx {
        src,
        frameworks: frameworks(src),
        routed_handlers: HashSet::new(),
        routed_closures: HashMap::new(),
        response_aliases: response_aliases(root, src),
        names: names::Names::collect(root, src, module),
    };
    let mut bound = Vec::new();
    for node in &nodes.routing {
        routes::bindings_at(*node, &cx, &mut bound);
    }
    for b in bound {
        match b {
            Bound::Named(binding) => {
                cx.routed_handlers.insert(binding.handler.clone());
                facts.routes.push(binding);
            }
            Bound::Closure(node, methods, path) => {
                cx.routed_closures
                    .insert(node.start_byte(), (methods, path));
            }
        }
    }
    for node in &nodes.sites {
        if let Some((usage, site)) = usage_at(*node, &cx, &nodes.comments) {
            summarise_usage(site, &usage, facts.usages.len(), &cx, &mut facts);
            facts.usages.push(usage);
        }
    }
    for node in &nodes.routing {
        if node.kind_name() == "function_item" {
            summary::helpers(*node, &cx, &mut facts.summary.helpers);
            summary::propagations(*node, &cx, &mut facts.summary.propagations);
        }
    }
    for item in &nodes.items {
        if item.kind_name() == "macro_definition" {
            summary::macro_helpers(*item, &cx, &mut facts.summary.helpers);
        } else {
            summary::variant_messages(*item, &cx, &mut facts.summary.variant_messages);
        }
    }
    for node in nodes.macros.iter().chain(&nodes.sites) {
        facts
            .summary
            .numbers
            .extend(summary::number_call(*node, &cx));
    }
    if let Some(line) = nodes.too_deep {
        facts.notes.push(format!(
            "line {line}: code nested more than {MAX_SITE_DEPTH} levels deep was skipped"
        ));
    }
    facts
}

/// The nodes of a file worth a second look, found in one walk of the tree.
struct Nodes<'t> {
    /// Functions (for route attributes) and calls (for routers).
    routing: Vec<Node<'t>>,
    /// Nodes that may name a status: paths and calls.
    sites: Vec<Node<'t>>,
    /// Enums and `impl` blocks (for error variants' messages) and macro definitions.
    items: Vec<Node<'t>>,
    /// Macro calls, which may hand a bare number to a helper macro.
    macros: Vec<Node<'t>>,
    /// Every comment.
    comments: Vec<Comment>,
    /// The first line of code nested too deep to read.
    too_deep: Option<usize>,
}

impl<'t> Nodes<'t> {
    /// Walks the tree once, without recursion (deeply nested input must not overflow the
    /// stack), skipping test code, imports and attributes.
    fn collect(root: Node<'t>, src: &str) -> Nodes<'t> {
        let mut nodes = Nodes {
            routing: Vec::new(),
            sites: Vec::new(),
            items: Vec::new(),
            macros: Vec::new(),
            comments: Vec::new(),
            too_deep: None,
        };
        let too_deep = super::walk(root, |node| {
            let kind = node.kind_name();
            let skip = matches!(kind, "use_declaration" | "attribute_item")
                || (matches!(kind, "function_item" | "mod_item" | "impl_item")
                    && is_test_code(node, src));
            if skip {
                return false;
            }
            match kind {
                "line_comment" | "block_comment" => nodes.comments.push(Comment {
                    start: node.start_byte(),
                    row: node.start_position().row,
                    text: comment_text(node, src),
                }),
                "function_item" => nodes.routing.push(node),
                "enum_item" | "impl_item" | "macro_definition" => nodes.items.push(node),
                "macro_invocation" => nodes.macros.push(node),
                "call_expression" => {
                    nodes.routing.push(node);
                    nodes.sites.push(node);
                }
                "scoped_identifier" => nodes.sites.push(node),
                _ => {}
            }
            true
        });
        nodes.too_deep = too_deep;
        nodes
    }
}

fn is_test_code(node: Node, src: &str) -> bool {
    syntax::attributes(node).iter().any(|a| {
        let Some(attr) = a.named_child(0) else {
            return false;
        };
        let attr = text(attr, src);
        let name = attr.split('(').next().unwrap_or("").trim();
        name == "test"
            || name.ends_with("::test")
            || name == "rstest"
            || name == "test_case"
            || attr.replace(' ', "") == "cfg(test)"
    })
}

/// `type HttpResult = Result<Response<Body>, Error>;` makes `HttpResult` a response type.
fn response_aliases(root: Node, src: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut cursor = root.walk();
    for item in root.named_children(&mut cursor) {
        if item.kind_name() != "type_item" {
            continue;
        }
        let (Some(name), Some(value)) = (item.field("name"), item.field("type")) else {
            continue;
        };
        if response::RESPONSE_TYPES
            .iter()
            .any(|t| text(value, src).contains(t))
        {
            out.insert(text(name, src).to_ascii_lowercase());
        }
    }
    out
}

/// Methods on a status value that only read it: `StatusCode::OK.as_u16()`.
const READS: &[&str] = &[
    "as_u16",
    "as_str",
    "canonical_reason",
    "is_success",
    "is_client_error",
    "is_server_error",
    "is_redirection",
    "is_informational",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "to_string",
];

/// True when the site only compares or inspects a code instead of choosing one.
fn only_reads_code(node: Node, cx: &FileCx) -> bool {
    for n in syntax::ancestors(node) {
        let kind = n.kind_name();
        if kind == "match_pattern" || kind.ends_with("_pattern") {
            return true;
        }
        if matches!(kind, "function_item" | "block" | "closure_expression") {
            break;
        }
    }
    if let Some(parent) = node.parent_node()
        && parent.kind_name() == "binary_expression"
    {
        let op = parent
            .field("operator")
            .map(|o| text(o, cx.src))
            .unwrap_or("");
        if matches!(op, "==" | "!=" | "<" | ">" | "<=" | ">=") {
            return true;
        }
    }
    if let Some(call) = method_call_on(node)
        && let Callee::Method { name, .. } = callee(call, cx.src)
    {
        return READS.contains(&name);
    }
    false
}

/// What a usage tells the project index: the error variants its code is chosen for, the
/// helper it is handed to, or the caller it is returned to as an error value.
fn summarise_usage(site: Node, usage: &Usage, at: usize, cx: &FileCx, facts: &mut FileFacts) {
    use crate::summary::{HelperCall, VariantUse};
    let out = &mut facts.summary;
    for (error_type, variant) in summary::variant_of(site, cx) {
        out.per_variant.push(VariantUse {
            usage: at,
            error_type,
            variant,
        });
    }
    if usage.headers.complete {
        return;
    }
    if let Some((callee, argument)) = summary::helper_call(site, cx) {
        out.calls.push(HelperCall {
            usage: at,
            callee,
            argument,
        });
    }
    out.error_values
        .extend(summary::error_value(site, usage, cx));
}

fn usage_at<'t>(
    node: Node<'t>,
    cx: &FileCx<'t>,
    comments: &[Comment],
) -> Option<(Usage, Node<'t>)> {
    let site = sites::recognise(node, cx)?;
    if only_reads_code(site.node, cx) {
        return None;
    }
    let response = response::read(&site, cx)?;
    let mut built = response.into_usage(Chosen {
        span: site.node.byte_range(),
        code: site.code.clone(),
        spelled: site.spelled.clone(),
        implicit: false,
        alternative: site.alternative.clone(),
        token: site.token.clone(),
    })?;
    let usage = &mut built.usage;

    let function = syntax::ancestor(site.node, &["function_item"]);
    let closure = syntax::ancestor(site.node, &["closure_expression"]);
    if let Some((methods, path)) = closure.and_then(|c| cx.routed_closures.get(&c.start_byte())) {
        usage.methods = Some(methods.clone());
        if let Some(path) = path {
            usage.evidence.texts.push((TextSource::Route, path.clone()));
        }
    }
    let place = Place {
        site: site.node,
        function,
        scope: closure.or(function),
    };
    context::describe::<Rust>(&place, comments, cx.src, usage);
    if let Some(f) = function {
        usage.handler = summary::handler_name(f, cx);
    }
    built.add_messages();
    let usage = &mut built.usage;
    if let sites::SiteKind::Redirect {
        source: Some(from), ..
    } = site.kind
        && let Some(path) = syntax::string_value(from, cx.src)
    {
        usage.evidence.texts.push((TextSource::Route, path));
    }
    if let Some(location) = built.location {
        let (target, normalisation) = evidence::target(location, function, cx);
        usage.target = Some(target);
        usage.evidence.normalisation = normalisation;
    }
    Some((built.usage, site.node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Body, Code};
    use std::path::Path;

    fn facts(src: &str) -> FileFacts {
        extract(Path::new("x.rs"), src)
    }

    fn methods_of(facts: &FileFacts, handler: &str) -> Vec<Method> {
        let mut out: Vec<Method> = facts
            .routes
            .iter()
            .filter(|r| r.handler == handler)
            .flat_map(|r| r.methods.clone())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn axum_method_routers() {
        let f = facts(
            r#"use axum::routing::{get, on, post, MethodFilter};
            fn app() -> Router {
                Router::new()
                    .route("/a", get(show).post(handlers::create))
                    .route("/b", on(MethodFilter::PUT.or(MethodFilter::PATCH), update))
                    .route("/c", axum::routing::delete(remove.layer(x)))
            }"#,
        );
        assert_eq!(methods_of(&f, "show"), [Method::Get]);
        assert_eq!(methods_of(&f, "create"), [Method::Post]);
        assert_eq!(methods_of(&f, "update"), [Method::Put, Method::Patch]);
        assert_eq!(methods_of(&f, "remove"), [Method::Delete]);
        let show = f.routes.iter().find(|r| r.handler == "show").unwrap();
        assert_eq!(show.path.as_deref(), Some("/a"));
    }

    #[test]
    fn actix_routes_and_attributes() {
        let f = facts(
            r#"use actix_web::{web, post, route};
            #[post("/login")]
            async fn login() -> HttpResponse { HttpResponse::Ok().finish() }
            #[route("/both", method = "GET", method = "PUT")]
            async fn both() -> HttpResponse { HttpResponse::Ok().finish() }
            fn config(cfg: &mut web::ServiceConfig) {
                cfg.service(web::resource("/items").route(web::post().to(add_item)));
                cfg.route("/x", web::delete().to(drop_x));
            }"#,
        );
        assert_eq!(methods_of(&f, "login"), [Method::Post]);
        assert_eq!(methods_of(&f, "both"), [Method::Get, Method::Put]);
        assert_eq!(methods_of(&f, "add_item"), [Method::Post]);
        assert_eq!(methods_of(&f, "drop_x"), [Method::Delete]);
        let add = f.routes.iter().find(|r| r.handler == "add_item").unwrap();
        assert_eq!(add.path.as_deref(), Some("/items"));
    }

    #[test]
    fn builder_headers_and_body_are_read() {
        let f = facts(
            r#"use actix_web::{http::header, HttpResponse};
            async fn h() -> HttpResponse {
                HttpResponse::Found().insert_header((header::LOCATION, "/next")).finish()
            }"#,
        );
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(302));
        assert!(u.headers.complete);
        assert_eq!(u.headers.value("location"), Some("/next"));
        assert_eq!(u.body, Body::Absent);
        assert_eq!(u.target.as_ref().map(|t| t.text.as_str()), Some("/next"));
    }

    #[test]
    fn comparisons_patterns_and_tests_are_not_choices() {
        let f = facts(
            r#"use http::StatusCode;
            fn check(r: &Response) -> bool {
                match r.status() { StatusCode::NOT_FOUND => false, _ => r.status() == StatusCode::OK }
            }
            #[cfg(test)]
            mod tests { fn t() -> StatusCode { StatusCode::IM_A_TEAPOT } }
            #[tokio::test]
            async fn t2() { let _ = StatusCode::USE_PROXY; }"#,
        );
        assert!(f.usages.is_empty(), "{:?}", f.usages);
    }

    #[test]
    fn a_response_handed_to_a_helper_is_not_fully_known() {
        let f = facts(
            r#"use axum::http::StatusCode;
            async fn h() -> Response {
                api_error(StatusCode::UNAUTHORIZED, "bad password")
            }"#,
        );
        let u = &f.usages[0];
        assert!(!u.headers.complete);
        assert_eq!(u.body, Body::Unknown);
        assert!(u.evidence.texts.iter().any(|(_, t)| t == "bad password"));
    }

    #[test]
    fn error_variants_with_their_messages_and_mappings() {
        let f = extract(
            Path::new("src/api/error.rs"),
            r#"use axum::http::StatusCode;
            #[derive(thiserror::Error)]
            pub enum ApiError {
                #[error("no session token")]
                NoSession,
                Other(String),
            }
            impl std::fmt::Display for Other {
                fn fmt(&self, f: &mut Formatter) -> fmt::Result {
                    match self { Other::Gone => write!(f, "it is gone") }
                }
            }
            impl IntoResponse for ApiError {
                fn into_response(self) -> Response {
                    let status = match self {
                        Self::NoSession => StatusCode::FORBIDDEN,
                        ApiError::Other(_) | crate::x::E::Y => StatusCode::INTERNAL_SERVER_ERROR,
                    };
                    (status, self.to_string()).into_response()
                }
            }"#,
        );
        let m: Vec<(String, &str, &str)> = f
            .summary
            .variant_messages
            .iter()
            .map(|m| {
                (
                    m.error_type.display(),
                    m.variant.as_str(),
                    m.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            m,
            [
                (
                    "api::error::ApiError".into(),
                    "NoSession",
                    "no session token"
                ),
                // Not defined here, nor imported: only its name is known.
                ("Other".into(), "Gone", "it is gone"),
            ]
        );
        let uses: Vec<(String, &str)> = f
            .summary
            .per_variant
            .iter()
            .map(|v| (v.error_type.display(), v.variant.as_str()))
            .collect();
        assert_eq!(
            uses,
            [
                ("api::error::ApiError".into(), "NoSession"),
                ("api::error::ApiError".into(), "Other"),
                ("x::E".into(), "Y"),
            ]
        );
    }

    #[test]
    fn helpers_say_what_their_status_parameter_becomes() {
        let f = extract(
            Path::new("src/http.rs"),
            r#"use axum::http::{header, StatusCode};
            pub fn reject(why: &str, code: StatusCode) -> Response {
                (code, why.to_string()).into_response()
            }
            pub fn challenge(code: StatusCode) -> Response {
                (code, [(header::WWW_AUTHENTICATE, "Bearer")], "no").into_response()
            }
            pub fn numeric(code: u16) -> Response {
                Response::builder().status(StatusCode::from_u16(code).unwrap()).body(Body::empty()).unwrap()
            }
            pub fn stored(code: StatusCode) -> ApiError { ApiError { status: code } }"#,
        );
        let h: Vec<(String, usize, bool, bool)> = f
            .summary
            .helpers
            .iter()
            .map(|h| {
                (
                    h.key.display(),
                    h.parameter,
                    h.headers.complete,
                    h.headers.has("www-authenticate"),
                )
            })
            .collect();
        assert_eq!(
            h,
            [
                ("http::reject".into(), 1, true, false),
                ("http::challenge".into(), 0, true, true),
                ("http::numeric".into(), 0, true, false),
            ]
        );
    }

    #[test]
    fn a_status_returned_as_an_error_value_goes_to_the_caller() {
        let f = extract(
            Path::new("src/auth.rs"),
            r#"use axum::http::StatusCode;
            fn session(t: Option<&str>) -> Result<&str, StatusCode> {
                t.ok_or(StatusCode::UNAUTHORIZED)
            }
            async fn me(t: Option<&str>) -> Result<String, StatusCode> {
                let user = session(t)?;
                Ok(user.into())
            }"#,
        );
        assert!(!f.usages[0].headers.complete, "not a whole response");
        assert_eq!(
            f.summary.error_values[0].function.display(),
            "auth::session"
        );
        assert_eq!(f.summary.propagations[0].callee.display(), "auth::session");
        assert_eq!(f.summary.propagations[0].handler, "me");
    }

    #[test]
    fn actix_error_helpers_carry_their_message() {
        let f = facts(
            r#"use actix_web::error;
            async fn h() -> Result<HttpResponse, Error> {
                Err(error::ErrorForbidden("no credentials sent"))
            }"#,
        );
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(403));
        assert!(
            u.evidence
                .texts
                .iter()
                .any(|(_, t)| t == "no credentials sent")
        );
    }

    #[test]
    fn redirect_targets_follow_local_variables() {
        let f = facts(
            r#"use axum::response::Redirect;
            async fn to_https(host: String, uri: Uri) -> Redirect {
                let target = format!("https://{host}{}", uri.path());
                Redirect::temporary(&target)
            }"#,
        );
        let t = f.usages[0].target.as_ref().unwrap();
        assert_eq!(t.text, "https://{host}{}");
        assert!(t.keeps_host && t.keeps_path);
    }

    #[test]
    fn framework_decides_what_redirect_to_means() {
        let axum = facts(
            "use axum::response::Redirect; async fn h() -> Redirect { Redirect::to(\"/x\") }",
        );
        assert_eq!(axum.usages[0].code, Code::Exact(303));
        let actix = facts(
            "use actix_web::web::Redirect; async fn h() -> Redirect { Redirect::to(\"/x\") }",
        );
        assert_eq!(actix.usages[0].code, Code::Exact(307));
        let permanent = facts(
            "use actix_web::web; async fn h() -> impl Responder { web::Redirect::to(\"/x\").permanent() }",
        );
        assert_eq!(permanent.usages[0].code, Code::Exact(308));
        let both = facts(
            "use actix_web::web; use axum::x; async fn h() -> Redirect { Redirect::to(\"/x\") }",
        );
        assert!(
            both.usages.is_empty(),
            "two frameworks disagree: say nothing"
        );
    }
}
