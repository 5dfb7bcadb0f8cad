//! Go handlers (net/http, gin, echo, chi, gorilla/mux, fiber) with tree-sitter-go.
//!
//! Spellings come from `data/apis/go.toml`; this module knows only Go syntax and hands the
//! rest to the shared code layer. A table method is read only on a value declared as the
//! framework's writer (`w http.ResponseWriter`, `c *gin.Context`), so a `JSON` method of
//! some other type is never taken for gin's.

mod response;
mod routes;
mod summary;
mod syntax;
pub mod table;

use super::context::{self, Place};
use super::evidence::{concatenation, follow_bindings, normalisation, template_target};
use super::response::{Chosen, Response};
use super::{Comment, MAX_SITE_DEPTH};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::extract::code::Parent;
use crate::knowledge::words;
use crate::usage::{Body, CodeToken, FileFacts, Target, TextSource, Usage};
use response::Writer;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use syntax::{Go, arguments, comment_text, enclosing_function, method_call, string_value, text};
use table::{BodyKind, CallEntry, CallKind, GO_APIS, On};
use tree_sitter::Node;

/// Tokens without which a Go file cannot choose a status the tables know: the packages.
pub const PREFILTER: &str =
    r#""net/http"|"github\.com/(gin-gonic/gin|labstack/echo|gofiber/fiber|go-chi/render)"#;

/// What the extractor knows of the whole file while it reads one site.
pub struct FileCx<'t> {
    pub src: &'t str,
    /// Framework name to the name its package is imported as.
    imports: HashMap<&'static str, String>,
    /// Every imported package: the name it is used by, and its folder's name.
    packages: HashMap<String, String>,
    /// This file's package folder, for the helpers it defines.
    module: Vec<String>,
    /// The helper being read for the index: it writes the response it is given a writer for.
    reading_helper: Cell<Option<usize>>,
    /// Each function's parameters, by its node: asked for at every site and every call.
    parameters: RefCell<HashMap<usize, Rc<Parameters>>>,
}

type Parameters = Vec<(Option<syntax::Span>, Option<syntax::Span>, syntax::Span)>;

impl<'t> FileCx<'t> {
    /// The type names of a function's parameters, one per declared name, without `*` and
    /// package (`w http.ResponseWriter, r *http.Request` gives ResponseWriter, Request),
    /// with the package qualifier each was written with.
    pub fn parameters(&self, function: Node) -> Vec<(&'t str, Option<&'t str>, &'t str)> {
        let spans = self
            .parameters
            .borrow_mut()
            .entry(function.id())
            .or_insert_with(|| Rc::new(syntax::parameter_spans(function)))
            .clone();
        let src = self.src;
        let at = |span: &syntax::Span| src.get(span.clone()).unwrap_or("");
        spans
            .iter()
            .map(|(name, package, ty)| {
                (
                    name.as_ref().map_or("_", at),
                    package.as_ref().map(at),
                    at(ty),
                )
            })
            .collect()
    }

    fn alias(&self, framework: &str) -> Option<&str> {
        self.imports.get(framework).map(String::as_str)
    }

    /// The frameworks the file imports.
    fn frameworks(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.imports.keys().copied()
    }

    /// A function whose parameters are a framework's handler signature (or the helper being
    /// read, which answers for its caller).
    pub fn is_handler(&self, function: Node) -> bool {
        if self.reading_helper.get() == Some(function.id()) {
            return true;
        }
        let params = self.parameters(function);
        GO_APIS.writers.iter().any(|(framework, w)| {
            let Some(alias) = self.alias(framework) else {
                return false;
            };
            params.len() == w.handler.len()
                && params
                    .iter()
                    .zip(&w.handler)
                    .all(|((_, package, ty), want)| *package == Some(alias) && ty == want)
        })
    }
}

/// The name a package is known by: its last path segment, before a `/vN` suffix.
fn package_name(path: &str) -> &str {
    let mut segments = path.rsplit('/');
    let last = segments.next().unwrap_or(path);
    if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        segments.next().unwrap_or(last)
    } else {
        last
    }
}

