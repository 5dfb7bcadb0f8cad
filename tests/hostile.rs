//! Hostile and unlucky input, generated at test time (nothing large lives in git): every
//! run ends, with the exit code and message it should, and writes nothing it should not.

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// Long enough for a slow machine, short enough that a hang fails the test.
const LIMIT: Duration = Duration::from_secs(20);

fn statuslint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("statuslint").expect("binary built");
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("STATUSLINT_OUTPUT_FORMAT")
        .timeout(LIMIT);
    cmd
}

const NGINX: &str = "server {\n    listen 80;\n    return 302 https://$host$request_uri;\n}\n";

/// A project with one nginx finding.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect("a .git folder");
    std::fs::write(dir.path().join("nginx.conf"), NGINX).expect("written");
    dir
}

fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Every regular file under `dir` with its bytes, to see that nothing was written.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let kind = entry.file_type().expect("a type");
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.insert(entry.path(), std::fs::read(entry.path()).expect("read"));
            } else {
                out.insert(entry.path(), Vec::new());
            }
        }
    }
    out
}

#[test]
fn ignore_files_that_are_fifos_or_devices_skip_their_folder() {
    for name in [".gitignore", ".ignore", ".statuslintignore"] {
        let dir = project();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("nginx.conf"), NGINX).unwrap();
        fifo(&sub.join(name));
        statuslint(dir.path())
            .args([".", "--output-format", "concise"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("nginx.conf:3:5: SL101"))
            .stderr(predicate::str::contains(format!(
                "sub: folder not checked: its {name} is a FIFO"
            )));
    }
    let dir = project();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".statuslintignore")).unwrap();
    statuslint(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "its .statuslintignore is a device, not a regular file",
        ));
}

#[test]
fn named_files_that_cannot_be_checked_are_errors() {
    let dir = project();
    fifo(&dir.path().join("pipe.conf"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.conf")).unwrap();
    std::os::unix::fs::symlink("loop.conf", dir.path().join("loop.conf")).unwrap();
    let before = snapshot(dir.path());
    statuslint(dir.path())
        .args(["pipe.conf", "zero.conf", "loop.conf", "nginx.conf"])
        .args(["--output-format", "concise"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("nginx.conf:3:5: SL101"))
        .stderr(predicate::str::contains(
            "`pipe.conf` cannot be checked: a FIFO",
        ))
        .stderr(predicate::str::contains(
            "`zero.conf` cannot be checked: a device",
        ))
        .stderr(predicate::str::contains(
            "`loop.conf` cannot be checked: a symbolic link loop",
        ));
    // A FIFO inside a walked folder is not a file to read, and not an error.
    statuslint(dir.path()).arg(".").assert().code(1);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn kernel_files_are_never_read() {
    let dir = project();
    std::os::unix::fs::symlink("/proc/self/status", dir.path().join("status.conf")).unwrap();
    statuslint(dir.path())
        .arg("status.conf")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("(/proc or /sys) is never read"));
}

#[test]
fn a_closed_stderr_ends_quietly() {
    let dir = project();
    for i in 0..400 {
        // Each file gets a note: invalid UTF-8.
        let mut text = NGINX.as_bytes().to_vec();
        text.extend(b"# \xff\n");
        std::fs::write(dir.path().join(format!("n{i}.nginx")), text).unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_statuslint"))
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stderr.take());
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(1), "{status:?}");
}

#[test]
fn threads_are_bounded() {
    let dir = project();
    for n in ["100000", "18446744073709551615"] {
        statuslint(dir.path())
            .args(["-j", n])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--threads"));
    }
    statuslint(dir.path()).args(["-j", "256"]).assert().code(1);
}

#[test]
fn standard_input_is_capped_like_files() {
    let dir = project();
    let big = vec![b'a'; 33 * 1024 * 1024];
    statuslint(dir.path())
        .args(["-", "--stdin-filename", "x.rs"])
        .write_stdin(big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than the 32 MiB limit"));
}

#[test]
fn a_diff_base_is_never_an_option() {
    let dir = project();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("git runs")
    };
    std::fs::remove_dir(dir.path().join(".git")).unwrap();
    git(&["init", "-q", "."]);
    for flag in ["--diff-base=--output=x.txt", "--changed-since=-o/tmp/x"] {
        statuslint(dir.path())
            .arg(flag)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not a git reference"));
    }
    statuslint(dir.path())
        .arg("--diff-base=no-such-ref")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("names no commit"));
    assert!(!dir.path().join("x.txt").exists());
}

#[test]
fn repository_text_cannot_drive_a_terminal_or_a_runner() {
    let dir = project();
    let name = "evil\u{1b}]0;x\u{7}\n::add-mask::y.nginx";
    std::fs::write(dir.path().join(name), NGINX).unwrap();
    std::fs::write(
        dir.path().join("api.yaml"),
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: \"x\\n::error::owned\\e[2J#/a\"}\n",
    )
    .unwrap();
    for format in ["full", "concise", "github"] {
        let out = statuslint(dir.path())
            .args(["--output-format", format, "--color", "never"])
            .output()
            .expect("runs");
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains('\u{1b}'), "{format}: {text}");
            assert!(
                !text
                    .lines()
                    .any(|l| l.trim_start().starts_with("::add-mask")
                        || l.trim_start().starts_with("::error::owned")),
                "{format}: {text}"
            );
        }
        assert!(String::from_utf8_lossy(&out.stderr).contains("api.yaml"));
    }
}

