//! The real servers judge the fixtures: every config under fixtures/nginx, fixtures/apache,
//! fixtures/caddy and fixtures/haproxy must be accepted by the software it is written for,
//! so statuslint is tested on configs that could really be deployed.
//!
//! The servers come from `scripts/install-servers.sh`, which unpacks Debian's packages into
//! `.cache/servers/root` (or `$STATUSLINT_SERVERS_ROOT`) without installing or starting
//! anything. Only config checks run here (`nginx -t`, `apache2 -t`, `caddy validate`,
//! `haproxy -c`); no server listens. When a server is missing the test fails under CI
//! (`CI=true`) and is skipped with a message elsewhere.

mod workflow_support;
use workflow_support::missing_tool;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn servers_root() -> PathBuf {
    std::env::var_os("STATUSLINT_SERVERS_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join(".cache/servers/root"))
}

/// Folders under the root that hold shared libraries, for LD_LIBRARY_PATH.
fn library_path(root: &Path) -> String {
    let mut dirs = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut has_library = false;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if name.contains(".so") {
                has_library = true;
            }
        }
        if has_library {
            dirs.push(dir.display().to_string());
        }
    }
    dirs.sort();
    dirs.join(":")
}

/// The server binary, or None (after failing under CI) when it is not installed.
fn server(relative: &str) -> Option<PathBuf> {
    let path = servers_root().join(relative);
    if path.is_file() {
        return Some(path);
    }
    let message = format!(
        "{} is missing: run `bash scripts/install-servers.sh` first",
        path.display()
    );
    missing_tool(&message);
    None
}

fn run(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    static LIBS: OnceLock<String> = OnceLock::new();
    let libs = LIBS.get_or_init(|| library_path(&servers_root()));
    let mut command = Command::new(program);
    command.args(args).env("LD_LIBRARY_PATH", libs);
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

/// Every fixture file of one kind (sidecars and notes excluded).
fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![manifest_dir().join("fixtures").join(kind)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("expected" | "md")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Runs `check` on every fixture of `kind`; fails listing each rejected fixture with the
/// server's own words.
fn judge(kind: &str, server_name: &str, check: impl Fn(&Path, &Path) -> Output) {
    let files = fixtures(kind);
    if files.is_empty() {
        eprintln!("no fixtures under fixtures/{kind} yet");
        return;
    }
    let mut rejected = Vec::new();
    for file in &files {
        let scratch = tempfile::tempdir().expect("a temp dir");
        let output = check(file, scratch.path());
        if !output.status.success() {
            let shown = file.strip_prefix(manifest_dir()).unwrap_or(file);
            rejected.push(format!(
                "{} was rejected by {server_name} ({}):\n{}{}",
                shown.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            ));
        }
    }
    assert!(
        rejected.is_empty(),
        "{} of {} fixtures under fixtures/{kind} are not valid {server_name} config:\n\n{}",
        rejected.len(),
        files.len(),
        rejected.join("\n")
    );
    eprintln!("{server_name} accepted all {} fixtures", files.len());
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()))
}

/// A self-signed certificate for `listen ... ssl` blocks, made once per test process.
fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let openssl = [
        PathBuf::from("/usr/bin/openssl"),
        servers_root().join("usr/bin/openssl"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .expect("openssl is needed to make a test certificate (scripts/install-servers.sh unpacks it)");
    let output = run(
        &openssl,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &key.to_string_lossy(),
            "-out",
            &cert.to_string_lossy(),
        ],
        &[],
    );
    assert!(output.status.success(), "openssl failed: {output:?}");
    (cert, key)
}

/// True when a config file defines its own `server` blocks (else it is a snippet that
/// goes inside one).
fn has_server_blocks(text: &str) -> bool {
    text.lines()
        .map(|l| l.trim_start())
        .any(|l| l.starts_with("server ") || l.starts_with("server{"))
}

#[test]
fn nginx_accepts_every_fixture() {
    let Some(nginx) = server("usr/sbin/nginx") else {
        return;
    };
    let certs = tempfile::tempdir().expect("a temp dir");
    let (cert, key) = certificate(certs.path());
    judge("nginx", "nginx -t", |file, dir| {
        let text = std::fs::read_to_string(file).expect("readable fixture");
        let conf_dir = dir.join("conf");
        std::fs::create_dir_all(dir.join("logs")).expect("logs dir");
        std::fs::create_dir_all(&conf_dir).expect("conf dir");
        // Relative includes (`include snippets/x.conf;`) resolve beside nginx.conf, as in
        // /etc/nginx.
        let _ = std::os::unix::fs::symlink(
            manifest_dir().join("fixtures/nginx/snippets"),
            conf_dir.join("snippets"),
        );
        let include = if has_server_blocks(&text) {
            format!("include {};", file.display())
        } else {
            format!(
                "server {{\n        listen 8080;\n        include {};\n    }}",
                file.display()
            )
        };
        let d = dir.display();
        let conf = format!(
            "pid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\nevents {{}}\nhttp {{\n    \
             access_log off;\n    client_body_temp_path {d}/client_body;\n    \
             proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    \
             uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n    \
             ssl_certificate {};\n    ssl_certificate_key {};\n    {include}\n}}\n",
            cert.display(),
            key.display()
        );
        let main = conf_dir.join("nginx.conf");
        write(&main, &conf);
        run(
            &nginx,
            &[
                "-t",
                "-q",
                "-p",
                &dir.to_string_lossy(),
                "-e",
                &format!("{d}/logs/error.log"),
                "-c",
                &main.to_string_lossy(),
            ],
            &[],
        )
    });
}

