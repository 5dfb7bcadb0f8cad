//! Installing without a Rust toolchain: the wheel (pip), the npm packages (npx), and the
//! files that publish them. `scripts/build-dist.sh` builds the wheel once with maturin and
//! packs the npm packages from its binary; these tests install them into fresh
//! environments, offline, and run the installed `statuslint` on a small project. Without
//! that build they are skipped, except under `CI=true`, where they fail.

mod workflow_support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use workflow_support::*;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn toml_file(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(manifest_dir().join(path)).expect("readable");
    text.parse().expect("TOML")
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

fn launcher() -> Value {
    json_file(&manifest_dir().join("npm/statuslint/package.json"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// An installed `statuslint`, run in `dir`, finds the SL101 in src/a.rs and fails on it.
fn assert_finds_the_redirect(mut statuslint: Command, dir: &Path) {
    write(dir, "src/a.rs", LEGACY_REDIRECT_RS);
    write(dir, "src/b.rs", CLEAN_RS);
    let out = run(statuslint
        .args(["--output-format", "concise", "--color", "never", "src"])
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("STATUSLINT_OUTPUT_FORMAT"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("src/a.rs:5:5: SL101"), "{}", text(&out));
    assert!(!stdout.contains("b.rs"), "{}", text(&out));
}

#[test]
fn every_package_has_the_crate_version() {
    let hook = toml_file("pyproject.toml");
    assert_eq!(hook["project"]["version"].as_str(), Some(VERSION));
    let pin = format!("statuslint=={VERSION}");
    assert_eq!(
        hook["project"]["dependencies"].as_array().unwrap(),
        &vec![toml::Value::String(pin)],
        "the hook's package pins the wheel of its own version"
    );

    let wheel = toml_file("python/pyproject.toml");
    assert_eq!(wheel["project"]["name"].as_str(), Some("statuslint"));
    assert!(wheel["project"].get("version").is_none(), "from Cargo.toml");
    assert_eq!(wheel["project"]["readme"].as_str(), Some("../README.md"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));

    let npm = launcher();
    assert_eq!(npm["version"], VERSION);
    for (name, pinned) in npm["optionalDependencies"].as_object().unwrap() {
        assert_eq!(pinned, VERSION, "{name}");
    }
}

#[test]
fn the_release_builds_what_the_installers_download() {
    let text = std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml"))
        .expect("the release workflow");
    let workflow: Value = serde_saphyr::from_str(&text).expect("YAML");
    let matrix = workflow["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("a binaries matrix");
    let mut npm_platforms: Vec<String> = matrix
        .iter()
        .map(|m| format!("@statuslint/{}", m["npm"].as_str().unwrap()))
        .collect();
    npm_platforms.sort();
    let mut optional: Vec<String> = launcher()["optionalDependencies"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    optional.sort();
    assert_eq!(
        npm_platforms, optional,
        "one npm package per release binary"
    );

    // cargo-binstall's templates name the archives and the binary inside them as the
    // release's archive step writes them: <name>-<version>-<target>/<bin>.
    let binstall = &toml_file("Cargo.toml")["package"]["metadata"]["binstall"];
    let expand = |template: &str, target: &str, ext: &str| {
        template
            .replace("{ repo }", "REPO")
            .replace("{ name }", "statuslint")
            .replace("{ bin }", "statuslint")
            .replace("{ version }", VERSION)
            .replace("{ target }", target)
            .replace("{ binary-ext }", ext)
    };
    let windows = &binstall["overrides"]["x86_64-pc-windows-msvc"];
    let archive = |target: &str, ext: &str| {
        format!("REPO/releases/download/v{VERSION}/statuslint-{VERSION}-{target}.{ext}")
    };
    let url = binstall["pkg-url"].as_str().unwrap();
    assert_eq!(
        expand(url, "aarch64-apple-darwin", ""),
        archive("aarch64-apple-darwin", "tar.gz")
    );
    let url = windows["pkg-url"].as_str().unwrap();
    assert_eq!(
        expand(url, "x86_64-pc-windows-msvc", ".exe"),
        archive("x86_64-pc-windows-msvc", "zip")
    );
    let bin_dir = binstall["bin-dir"].as_str().unwrap();
    assert_eq!(
        expand(bin_dir, "x86_64-pc-windows-msvc", ".exe"),
        format!("statuslint-{VERSION}-x86_64-pc-windows-msvc/statuslint.exe")
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(windows["pkg-fmt"].as_str(), Some("zip"));

    let action = std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap();
    let cargo = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    for target in matrix.iter().map(|m| m["target"].as_str().unwrap()) {
        assert!(action.contains(target), "the action downloads {target}");
        if target.contains("windows") {
            assert!(cargo.contains(&format!("overrides.{target}]")), "{target}");
        }
    }
}

fn tool(dist: &Path, name: &str) -> PathBuf {
    dist.join("tools/bin").join(name)
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let Some(dist) = dist("tools/bin/actionlint") else {
        return;
    };
    // shellcheck (beside it) checks the run scripts too.
    let path = format!(
        "{}:{}",
        dist.join("tools/bin").display(),
        std::env::var("PATH").unwrap()
    );
    let lint = |dir: &Path| {
        run(Command::new(tool(&dist, "actionlint"))
            .args(["-no-color", ".github/workflows/release.yml"])
            .current_dir(dir)
            .env("PATH", &path))
    };
    let out = lint(manifest_dir());
    assert!(out.status.success(), "{}", text(&out));

    // The same check on a broken copy fails: actionlint really reads the file.
    let broken = project(&[(
        ".github/workflows/release.yml",
        &std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml"))
            .unwrap()
            .replace(
                "needs.version.outputs.version",
                "needs.versoin.outputs.version",
            ),
    )]);
    let out = lint(broken.path());
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("versoin"), "{}", text(&out));
}

#[test]
fn the_action_scripts_pass_shellcheck() {
    let Some(dist) = dist("tools/bin/shellcheck") else {
        return;
    };
    let action: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap(),
    )
    .unwrap();
    for step in action["runs"]["steps"].as_array().unwrap() {
        let script = step["run"].as_str().unwrap();
        let dir = project(&[("step.sh", script)]);
        let out = run(Command::new(tool(&dist, "shellcheck"))
            .args(["--shell=bash", "step.sh"])
            .current_dir(dir.path()));
        assert!(out.status.success(), "{}: {}", step["name"], text(&out));
    }
}

#[test]
fn the_dockerfile_passes_hadolint() {
    let Some(dist) = dist("tools/bin/hadolint") else {
        return;
    };
    let out = run(Command::new(tool(&dist, "hadolint"))
        .arg("Dockerfile")
        .current_dir(manifest_dir()));
    assert!(out.status.success(), "{}", text(&out));
}

fn python3() -> PathBuf {
    std::env::var_os("STATUSLINT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"))
}

#[test]
fn the_wheel_installs_with_pip_and_runs() {
    let Some(dist) = dist("wheels") else {
        return;
    };
    let venv = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let out = run(Command::new(python3())
        .args(["-m", "venv"])
        .arg(venv.path()));
    assert!(out.status.success(), "{}", text(&out));
    let bin = venv.path().join("bin");
    let out = run(Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--no-index", "--find-links"])
        .arg(dist.join("wheels"))
        .arg("statuslint")
        .env_remove("PIP_FIND_LINKS"));
    assert!(out.status.success(), "{}", text(&out));

    let installed = bin.join("statuslint");
    // The commit may differ: the wheel is built by build-dist.sh, not by this test run.
    let out = run(Command::new(&installed).arg("--version"));
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        version.starts_with(&format!("statuslint {VERSION}")),
        "{version}"
    );
    assert_finds_the_redirect(Command::new(&installed), venv.path());

    // The README is the long description on PyPI.
    let out = run(Command::new(bin.join("python")).args([
        "-c",
        "import importlib.metadata as m; d = m.metadata('statuslint'); \
         print(d['Description-Content-Type']); print(d.get_payload())",
    ]));
    let metadata = String::from_utf8_lossy(&out.stdout);
    assert!(metadata.starts_with("text/markdown"), "{metadata}");
    assert!(
        metadata.contains("**Catch wrong HTTP status codes before they ship.**"),
        "{metadata}"
    );
}

fn npm_pack(dist: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(dist.join("npm"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(&format!("-{VERSION}.tgz"))
        })
        .unwrap_or_else(|| panic!("{prefix}*.tgz in {}", dist.join("npm").display()))
}

#[test]
fn npx_runs_the_binary_from_the_platform_package() {
    let Some(dist) = dist("npm") else {
        return;
    };
    let app = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    write(
        app.path(),
        "package.json",
        r#"{"name": "app", "private": true}"#,
    );
    let launcher = npm_pack(&dist, "statuslint-0");
    let platform = npm_pack(&dist, "statuslint-linux-");
    let out = run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--offline"])
        .arg(&platform)
        .arg(&launcher)
        .current_dir(app.path()));
    assert!(out.status.success(), "{}", text(&out));

    let mut npx = Command::new("npx");
    npx.args(["--no-install", "statuslint"]);
    assert_finds_the_redirect(npx, app.path());
}

/// The launcher from npm/statuslint, alone in a project: no platform package beside it.
fn bare_launcher() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let package = manifest_dir().join("npm/statuslint");
    for file in ["package.json", "bin/statuslint.js"] {
        write(
            dir.path(),
            file,
            &std::fs::read_to_string(package.join(file)).unwrap(),
        );
    }
    dir
}

fn node_available() -> bool {
    let found = Command::new("node").arg("--version").output();
    if found.is_ok_and(|o| o.status.success()) {
        return true;
    }
    missing_tool("node is not installed: CI must run the npm launcher tests");
    false
}

#[test]
fn the_launcher_says_when_no_binary_fits_the_platform() {
    if !node_available() {
        return;
    }
    let dir = bare_launcher();
    write(
        dir.path(),
        "freebsd.js",
        "Object.defineProperty(process, 'platform', { value: 'freebsd' });\n",
    );
    let out = run(Command::new("node")
        .args(["--require", "./freebsd.js", "bin/statuslint.js", "."])
        .current_dir(dir.path()));
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.starts_with("statuslint: no prebuilt binary for this platform (freebsd-"),
        "{message}"
    );
    assert!(
        message.contains(
            "npm packages exist for darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64."
        ),
        "{message}"
    );
    assert!(message.contains("cargo install statuslint"), "{message}");
}

#[test]
fn the_launcher_says_when_the_platform_package_was_left_out() {
    if !node_available() {
        return;
    }
    let dir = bare_launcher();
    let out = run(Command::new("node")
        .args(["bin/statuslint.js", "."])
        .current_dir(dir.path()));
    let message = String::from_utf8_lossy(&out.stderr);
    let supported = [
        "linux-x64",
        "linux-arm64",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ];
    let here = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
        .replace("x86_64", "x64")
        .replace("aarch64", "arm64")
        .replace("macos", "darwin")
        .replace("windows", "win32");
    if !supported.contains(&here.as_str()) {
        return;
    }
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(
        message.contains(&format!(
            "the package @statuslint/{here}, which holds the binary"
        )),
        "{message}"
    );
    assert!(message.contains("--omit=optional"), "{message}");
}

#[test]
fn the_stage_script_makes_only_the_launchers_platform_packages() {
    if !node_available() {
        return;
    }
    let out_dir = tempfile::tempdir().unwrap();
    let stage = |platform: &str| {
        run(Command::new("node")
            .arg(manifest_dir().join("npm/stage.js"))
            .arg(platform)
            .arg(env!("CARGO_BIN_EXE_statuslint"))
            .arg(out_dir.path()))
    };
    let out = stage("freebsd-x64");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out)
            .contains("@statuslint/freebsd-x64 is not among the launcher's optionalDependencies"),
        "{}",
        text(&out)
    );

    let out = stage("darwin-arm64");
    assert!(out.status.success(), "{}", text(&out));
    let manifest = json_file(&out_dir.path().join("darwin-arm64/package.json"));
    assert_eq!(manifest["name"], "@statuslint/darwin-arm64");
    assert_eq!(manifest["version"], VERSION);
    assert_eq!(manifest["os"], serde_json::json!(["darwin"]));
    assert_eq!(manifest["cpu"], serde_json::json!(["arm64"]));
    assert!(out_dir.path().join("darwin-arm64/bin/statuslint").is_file());
}