fn file_cx<'t>(path: &Path, root: Node, src: &'t str) -> FileCx<'t> {
    let mut imports = HashMap::new();
    let mut packages = HashMap::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "import_spec" => {
                let Some(path) = node.field("path").and_then(|p| string_value(p, src)) else {
                    continue;
                };
                let name = node.field("name").map(|n| text(n, src));
                let folder = package_name(&path).to_string();
                packages.insert(name.unwrap_or(&folder).to_string(), folder.clone());
                for (framework, prefix) in &GO_APIS.frameworks {
                    let matches = path == *prefix
                        || path.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                            rest.strip_prefix("/v").is_some_and(|v| {
                                !v.is_empty() && v.chars().all(|c| c.is_ascii_digit())
                            })
                        });
                    if matches {
                        let alias = name.unwrap_or_else(|| package_name(&path)).to_string();
                        // A blank or dot import gives no name to qualify calls with.
                        if alias != "_" && alias != "." {
                            imports.insert(framework.as_str(), alias);
                        }
                    }
                }
            }
            "source_file" | "import_declaration" | "import_spec_list" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            _ => {}
        }
    }
    FileCx {
        src,
        imports,
        packages,
        module: summary::module_of(path),
        reading_helper: Cell::new(None),
        parameters: RefCell::default(),
    }
}

/// Test files check codes; they do not choose them.
fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with("_test.go"))
        || super::in_test_folder(path)
}

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    if is_test_file(path) {
        return facts;
    }
    let Some(tree) = super::parse_file(
        "go",
        "Go",
        || tree_sitter_go::LANGUAGE.into(),
        &syntax::parseable(src),
        " (a syntax error, or syntax newer than the parser knows)",
        &mut facts,
    ) else {
        return facts;
    };
    let root = tree.root_node();
    let cx = file_cx(path, root, src);
    facts.summary.module = cx.module.clone();
    if cx.imports.is_empty() {
        return facts;
    }
    let nodes = Nodes::collect(root, src);
    for call in &nodes.calls {
        if let Some(reg) = routes::registration(*call, src)
            && let Some(binding) = routes::binding(&reg, src)
        {
            facts.routes.push(binding);
        }
    }
    let comments = &nodes.comments;
    let mut taken: HashSet<usize> = HashSet::new();
    for usage in nodes
        .calls
        .iter()
        .filter_map(|c| call_usage(*c, &cx, comments))
    {
        if taken.insert(usage.span.start) {
            facts.usages.push(usage);
        }
    }
    for constant in &nodes.constants {
        if let Some(usage) = constant_usage(*constant, &cx, comments, &taken) {
            facts.usages.push(usage);
        }
    }
    facts.usages.sort_by_key(|u| u.span.start);
    for function in &nodes.functions {
        summary::helpers(*function, &cx, &mut facts.summary.helpers);
        facts
            .summary
            .fixed_helpers
            .extend(summary::fixed_helper(*function, &cx, &facts.usages));
    }
    for call in &nodes.calls {
        for found in summary::helper_call(*call, &cx, &facts.usages) {
            facts.summary.add_call(found);
        }
        facts
            .summary
            .plain_calls
            .extend(summary::plain_call(*call, &cx, comments));
    }
    if let Some(line) = nodes.too_deep {
        facts.notes.push(format!(
            "line {line}: code nested more than {MAX_SITE_DEPTH} levels deep was skipped"
        ));
    }
    facts
}

/// The nodes of a file worth a second look, found in one walk of the tree.
#[derive(Default)]
struct Nodes<'t> {
    calls: Vec<Node<'t>>,
    /// Function and method declarations.
    functions: Vec<Node<'t>>,
    /// `http.StatusX` and `fiber.StatusX` selectors.
    constants: Vec<Node<'t>>,
    comments: Vec<Comment>,
    too_deep: Option<usize>,
}

