//! Index: joins what each file says about names other files use (routes, error variants,
//! helpers, error values) across the project, and turns each use into facts at the place
//! the decision is made. Names join within one source kind, by module path and name.

use crate::classify::SourceKind;
use crate::summary::{HandlerSetting, Key, Summary};
use crate::usage::{Body, Code, Headers, Method, Resource, RouteBinding, TextSource, Usage};
use crate::walk::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files whose folder is a project's root.
const PROJECT_MARKERS: &[&str] = &[
    "Cargo.toml",
    "pyproject.toml",
    "package.json",
    "go.mod",
    ".git",
];

/// The project a file belongs to: the nearest folder above it holding a manifest
/// (Cargo.toml, pyproject.toml, package.json, go.mod) or `.git`, and never above the
/// folder statuslint reads referenced files from (`walk::project_root`), so a stray
/// `package.json` in a home folder does not make it read the whole home.
pub fn project_root(file: &Path) -> Option<PathBuf> {
    let file = file.canonicalize().ok()?;
    let bound = crate::walk::project_root(&file);
    file.parent()?
        .ancestors()
        .take_while(|d| d.starts_with(&bound))
        .find(|d| PROJECT_MARKERS.iter().any(|m| d.join(m).exists()))
        .map(Path::to_path_buf)
}

/// What a file not read this time says (the rest of the project around files linted one by
/// one, or the files an editor has not opened).
#[derive(Clone, Debug)]
pub struct Known {
    pub kind: SourceKind,
    /// The path as the user sees it.
    pub display: String,
    pub routes: Vec<RouteBinding>,
    pub summary: Summary,
    /// The handlers the file defines (the functions its usages are in).
    pub handlers: Vec<Key>,
}

impl Known {
    /// What `file` says for the rest of the project.
    pub fn of(file: SourceFile) -> Known {
        Known {
            kind: file.kind,
            handlers: handler_keys(&file.facts.summary, &file.facts.usages),
            display: file.display,
            routes: file.facts.routes,
            summary: *file.facts.summary,
        }
    }
}

/// A handler's key: its file's module, then its name, which is `Type::method` for a Rust
/// method (a Python method's `View.post` stays one segment, as its routes name it).
fn handler_key(summary: &Summary, handler: &str) -> Key {
    let mut segments = summary.module.clone();
    segments.extend(handler.split("::").map(String::from));
    Key::full(segments)
}

fn handler_keys(summary: &Summary, usages: &[Usage]) -> Vec<Key> {
    let mut keys: Vec<Key> = usages
        .iter()
        .filter_map(|u| u.handler.as_deref())
        .map(|h| handler_key(summary, h))
        .collect();
    keys.dedup();
    keys
}

