//! `statuslint server` driven over stdio as an editor drives it: initialize, didOpen and the
//! diagnostics it publishes, codeAction, hover, didChange, a config edit, requests it does
//! not know, shutdown and exit.

mod workflow_support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};
use workflow_support::*;

/// Long enough for a debug build on a loaded machine; a passing run takes well under it.
const PATIENCE: Duration = Duration::from_secs(30);

const HANDLERS: &str = r#"use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

// legacy URL: the docs moved to /docs for good
pub async fn old_docs() -> Redirect {
    Redirect::temporary("/docs")
}

pub async fn submit() -> Response {
    (StatusCode::FOUND, [(header::LOCATION, "/done")]).into_response()
}

pub async fn missing() -> StatusCode {
    StatusCode::from_u16(404).unwrap()
}
"#;

/// The router lives in another file: `submit` answers POST only because of it.
const MAIN: &str = r#"use axum::{http::StatusCode, routing::post, Router};

mod handlers;
use handlers::submit;

fn app() -> Router {
    Router::new()
        .route("/checkout", post(submit))
        .fallback(|| async { StatusCode::NOT_FOUND })
}
"#;

const CONFIG: &str = "extend-select = [\"SL501\"]\n\n[severity]\nSL101 = \"error\"\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications read while waiting for something else.
    seen: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_statuslint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            seen: Vec::new(),
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let message = self
                .next(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.answer_server_request(&message);
            self.seen.push(message);
        }
    }

    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.messages.recv_timeout(left).ok()
    }

    /// The server may ask to register file watchers; a client answers every request.
    fn answer_server_request(&mut self, message: &Value) {
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
    }

    /// Waits for diagnostics of `uri` for which `accept` holds; earlier ones are skipped.
    fn diagnostics(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            let message = match self.next(deadline) {
                Some(message) => message,
                None => panic!("no accepted diagnostics for {uri}; last: {last:#?}"),
            };
            self.answer_server_request(&message);
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                let list = message["params"]["diagnostics"].as_array().unwrap().clone();
                if accept(&list) {
                    return list;
                }
                last = Some(list);
            }
        }
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn rules(list: &[Value]) -> Vec<String> {
    let mut rules: Vec<String> = list
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    rules.sort();
    rules
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
    );
}

/// A server started and initialized in a new project holding `files`; the project lives
/// as long as the returned directory.
fn started(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Client) {
    let dir = project(files);
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    (dir, root, client)
}

fn initialize(client: &mut Client, root: &Path) -> Value {
    let answer = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": file_uri(root),
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
        }),
    );
    client.notify("initialized", json!({}));
    answer
}