impl<'t> Nodes<'t> {
    /// Walks the tree once, skipping imports.
    fn collect(root: Node<'t>, src: &str) -> Nodes<'t> {
        let mut nodes = Nodes::default();
        let too_deep = super::walk(root, |node| {
            match node.kind_name() {
                "import_declaration" => return false,
                "comment" => nodes.comments.push(Comment {
                    start: node.start_byte(),
                    row: node.start_position().row,
                    text: comment_text(node, src),
                }),
                "call_expression" => nodes.calls.push(node),
                "function_declaration" | "method_declaration" => nodes.functions.push(node),
                "selector_expression"
                    if node
                        .field("field")
                        .is_some_and(|f| GO_APIS.status_names.contains_key(text(f, src))) =>
                {
                    nodes.constants.push(node)
                }
                _ => {}
            }
            true
        });
        nodes.too_deep = too_deep;
        nodes
    }
}

/// A code as written: `404`, `http.StatusNotFound`, `fiber.StatusNotFound`.
pub struct CodeValue {
    pub code: u32,
    pub spelled: String,
    pub bare: bool,
}

pub fn code_value(node: Node, cx: &FileCx) -> Option<CodeValue> {
    let written = text(node, cx.src).to_string();
    match node.kind_name() {
        "int_literal" => written.replace('_', "").parse().ok().map(|code| CodeValue {
            code,
            spelled: written,
            bare: true,
        }),
        "selector_expression" => {
            let operand = text(node.field("operand")?, cx.src);
            let field = text(node.field("field")?, cx.src);
            let known = GO_APIS
                .constant_frameworks
                .iter()
                .any(|f| cx.alias(f) == Some(operand));
            let code = *GO_APIS.status_names.get(field).filter(|_| known)?;
            Some(CodeValue {
                code,
                spelled: written,
                bare: false,
            })
        }
        "parenthesized_expression" => code_value(node.named_child(0)?, cx),
        _ => None,
    }
}

/// The named constant for a bare number, and a fix when the file imports its package.
fn alternative(code: u32, node: Node, cx: &FileCx) -> (Option<String>, Option<CodeToken>) {
    let Some(name) = GO_APIS
        .status_names
        .iter()
        .find(|(_, c)| **c == code)
        .map(|(n, _)| n)
    else {
        return (None, None);
    };
    let imported = GO_APIS.constant_frameworks.iter().find_map(|f| cx.alias(f));
    let spelling = format!("{}.{name}", imported.unwrap_or("http"));
    let token = imported.map(|_| CodeToken {
        span: node.byte_range(),
        spellings: vec![(code, spelling.clone())],
    });
    (Some(spelling), token)
}

/// The table entry a call matches, and the writer it is called on.
pub fn entry_of<'t>(
    call: Node<'t>,
    cx: &FileCx<'t>,
) -> Option<(&'static CallEntry, Option<Writer<'t>>)> {
    let (receiver, name) = method_call(call, cx.src)?;
    let given = arguments(call).len();
    // A call without the target its entry reads is another shape of the same name (fiber
    // v2's `c.Redirect(url)` beside v3's builder `c.Redirect()`).
    let fits = |e: &&CallEntry| {
        e.call == name
            && e.target_argument.is_none_or(|i| i < given)
            && (e.builder.is_none() || given == 0)
    };
    for entry in GO_APIS.calls.iter().filter(fits) {
        match entry.on {
            On::Package => {
                if receiver.kind_name() == "identifier"
                    && cx.alias(&entry.framework) == Some(text(receiver, cx.src))
                {
                    return Some((entry, None));
                }
            }
            On::Writer => {
                let written = text(receiver, cx.src).replace(char::is_whitespace, "");
                let Some(root) = written.strip_suffix(entry.via.as_str()) else {
                    continue;
                };
                if let Some(found) = writer_named(root, call, &entry.framework, cx) {
                    return Some((entry, Some(found)));
                }
            }
        }
    }
    None
}

