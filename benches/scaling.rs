//! Cost against input size, per source kind: a linear stage takes twice the time for
//! twice the bytes.
//!
//! `cargo bench --bench scaling` generates one file of 1, 2, 4 and 8 MB for each kind (at
//! bench time, in a temporary folder), runs the release binary on each, and prints the
//! time, the peak memory and the bytes of output. `--bench scaling -- nginx` runs one
//! kind (`openapi` is dense, a response every 48 bytes; `openapi-schemas` is shaped as
//! real specs are). It asserts nothing about time: it is a measurement, not a test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SIZES_MB: [usize; 4] = [1, 2, 4, 8];
/// A run longer than this is stopped and shown as such: the shape is clear by then.
const GIVE_UP: Duration = Duration::from_secs(60);

/// A kind: the file name it is written as, and one unit of content, repeated to size.
struct Kind {
    name: &'static str,
    file: &'static str,
    head: &'static str,
    unit: fn(usize) -> String,
}

const KINDS: &[Kind] = &[
    Kind {
        name: "nginx",
        file: "nginx.conf",
        head: "",
        unit: |i| {
            format!(
                "server {{\n    listen 80;\n    server_name a{i}.example.com;\n    location /old{i} {{\n        return 302 https://$host$request_uri;\n    }}\n    add_header X-Id {i};\n}}\n"
            )
        },
    },
    Kind {
        name: "apache",
        file: "httpd.conf",
        head: "",
        unit: |i| {
            format!(
                "<VirtualHost *:80>\n    ServerName a{i}.example.com\n    Redirect 302 /old{i} https://a{i}.example.com/new\n    RewriteEngine on\n    RewriteCond %{{HTTPS}} off\n    RewriteRule ^ https://%{{HTTP_HOST}}%{{REQUEST_URI}} [R=302,L]\n</VirtualHost>\n"
            )
        },
    },
    Kind {
        name: "caddy",
        file: "Caddyfile",
        head: "",
        unit: |i| {
            format!("http://a{i}.example.com {{\n    redir https://{{host}}{{uri}} 302\n}}\n")
        },
    },
    Kind {
        name: "haproxy",
        file: "haproxy.cfg",
        head: "",
        unit: |i| {
            format!(
                "frontend f{i}\n    bind :80\n    http-request redirect scheme https code 302 if !{{ ssl_fc }}\n"
            )
        },
    },
    Kind {
        name: "kubernetes",
        file: "ingress.yaml",
        head: "",
        unit: |i| {
            format!(
                "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i{i}\n  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: https://example.com/{i}\n    nginx.ingress.kubernetes.io/permanent-redirect-code: '302'\n"
            )
        },
    },
    Kind {
        name: "openapi",
        file: "api.yaml",
        head: "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n",
        unit: |i| {
            format!(
                "  /items{i}:\n    get:\n      responses:\n        '200':\n          description: ok\n        '301':\n          description: moved\n        '401':\n          description: no\n"
            )
        },
    },
    // As real specs are: most of the bytes are schemas, which are skipped while parsing.
    Kind {
        name: "openapi-schemas",
        file: "api.yaml",
        head: "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n",
        unit: |i| {
            format!(
                "  /items{i}/{{id}}:\n    get:\n      operationId: getItem{i}\n      summary: Get item {i}\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: The item\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  id: {{type: string, example: abc}}\n                  name: {{type: string, description: The name of the item}}\n                  tags: {{type: array, items: {{type: string}}}}\n        '404':\n          description: Not found\n"
            )
        },
    },
    Kind {
        name: "rust",
        file: "handlers.rs",
        head: "use axum::{http::StatusCode, response::Redirect};\n",
        unit: |i| {
            format!(
                "async fn h{i}() -> Redirect {{\n    Redirect::temporary(\"https://example.com/{i}\")\n}}\n"
            )
        },
    },
    Kind {
        name: "rust-one-line",
        file: "minified.rs",
        head: "use axum::{http::StatusCode, response::Redirect};",
        unit: |i| {
            format!(
                "async fn h{i}() -> Redirect {{ Redirect::temporary(\"https://example.com/{i}\") }} "
            )
        },
    },
];

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let root = std::env::temp_dir().join(format!("statuslint-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("temp dir");
    println!(
        "{:<14} {:>5} {:>9} {:>9} {:>11}",
        "kind", "MB", "seconds", "peak MB", "output KB"
    );
    for kind in KINDS
        .iter()
        .filter(|k| only.is_empty() || only.iter().any(|o| o == k.name))
    {
        for mb in SIZES_MB {
            let dir = root.join(format!("{}-{mb}", kind.name));
            std::fs::create_dir_all(&dir).expect("dir");
            let path = dir.join(kind.file);
            let bytes = generate(&path, kind, mb * 1_000_000);
            let (time, peak, output) = run(&path);
            let shown = match time {
                Some(t) => format!("{:.2}", t.as_secs_f64()),
                None => format!(">{}", GIVE_UP.as_secs()),
            };
            println!(
                "{:<14} {:>5.1} {:>9} {:>9.0} {:>11}",
                kind.name,
                bytes as f64 / 1e6,
                shown,
                peak as f64 / 1024.0,
                output / 1024
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn generate(path: &Path, kind: &Kind, size: usize) -> usize {
    let mut text = String::with_capacity(size + 4096);
    text.push_str(kind.head);
    let mut i = 0;
    while text.len() < size {
        text.push_str(&(kind.unit)(i));
        i += 1;
    }
    std::fs::write(path, &text).expect("written");
    text.len()
}

/// Time (None when given up), peak resident KB and bytes of output of one run.
// The child is reaped with wait4 (for its peak memory), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run(path: &Path) -> (Option<Duration>, u64, u64) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_statuslint"))
        .arg(path)
        .args(["--color", "never", "--select", "ALL"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("statuslint runs");
    let mut stdout = child.stdout.take().expect("piped");
    let counter =
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()).unwrap_or(0));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    loop {
        // wait4, not Child::wait: it also gives this child's peak memory.
        // SAFETY: `status` and `usage` are valid for the call to write.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, usage.as_mut_ptr()) };
        if done == pid {
            break;
        }
        if start.elapsed() > GIVE_UP {
            let _ = child.kill();
            // SAFETY: as above.
            unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
            return (None, 0, counter.join().unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let code = libc::WEXITSTATUS(status);
    assert!(
        libc::WIFEXITED(status) && code <= 1,
        "statuslint failed: {status}"
    );
    // SAFETY: wait4 returned the child, so it wrote `usage`.
    let peak = unsafe { usage.assume_init() }.ru_maxrss as u64;
    (Some(elapsed), peak, counter.join().unwrap_or(0))
}
