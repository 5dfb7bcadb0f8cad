//! Configuration end to end: discovery, `--config`, `--isolated`, selection on the command
//! line and in files, severities, globs, rule options, errors and `--show-settings`.

mod workflow_support;

use workflow_support::*;

#[test]
fn the_nearest_config_file_wins() {
    let dir = project(&[
        ("statuslint.toml", "ignore = [\"SL302\"]\n"),
        ("a.rs", UNREGISTERED_RS),
        ("sub/.statuslint.toml", "select = [\"SL3\"]\n"),
        ("sub/b.rs", UNREGISTERED_RS),
        ("sub/deeper/c.rs", UNREGISTERED_RS),
    ]);
    let (found, code, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["sub/b.rs:4: SL302", "sub/deeper/c.rs:4: SL302"]);
    assert_eq!(code, 1);
}

#[test]
fn config_flag_and_isolated_replace_discovery() {
    let dir = project(&[
        ("statuslint.toml", "ignore = [\"SL302\"]\n"),
        ("ci.toml", "select = [\"unregistered-status-code\"]\n"),
        ("a.rs", UNREGISTERED_RS),
        ("b.rs", LEGACY_REDIRECT_RS),
    ]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["b.rs:5: SL101"]);
    let (found, _, _) = concise(dir.path(), &["--config", "ci.toml"]);
    assert_eq!(found, ["a.rs:4: SL302"]);
    let (found, _, _) = concise(dir.path(), &["--isolated"]);
    assert_eq!(found, ["a.rs:4: SL302", "b.rs:5: SL101"]);
}

#[test]
fn selection_by_id_prefix_name_and_all_on_the_command_line() {
    let dir = project(&[("a.rs", UNREGISTERED_RS), ("b.rs", LEGACY_REDIRECT_RS)]);
    let (found, _, _) = concise(dir.path(), &["--select", "SL1"]);
    assert_eq!(found, ["b.rs:5: SL101"]);
    let (found, _, _) = concise(dir.path(), &["--select=ALL", "--ignore=SL1"]);
    assert_eq!(
        found,
        ["a.rs:4: SL302", "b.rs:9: SL501"],
        "ALL includes off-by-default rules"
    );
    let (found, _, _) = concise(
        dir.path(),
        &[
            "--ignore",
            "temporary-redirect-for-permanent-move",
            "--extend-select",
            "magic-status-number",
        ],
    );
    assert_eq!(found, ["a.rs:4: SL302", "b.rs:9: SL501"]);
    // The CLI refines the config file: the config's select stays, the CLI ignores more.
    write(
        dir.path(),
        "statuslint.toml",
        "select = [\"SL1\", \"SL3\"]\n",
    );
    let (found, _, _) = concise(dir.path(), &["--ignore", "SL302"]);
    assert_eq!(found, ["b.rs:5: SL101"]);
}