/// The parameter `name` of an enclosing function, when it is declared as a writer of
/// `framework`.
fn writer_named<'t>(
    name: &str,
    site: Node<'t>,
    framework: &str,
    cx: &FileCx<'t>,
) -> Option<Writer<'t>> {
    let alias = cx.alias(framework)?;
    let types = &GO_APIS.writers.get(framework)?.types;
    let mut current = enclosing_function(site);
    while let Some(function) = current {
        for (param, package, ty) in cx.parameters(function) {
            if param == name {
                let known = package == Some(alias) && types.iter().any(|t| t == ty);
                return known.then(|| Writer {
                    name: param,
                    framework: GO_APIS
                        .frameworks
                        .get_key_value(framework)
                        .map(|(k, _)| k.as_str())
                        .unwrap_or(""),
                    declared_in: function,
                });
            }
        }
        current = enclosing_function(function);
    }
    None
}

/// The parameter `name` of an enclosing function, when it is a writer of any framework the
/// file imports.
fn any_writer_named<'t>(name: &str, site: Node<'t>, cx: &FileCx<'t>) -> Option<Writer<'t>> {
    cx.frameworks()
        .find_map(|framework| writer_named(name, site, framework, cx))
}

fn call_usage(call: Node, cx: &FileCx, comments: &[Comment]) -> Option<Usage> {
    let (entry, writer) = entry_of(call, cx)?;
    let (call, code_node, args) = match &entry.builder {
        // The response is the chain's: its code from one link, sent by the last.
        Some(builder) => {
            let (sent, code_node) = builder_chain(call, builder, cx.src)?;
            (sent, code_node, arguments(sent))
        }
        None => {
            let args = arguments(call);
            (
                call,
                entry.code_argument.and_then(|i| args.get(i)).copied(),
                args,
            )
        }
    };
    let (code, span, spelled, implicit, bare) = match code_node.as_ref() {
        Some(node) => {
            let value = code_value(*node, cx)?;
            let spelled = format!("{}(.., {})", entry.call, value.spelled);
            (
                value.code,
                *node,
                spelled,
                false,
                value.bare.then_some(*node),
            )
        }
        None => (entry.code?, call, format!("{}(..)", entry.call), true, None),
    };
    let r = response_of(call, entry, writer.as_ref(), &args, Some(code), cx);
    let chosen = Chosen::exact(span.byte_range(), code, spelled)
        .implicit(implicit)
        .named(bare.map(|node| alternative(code, node, cx)));
    finish(r, chosen, call, cx, comments)
}

/// The response a table call sends, for `code` (None when a helper's parameter chooses it):
/// the headers set on its writer before, its body and messages.
fn response_of<'t>(
    call: Node<'t>,
    entry: &CallEntry,
    writer: Option<&Writer<'t>>,
    args: &[Node<'t>],
    code: Option<u32>,
    cx: &FileCx<'t>,
) -> Response<'t> {
    let mut r = Response::seen_whole();
    if let Some(w) = writer {
        r.headers = response::headers_before(w, call, cx);
    } else if entry.kind == CallKind::Error {
        // A returned error reaches the framework's error handler.
        let returned = call
            .parent_node()
            .is_some_and(|p| p.kind_name() == "expression_list")
            && call
                .parent_node()
                .and_then(|p| p.parent_node())
                .is_some_and(|p| p.kind_name() == "return_statement");
        if !returned || !enclosing_function(call).is_some_and(|f| cx.is_handler(f)) {
            r.seen_in_part();
        }
    } else if let Some(w) = args
        .first()
        .and_then(|a| (a.kind_name() == "identifier").then(|| text(*a, cx.src)))
        .and_then(|name| writer_named(name, call, "nethttp", cx))
    {
        // `http.Error(w, ..)`, `http.Redirect(w, r, ..)`: the writer comes first.
        r.headers = response::headers_before(&w, call, cx);
    } else if entry.call != "RedirectHandler" && entry.call != "NotFoundHandler" {
        r.seen_in_part();
    }
    if entry.kind == CallKind::Redirect {
        let target = match entry.builder {
            Some(_) => args.first(),
            None => entry.target_argument.and_then(|i| args.get(i)),
        };
        r.locate(target.copied());
    }
    for header in &entry.adds {
        r.headers.add(header, None);
    }
    r.body = match entry.body {
        BodyKind::Always => Body::Present,
        BodyKind::Never => Body::Absent,
        BodyKind::Argument => entry
            .body_argument
            .and_then(|i| args.get(i))
            .map_or(Body::Absent, |b| response::content_of(*b, cx.src)),
        BodyKind::StatusText if matches!(code, Some(100..=199 | 204 | 304)) => Body::Absent,
        BodyKind::StatusText => Body::Present,
        BodyKind::Later => match writer {
            Some(w) => response::body_after(call, w, cx, &mut r.messages),
            None => Body::Unknown,
        },
    };
    for i in &entry.message_arguments {
        if let Some(arg) = args.get(*i) {
            syntax::messages(*arg, cx.src, &mut r.messages);
        }
    }
    // fiber's `c.Status(400).JSON(fiber.Map{"error": ..})`: the chained call's messages.
    if let Some(outer) = call
        .parent_node()
        .filter(|p| p.kind_name() == "selector_expression")
        .and_then(|p| p.parent_node())
        .filter(|p| p.kind_name() == "call_expression")
    {
        // A stream writer's own strings are not the payload.
        for arg in arguments(outer)
            .into_iter()
            .filter(|a| a.kind_name() != "func_literal")
        {
            syntax::messages(arg, cx.src, &mut r.messages);
        }
    }
    if !entry.seen_whole {
        r.seen_in_part();
    }
    r
}