#[test]
fn refs_and_includes_stay_inside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("r.yaml"),
        "a:\n  description: moved\n  content: {text/plain: {}}\n",
    )
    .unwrap();
    let dir = project();
    let reference = outside.path().join("r.yaml");
    std::fs::write(
        dir.path().join("api.yaml"),
        format!(
            "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        '204': {{$ref: '{}#/a'}}\n        '301': {{$ref: '/etc/passwd#/a'}}\n",
            reference.display()
        ),
    )
    .unwrap();
    statuslint(dir.path())
        .arg("api.yaml")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("is outside the project"))
        .stdout(predicate::str::contains("SL201").not());
    statuslint(dir.path())
        .args(["facts", "api.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("is outside the project"))
        .stdout(predicate::str::contains("\"text/plain\"").not());
    // A folder the config allows is read; the rest of the machine still is not.
    std::fs::write(
        dir.path().join("statuslint.toml"),
        format!(
            "allow-outside-project = [{:?}]\n",
            outside.path().display().to_string()
        ),
    )
    .unwrap();
    statuslint(dir.path())
        .args(["api.yaml", "--output-format", "concise"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("api.yaml:6:9: SL201"))
        .stderr(predicate::str::contains(
            "`$ref: /etc/passwd#/a` cannot be followed",
        ));
    // `facts` reads with the same config: the allowed folder's response is read.
    statuslint(dir.path())
        .args(["facts", "api.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"text/plain\""))
        .stdout(predicate::str::contains(
            "`$ref: /etc/passwd#/a` cannot be followed",
        ));
    std::fs::write(
        dir.path().join("statuslint.toml"),
        "allow-outside-project = [\"../no-such-folder\"]\n",
    )
    .unwrap();
    statuslint(dir.path())
        .arg("api.yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`../no-such-folder` is not a folder",
        ));
}

/// `return 302` on a port-80-only server is fixed to 308 by `--fix --unsafe-fixes`.
fn fix(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    statuslint(dir)
        .args(["--fix", "--unsafe-fixes", "--output-format", "concise"])
        .args(args)
        .assert()
}

#[test]
fn fix_refuses_read_only_files_and_then_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    std::fs::write(dir.path().join("locked.nginx"), NGINX).unwrap();
    let locked = dir.path().join("locked.nginx");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot(dir.path());
    fix(dir.path(), &["."])
        .code(2)
        .stderr(predicate::str::contains("`locked.nginx` is read-only"))
        .stderr(predicate::str::contains("no file was changed"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn fix_writes_through_links_and_keeps_mode_owner_and_bom() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = project();
    let real = dir.path().join("real.nginx");
    std::fs::write(&real, format!("\u{feff}{NGINX}")).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o604)).unwrap();
    std::fs::hard_link(&real, dir.path().join("hard.nginx")).unwrap();
    std::os::unix::fs::symlink("real.nginx", dir.path().join("link.nginx")).unwrap();
    let owner = std::fs::metadata(&real).unwrap().uid();
    fix(dir.path(), &["link.nginx"])
        .code(0)
        .stderr(predicate::str::contains("wrote link.nginx (1 fix)"));
    let link = dir.path().join("link.nginx");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    let fixed = std::fs::read_to_string(dir.path().join("hard.nginx")).unwrap();
    assert!(fixed.starts_with("\u{feff}server {"), "{fixed}");
    assert!(fixed.contains("return 308"), "{fixed}");
    let meta = std::fs::metadata(&real).unwrap();
    assert_eq!((meta.mode() & 0o777, meta.uid()), (0o604, owner));
}

/// The concise findings for `file` copied into a fresh project as `bytes`.
fn findings_of(file: &str, bytes: &[u8]) -> String {
    let dir = project();
    let name = Path::new(file).file_name().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let out = statuslint(dir.path())
        .arg(name)
        .args(["--output-format", "concise", "--select", "ALL"])
        .output()
        .expect("runs");
    // The findings only: the summary line says how long the run took.
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains(": SL"))
        .map(|l| format!("{l}\n"))
        .collect()
}

const ENCODED: &[&str] = &[
    "fixtures/openapi/v3_0/codes.yaml",
    "fixtures/openapi/v2_0/inventory.yaml",
    "fixtures/kubernetes/ingress_nginx.yaml",
    "fixtures/caddy/redirects.caddy",
    "fixtures/apache/vhosts.conf",
    "fixtures/nginx/redirects.conf",
    "fixtures/traefik/dynamic.yml",
    "fixtures/rust/axum/redirects.rs",
];