#[test]
fn diagnostics_fixes_hover_and_changes_over_stdio() {
    let dir = project(&[
        ("statuslint.toml", CONFIG),
        ("src/handlers.rs", HANDLERS),
        ("src/main.rs", MAIN),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    let answer = initialize(&mut client, &root);
    let capabilities = &answer["result"]["capabilities"];
    assert_eq!(capabilities["hoverProvider"], true, "{answer}");
    assert_eq!(
        capabilities["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert_eq!(answer["result"]["serverInfo"]["name"], "statuslint");

    // SL103 needs the route from main.rs, which is not open: the workspace walk finds it.
    // SL501 is off by default and on in statuslint.toml, which also makes SL101 an error.
    let uri = file_uri(&root.join("src/handlers.rs"));
    open(&mut client, &uri, HANDLERS);
    let list = client.diagnostics(&uri, |l| rules(l) == ["SL101", "SL103", "SL501"]);
    let sl101 = list.iter().find(|d| d["code"] == "SL101").unwrap();
    assert_eq!(
        sl101["severity"], 1,
        "an error, as the config says: {sl101}"
    );
    assert_eq!(sl101["source"], "statuslint");
    assert_eq!(
        sl101["range"],
        json!({"start": {"line": 5, "character": 4}, "end": {"line": 5, "character": 32}})
    );
    let related = sl101["relatedInformation"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|r| r["message"].as_str().unwrap().starts_with("evidence: ")),
        "{sl101}"
    );
    let sl501 = list.iter().find(|d| d["code"] == "SL501").unwrap();
    assert_eq!(sl501["severity"], 4, "a hint");

    // Code actions on SL101's line: the behaviour-changing fix is marked and not
    // preferred; the suppression uses `//`; fixing all applies only the safe fix (SL501).
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": sl101["range"],
            "context": {"diagnostics": [sl101]},
        }),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .ends_with("(changes what the server sends)")
        })
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], false);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert!(
        edit["newText"].as_str().unwrap().contains("permanent"),
        "{edit}"
    );
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress SL101 on this line")
        .unwrap_or_else(|| panic!("{titles:?}"));
    assert_eq!(
        suppress["edit"]["changes"][&uri][0],
        json!({
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "newText": "    // statuslint-disable-next-line SL101\n",
        })
    );
    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll.statuslint")
        .unwrap_or_else(|| panic!("{titles:?}"));
    let edits = fix_all["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 1, "only the safe SL501 fix: {edits:?}");
    assert_eq!(edits[0]["newText"], "StatusCode::NOT_FOUND");

    // Hover over a constant explains the code; elsewhere there is nothing to say.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 18}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("302 Found\n"), "{text}");
    assert!(text.contains("RFC 9110"), "{text}");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(hover["result"], Value::Null);

    // An edit that makes the move permanent clears SL101.
    let changed = HANDLERS.replace("Redirect::temporary", "Redirect::permanent");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    client.diagnostics(&uri, |l| rules(l) == ["SL103", "SL501"]);

    // In the config file, a rule id hovers as the rule's docs; a broken config is shown on
    // its line.
    let config = file_uri(&root.join("statuslint.toml"));
    open(&mut client, &config, CONFIG);
    client.diagnostics(&config, |l| l.is_empty());
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": config}, "position": {"line": 3, "character": 2}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("SL101 temporary-redirect-for-permanent-move\n"),
        "{text}"
    );
    write(&root, "statuslint.toml", "select = [\"SL999\"]\n");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config}}),
    );
    let list = client.diagnostics(&config, |l| !l.is_empty());
    assert_eq!(list[0]["range"]["start"]["line"], 0, "{list:?}");

    // Editing statuslint.toml takes effect without a restart.
    write(&root, "statuslint.toml", "");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("statuslint.toml")), "type": 2}]}),
    );
    client.diagnostics(&uri, |l| rules(l) == ["SL103"]);

    // Requests it does not know or cannot read are errors, and the server keeps serving.
    let unknown = client.request("statuslint/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let broken = client.request("textDocument/hover", json!({"textDocument": 7}));
    assert_eq!(broken["error"]["code"], -32602, "{broken}");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 18}}),
    );
    assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn other_open_documents_are_checked_again_when_routes_change() {
    let (_dir, root, mut client) = started(&[("src/handlers.rs", HANDLERS)]);
    let handlers = file_uri(&root.join("src/handlers.rs"));
    open(&mut client, &handlers, HANDLERS);
    client.diagnostics(&handlers, |l| rules(l) == ["SL101"]);
    // A router typed into a new buffer routes `submit` with POST: SL103 appears.
    let main = file_uri(&root.join("src/main.rs"));
    open(&mut client, &main, MAIN);
    client.diagnostics(&handlers, |l| rules(l) == ["SL101", "SL103"]);
}

/// A helper that builds the whole response; with the challenge until an edit drops it.
const HELPER: &str = r#"use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub fn reject(code: StatusCode, why: &str) -> Response {
    (code, [(header::WWW_AUTHENTICATE, "Bearer")], why.to_string()).into_response()
}
"#;

const CALLER: &str = r#"use crate::http::reject;
use axum::http::StatusCode;
use axum::response::Response;

pub async fn admin(user: Option<String>) -> Response {
    if user.is_none() {
        return reject(StatusCode::UNAUTHORIZED, "sign in first");
    }
    reject(StatusCode::OK, "welcome")
}
"#;

#[test]
fn other_open_documents_are_checked_again_when_a_helper_changes() {
    let files = [("src/http.rs", HELPER), ("src/admin.rs", CALLER)];
    let (_dir, root, mut client) = started(&files);
    let (helper, caller) = (
        file_uri(&root.join("src/http.rs")),
        file_uri(&root.join("src/admin.rs")),
    );
    open(&mut client, &helper, HELPER);
    open(&mut client, &caller, CALLER);
    client.diagnostics(&caller, |l| l.is_empty());
    // The helper no longer adds the challenge: the caller's 401 is SL202, unedited.
    let bare = HELPER.replace("[(header::WWW_AUTHENTICATE, \"Bearer\")], ", "");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": helper, "version": 2}, "contentChanges": [{"text": bare}]}),
    );
    client.diagnostics(&caller, |l| rules(l) == ["SL202"]);
    // And back.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": helper, "version": 3}, "contentChanges": [{"text": HELPER}]}),
    );
    client.diagnostics(&caller, |l| l.is_empty());
}