/// The call of the chain that sends the response (`.To(url)` of
/// `c.Redirect().Status(301).To(url)`) and the argument of its code link, if any. None when
/// the builder is kept for later: what it sends is decided elsewhere.
fn builder_chain<'t>(
    start: Node<'t>,
    builder: &table::Builder,
    src: &str,
) -> Option<(Node<'t>, Option<Node<'t>>)> {
    let mut code = None;
    let mut link = start;
    loop {
        let outer = link
            .parent_node()
            .filter(|p| p.kind_name() == "selector_expression")?
            .parent_node()
            .filter(|p| p.kind_name() == "call_expression")?;
        let (_, name) = method_call(outer, src)?;
        if name == builder.code_method {
            code = arguments(outer).first().copied();
        } else if builder.send_methods.iter().any(|m| m == name) {
            return Some((outer, code));
        }
        link = outer;
    }
}

/// A constant handed to code we cannot see (`writeError(w, http.StatusForbidden, "admins
/// only")`, `&APIError{Status: http.StatusNotFound, ..}`): the code and the messages beside
/// it are known, the response is not.
fn constant_usage(
    node: Node,
    cx: &FileCx,
    comments: &[Comment],
    taken: &HashSet<usize>,
) -> Option<Usage> {
    if taken.contains(&node.start_byte()) {
        return None;
    }
    let value = code_value(node, cx)?;
    // `c.JSON(http.StatusOK, gin.H{"code": http.StatusOK})`: the call chose the code; one
    // in its payload reports it.
    let chain = syntax::ancestors(node);
    if chain
        .iter()
        .any(|a| a.kind_name() == "call_expression" && entry_of(*a, cx).is_some())
    {
        return None;
    }
    let mut outer = node;
    let mut messages_from = None;
    // Each arm that goes on moves `outer` up to `parent`.
    for parent in chain {
        match parent.kind_name() {
            // Compared, matched, or a key: read, not chosen.
            "binary_expression" | "expression_case" => return None,
            "expression_list" if is_case(parent) => return None,
            "keyed_element" => {
                if parent.named_child(0).is_some_and(|k| k.id() == outer.id()) {
                    return None;
                }
                let literal = parent.parent_node().and_then(|l| l.parent_node());
                // `map[string]int{EINVALID: http.StatusBadRequest}`: a lookup table.
                if literal
                    .and_then(|l| l.field("type"))
                    .is_some_and(|t| t.kind_name() == "map_type")
                {
                    return None;
                }
                messages_from = parent.parent_node();
                break;
            }
            "literal_element" => outer = parent,
            "argument_list" => {
                let call = parent.parent_node()?;
                if method_call(call, cx.src).is_some_and(|(_, name)| name == "StatusText")
                    || text(call.field("function")?, cx.src) == "StatusText"
                {
                    return None;
                }
                messages_from = Some(parent);
                break;
            }
            "parenthesized_expression" => outer = parent,
            _ => break,
        }
    }
    let mut r = Response::seen_whole();
    r.seen_in_part();
    r.body = Body::Unknown;
    if let Some(m) = messages_from {
        syntax::messages(m, cx.src, &mut r.messages);
    }
    let chosen = Chosen::exact(node.byte_range(), value.code, value.spelled);
    finish(r, chosen, node, cx, comments)
}