#[test]
fn a_byte_order_mark_or_utf16_changes_no_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ENCODED {
        let text = std::fs::read_to_string(root.join(file)).expect(file);
        let plain = findings_of(file, text.as_bytes());
        assert!(plain.contains(": SL"), "{file} has findings: {plain}");
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(findings_of(file, &bom), plain, "{file} with a BOM");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(findings_of(file, &utf16), plain, "{file} in UTF-16");
    }
}

#[test]
fn one_anchor_used_often_is_a_real_file() {
    let mut spec = String::from(
        "openapi: 3.0.0\ncomponents:\n  responses:\n    moved: &moved\n      description: moved\npaths:\n",
    );
    for i in 0..150 {
        spec.push_str(&format!(
            "  /p{i}:\n    get:\n      responses:\n        '301': *moved\n"
        ));
    }
    let dir = project();
    std::fs::write(dir.path().join("api.yaml"), spec).unwrap();
    let out = statuslint(dir.path())
        .args(["api.yaml", "--output-format", "concise"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("SL104").count(), 150, "{stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not valid"));
    // A billion laughs is stopped, with a note, not a hang or an allocation.
    let mut bomb = String::from("openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    statuslint(dir.path()).arg("bomb.yaml").assert().code(0);
}

#[test]
fn a_rule_named_twice_in_one_suppression_is_used() {
    let dir = project();
    let text = NGINX.replace(
        "$request_uri;",
        "$request_uri; # statuslint-disable-line temporary-redirect-for-permanent-move,SL101",
    );
    std::fs::write(dir.path().join("nginx.conf"), text).unwrap();
    statuslint(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems found"));
}

#[test]
fn a_file_named_twice_is_reported_once() {
    let dir = project();
    statuslint(dir.path())
        .args([
            ".",
            "nginx.conf",
            "./nginx.conf",
            "--output-format",
            "concise",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("SL101").count(1));
}

#[test]
fn config_hints_fit_the_error() {
    let dir = project();
    std::fs::write(dir.path().join("statuslint.toml"), "fail-on = 3\n").unwrap();
    statuslint(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fail-on is one of"))
        .stderr(predicate::str::contains("rule lists").not());
}

#[test]
fn an_ignore_file_swapped_for_a_fifo_never_blocks_the_walk() {
    let dir = project();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("nginx.conf"), NGINX).unwrap();
    let gitignore = sub.join(".gitignore");
    std::fs::write(&gitignore, "*.tmp\n").unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (stop, sub) = (stop.clone(), sub.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = std::fs::remove_file(sub.join("pipe"));
                fifo(&sub.join("pipe"));
                std::fs::rename(sub.join("pipe"), sub.join(".gitignore")).unwrap();
                std::fs::write(sub.join("regular"), "*.tmp\n").unwrap();
                std::fs::rename(sub.join("regular"), sub.join(".gitignore")).unwrap();
            }
        })
    };
    // Whichever the walk finds, a FIFO or a file, every run ends.
    for _ in 0..20 {
        let out = statuslint(dir.path())
            .args([".", "--output-format", "concise"])
            .output()
            .expect("the run ends");
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
}

#[test]
fn a_file_of_thousands_of_broken_entries_gives_a_few_notes() {
    let dir = project();
    let doc = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: https://b.example.com/\n    nginx.ingress.kubernetes.io/permanent-redirect-code: \"abc\"\n";
    let manifest = vec![doc; 1000].join("---\n");
    std::fs::write(dir.path().join("ingress.yaml"), manifest).unwrap();
    let out = statuslint(dir.path())
        .arg("ingress.yaml")
        .output()
        .expect("the run ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let notes = stderr
        .lines()
        .filter(|l| l.contains("ingress.yaml"))
        .count();
    assert!(notes <= 21, "{notes} notes:\n{stderr}");
    assert!(
        stderr.contains("980 more notes like these not shown (at most 20 per file)"),
        "{stderr}"
    );
}

#[test]
fn deeply_nested_yaml_is_a_note_not_a_crash() {
    let dir = project();
    let flow = |n: usize| format!("{}1{}", "{a: ".repeat(n), "}".repeat(n));
    let block = |n: usize| {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("{}a{i}:\n", "  ".repeat(i + 2)));
        }
        text + &"  ".repeat(n + 2) + "x: 1\n"
    };
    for n in [50, 1000] {
        let ingress = format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  annotations:\n    nginx.ingress.kubernetes.io/permanent-redirect: {}\n",
            flow(n)
        );
        std::fs::write(dir.path().join("ingress.yaml"), ingress).expect("written");
        let values = format!("controller:\n  config:\n    server-snippet:\n{}", block(n));
        std::fs::write(dir.path().join("values.yaml"), values).expect("written");
        statuslint(dir.path())
            .args(["ingress.yaml", "values.yaml"])
            .assert()
            .code(predicate::in_iter([0, 1]))
            .stderr(predicate::str::contains("could not be read"));
    }
}