#[test]
fn files_changed_outside_the_editor_are_read_again() {
    let (_dir, root, mut client) = started(&[("src/handlers.rs", HANDLERS)]);
    let handlers = file_uri(&root.join("src/handlers.rs"));
    open(&mut client, &handlers, HANDLERS);
    client.diagnostics(&handlers, |l| rules(l) == ["SL101"]);
    // A router written by another program routes `submit` with POST: SL103 appears.
    write(&root, "src/main.rs", MAIN);
    let main = json!({"uri": file_uri(&root.join("src/main.rs")), "type": 1});
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [main]}),
    );
    client.diagnostics(&handlers, |l| rules(l) == ["SL101", "SL103"]);
    // And deleted again: the route is gone.
    std::fs::remove_file(root.join("src/main.rs")).unwrap();
    let main = json!({"uri": file_uri(&root.join("src/main.rs")), "type": 3});
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [main]}),
    );
    client.diagnostics(&handlers, |l| rules(l) == ["SL101"]);
}

#[test]
fn edits_sent_as_ranges_apply_to_the_buffer() {
    let (_dir, root, mut client) = started(&[("src/handlers.rs", HANDLERS)]);
    let uri = file_uri(&root.join("src/handlers.rs"));
    open(&mut client, &uri, HANDLERS);
    client.diagnostics(&uri, |l| rules(l) == ["SL101"]);
    // Line 5 is `    Redirect::temporary("/docs")`: replace `temporary` (characters 14-23).
    let range = json!({"start": {"line": 5, "character": 14}, "end": {"line": 5, "character": 23}});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range, "text": "permanent"}]}),
    );
    client.diagnostics(&uri, |l| l.is_empty());
}

#[test]
fn broken_and_huge_buffers_do_not_stop_the_server() {
    let (_dir, root, mut client) = started(&[]);
    let broken = file_uri(&root.join("broken.rs"));
    open(
        &mut client,
        &broken,
        "fn ( {{{{ \u{0} StatusCode::FOUND ]]] \"",
    );
    client.diagnostics(&broken, |_| true);
    // A spec that stops being YAML: the note is shown on its line.
    let half = file_uri(&root.join("half.yaml"));
    let text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n  /b: [unclosed\n";
    open(&mut client, &half, text);
    let list = client.diagnostics(&half, |l| !l.is_empty());
    // SL901 says so as a finding; the note itself is shown too.
    assert!(
        list.iter()
            .any(|d| d["code"] == "SL901" && d["range"]["start"]["line"] == 7),
        "{list:?}"
    );
    let list: Vec<_> = list
        .into_iter()
        .filter(|d| d.get("code").is_none())
        .collect();
    assert_eq!(list[0]["severity"], 3, "{list:?}");
    assert_eq!(list[0]["range"]["start"]["line"], 7, "{list:?}");
    assert!(
        list[0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid YAML"),
        "{list:?}"
    );
    let huge = file_uri(&root.join("huge.yaml"));
    let text = format!("openapi: 3.0.0\n{}", "#".repeat(33 * 1024 * 1024));
    open(&mut client, &huge, &text);
    client.diagnostics(&huge, |l| l.is_empty());
    let spec = file_uri(&root.join("api.yaml"));
    let yaml = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '302':\n          description: moved\n";
    open(&mut client, &spec, yaml);
    let list = client.diagnostics(&spec, |l| !l.is_empty());
    assert_eq!(rules(&list), ["SL104"]);
    // Hover over the response key explains 302.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": spec}, "position": {"line": 5, "character": 10}}),
    );
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(text.starts_with("302 Found"), "{hover}");
}

#[test]
fn hover_explains_codes_in_each_kind_of_source() {
    let (_dir, root, mut client) = started(&[]);
    let cases = [
        (
            "site/nginx.conf",
            "events {}\nhttp {\n  server {\n    listen 80;\n    return 301 https://$host$request_uri;\n  }\n}\n",
            (4, 12),
            "301 Moved Permanently\n",
        ),
        (
            "src/redirect.rs",
            "use axum::response::Redirect;\n\nasync fn later() -> Redirect {\n    Redirect::temporary(\"/x\")\n}\n",
            (3, 15),
            "307 Temporary Redirect\n",
        ),
        (
            "public/_redirects",
            "/old /new 302\n",
            (0, 11),
            "302 Found\n",
        ),
    ];
    for (path, text, (line, character), expected) in cases {
        let uri = file_uri(&root.join(path));
        open(&mut client, &uri, text);
        client.diagnostics(&uri, |_| true);
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        let shown = hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        assert!(shown.starts_with(expected), "{path}: {hover}");
    }
}