fn is_case(node: Node) -> bool {
    node.kind_name() == "expression_case"
        || (node.kind_name() == "expression_list"
            && node
                .parent_node()
                .is_some_and(|p| p.kind_name() == "expression_case"))
}

/// Turns a response into a usage with the handler's context and the redirect target.
fn finish(
    r: Response,
    chosen: Chosen,
    site: Node,
    cx: &FileCx,
    comments: &[Comment],
) -> Option<Usage> {
    let mut built = r.into_usage(chosen)?;
    let scope = enclosing_function(site);
    // A closure written in a router call is the handler; otherwise the declared function
    // around it (a closure returned by `s.handleLogin()` is known by that name).
    let inline = scope.and_then(|s| routes::inline_route(s, cx.src));
    let function = match &inline {
        Some(_) => scope,
        None => syntax::ancestor(site, &["function_declaration", "method_declaration"]),
    };
    if let Some(reg) = &inline {
        built.usage.methods = reg.methods.clone();
        if let Some(path) = &reg.path {
            built
                .usage
                .evidence
                .texts
                .push((TextSource::Route, path.clone()));
        }
    }
    if let Some(s) = scope
        && let Some(methods) = routes::checked_methods(s, site, cx.src)
    {
        built.usage.methods = Some(methods);
    }
    let place = Place {
        site,
        function,
        scope,
    };
    context::describe::<Go>(&place, comments, cx.src, &mut built.usage);
    built.add_messages();
    if let Some(location) = built.location {
        let (target, normalised) = target(location, scope, cx);
        built.usage.target = Some(target);
        built.usage.evidence.normalisation = normalised;
    }
    Some(built.usage)
}

/// A redirect target: a literal, `fmt.Sprintf(...)`, a concatenation, or a local variable
/// bound to one of these earlier in the function.
fn target(node: Node, function: Option<Node>, cx: &FileCx) -> (Target, Option<String>) {
    let (current, provenance) = follow_bindings(node, cx.src, |id| {
        function.and_then(|f| binding(f, text(id, cx.src), id.start_byte(), cx.src))
    });
    let uses = go_identifiers(text(current, cx.src));
    let target = if let Some(value) = string_value(current, cx.src) {
        Target::literal(value)
    } else if current.kind_name() == "call_expression"
        && method_call(current, cx.src).is_some_and(|(_, n)| n == "Sprintf")
        && let Some(format) = arguments(current)
            .first()
            .and_then(|f| string_value(*f, cx.src))
    {
        template_target(format.replace("%s", "{}").replace("%v", "{}"), &uses)
    } else if current.kind_name() == "binary_expression" {
        let mut template = String::new();
        concatenation::<Go>(current, cx.src, &mut template);
        template_target(template, &uses)
    } else {
        template_target(text(current, cx.src).trim().to_string(), &uses)
    };
    let normalised = normalisation(&provenance, &target);
    (target, normalised)
}

/// Go's identifiers as the shared layer names request parts: `r.URL.RequestURI()` reads
/// `r url request_uri`.
fn go_identifiers(written: &str) -> String {
    written
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(|w| words(w).join("_"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value last assigned to `name` before `before` in the function.
fn binding<'t>(function: Node<'t>, name: &str, before: usize, src: &str) -> Option<Node<'t>> {
    super::last_binding(function, before, |node| {
        if !matches!(
            node.kind_name(),
            "short_var_declaration" | "assignment_statement"
        ) {
            return None;
        }
        let left = node.field("left")?;
        (text(left, src).trim() == name)
            .then(|| node.field("right")?.named_child(0))
            .flatten()
    })
}

#[cfg(test)]
mod tests;
