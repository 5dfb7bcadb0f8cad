//! Speed of a whole run on a large repository, compared with ripgrep over the same tree.
//!
//! `cargo bench --bench walk` generates a tree of 20,000 files (mostly irrelevant to
//! statuslint, a few hundred Rust and Go handlers copied from fixtures/), runs the release
//! binary on it several times, runs `rg` over the same tree, and prints both medians and
//! their ratio. It asserts nothing about time: it is a measurement, not a test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 20_000;
/// Rust handlers, and as many Go handlers after them.
const HANDLERS: usize = 400;
const RUNS: usize = 7;

fn main() {
    let root = std::env::temp_dir().join(format!("statuslint-bench-{}", std::process::id()));
    let rust = handler_sources("rust");
    let go = handler_sources("go");
    let bytes = generate(&root, &rust, &go);
    println!(
        "tree: {FILES} files ({HANDLERS} Rust and {HANDLERS} Go handlers), {:.1} MB, at {}",
        bytes as f64 / 1e6,
        root.display()
    );

    let statuslint = env!("CARGO_BIN_EXE_statuslint");
    let ours = median(|| {
        let out = Command::new(statuslint)
            .args([root.to_str().unwrap(), "--output-format", "concise"])
            .output()
            .expect("statuslint runs");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "statuslint failed: {out:?}"
        );
    });
    println!("statuslint: {:>8.1} ms (median of {RUNS})", ms(ours));

    let rg_ok = Command::new("rg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if rg_ok {
        let theirs = median(|| {
            let out = Command::new("rg")
                .args([
                    "-c",
                    "StatusCode|Redirect|return 30",
                    root.to_str().unwrap(),
                ])
                .output()
                .expect("rg runs");
            assert!(out.status.code().is_some_and(|c| c <= 1));
        });
        println!("rg:         {:>8.1} ms (median of {RUNS})", ms(theirs));
        println!("ratio statuslint / rg: {:.2}", ms(ours) / ms(theirs));
    } else {
        println!("rg: not installed (apt-get install ripgrep), no ratio");
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut run: impl FnMut()) -> Duration {
    run(); // warm the page cache
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// The handler fixtures of one language (`rust`, `go`), skipping what statuslint never reads.
fn handler_sources(language: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(language);
    let ext = if language == "rust" { "rs" } else { language };
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("the fixtures exist") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("skipped") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Writes the tree and returns its size in bytes.
fn generate(root: &Path, rust: &[String], go: &[String]) -> usize {
    let filler_rs = "pub fn add(a: u64, b: u64) -> u64 {\n    a.wrapping_add(b)\n}\n".repeat(40);
    let filler_go = "package util\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n".repeat(30);
    let filler_md = "# Notes\n\nSome prose about the project, nothing to lint here.\n".repeat(30);
    let filler_ts =
        "export function add(a: number, b: number): number {\n  return a + b;\n}\n".repeat(30);
    let filler_json =
        "{\"name\": \"pkg\", \"version\": \"1.0.0\", \"items\": [1, 2, 3]}\n".repeat(20);
    let mut bytes = 0;
    for i in 0..FILES {
        let dir: PathBuf = root.join(format!("crate{}/src/module{}", i % 50, i % 400));
        std::fs::create_dir_all(&dir).unwrap();
        let (name, text): (String, &str) = if i < HANDLERS {
            (format!("handler{i}.rs"), &rust[i % rust.len()])
        } else if i < 2 * HANDLERS {
            (format!("handler{i}.go"), &go[i % go.len()])
        } else {
            match i % 4 {
                0 if i % 8 == 0 => (format!("file{i}.go"), &filler_go),
                0 => (format!("file{i}.rs"), &filler_rs),
                1 => (format!("file{i}.md"), &filler_md),
                2 => (format!("file{i}.ts"), &filler_ts),
                _ => (format!("file{i}.json"), &filler_json),
            }
        };
        std::fs::write(dir.join(name), text).unwrap();
        bytes += text.len();
    }
    bytes
}