/// The handler names an index walk must still look for in the files it deferred (those
/// that may define a handler but say nothing else the index reads), so that the files read
/// get the same routes as in a walk of the whole tree: the names of the bindings that may
/// bind a handler of `files` (another handler of that name makes the binding ambiguous),
/// and of every binding to the same paths (their methods are the resource's).
pub fn names_to_read(files: &[SourceFile], known: &[Known]) -> Vec<String> {
    let own: Vec<(SourceKind, Key)> = files
        .iter()
        .flat_map(|f| {
            handler_keys(&f.facts.summary, &f.facts.usages)
                .into_iter()
                .map(move |k| (f.kind, k))
        })
        .collect();
    let bindings: Vec<(SourceKind, &RouteBinding)> = files
        .iter()
        .flat_map(|f| f.facts.routes.iter().map(move |r| (f.kind, r)))
        .chain(
            known
                .iter()
                .flat_map(|k| k.routes.iter().map(move |r| (k.kind, r))),
        )
        .collect();
    let ours: Vec<&(SourceKind, &RouteBinding)> = bindings
        .iter()
        .filter(|(kind, b)| own.iter().any(|(k, key)| k == kind && b.key.may_name(key)))
        .collect();
    let paths: Vec<&String> = ours.iter().filter_map(|(_, b)| b.path.as_ref()).collect();
    let mut names: Vec<String> = bindings
        .iter()
        .filter(|(_, b)| {
            ours.iter().any(|(_, o)| std::ptr::eq(*o, *b))
                || b.path.as_ref().is_some_and(|p| paths.contains(&p))
        })
        .map(|(_, b)| {
            // `Legacy.post` is defined as `post` in `class Legacy`.
            let name = b.key.name();
            name.rsplit('.').next().unwrap_or(name).to_string()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A filter for texts that hold one of `names` as a whole word; None for no names.
pub fn mentioning(names: &[String]) -> Option<regex::bytes::Regex> {
    if names.is_empty() {
        return None;
    }
    let words: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    regex::bytes::Regex::new(&format!(r"\b(?:{})\b", words.join("|"))).ok()
}

/// What the index reads of one file, read this time or known from before.
struct View<'a> {
    kind: SourceKind,
    display: &'a str,
    summary: &'a Summary,
}

/// Joins `files` with each other and with `more`, the files not read this time.
pub fn join(files: &mut [SourceFile], more: &[Known]) {
    let views: Vec<View> = files
        .iter()
        .map(|f| View {
            kind: f.kind,
            display: &f.display,
            summary: &f.facts.summary,
        })
        .chain(more.iter().map(|k| View {
            kind: k.kind,
            display: &k.display,
            summary: &k.summary,
        }))
        .collect();
    // Only the few files that define something are searched for each use: scanning every
    // file of a large tree per use made the join quadratic.
    let defining = |has: fn(&Summary) -> bool| -> Vec<&View> {
        views.iter().filter(|w| has(w.summary)).collect()
    };
    let with_messages = defining(|s| !s.variant_messages.is_empty());
    let with_helpers = defining(|s| !s.helpers.is_empty());
    let with_handlers = defining(|s| !s.error_handlers.is_empty());
    let with_values = defining(|s| !s.error_values.is_empty());
    let with_fixed = defining(|s| !s.fixed_helpers.is_empty());
    let with_exception_handlers = defining(|s| !s.exception_handlers.is_empty());
    let settings: Vec<(SourceKind, &str, &HandlerSetting)> = views
        .iter()
        .flat_map(|w| {
            w.summary
                .exception_handler_settings
                .iter()
                .map(move |s| (w.kind, w.display, s))
        })
        .collect();
    let mut added: Vec<Vec<Usage>> = vec![Vec::new(); files.len()];
    let mut edits: Vec<Vec<(usize, Edit)>> = vec![Vec::new(); files.len()];
    for i in 0..files.len() {
        let own = &views[i];
        for v in &own.summary.per_variant {
            let messages: Vec<&str> = unique_by(
                with_messages
                    .iter()
                    .filter(|w| w.kind == own.kind)
                    .flat_map(|w| {
                        w.summary
                            .variant_messages
                            .iter()
                            .filter(|m| {
                                m.variant == v.variant && v.error_type.may_name(&m.error_type)
                            })
                            .map(|m| (&m.error_type, m.message.as_str()))
                    }),
            );
            edits[i].push((
                v.usage,
                Edit::Variant {
                    variant: v.variant.clone(),
                    message: messages.first().map(|m| m.to_string()),
                },
            ));
        }
        for call in &own.summary.calls {
            let helpers = named(
                &with_helpers,
                own.kind,
                &call.callee,
                |s| &s.helpers,
                |h| &h.key,
            );
            if let Some((display, helper)) =
                helpers.iter().find(|(_, h)| h.parameter == call.argument)
            {
                edits[i].push((
                    call.usage,
                    Edit::Helper {
                        headers: helper.headers.clone(),
                        body: helper.body,
                        origin: format!(
                            "the response is built by `{}`, defined at {display}:{}",
                            helper.key.name(),
                            helper.line
                        ),
                    },
                ));
            }
        }
        for n in &own.summary.numbers {
            let helpers = named(
                &with_helpers,
                own.kind,
                &n.callee,
                |s| &s.helpers,
                |h| &h.key,
            );
            let Some((display, helper)) = helpers.iter().find(|(_, h)| h.parameter == n.argument)
            else {
                continue;
            };
            let mut usage = Usage::new(n.span.clone(), Code::Exact(n.code), n.spelled.clone());
            usage.headers = helper.headers.clone();
            usage.body = helper.body;
            usage.handler = n.handler.clone();
            usage
                .evidence
                .texts
                .extend(n.handler.iter().map(|h| (TextSource::Handler, h.clone())));
            usage
                .evidence
                .texts
                .extend(n.messages.iter().map(|m| (TextSource::Message, m.clone())));
            usage.evidence.origin.push(format!(
                "the response is built by `{}`, defined at {display}:{}, with this number as its status",
                helper.key.name(),
                helper.line
            ));
            added[i].push(usage);
        }
        for call in &own.summary.plain_calls {
            let helpers = named(
                &with_fixed,
                own.kind,
                &call.callee,
                |s| &s.fixed_helpers,
                |h| &h.key,
            );
            let Some((display, helper)) = helpers.first() else {
                continue;
            };
            // The call's own evidence (the handler, its condition, the call's message)
            // judges the code the helper always answers with.
            let mut usage = call.usage.clone();
            usage.code = Code::Exact(helper.code);
            if helper.redirects {
                usage.headers.add("location", None);
            }
            usage.evidence.origin.push(format!(
                "`{}` (defined at {display}:{}) always answers with `{}`",
                helper.key.name(),
                helper.line,
                helper.spelled
            ));
            added[i].push(usage);
        }
        if !own.summary.unchallenged.is_empty()
            && let Some(origin) = dropped_challenge(own.kind, &settings, &with_exception_handlers)
        {
            for &at in &own.summary.unchallenged {
                edits[i].push((
                    at,
                    Edit::Unchallenged {
                        origin: origin.clone(),
                    },
                ));
            }
        }
        for raised in &own.summary.raised {
            let handler = with_handlers
                .iter()
                .filter(|w| w.kind == own.kind)
                .find_map(|w| {
                    w.summary
                        .error_handlers
                        .iter()
                        .find(|h| h.code.is_none_or(|c| c == raised.code))
                        .map(|h| (w.display, h.line))
                });
            if let Some((display, line)) = handler {
                edits[i].push((
                    raised.usage,
                    Edit::Handled {
                        origin: format!(
                            "the app's error handler registered at {display}:{line} builds the response"
                        ),
                    },
                ));
            }
        }
        for p in &own.summary.propagations {
            let values = named(
                &with_values,
                own.kind,
                &p.callee,
                |s| &s.error_values,
                |e| &e.function,
            );
            let Some((_, first)) = values.first() else {
                continue;
            };
            // Every error value of the one function named, each code once.
            let function = &first.function;
            let mut codes = Vec::new();
            for (display, e) in with_values.iter().flat_map(|w| {
                w.summary
                    .error_values
                    .iter()
                    .filter(|e| w.kind == own.kind && &e.function == function)
                    .map(move |e| (w.display, e))
            }) {
                if codes.contains(&e.code) {
                    continue;
                }
                codes.push(e.code.clone());
                let mut usage = Usage::new(p.span.clone(), e.code.clone(), e.spelled.clone());
                usage.headers = Headers::complete();
                usage.body = Body::Absent;
                usage.handler = Some(p.handler.clone());
                usage
                    .evidence
                    .texts
                    .push((TextSource::Handler, p.handler.clone()));
                usage.evidence.origin.push(format!(
                    "`{}` (defined at {display}:{}) returns `{}` as its error, and `?` sends it as the whole response",
                    function.name(),
                    e.line,
                    e.spelled
                ));
                added[i].push(usage);
            }
        }
    }
    drop(views);
    for ((file, edits), added) in files.iter_mut().zip(edits).zip(added) {
        for (at, edit) in edits {
            if let Some(usage) = file.facts.usages.get_mut(at) {
                edit.apply(usage);
            }
        }
        file.facts.usages.extend(added);
    }
    join_routes(files, more);
}

/// What the index learnt about one usage.
#[derive(Clone)]
enum Edit {
    Variant {
        variant: String,
        message: Option<String>,
    },
    Helper {
        headers: Headers,
        body: Body,
        origin: String,
    },
    /// An error handler of the app builds the response, and may add what is missing.
    Handled { origin: String },
    /// The project's exception handler builds the response, and adds no challenge.
    Unchallenged { origin: String },
}

impl Edit {
    fn apply(self, usage: &mut Usage) {
        match self {
            Edit::Variant { variant, message } => {
                // The message first: it says plainest what went wrong.
                usage
                    .evidence
                    .texts
                    .extend(message.map(|m| (TextSource::Message, m)));
                usage.evidence.texts.push((TextSource::Variant, variant));
            }
            Edit::Helper {
                headers,
                body,
                origin,
            } => {
                usage.headers = headers;
                if usage.body == Body::Unknown {
                    usage.body = body;
                }
                usage.evidence.origin.push(origin);
            }
            Edit::Unchallenged { origin } => {
                usage.headers.complete = true;
                usage.evidence.origin.push(origin);
            }
            Edit::Handled { origin } => {
                usage.headers.complete = false;
                if usage.body == Body::Absent {
                    usage.body = Body::Unknown;
                }
                usage.evidence.origin.push(origin);
            }
        }
    }
}

/// Why a 401 raised for the framework to challenge goes out without one: the one exception
/// handler the project's settings name is found, and it neither starts from the
/// framework's handler nor sets WWW-Authenticate. None when it may keep the challenge, or
/// cannot be read.
fn dropped_challenge(
    kind: SourceKind,
    settings: &[(SourceKind, &str, &HandlerSetting)],
    handlers: &[&View],
) -> Option<String> {
    let [(_, display, setting)] = settings
        .iter()
        .filter(|(k, _, _)| *k == kind)
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let found = unique_by(handlers.iter().filter(|w| w.kind == kind).flat_map(|w| {
        w.summary
            .exception_handlers
            .iter()
            .filter(|h| setting.handler.may_name(&h.key))
            .map(move |h| (&h.key, (w.display, h)))
    }));
    let (defined, handler) = found.first()?;
    (!handler.keeps_challenge).then(|| {
        format!(
            "the project's EXCEPTION_HANDLER (named at {display}:{}) is `{}`, defined at {defined}:{}, which builds the response without the WWW-Authenticate challenge DRF's own handler adds",
            setting.line,
            handler.key.name(),
            handler.line
        )
    })
}

/// The values of the one definition `found` names, or nothing when it names several
/// (two `ApiError`s in two modules, and the name does not say which).
/// The definitions `callee` may name in the files of `kind` (one list of each file's
/// summary, `key` naming each definition), with the file each is in; none when the name
/// could mean definitions of two keys (see [`unique_by`]).
fn named<'a, D>(
    files: &[&View<'a>],
    kind: SourceKind,
    callee: &Key,
    definitions: impl Fn(&'a Summary) -> &'a [D],
    key: impl Fn(&D) -> &Key,
) -> Vec<(&'a str, &'a D)> {
    let key = &key;
    unique_by(files.iter().filter(|w| w.kind == kind).flat_map(|w| {
        definitions(w.summary)
            .iter()
            .filter(move |d| callee.may_name(key(d)))
            .map(move |d| (key(d), (w.display, d)))
    }))
}

fn unique_by<'k, T>(found: impl Iterator<Item = (&'k Key, T)>) -> Vec<T> {
    let mut key: Option<&Key> = None;
    let mut out = Vec::new();
    for (k, value) in found {
        match key {
            Some(seen) if seen != k => return Vec::new(),
            _ => key = Some(k),
        }
        out.push(value);
    }
    out
}

/// Handlers are often routed in another file than the one that defines them: give each
/// usage the methods and paths its handler is routed with anywhere in the project, in a
/// file of the same language (a Python `create` says nothing of a Rust `create`). A router
/// names a handler by its path as written: a name that could be two handlers (`create`,
/// with one in `todo` and one in `users`) binds the one in the router's own file, or none.
fn join_routes(files: &mut [SourceFile], more: &[Known]) {
    // Every handler defined, by kind, with the file (index) it is in.
    type Defined = (SourceKind, Key, usize);
    let mut defined: Vec<Defined> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        for key in handler_keys(&file.facts.summary, &file.facts.usages) {
            defined.push((file.kind, key, i));
        }
    }
    for (j, known) in more.iter().enumerate() {
        for key in &known.handlers {
            defined.push((known.kind, key.clone(), files.len() + j));
        }
    }
    type Routed = (Vec<Method>, Vec<String>);
    let mut routes: HashMap<(SourceKind, Key), Routed> = HashMap::new();
    let read = files.len();
    let bindings = files
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.facts.routes.iter().map(move |r| (f.kind, i, r)))
        .chain(
            more.iter()
                .enumerate()
                .flat_map(|(j, k)| k.routes.iter().map(move |r| (k.kind, read + j, r))),
        );
    // A name with segments names only handlers whose last segment it ends with (see
    // `Key::may_name`): each binding searches those, in order, not every handler (that
    // was quadratic in the project's handlers).
    let mut by_name: HashMap<(SourceKind, &str), Vec<&Defined>> = HashMap::new();
    for d in &defined {
        by_name.entry((d.0, d.1.name())).or_default().push(d);
    }
    for (kind, at, binding) in bindings {
        let named: Vec<&Defined> = if binding.key.segments.is_empty() {
            defined
                .iter()
                .filter(|(k, key, _)| *k == kind && binding.key.may_name(key))
                .collect()
        } else {
            by_name
                .get(&(kind, binding.key.name()))
                .into_iter()
                .flatten()
                .copied()
                .filter(|(_, key, _)| binding.key.may_name(key))
                .collect()
        };
        let mut keys: Vec<&Key> = named.iter().map(|(_, k, _)| k).collect();
        if named.iter().any(|(_, _, file)| *file == at) {
            keys = named
                .iter()
                .filter(|(_, _, file)| *file == at)
                .map(|(_, k, _)| k)
                .collect();
        }
        keys.dedup();
        let [key] = keys.as_slice() else { continue };
        let entry = routes.entry((kind, (*key).clone())).or_default();
        entry.0.extend(&binding.methods);
        entry.1.extend(binding.path.clone());
    }
    // Every method each path answers, whichever handler serves it.
    let mut by_path: HashMap<String, Vec<Method>> = HashMap::new();
    for (methods, paths) in routes.values_mut() {
        methods.sort();
        methods.dedup();
        paths.sort();
        paths.dedup();
        for path in paths.iter() {
            by_path.entry(path.clone()).or_default().extend(&*methods);
        }
    }
    for methods in by_path.values_mut() {
        methods.sort();
        methods.dedup();
    }
    for file in files.iter_mut() {
        let kind = file.kind;
        let summary = &file.facts.summary;
        for usage in &mut file.facts.usages {
            let Some((methods, paths)) = usage
                .handler
                .as_ref()
                .and_then(|h| routes.get(&(kind, handler_key(summary, h))))
            else {
                continue;
            };
            if usage.methods.is_none() {
                usage.methods = Some(methods.clone());
            }
            if let [path] = paths.as_slice()
                && usage.resource.is_none()
            {
                usage.resource = Some(Arc::new(Resource {
                    path: path.clone(),
                    methods: by_path.get(path).cloned().unwrap_or_default(),
                }));
            }
            for path in paths {
                usage.evidence.texts.push((TextSource::Route, path.clone()));
            }
        }
    }
}
