//! The GitHub Action (`action.yml`): its steps' scripts run for real against a small
//! project, with the inputs put in as GitHub would, and the binary under test on the PATH
//! in place of the install step's.

mod workflow_support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use workflow_support::*;

fn action() -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml exists");
    serde_saphyr::from_str(&text).expect("action.yml is YAML")
}

fn step<'a>(action: &'a Value, name: &str) -> &'a Value {
    action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("a step named {name}"))
}

/// `${{ inputs.x }}` replaced by the input's value.
fn expand(text: &str, inputs: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), value);
    }
    out
}

/// Runs a step's script in `dir` as the runner would (bash, the step's env).
fn run_step(step: &Value, dir: &Path, inputs: &[(&str, &str)]) -> std::process::Output {
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().expect("a run script");
    assert!(
        !script.contains("${{"),
        "inputs reach scripts through env, never inline"
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_statuslint"))
        .parent()
        .unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", script])
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("STATUSLINT_OUTPUT_FORMAT");
    if let Some(env) = step["env"].as_object() {
        for (key, value) in env {
            cmd.env(key, expand(value.as_str().unwrap(), inputs));
        }
    }
    cmd.output().expect("bash runs")
}

#[test]
fn the_action_is_a_composite_that_installs_from_its_own_source() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    assert_eq!(a["inputs"]["args"]["default"], ".");
    assert_eq!(a["inputs"]["sarif-file"]["default"], "");
    let install = step(&a, "Install statuslint")["run"].as_str().unwrap();
    assert!(install.contains("cargo install --locked"), "{install}");
    assert!(
        install.contains("--path \"$GITHUB_ACTION_PATH\""),
        "{install}"
    );
    assert!(install.contains("$GITHUB_PATH"), "{install}");
}

#[test]
fn the_run_step_annotates_and_fails_on_findings() {
    let a = action();
    let dir = project(&[("src/a.rs", LEGACY_REDIRECT_RS), ("b.rs", CLEAN_RS)]);
    let out = run_step(step(&a, "Run statuslint"), dir.path(), &[("args", "src")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::warning title=statuslint (SL101),file=src/a.rs,line=5,"),
        "{text}"
    );
    let out = run_step(
        step(&a, "Run statuslint"),
        dir.path(),
        &[("args", "b.rs --fail-on error")],
    );
    assert_eq!(out.status.code(), Some(0), "arguments are split into flags");
}

#[test]
fn the_sarif_step_writes_sarif_without_failing() {
    let a = action();
    let s = step(&a, "Write SARIF");
    assert_eq!(s["if"], "inputs.sarif-file != ''");
    let dir = project(&[("a.rs", LEGACY_REDIRECT_RS)]);
    let out = run_step(
        s,
        dir.path(),
        &[("args", "."), ("sarif-file", "statuslint.sarif")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&read(dir.path(), "statuslint.sarif")).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "SL101");
}

/// The install step run as the runner would, with a fake `cargo` first on the PATH that
/// records its arguments, and releases served from `server` (`file://` URLs stand in for
/// GitHub's). Returns the output and the fake cargo's record.
struct Install {
    temp: tempfile::TempDir,
}

impl Install {
    fn new() -> Self {
        let install = Install {
            temp: tempfile::tempdir().unwrap(),
        };
        let fake_cargo = "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/cargo-args\"\n";
        write(&install.path("fake-bin"), "cargo", fake_cargo);
        make_executable(&install.path("fake-bin").join("cargo"));
        std::fs::create_dir_all(install.path("runner")).unwrap();
        install
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.temp.path().join(name)
    }

    /// A release of this version on the fake server, made by the release workflow's own
    /// archive step (so the names it writes are the names the action asks for), with the
    /// binary under test as the build; `checksum` overrides the real SHA-256.
    fn publish(&self, target: &str, checksum: Option<&str>) {
        let version = env!("CARGO_PKG_VERSION");
        let checkout = self.path("checkout");
        let built = checkout.join(format!("target/{target}/release"));
        std::fs::create_dir_all(&built).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_statuslint"), built.join("statuslint")).unwrap();
        write(&checkout, "README.md", "# statuslint\n");
        let out = Command::new("bash")
            .args([
                "-e",
                "-c",
                &release_step("binaries", "Archive with checksum"),
            ])
            .current_dir(&checkout)
            .env("VERSION", version)
            .env("TARGET", target)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", output_text(&out));

        let release = self
            .path("server")
            .join(format!("owner/statuslint/releases/download/v{version}"));
        std::fs::create_dir_all(release.parent().unwrap()).unwrap();
        std::fs::rename(checkout.join("dist"), &release).unwrap();
        let archive = format!("statuslint-{version}-{target}.tar.gz");
        assert!(
            release.join(&archive).is_file(),
            "the release step wrote {archive}"
        );
        if let Some(fake) = checksum {
            write(
                &release,
                &format!("{archive}.sha256"),
                &format!("{fake}  {archive}\n"),
            );
        }
    }

    fn run(&self, action_ref: &str) -> std::process::Output {
        let a = action();
        let script = step(&a, "Install statuslint")["run"].as_str().unwrap();
        let (os, arch) = runner();
        Command::new("bash")
            .args(["-e", "-c", script])
            .current_dir(self.temp.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.path("fake-bin").display(),
                    std::env::var("PATH").unwrap()
                ),
            )
            .env("ACTION_REF", action_ref)
            .env("ACTION_REPOSITORY", "owner/statuslint")
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env(
                "GITHUB_SERVER_URL",
                format!("file://{}", self.path("server").display()),
            )
            .env("GITHUB_PATH", self.path("github-path"))
            .env("RUNNER_TEMP", self.path("runner"))
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .output()
            .expect("bash runs")
    }

    fn installed(&self) -> std::path::PathBuf {
        self.path("runner/statuslint/bin/statuslint")
    }

    fn cargo_args(&self) -> Option<String> {
        std::fs::read_to_string(self.path("fake-bin/cargo-args")).ok()
    }
}