#[test]
fn severity_overrides_and_fail_on() {
    let dir = project(&[
        (
            "statuslint.toml",
            "fail-on = \"error\"\n[severity]\nSL101 = \"info\"\nunregistered-status-code = \"error\"\n",
        ),
        ("b.rs", LEGACY_REDIRECT_RS),
    ]);
    let out = statuslint(dir.path())
        .args(["--output-format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["severity"], "info");
    assert_eq!(
        out.status.code(),
        Some(0),
        "an info does not reach fail-on = error"
    );
    write(dir.path(), "a.rs", UNREGISTERED_RS);
    let (_, code, _) = concise(dir.path(), &[]);
    assert_eq!(code, 1, "SL302 made an error fails the run");
    let (_, code, _) = concise(dir.path(), &["--fail-on", "never"]);
    assert_eq!(code, 0, "the command line overrides the file");
}

#[test]
fn exclude_and_per_file_ignores_are_globs_from_the_config_directory() {
    let dir = project(&[
        (
            "statuslint.toml",
            "exclude = [\"vendor\", \"generated/*.rs\"]\n[per-file-ignores]\n\"legacy/**\" = [\"SL101\"]\n",
        ),
        ("vendor/lib/a.rs", UNREGISTERED_RS),
        ("generated/b.rs", UNREGISTERED_RS),
        ("generated/keep/c.rs", UNREGISTERED_RS),
        ("legacy/old/d.rs", LEGACY_REDIRECT_RS),
        ("e.rs", LEGACY_REDIRECT_RS),
    ]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["e.rs:5: SL101", "generated/keep/c.rs:4: SL302"]);
    // Files named on the command line (as pre-commit does) are excluded too.
    let (found, code, _) = concise(dir.path(), &["vendor/lib/a.rs"]);
    assert!(found.is_empty());
    assert_eq!(code, 0);
    let (found, _, _) = concise(dir.path(), &["--exclude", "e.rs"]);
    assert_eq!(found, ["generated/keep/c.rs:4: SL302"]);
}

#[test]
fn rule_options_allow_codes_and_add_evidence_words() {
    let sunset = "use axum::response::Redirect;\n\nasync fn sunset_blog() -> Redirect {\n    Redirect::temporary(\"/blog\")\n}\n\n\
                  async fn canary_home() -> Redirect {\n    Redirect::permanent(\"/home-b\")\n}\n";
    let dir = project(&[("a.rs", UNREGISTERED_RS), ("s.rs", sunset)]);
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(
        found,
        ["a.rs:4: SL302"],
        "no evidence without the extra words"
    );
    write(
        dir.path(),
        "statuslint.toml",
        "[rules.SL302]\nallowed-codes = [420]\n\
         [rules.temporary-redirect-for-permanent-move]\nextra-words = [\"sunset\"]\n\
         [rules.SL102]\nextra-words = [\"canary\"]\n",
    );
    let (found, _, _) = concise(dir.path(), &[]);
    assert_eq!(found, ["s.rs:4: SL101", "s.rs:8: SL102"]);
}

#[test]
fn a_bad_config_is_an_error_naming_file_line_key_and_a_hint() {
    let dir = project(&[
        ("a.rs", UNREGISTERED_RS),
        (
            "statuslint.toml",
            "# team settings\nselect = [\"SL1\"]\nignore = [\"SL1O3\"]\n",
        ),
    ]);
    let (_, code, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("statuslint.toml:3: key `ignore`: `SL1O3` names no rule"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `SL103`?"), "{stderr}");

    write(dir.path(), "statuslint.toml", "fail_on = \"error\"\n");
    let (_, code, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("statuslint.toml:1: key `fail_on`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `fail-on`?"), "{stderr}");

    write(
        dir.path(),
        "statuslint.toml",
        "[severity]\nSL101 = \"loud\"\n",
    );
    let (_, code, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":2: key `severity.SL101`: `loud` is not a severity"),
        "{stderr}"
    );

    write(dir.path(), "statuslint.toml", "select = [\"SL1\"\n");
    let (_, code, stderr) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("statuslint.toml:"), "{stderr}");

    let (_, code, stderr) = concise(dir.path(), &["--isolated", "--select", "SL9999"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`SL9999` names no rule"), "{stderr}");
}

#[test]
fn show_settings_prints_what_applies_to_a_file() {
    let dir = project(&[
        (
            "statuslint.toml",
            "extend-select = [\"SL501\"]\n[per-file-ignores]\n\"legacy/*\" = [\"SL101\"]\n[rules.SL302]\nallowed-codes = [499]\n",
        ),
        ("legacy/x.rs", LEGACY_REDIRECT_RS),
    ]);
    let out = statuslint(dir.path())
        .args(["--show-settings", "legacy/x.rs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("statuslint.toml"), "{text}");
    assert!(text.contains("SL501 magic-status-number"), "{text}");
    assert!(!text.contains("SL101 temporary"), "{text}");
    assert!(
        text.contains("turned off here by per-file-ignores: SL101"),
        "{text}"
    );
    assert!(text.contains("allowed-codes: [499]"), "{text}");
}
