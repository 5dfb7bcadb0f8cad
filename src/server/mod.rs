//! `statuslint server`: the Language Server Protocol over stdio.
//!
//! Built on rust-analyzer's `lsp-server` (the message loop, synchronous, on the crossbeam
//! channels statuslint already uses) with `lsp-types` (the protocol's types).
//! `tower-lsp-server` would bring tokio and an async trait for a server whose work is
//! CPU-bound linting of one buffer at a time; a plain loop is smaller and easier to follow.
//!
//! Each open document is linted from its buffer text by `lint::lint_text`, the entry point
//! the command line uses for standard input, with the settings of its nearest config file
//! and the routes of the rest of the workspace (found by one walk at start, then kept up to
//! date from the open buffers). Changes are linted after a short pause in typing; a
//! document whose routes or helpers change re-checks the other open documents that use them. Every request and
//! lint runs behind `catch_unwind`: a failure becomes an LSP error or a log line, and the
//! server keeps serving.

mod actions;
mod diagnostics;
mod hover;
mod position;

use crate::classify::SourceKind;
use crate::config::{Config, FILE_NAMES};
use crate::diagnostic::Diagnostic;
use crate::index::Known;
use crate::lint::{KindRoute, lint_text, project_known};
use crate::settings::{Overrides, Resolver};
use crate::usage::Usage;
use crate::walk::{MAX_FILE_BYTES, WalkOptions};
use crossbeam_channel::{Receiver, Sender, never, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, LogMessageParams,
    MarkupContent, MarkupKind, MessageType, PublishDiagnosticsParams, Range, Registration,
    RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use position::{LineIndex, path_of};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// More files changed on disk at once than this are read by a new walk of the workspace.
const RESCAN_AFTER: usize = 64;

/// How long typing must pause before a changed buffer is linted again.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Serves one client on stdin and stdout until it says `exit` or hangs up.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let served = serve(&connection);
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    served
}

fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "statuslint".into(),
            version: Some(env!("STATUSLINT_VERSION").into()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection.sender.clone(), &params);
    loop {
        let wait = server.next_due().unwrap_or(Duration::from_secs(3600));
        select! {
            recv(connection.receiver) -> message => match message {
                Ok(Message::Request(request)) => {
                    if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    server.request(request);
                }
                Ok(Message::Notification(n)) if n.method == notif::Exit::METHOD => return Ok(()),
                Ok(Message::Notification(n)) => server.notification(n),
                Ok(Message::Response(_)) => {}
                Err(_) => return Ok(()),
            },
            recv(server.scan) -> routes => server.scanned(routes.unwrap_or_default()),
            default(wait) => server.lint_due(),
        }
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(actions::FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

struct Document {
    path: Option<PathBuf>,
    text: String,
    version: i32,
    linted: Linted,
}

/// What the last lint of a document found.
#[derive(Default)]
struct Linted {
    findings: Vec<(Diagnostic, lsp_types::Diagnostic)>,
    /// Notes on a line of the file (a YAML document that could not be read), shown there.
    notes: Vec<lsp_types::Diagnostic>,
    usages: Vec<Usage>,
    /// What the document tells the index about other files.
    known: Option<Known>,
    kind: Option<SourceKind>,
}

impl Linted {
    /// What the document defines for other files' uses, with its kind.
    fn definitions(&self) -> Option<(SourceKind, String)> {
        let known = self.known.as_ref()?;
        Some((known.kind, known.summary.definitions()))
    }

    fn routes(&self) -> Vec<KindRoute> {
        self.known.as_ref().map_or(Vec::new(), |k| {
            k.routes.iter().map(|r| (k.kind, r.clone())).collect()
        })
    }
}

/// The outcome of an answer: a result, or an LSP error code and message.
type Answer = Result<Value, (ErrorCode, String)>;

type Routes = Vec<(PathBuf, Known)>;

struct Server {
    sender: Sender<Message>,
    roots: Vec<PathBuf>,
    resolver: Arc<Resolver>,
    documents: HashMap<Uri, Document>,
    /// What the workspace's files tell the index (routes, helpers, error types), as they
    /// are on disk.
    disk_routes: HashMap<PathBuf, Known>,
    /// The walk of the workspace, until it reports.
    scan: Receiver<Routes>,
    /// Files changed on disk while a walk runs: it may have read them before the change,
    /// so they are read again when it reports.
    changed_during_scan: Option<HashSet<PathBuf>>,
    /// Documents to lint, and when.
    due: HashMap<Uri, Instant>,
    /// Config errors already shown, so that each is shown once.
    shown: HashSet<String>,
    next_id: i32,
}

impl Server {
    fn new(sender: Sender<Message>, params: &InitializeParams) -> Server {
        #[allow(deprecated)] // rootUri: older clients send only it.
        let roots: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) if !folders.is_empty() => {
                folders.iter().filter_map(|f| path_of(&f.uri)).collect()
            }
            _ => params.root_uri.iter().filter_map(path_of).collect(),
        };
        let mut server = Server {
            sender,
            roots,
            resolver: Arc::new(fresh_resolver()),
            documents: HashMap::new(),
            disk_routes: HashMap::new(),
            scan: never(),
            changed_during_scan: None,
            due: HashMap::new(),
            shown: HashSet::new(),
            next_id: 0,
        };
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if dynamic {
            server.watch_files();
        }
        server.start_scan();
        server
    }

    fn send(&self, message: impl Into<Message>) {
        // The client has gone when this fails; the loop ends on the next receive.
        let _ = self.sender.send(message.into());
    }

    fn notify<N: notif::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.into(), params));
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify::<notif::LogMessage>(LogMessageParams { typ, message });
    }

    /// Asks the client to report files changed outside the editor (a `git checkout`, a
    /// formatter): config files reload the settings, other files refresh what they route.
    fn watch_files(&mut self) {
        let watchers = vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String("**/*".into()),
            kind: None,
        }];
        let registration = Registration {
            id: "statuslint-files".into(),
            method: notif::DidChangeWatchedFiles::METHOD.into(),
            register_options: Some(serde_json::json!({ "watchers": watchers })),
        };
        self.next_id += 1;
        self.send(Request::new(
            RequestId::from(self.next_id),
            req::RegisterCapability::METHOD.into(),
            RegistrationParams {
                registrations: vec![registration],
            },
        ));
    }

    /// Walks the workspace in the background for the routes its files define.
    fn start_scan(&mut self) {
        if self.roots.is_empty() {
            return;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        let options = WalkOptions {
            paths: self.roots.clone(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            // The editor's walks read the disk as it is: kept facts would save little.
            cache: None,
        };
        let resolver = self.resolver.clone();
        std::thread::spawn(move || {
            // A panic drops `tx`, which the loop reads as an empty scan.
            let routes = project_known(&options, resolver);
            let _ = tx.send(routes);
        });
        self.scan = rx;
        self.changed_during_scan = Some(HashSet::new());
    }

    fn scanned(&mut self, routes: Routes) {
        self.scan = never();
        self.disk_routes = routes.into_iter().collect();
        let changed = self.changed_during_scan.take().unwrap_or_default();
        self.refresh_disk_routes(changed.into_iter().collect());
        self.log(
            MessageType::INFO,
            format!(
                "statuslint: {} files of the workspace define routes, handlers or helpers",
                self.disk_routes.len()
            ),
        );
        self.lint_all_soon();
    }

    /// Re-reads the routes of files changed on disk; an open buffer is the truth for its
    /// file until it is closed. Many changes at once (a branch switch) walk the workspace
    /// again in the background instead.
    fn refresh_disk_routes(&mut self, changed: Vec<PathBuf>) {
        let open: HashSet<&Path> = self
            .documents
            .values()
            .filter_map(|d| d.path.as_deref())
            .collect();
        let changed: Vec<PathBuf> = changed
            .into_iter()
            .filter(|p| !open.contains(p.as_path()))
            .collect();
        if changed.is_empty() {
            return;
        }
        if changed.len() > RESCAN_AFTER {
            self.start_scan();
            return;
        }
        if let Some(pending) = &mut self.changed_during_scan {
            pending.extend(changed.iter().cloned());
        }
        for path in changed {
            self.disk_routes.remove(&path);
            if path.is_file() {
                let options = WalkOptions {
                    paths: vec![path],
                    threads: 1,
                    cache: None,
                };
                self.disk_routes
                    .extend(project_known(&options, self.resolver.clone()));
            }
        }
        self.lint_all_soon();
    }

    fn lint_all_soon(&mut self) {
        let now = Instant::now();
        for uri in self.documents.keys() {
            self.due.insert(uri.clone(), now);
        }
    }

    fn next_due(&self) -> Option<Duration> {
        let first = self.due.values().min()?;
        Some(first.saturating_duration_since(Instant::now()))
    }

    fn lint_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in ready {
            self.lint(&uri);
        }
    }

    /// Lints a document now if a lint of it is pending, so answers see the current text.
    fn ensure_fresh(&mut self, uri: &Uri) {
        if self.due.contains_key(uri) {
            self.lint(uri);
        }
    }

    /// What every file but `path` tells the index: open buffers over what is on disk.
    fn known_besides(&self, path: &Path) -> Vec<Known> {
        let open: HashMap<&Path, &Known> = self
            .documents
            .values()
            .filter_map(|d| Some((d.path.as_deref()?, d.linted.known.as_ref()?)))
            .collect();
        let on_disk = self
            .disk_routes
            .iter()
            .filter(|(p, _)| !open.contains_key(p.as_path()))
            .map(|(p, k)| (p.as_path(), k));
        open.iter()
            .map(|(p, k)| (*p, *k))
            .chain(on_disk)
            .filter(|(p, _)| *p != path)
            .map(|(_, k)| k.clone())
            .collect()
    }

    fn lint(&mut self, uri: &Uri) {
        self.due.remove(uri);
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let Some(path) = doc.path.clone() else {
            return;
        };
        if is_config(&path) {
            return self.check_config(uri, &path);
        }
        let version = doc.version;
        let linted = if doc.text.len() as u64 > MAX_FILE_BYTES {
            self.log(
                MessageType::WARNING,
                format!(
                    "statuslint: {} is more than {} MiB; not checked",
                    path.display(),
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            );
            Linted::default()
        } else {
            let known = self.known_besides(&path);
            let text = doc.text.clone();
            let resolver = self.resolver.clone();
            match catch_unwind(AssertUnwindSafe(|| {
                lint_text(&path, text.into_bytes(), &resolver, &known)
            })) {
                Ok(Ok(output)) => {
                    let mut notes = Vec::new();
                    for note in &output.notes {
                        match diagnostics::note_on_line(&note.message) {
                            Some(shown) => notes.push(shown),
                            None => self.log(
                                MessageType::INFO,
                                format!("statuslint: {}: {}", path.display(), note.message),
                            ),
                        }
                    }
                    let index = LineIndex::new(&doc.text);
                    let findings = output
                        .diagnostics
                        .into_iter()
                        .map(|d| {
                            let lsp = diagnostics::to_lsp(&d, &index, uri);
                            (d, lsp)
                        })
                        .collect();
                    let file = output.files.into_iter().next();
                    Linted {
                        findings,
                        notes,
                        kind: file.as_ref().map(|f| f.kind),
                        usages: file.as_ref().map_or(Vec::new(), |f| f.facts.usages.clone()),
                        known: file.map(Known::of),
                    }
                }
                Ok(Err(error)) => {
                    let message = format!("statuslint: {error}");
                    if self.shown.insert(message.clone()) {
                        self.notify::<notif::ShowMessage>(ShowMessageParams {
                            typ: MessageType::ERROR,
                            message,
                        });
                    }
                    Linted::default()
                }
                Err(_) => {
                    self.log(
                        MessageType::ERROR,
                        format!(
                            "statuslint: internal error while checking {}; please report it",
                            path.display()
                        ),
                    );
                    Linted::default()
                }
            }
        };
        let diagnostics = linted
            .findings
            .iter()
            .map(|(_, l)| l.clone())
            .chain(linted.notes.iter().cloned())
            .collect();
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: Some(version),
        });
        let doc = &self.documents[uri];
        // The handlers whose routes changed here: the documents that define them depend
        // on this one and are checked again.
        let (before, after) = (doc.linted.routes(), linted.routes());
        let changed: HashSet<(SourceKind, &str)> = before
            .iter()
            .filter(|r| !after.contains(r))
            .chain(after.iter().filter(|r| !before.contains(r)))
            .map(|(kind, r)| (*kind, r.handler.as_str()))
            .collect();
        // The kinds whose helpers, error messages or error handlers changed here: the
        // documents of that kind that use such definitions are checked again.
        let (defined_before, defined_after) = (doc.linted.definitions(), linted.definitions());
        let redefined: Vec<SourceKind> = if defined_before == defined_after {
            Vec::new()
        } else {
            defined_before
                .iter()
                .chain(&defined_after)
                .map(|(kind, _)| *kind)
                .collect()
        };
        let dependents: Vec<Uri> =
            self.documents
                .iter()
                .filter(|(u, d)| {
                    let kind = d.linted.kind;
                    let routed = d.linted.usages.iter().any(|usage| {
                        usage.handler.as_deref().is_some_and(|h| {
                            // A Rust method's handler is `Type::method`; routes name the method.
                            let name = h.rsplit("::").next().unwrap_or(h);
                            kind.is_some_and(|k| changed.contains(&(k, name)))
                        })
                    });
                    let uses = d.linted.known.as_ref().is_some_and(|k| {
                        redefined.contains(&k.kind) && k.summary.uses_definitions()
                    });
                    *u != uri && (routed || uses)
                })
                .map(|(u, _)| u.clone())
                .collect();
        let now = Instant::now();
        for other in dependents {
            self.due.entry(other).or_insert(now);
        }
        let doc = self.documents.get_mut(uri).expect("looked up above");
        doc.linted = linted;
    }

    /// A config file open in the editor shows why it cannot be used, on its line.
    fn check_config(&mut self, uri: &Uri, path: &Path) {
        let diagnostics = match Config::load(path) {
            Ok(_) => Vec::new(),
            Err(error) => {
                let line = error.line.map_or(0, |l| l.saturating_sub(1)) as u32;
                let mut message = error.message.clone();
                if let Some(hint) = &error.hint {
                    message.push_str(&format!("\nhint: {hint}"));
                }
                vec![lsp_types::Diagnostic {
                    range: Range::new(
                        lsp_types::Position::new(line, 0),
                        lsp_types::Position::new(line, u32::MAX),
                    ),
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    source: Some("statuslint".into()),
                    message,
                    ..lsp_types::Diagnostic::default()
                }]
            }
        };
        let version = self.documents.get(uri).map(|d| d.version);
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        });
    }

    /// A config file was created, edited or deleted: read the settings again.
    fn reload_settings(&mut self) {
        self.resolver = Arc::new(fresh_resolver());
        self.shown.clear();
        self.lint_all_soon();
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if catch_unwind(AssertUnwindSafe(|| self.on_notification(n))).is_err() {
            self.log(
                MessageType::ERROR,
                format!("statuslint: internal error on `{method}`; still serving"),
            );
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let doc = p.text_document;
                self.documents.insert(
                    doc.uri.clone(),
                    Document {
                        path: path_of(&doc.uri),
                        text: doc.text,
                        version: doc.version,
                        linted: Linted::default(),
                    },
                );
                self.lint(&doc.uri);
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.documents.get_mut(&uri) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let index = LineIndex::new(&doc.text);
                            let (start, end) = (index.offset(range.start), index.offset(range.end));
                            if start <= end {
                                doc.text.replace_range(start..end, &change.text);
                            }
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                self.due.insert(uri, Instant::now() + DEBOUNCE);
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(p) = params::<DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                if path_of(&uri).is_some_and(|p| is_config(&p)) {
                    self.reload_settings();
                } else if self.documents.contains_key(&uri) {
                    self.lint(&uri);
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                self.due.remove(&uri);
                if let Some(doc) = self.documents.remove(&uri)
                    && let Some(path) = doc.path
                {
                    // What the buffer last said is the best guess of the file on disk.
                    if let Some(known) = doc.linted.known {
                        self.disk_routes.insert(path, known);
                    }
                }
                self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = params::<DidChangeWatchedFilesParams>(n.params) else {
                    return;
                };
                let paths: Vec<PathBuf> =
                    p.changes.iter().filter_map(|c| path_of(&c.uri)).collect();
                if paths.iter().any(|p| is_config(p)) {
                    self.reload_settings();
                }
                self.refresh_disk_routes(paths.into_iter().filter(|p| !is_config(p)).collect());
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let response = match catch_unwind(AssertUnwindSafe(|| self.answer(request))) {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("statuslint failed to answer `{method}`; it keeps serving"),
            ),
        };
        self.send(response);
    }

    fn answer(&mut self, request: Request) -> Answer {
        match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: HoverParams = params(request.params)?;
                let at = p.text_document_position_params;
                self.ensure_fresh(&at.text_document.uri);
                let Some(doc) = self.documents.get(&at.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let index = LineIndex::new(&doc.text);
                let offset = index.offset(at.position);
                let config = doc.path.as_deref().is_some_and(is_config);
                let shown = hover::hover(&doc.text, offset, &doc.linted.usages, config);
                Ok(match shown {
                    Some((text, span)) => serde_json::to_value(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::PlainText,
                            value: text,
                        }),
                        range: Some(index.range(&span)),
                    })
                    .expect("a hover serialises"),
                    None => Value::Null,
                })
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(request.params)?;
                let uri = p.text_document.uri;
                self.ensure_fresh(&uri);
                let Some(doc) = self.documents.get(&uri) else {
                    return Ok(Value::Array(Vec::new()));
                };
                let Some(path) = doc.path.as_deref() else {
                    return Ok(Value::Array(Vec::new()));
                };
                let index = LineIndex::new(&doc.text);
                let found = actions::code_actions(&actions::Request {
                    uri: &uri,
                    text: &doc.text,
                    kind: doc.linted.kind,
                    path,
                    findings: &doc.linted.findings,
                    range: index.offset(p.range.start)..index.offset(p.range.end),
                    only: p.context.only,
                });
                Ok(serde_json::to_value(found).expect("actions serialise"))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("statuslint does not answer `{method}`"),
            )),
        }
    }
}

/// Settings found fresh from the config files, as the command line finds them.
fn fresh_resolver() -> Resolver {
    Resolver::new_for_cli(None, false, Overrides::default())
        .expect("discovery reads config files only when asked for a file's settings")
}

fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTER: &str = "use axum::{routing::post, Router};\n\nfn app() -> Router {\n    Router::new().route(\"/checkout\", post(submit))\n}\n";

    #[test]
    fn a_file_changed_while_the_workspace_is_walked_is_read_again_after_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let (sender, _client) = crossbeam_channel::unbounded();
        let mut server = Server::new(sender, &InitializeParams::default());
        // The walk at startup is under way when another program writes a router.
        server.changed_during_scan = Some(HashSet::new());
        let main = dir.path().join("main.rs");
        std::fs::write(&main, ROUTER).unwrap();
        server.refresh_disk_routes(vec![main.clone()]);
        assert!(server.disk_routes.contains_key(&main));
        // The walk read the tree before the router was there.
        server.scanned(Vec::new());
        assert!(
            server.disk_routes.contains_key(&main),
            "the change was lost"
        );
    }
}