/// The run script of a step of a job in the release workflow.
fn release_step(job: &str, name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml");
    let workflow: Value = serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let steps = workflow["jobs"][job]["steps"].as_array().expect("steps");
    let found = steps.iter().find(|s| s["name"] == name);
    found.unwrap_or_else(|| panic!("a step named {name} in {job}"))["run"]
        .as_str()
        .unwrap()
        .to_string()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `RUNNER_OS` and `RUNNER_ARCH` as GitHub sets them on a runner like this machine.
fn runner() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "macOS",
        _ => "Linux",
    };
    let arch = match std::env::consts::ARCH {
        "aarch64" => "ARM64",
        _ => "X64",
    };
    (os, arch)
}

/// The release archive the action downloads on this machine.
fn this_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("macos", "aarch64") => "aarch64-apple-darwin",
        ("macos", _) => "x86_64-apple-darwin",
        (_, "aarch64") => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    }
}

fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_release_tag_downloads_the_checked_binary_for_the_runner() {
    let version = env!("CARGO_PKG_VERSION");
    let major = version.split('.').next().unwrap();
    for action_ref in [format!("v{version}"), format!("v{major}")] {
        let install = Install::new();
        install.publish(this_target(), None);
        let out = install.run(&action_ref);
        assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
        assert!(
            output_text(&out).contains(&format!(
                "releases/download/v{version}/statuslint-{version}-{}.tar.gz",
                this_target()
            )),
            "{}",
            output_text(&out)
        );
        assert_eq!(install.cargo_args(), None, "no build for {action_ref}");
        let version_line = Command::new(install.installed())
            .arg("--version")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&version_line.stdout)
                .starts_with(&format!("statuslint {version}"))
        );
        let github_path = read(install.temp.path(), "github-path");
        assert_eq!(
            github_path.trim(),
            install.path("runner/statuslint/bin").display().to_string()
        );
    }
}

#[test]
fn a_checksum_mismatch_fails_the_install() {
    let install = Install::new();
    install.publish(this_target(), Some(&"0".repeat(64)));
    let out = install.run(&format!("v{}", env!("CARGO_PKG_VERSION")));
    assert_ne!(out.status.code(), Some(0));
    let text = output_text(&out);
    assert!(
        text.contains("::error::checksum mismatch for statuslint-"),
        "{text}"
    );
    assert!(!install.installed().exists());
    assert!(!install.path("github-path").exists());
}

#[test]
fn an_unreleased_ref_builds_from_the_action_source() {
    for action_ref in ["main", "0123456789abcdef0123456789abcdef01234567", "v999"] {
        let install = Install::new();
        install.publish(this_target(), None);
        let out = install.run(action_ref);
        assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
        assert_eq!(
            install.cargo_args().as_deref().map(str::trim),
            Some(
                format!(
                    "install --locked --quiet --path {} --root {}",
                    env!("CARGO_MANIFEST_DIR"),
                    install.path("runner/statuslint").display()
                )
                .as_str()
            ),
            "{action_ref}"
        );
        assert!(!install.installed().exists(), "{action_ref}");
    }
}
