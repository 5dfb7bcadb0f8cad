//! The knowledge tables and the rule catalog agree with each other and are complete.

use statuslint::knowledge::{BodyRule, RUST_APIS, RedirectKind, Registry, STATUS, WORDS};
use statuslint::rules;
use std::collections::BTreeSet;
use std::path::Path;

/// Every code in the IANA registry as of 2025-09-15 (shared/STATUS-FACTS.md section 1).
const REGISTERED: &[u32] = &[
    100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
    304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413,
    414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503,
    504, 505, 506, 507, 508, 510, 511,
];

#[test]
fn status_table_lists_every_registered_code_once() {
    let codes: Vec<u32> = STATUS.status.iter().map(|s| s.code).collect();
    assert_eq!(codes, REGISTERED, "codes missing, extra or out of order");
}

#[test]
fn status_table_is_consistent() {
    let classes = [
        "informational",
        "successful",
        "redirection",
        "client-error",
        "server-error",
    ];
    for s in &STATUS.status {
        assert_eq!(
            s.class,
            classes[(s.code / 100 - 1) as usize],
            "{} class",
            s.code
        );
        let bodiless = s.code < 200 || [204, 205, 304].contains(&s.code);
        assert_eq!(s.body == BodyRule::Forbidden, bodiless, "{} body", s.code);
        let redirect = [301, 302, 303, 307, 308].contains(&s.code);
        assert_eq!(s.redirect.is_some(), redirect, "{} redirect kind", s.code);
        assert_eq!(s.method.is_some(), redirect, "{} redirect method", s.code);
        for text in [
            &s.explain.meaning,
            &s.explain.when_to_use,
            &s.explain.example,
            &s.explain.when_not_to_use,
        ] {
            assert!(
                !text.trim().is_empty(),
                "{} has an empty explanation",
                s.code
            );
        }
        assert!(
            s.source.starts_with("RFC") || s.code == 104,
            "{} source",
            s.code
        );
    }
    let get = |c| STATUS.get(c).unwrap();
    assert_eq!(get(301).redirect, Some(RedirectKind::Permanent));
    assert_eq!(get(308).redirect, Some(RedirectKind::Permanent));
    assert_eq!(get(302).redirect, Some(RedirectKind::Temporary));
    assert_eq!(get(307).redirect, Some(RedirectKind::Temporary));
    assert_eq!(get(303).redirect, Some(RedirectKind::SeeOther));
    assert_eq!(get(305).registry, Registry::Deprecated);
    assert_eq!(get(306).registry, Registry::Unused);
    assert_eq!(get(418).registry, Registry::Unused);
    assert_eq!(get(510).registry, Registry::Obsoleted);
    assert_eq!(get(401).required_headers, ["www-authenticate"]);
    assert_eq!(get(405).required_headers, ["allow"]);
}

#[test]
fn unregistered_codes_are_not_in_the_registry() {
    for u in &STATUS.unregistered {
        assert!(STATUS.get(u.code).is_none(), "{} is registered", u.code);
        assert!((100..=599).contains(&u.code), "{} out of range", u.code);
    }
    assert!(STATUS.unregistered(444).is_some_and(|u| !u.on_the_wire));
}

#[test]
fn framework_names_map_to_registered_codes() {
    for table in RUST_APIS.constants.iter().chain(&RUST_APIS.builders) {
        for (name, code) in &table.names {
            assert!(
                STATUS.get(*code).is_some(),
                "{}::{name} = {code}",
                table.type_name
            );
        }
    }
    let http = &RUST_APIS.constants[0];
    assert_eq!(http.type_name, "StatusCode");
    assert_eq!(http.names.len(), 62, "the http crate defines 62 constants");
    assert_eq!(http.names["TEMPORARY_REDIRECT"], 307);
    for r in &RUST_APIS.redirects {
        assert!(
            STATUS.get(r.code).is_some_and(|s| s.redirect.is_some()),
            "{} = {}",
            r.call,
            r.code
        );
    }
}

#[test]
fn evidence_words_are_lowercase_words() {
    for list in [
        &WORDS.permanent,
        &WORDS.temporary,
        &WORDS.upgrade,
        &WORDS.transient_target,
        &WORDS.per_request,
        &WORDS.client_fault,
    ] {
        for entry in list {
            assert_eq!(
                statuslint::knowledge::words(entry).join(" "),
                *entry,
                "`{entry}` would never match: entries are lowercase words split by spaces"
            );
        }
    }
}

#[test]
fn every_rule_has_metadata_and_every_metadata_file_a_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let registered: BTreeSet<String> = rules::all().iter().map(|r| r.meta.id.clone()).collect();
    assert_eq!(files, registered);
    let mut names = BTreeSet::new();
    for r in rules::all() {
        let m = &r.meta;
        assert!(names.insert(m.name.clone()), "duplicate name {}", m.name);
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            m.name
        );
        assert!(
            !m.summary.ends_with('.'),
            "{} summary ends with a period",
            m.id
        );
        assert!(!m.docs.references.is_empty(), "{} has no references", m.id);
        for text in [
            &m.docs.what_it_does,
            &m.docs.why_it_matters,
            &m.docs.example,
            &m.docs.use_instead,
        ] {
            assert!(!text.trim().is_empty(), "{} has an empty section", m.id);
        }
    }
}
