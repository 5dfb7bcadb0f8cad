//! Adoption and editing workflows end to end: `--diff-base`, baselines, `--fix`,
//! `--unsafe-fixes`, `--diff`, and standard input with `--stdin-filename`.

mod workflow_support;

use workflow_support::*;

#[test]
fn diff_base_reports_only_lines_changed_since_the_reference() {
    let dir = project(&[
        ("old.rs", LEGACY_REDIRECT_RS),
        ("other.rs", UNREGISTERED_RS),
    ]);
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "history"]);
    let (found, _, _) = concise(root, &["--diff-base", "HEAD"]);
    assert!(found.is_empty(), "nothing changed yet: {found:?}");

    // A new finding in a changed line, one in an untracked file, and old ones left alone.
    let changed = LEGACY_REDIRECT_RS.replace(
        "async fn missing()",
        "// legacy: moved\nasync fn older() -> Redirect {\n    Redirect::temporary(\"/docs\")\n}\n\nasync fn missing()",
    );
    write(root, "old.rs", &changed);
    write(root, "new.rs", UNREGISTERED_RS);
    let (found, code, stderr) = concise(root, &["--diff-base", "HEAD"]);
    assert_eq!(found, ["new.rs:4: SL302", "old.rs:10: SL101"], "{stderr}");
    assert_eq!(code, 1);
    let (found, _, _) = concise(root, &["--changed-since", "HEAD", "old.rs"]);
    assert_eq!(found, ["old.rs:10: SL101"]);
    let (all, _, _) = concise(root, &[]);
    assert_eq!(all.len(), 4, "{all:?}");

    let (_, code, stderr) = concise(root, &["--diff-base", "no-such-ref"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-ref"), "{stderr}");
}

#[test]
fn a_baseline_hides_known_findings_even_when_code_moves() {
    let dir = project(&[("a.rs", LEGACY_REDIRECT_RS), ("b.rs", UNREGISTERED_RS)]);
    let root = dir.path();
    let (_, code, stderr) = concise(root, &["--write-baseline", "statuslint-baseline.json"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("wrote 2 findings"), "{stderr}");
    let baseline: serde_json::Value =
        serde_json::from_str(&read(root, "statuslint-baseline.json")).unwrap();
    assert_eq!(baseline["entries"][0]["file"], "a.rs");
    assert_eq!(
        baseline["entries"][0]["source"],
        "Redirect::temporary(\"/docs\")"
    );

    let (found, code, _) = concise(root, &["--baseline", "statuslint-baseline.json"]);
    assert!(found.is_empty() && code == 0, "{found:?}");

    // Moved down and re-indented: still known. A new finding is reported.
    write(
        root,
        "a.rs",
        &format!(
            "// header\n\n{}",
            LEGACY_REDIRECT_RS.replace("    Redirect::temporary", "        Redirect::temporary")
        ),
    );
    write(root, "c.rs", UNREGISTERED_RS);
    let (found, code, _) = concise(root, &["--baseline", "statuslint-baseline.json"]);
    assert_eq!(found, ["c.rs:4: SL302"]);
    assert_eq!(code, 1);

    // A fixed finding leaves a stale entry, which is reported.
    write(root, "b.rs", CLEAN_RS);
    let (_, _, stderr) = concise(root, &["--baseline", "statuslint-baseline.json"]);
    assert!(
        stderr.contains("baseline entry no longer matches (fixed or changed): b.rs SL302"),
        "{stderr}"
    );

    // From another directory, the paths are still relative to the baseline file.
    let sub = root.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (found, _, _) = concise(&sub, &["--baseline", "../statuslint-baseline.json", ".."]);
    assert_eq!(found, ["../c.rs:4: SL302"]);

    write(root, "broken.json", "{");
    let (_, code, stderr) = concise(root, &["--baseline", "broken.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a statuslint baseline"), "{stderr}");
}

#[test]
fn fix_applies_safe_fixes_and_unsafe_ones_only_when_asked() {
    let dir = project(&[
        ("a.rs", LEGACY_REDIRECT_RS),
        ("untouched.rs", UNREGISTERED_RS),
    ]);
    let root = dir.path();
    let before = std::fs::metadata(root.join("untouched.rs"))
        .unwrap()
        .modified()
        .unwrap();

    let (found, code, stderr) = concise(root, &["--extend-select", "SL501", "--fix", "a.rs"]);
    assert_eq!(found, ["a.rs:5: SL101"], "the unsafe fix is not applied");
    assert_eq!(code, 1);
    assert!(stderr.contains("--unsafe-fixes"), "{stderr}");
    let text = read(root, "a.rs");
    assert!(text.contains("    StatusCode::NOT_FOUND\n"), "{text}");
    assert!(text.contains("Redirect::temporary"), "{text}");

    let (found, code, _) = concise(
        root,
        &[
            "--extend-select",
            "SL501",
            "--fix",
            "--unsafe-fixes",
            "a.rs",
        ],
    );
    assert!(found.is_empty() && code == 0, "{found:?}");
    let text = read(root, "a.rs");
    assert_eq!(
        text,
        LEGACY_REDIRECT_RS
            .replace("Redirect::temporary", "Redirect::permanent")
            .replace(
                "StatusCode::from_u16(404).unwrap()",
                "StatusCode::NOT_FOUND"
            )
    );
    let names: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files are left: {names:?}");
    assert_eq!(
        std::fs::metadata(root.join("untouched.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
}

#[test]
fn diff_previews_fixes_without_writing() {
    let dir = project(&[("a.rs", LEGACY_REDIRECT_RS)]);
    let root = dir.path();
    let out = statuslint(root)
        .args(["--diff", "--unsafe-fixes", "--extend-select", "SL501"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "there is something to fix");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.starts_with("--- a/a.rs\n+++ b/a.rs\n@@ -2,9 +2,9 @@\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n-    Redirect::temporary(\"/docs\")\n+    Redirect::permanent(\"/docs\")\n"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("\n-    StatusCode::from_u16(404).unwrap()\n+    StatusCode::NOT_FOUND\n"),
        "{diff}"
    );
    assert_eq!(read(root, "a.rs"), LEGACY_REDIRECT_RS);

    let out = statuslint(root).args(["--diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "no safe fix for SL101 alone");
    assert!(out.stdout.is_empty());
}

#[test]
fn standard_input_is_read_as_the_named_file() {
    let dir = project(&[
        ("svc/statuslint.toml", "extend-select = [\"SL501\"]\n"),
        ("svc/handlers.rs", CLEAN_RS),
    ]);
    let root = dir.path();
    let out = statuslint(root)
        .args([
            "--output-format",
            "concise",
            "-",
            "--stdin-filename",
            "svc/handlers.rs",
        ])
        .write_stdin(LEGACY_REDIRECT_RS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&out),
        ["svc/handlers.rs:5: SL101", "svc/handlers.rs:9: SL501"],
        "the config next to the name applies"
    );
    assert_eq!(
        read(root, "svc/handlers.rs"),
        CLEAN_RS,
        "the file on disk is not read or written"
    );

    // With --fix, the fixed text goes to stdout and the findings to stderr.
    let out = statuslint(root)
        .args([
            "--fix",
            "--output-format",
            "concise",
            "-",
            "--stdin-filename",
            "svc/handlers.rs",
        ])
        .write_stdin(LEGACY_REDIRECT_RS)
        .output()
        .unwrap();
    let fixed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        fixed,
        LEGACY_REDIRECT_RS.replace(
            "StatusCode::from_u16(404).unwrap()",
            "StatusCode::NOT_FOUND"
        )
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("svc/handlers.rs:5:5: SL101"));
    assert_eq!(read(root, "svc/handlers.rs"), CLEAN_RS);

    let out = statuslint(root).arg("-").write_stdin("x").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a name is needed");
}
