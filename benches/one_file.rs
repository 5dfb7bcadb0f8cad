//! A pre-commit run: one file of a 5,000-file Rust project, linted with the project's
//! knowledge (the index reads the project around it), against `statuslint .` on the same
//! tree.
//!
//! `cargo bench --bench one_file` generates the project (at bench time, in a temporary
//! folder): 5,000 `.rs` files, of which one in ten has handlers that choose statuses, one in
//! a hundred routes them, and the rest is plain code the prefilter drops. It runs the
//! release binary a few times each way and prints the best time. It asserts nothing about
//! time: it is a measurement, not a test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FILES: usize = 5_000;
const RUNS: usize = 5;

fn main() {
    let root = std::env::temp_dir().join(format!("statuslint-one-file-{}", std::process::id()));
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("temp dir");
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"big\"\n").expect("written");
    let mut bytes = 0;
    for i in 0..FILES {
        let text = if i % 100 == 0 {
            router(i)
        } else if i % 10 == 0 {
            handlers(i)
        } else {
            plain(i)
        };
        bytes += text.len();
        std::fs::write(src.join(format!("m{i}.rs")), text).expect("written");
    }
    println!(
        "{FILES} files, {:.1} MB; best of {RUNS} runs",
        bytes as f64 / 1e6
    );
    let one = best(&root, &["src/m10.rs"]);
    let all = best(&root, &["."]);
    println!(
        "{:<28} {:>8.3} s",
        "statuslint src/m10.rs",
        one.as_secs_f64()
    );
    println!("{:<28} {:>8.3} s", "statuslint .", all.as_secs_f64());
    let _ = std::fs::remove_dir_all(&root);
}

fn router(i: usize) -> String {
    let mut text = String::from(
        "use axum::routing::{get, post};\nuse axum::Router;\n\npub fn app() -> Router {\n    Router::new()\n",
    );
    for j in (i..i + 100).step_by(10) {
        text.push_str(&format!(
            "        .route(\"/items{j}\", post(crate::m{j}::create))\n"
        ));
    }
    text.push_str("}\n");
    text
}

fn handlers(i: usize) -> String {
    format!(
        "use axum::http::{{header, StatusCode}};\nuse axum::response::{{IntoResponse, Response}};\n\n\
         pub async fn create() -> Response {{\n    (StatusCode::FOUND, [(header::LOCATION, \"/items{i}\")]).into_response()\n}}\n\n\
         pub async fn show(id: u32) -> Response {{\n    if id == 0 {{\n        return StatusCode::NOT_FOUND.into_response();\n    }}\n    StatusCode::OK.into_response()\n}}\n"
    )
}

fn plain(i: usize) -> String {
    let mut text = String::new();
    for j in 0..20 {
        text.push_str(&format!(
            "/// Adds {j}.\npub fn add_{i}_{j}(a: u64) -> u64 {{\n    a.wrapping_add({j})\n}}\n\n"
        ));
    }
    text
}

fn best(root: &Path, args: &[&str]) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_statuslint"))
                .args(args)
                .args(["--color", "never"])
                .current_dir(root)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("statuslint runs");
            assert!(status.code().is_some_and(|c| c <= 1), "statuslint failed");
            start.elapsed()
        })
        .min()
        .expect("at least one run")
}