/// Modules an Apache fixture may use; all ship in apache2-bin.
const APACHE_MODULES: &[&str] = &[
    "mpm_event",
    "authz_core",
    "authz_host",
    "authn_core",
    "authn_file",
    "auth_basic",
    "authz_user",
    "access_compat",
    "alias",
    "rewrite",
    "headers",
    "dir",
    "mime",
    "setenvif",
    "expires",
    "deflate",
    "filter",
    "env",
];

/// True for `.htaccess`-style files: they go inside a `<Directory>`.
fn is_htaccess(file: &Path) -> bool {
    file.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with("htaccess"))
}

#[test]
fn apache_accepts_every_fixture() {
    let Some(apache) = server("usr/sbin/apache2") else {
        return;
    };
    let modules = servers_root().join("usr/lib/apache2/modules");
    judge("apache", "apache2 -t", |file, dir| {
        let d = dir.display();
        let mut conf = format!(
            "ServerRoot \"{d}\"\nDefaultRuntimeDir \"{d}\"\nPidFile \"{d}/httpd.pid\"\n\
             ErrorLog \"{d}/error.log\"\nMutex file:{d}\nServerName localhost\nListen 127.0.0.1:8080\n\
             Define APACHE_LOG_DIR {d}\nDefine APACHE_RUN_DIR {d}\nDefine APACHE_LOCK_DIR {d}\n"
        );
        for module in APACHE_MODULES {
            conf.push_str(&format!(
                "LoadModule {module}_module \"{}/mod_{module}.so\"\n",
                modules.display()
            ));
        }
        // mod_mime reads its types at check time; an empty list is enough to judge syntax.
        let types = dir.join("mime.types");
        write(&types, "");
        conf.push_str(&format!("TypesConfig \"{}\"\n", types.display()));
        let site = dir.join("site");
        std::fs::create_dir_all(&site).expect("site dir");
        if is_htaccess(file) {
            conf.push_str(&format!(
                "<Directory \"{}\">\n    AllowOverride All\n    Include \"{}\"\n</Directory>\n",
                site.display(),
                file.display()
            ));
        } else {
            conf.push_str(&format!("Include \"{}\"\n", file.display()));
        }
        let main = dir.join("apache2.conf");
        write(&main, &conf);
        run(
            &apache,
            &[
                "-t",
                "-d",
                &dir.to_string_lossy(),
                "-f",
                &main.to_string_lossy(),
            ],
            &[],
        )
    });
}

#[test]
fn caddy_accepts_every_fixture() {
    let Some(caddy) = server("usr/bin/caddy") else {
        return;
    };
    judge("caddy", "caddy validate", |file, dir| {
        run(
            &caddy,
            &[
                "validate",
                "--adapter",
                "caddyfile",
                "--config",
                &file.to_string_lossy(),
            ],
            &[
                ("HOME", dir),
                ("XDG_DATA_HOME", dir),
                ("XDG_CONFIG_HOME", dir),
            ],
        )
    });
}

#[test]
fn haproxy_accepts_every_fixture() {
    let Some(haproxy) = server("usr/sbin/haproxy") else {
        return;
    };
    judge("haproxy", "haproxy -c", |file, _dir| {
        run(&haproxy, &["-c", "-q", "-f", &file.to_string_lossy()], &[])
    });
}

/// The order of handlers in one adapted block, e.g. `["static_response", "headers"]`.
fn handler_order(routes: &serde_json::Value, path: &str) -> Vec<String> {
    let routes = routes.as_array().expect("routes");
    let block = routes
        .iter()
        .find(|r| r["match"][0]["path"][0] == path)
        .unwrap_or_else(|| panic!("no block for {path}"));
    block["handle"][0]["routes"]
        .as_array()
        .expect("a subroute")
        .iter()
        .flat_map(|r| r["handle"].as_array().cloned().unwrap_or_default())
        .map(|h| h["handler"].as_str().unwrap_or("").to_string())
        .collect()
}

/// `src/extract/caddy/headers.rs` rests on this: Caddy sorts a `handle` block (`header`
/// before `respond`, whatever the written order) but runs a `route` block as written; the
/// `handle` and `handle_path` blocks of one level share a group (only the first that
/// matches runs), `route` blocks have none.
#[test]
fn caddy_sorts_handle_blocks_but_not_route_blocks() {
    let Some(caddy) = server("usr/bin/caddy") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("Caddyfile");
    write(
        &file,
        "example.com {\n\thandle /h {\n\t\trespond 401\n\t\theader WWW-Authenticate Basic\n\t}\n\thandle_path /p {\n\t\trespond 404\n\t}\n\troute /r {\n\t\trespond 401\n\t\theader WWW-Authenticate Basic\n\t}\n}\n",
    );
    let out = run(
        &caddy,
        &[
            "adapt",
            "--adapter",
            "caddyfile",
            "--config",
            &file.to_string_lossy(),
        ],
        &[
            ("HOME", dir.path()),
            ("XDG_DATA_HOME", dir.path()),
            ("XDG_CONFIG_HOME", dir.path()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("caddy adapt JSON");
    let site = &json["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"][0]["routes"];
    assert_eq!(handler_order(site, "/h"), ["headers", "static_response"]);
    assert_eq!(handler_order(site, "/r"), ["static_response", "headers"]);
    let group = |path: &str| {
        site.as_array()
            .and_then(|routes| routes.iter().find(|r| r["match"][0]["path"][0] == path))
            .map(|r| r["group"].clone())
    };
    assert!(group("/h").is_some_and(|g| g.is_string()));
    assert_eq!(group("/p"), group("/h"));
    assert!(group("/r").is_some_and(|g| g.is_null()));
}
