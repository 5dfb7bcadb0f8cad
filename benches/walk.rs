//! Speed of a whole run on a large repository, compared with ripgrep over the same tree.
//!
//! `cargo bench --bench walk` generates, per language, a tree of 20,000 files (mostly
//! irrelevant to statuslint, a few hundred handlers copied from fixtures/<language>), runs
//! the release binary on it several times, runs `rg` over the same tree, and prints both
//! medians and their ratio. It asserts nothing about time: it is a measurement, not a test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 20_000;
const HANDLERS: usize = 400;
const RUNS: usize = 7;

/// One language's tree: where its handlers come from, what its other code files look like,
/// and what `rg` searches for in it.
struct Tree {
    language: &'static str,
    extension: &'static str,
    filler: &'static str,
    rg_pattern: &'static str,
}

const TREES: [Tree; 4] = [
    Tree {
        language: "rust",
        extension: "rs",
        filler: "pub fn add(a: u64, b: u64) -> u64 {\n    a.wrapping_add(b)\n}\n",
        rg_pattern: "StatusCode|Redirect|return 30",
    },
    Tree {
        language: "python",
        extension: "py",
        filler: "def add(a: int, b: int) -> int:\n    return a + b\n\n\n",
        rg_pattern: "status|redirect|abort|HTTP",
    },
    Tree {
        language: "go",
        extension: "go",
        filler: "package util\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n",
        rg_pattern: "Status|Redirect|WriteHeader",
    },
    Tree {
        language: "javascript",
        extension: "js",
        // Front-end code: components that fetch and read JSON, as most of a Node tree is.
        filler: "export function Item({ id }) {\n  const data = useData(`/api/items/${id}`);\n  return <li className=\"item\">{data.title}</li>;\n}\n",
        rg_pattern: "status|redirect|Response",
    },
];

fn main() {
    for tree in &TREES {
        measure(tree);
    }
}

fn measure(tree: &Tree) {
    let root = std::env::temp_dir().join(format!(
        "statuslint-bench-{}-{}",
        tree.language,
        std::process::id()
    ));
    let handlers = handler_sources(tree);
    let bytes = generate(&root, tree, &handlers);
    println!(
        "{} tree: {FILES} files ({HANDLERS} with handlers), {:.1} MB, at {}",
        tree.language,
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
                .args(["-c", tree.rg_pattern, root.to_str().unwrap()])
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

fn handler_sources(tree: &Tree) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(tree.language);
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("fixtures/<language> exists") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // fixtures/<language>/skipped holds vendored, generated and built files,
                // never read.
                if !path.ends_with("skipped") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == tree.extension) {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Writes the tree and returns its size in bytes.
fn generate(root: &Path, tree: &Tree, handlers: &[String]) -> usize {
    let filler_code = tree.filler.repeat(40);
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
            (
                format!("handler{i}.{}", tree.extension),
                &handlers[i % handlers.len()],
            )
        } else {
            match i % 4 {
                0 => (format!("file{i}.{}", tree.extension), &filler_code),
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
