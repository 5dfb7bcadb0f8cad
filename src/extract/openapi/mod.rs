//! OpenAPI 3.0/3.1 and Swagger 2.0 specs, in YAML or JSON.
//!
//! Every documented response is a place where a status is chosen: its key is the code
//! (`"200"`, `2XX`), its operation gives the method, and since a spec declares the whole
//! response, its declared headers and content are all it sends.
//!
//! - `tree`: the document as nodes that keep their line and byte range;
//! - `refs`: the files the spec refers to, and following `$ref`s through them;
//! - `facts`: operations and responses turned into [`Usage`](crate::usage::Usage) facts.

mod facts;
mod layout;
mod refs;
mod tree;

use super::reach::Reach;
use crate::usage::{FileFacts, Made, line_start};
use facts::PathItems;
use refs::{Docs, References};
use std::collections::HashSet;
use std::path::Path;
use tree::Node;

/// A spec without a response or a reference documents no status.
pub const PREFILTER: &str = r"responses|\$ref";

pub fn extract(path: &Path, src: &str, reach: &Reach) -> FileFacts {
    gathered(|sink| extract_each(path, src, reach, sink))
}

/// The facts of a read that hands usages and operations on, with them put back in.
fn gathered(read: impl FnOnce(&mut dyn FnMut(Made)) -> FileFacts) -> FileFacts {
    let (mut usages, mut operations) = (Vec::new(), Vec::new());
    let mut facts = read(&mut |made| match made {
        Made::Usage(usage) => usages.push(usage),
        Made::Operation(operation) => operations.push(operation),
    });
    facts.usages = usages;
    facts.operations = operations;
    facts
}

/// Like [`extract`], but each usage and operation goes to `sink` as it is made, not into
/// the facts.
pub fn extract_each(
    path: &Path,
    src: &str,
    reach: &Reach,
    sink: &mut dyn FnMut(Made),
) -> FileFacts {
    // Path items that need nothing from the rest of the spec are checked as they are read
    // and dropped, so a large spec's tree is never whole; the others are kept, with what
    // they refer to, until the files it refers to are loaded.
    let alone = Docs::load(path, Node::empty(), reach, References::default());
    let mut early = FileFacts::default();
    let mut checked = HashSet::new();
    let (mut kept, mut in_kept) = (Vec::new(), References::default());
    let outline = tree::parse_streaming(src, |batch| {
        for item in batch.items {
            if facts::check_alone(&alone, batch.openapi_before, &item, &mut early, sink) {
                checked.insert(item.key_pos.start);
            } else {
                in_kept.add_entry(&item, true);
                kept.push(item);
            }
        }
    });
    let read = outline.and_then(|root| {
        let mut docs = Docs::load(path, root, reach, in_kept);
        if !docs.may_point_into("paths") {
            return Ok((docs, PathItems::Kept(kept)));
        }
        // A `$ref` may name a path item: they must all be there at once.
        docs.replace_spec(tree::parse(src)?);
        Ok((docs, PathItems::InTree { checked: &checked }))
    });
    let mut facts = match read {
        Ok((docs, path_items)) => facts::each(docs, path_items, sink),
        Err(err) => read_up_to(path, src, reach, &err, &checked, sink),
    };
    facts.notes.extend(early.notes);
    facts
}

/// A spec with a syntax error: what comes before the line of the error is read, whole.
fn read_up_to(
    path: &Path,
    src: &str,
    reach: &Reach,
    err: &tree::ParseError,
    checked: &HashSet<u32>,
    sink: &mut dyn FnMut(Made),
) -> FileFacts {
    let partial = err.line.and_then(|line| tree::parse_before(src, line));
    let read = if partial.is_some() {
        "read up to that line"
    } else {
        "not read"
    };
    let at = err.line.map_or(String::new(), |l| format!("line {l}: "));
    let note = format!("{at}{read}: not valid YAML or JSON ({})", err.message);
    let why = format!(
        "reading stopped at this line, which is not valid YAML or JSON ({}); what follows was not checked",
        err.message
    );
    let stopped = Some((line_start(src, err.line.unwrap_or(1)), why));
    let Some(root) = partial else {
        return FileFacts {
            notes: vec![note],
            partly_read: stopped,
            ..FileFacts::default()
        };
    };
    let docs = Docs::load(path, root, reach, References::default());
    let mut facts = facts::each(docs, PathItems::InTree { checked }, sink);
    facts.notes.insert(0, note);
    facts.partly_read = stopped;
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Body, Code, Method};

    fn extract(path: &Path, src: &str) -> FileFacts {
        super::extract(path, src, &Reach::of(path, &[]))
    }

    fn fixture(rel: &str) -> (std::path::PathBuf, String) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/openapi")
            .join(rel);
        let text = std::fs::read_to_string(&path).expect("fixture");
        (path, text)
    }

    #[test]
    fn broken_references_are_notes_naming_line_and_reference() {
        let (path, text) = fixture("split/openapi.yaml");
        let facts = extract(&path, &text);
        assert_eq!(
            facts.notes,
            vec![
                "line 25: `$ref: responses.yaml#/NoSuchResponse` cannot be followed: `responses.yaml` has no `#/NoSuchResponse`",
                "line 33: `$ref: ./missing.yaml#/NoContent` cannot be followed: there is no file `./missing.yaml`",
                "line 35: `$ref: ./missing.yaml#/ClientClosed` cannot be followed: there is no file `./missing.yaml`",
            ]
        );
        // A response behind a broken reference keeps its code, but nothing is known of it.
        let broken = facts
            .usages
            .iter()
            .find(|u| u.code == Code::Exact(499))
            .expect("499");
        assert!(!broken.headers.complete);
        assert_eq!(broken.body, Body::Unknown);
    }

    #[test]
    fn responses_in_other_files_are_reported_where_this_file_uses_them() {
        let (path, text) = fixture("split/openapi.yaml");
        let facts = extract(&path, &text);
        let moved = facts
            .usages
            .iter()
            .find(|u| u.code == Code::Exact(301) && u.methods == Some(vec![Method::Get]))
            .expect("the 301 of paths/users.yaml");
        assert_eq!(&text[moved.span.clone()], "paths/users.yaml");
        assert!(
            moved
                .evidence
                .origin
                .iter()
                .any(|o| o.contains("`responses.yaml` at line 19")),
            "{:?}",
            moved.evidence.origin
        );
        let found = facts
            .usages
            .iter()
            .find(|u| u.code == Code::Exact(302))
            .expect("302");
        assert!(found.headers.has("location") && found.headers.complete);
    }

    #[test]
    fn a_syntax_error_keeps_what_comes_before_it() {
        let text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        \"418\": {description: teapot}\n        \"302\":\n          description: cut: here\n";
        let facts = extract(Path::new("api.yaml"), text);
        assert_eq!(facts.notes.len(), 1);
        assert!(
            facts.notes[0].starts_with("line 8: read up to that line"),
            "{}",
            facts.notes[0]
        );
        let codes: Vec<_> = facts
            .usages
            .iter()
            .map(|u| (u.code.clone(), u.headers.complete))
            .collect();
        // The 302 was cut short: its headers are not known, so no SL104 can fire on it.
        assert_eq!(
            codes,
            vec![(Code::Exact(418), true), (Code::Exact(302), false)]
        );
    }

    #[test]
    fn path_items_read_before_a_reference_into_paths_are_still_there() {
        // Path items are dropped once read unless a `$ref` points into `paths`.
        let text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        \"302\": {description: found}\n  /b:\n    $ref: '#/paths/~1a'\n  /c:\n    post:\n      $ref: '#/paths/~1a/get'\n";
        let facts = extract(Path::new("api.yaml"), text);
        assert!(facts.notes.is_empty(), "{:?}", facts.notes);
        let read: Vec<_> = facts
            .usages
            .iter()
            .map(|u| (u.spelled.as_str(), u.span.start))
            .collect();
        let at = |s: &str| text.find(s).expect("in the text");
        assert_eq!(
            read,
            vec![
                ("response \"302\" of GET /a", at("\"302\"")),
                ("response \"302\" of GET /b", at("$ref: '#/paths/~1a'") + 6),
                (
                    "response \"302\" of POST /c",
                    at("$ref: '#/paths/~1a/get'") + 6
                ),
            ]
        );
    }

    /// The spec read as one tree, as it was before path items were streamed.
    fn read_whole(path: &Path, src: &str) -> FileFacts {
        let root = tree::parse(src).unwrap_or_else(|e| panic!("{}", e.message));
        let docs = Docs::load(path, root, &Reach::of(path, &[]), References::default());
        let checked = HashSet::new();
        gathered(|sink| facts::each(docs, PathItems::InTree { checked: &checked }, sink))
    }

    #[test]
    fn streamed_path_items_give_what_the_whole_tree_gives() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi");
        let mut specs = Vec::new();
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("fixtures").flatten() {
                let path = entry.path();
                match path.extension().and_then(|e| e.to_str()) {
                    _ if path.is_dir() => folders.push(path),
                    Some("yaml" | "json") => specs.push(path),
                    _ => {}
                }
            }
        }
        // Path items checked as they are read come out before those kept for later.
        let sorted = |mut facts: FileFacts| {
            facts
                .usages
                .sort_by_key(|u| (u.span.start, u.spelled.clone()));
            facts
                .operations
                .sort_by_key(|o| (o.span.start, format!("{:?}", o.method)));
            format!("{facts:?}")
        };
        let (mut alone, mut kept, mut whole) = (0, 0, 0);
        for path in &specs {
            let text = std::fs::read_to_string(path).expect("fixture");
            assert_eq!(
                sorted(extract(path, &text)),
                sorted(read_whole(path, &text)),
                "{}",
                path.display()
            );
            let root = tree::parse(&text).expect("parsed");
            let openapi = root.get("openapi").is_some();
            for item in root.get("paths").map_or(&[][..], Node::entries) {
                match openapi && !refs::refers(&item.value) {
                    true => alone += 1,
                    false => kept += 1,
                }
            }
            let docs = Docs::load(path, root, &Reach::of(path, &[]), References::default());
            whole += usize::from(docs.may_point_into("paths"));
        }
        // Every way is taken: items checked alone, items kept, and specs read whole.
        assert!(alone > 0 && kept > 0 && whole > 0, "{alone} {kept} {whole}");
    }

    #[test]
    fn path_items_without_references_are_checked_as_they_are_read() {
        let text = "openapi: 3.0.0\npaths:\n  /later:\n    get:\n      responses:\n        '404': {$ref: '#/components/responses/Gone'}\n  /now:\n    get:\n      responses:\n        '200': {description: ok}\ncomponents:\n  responses:\n    Gone: {description: gone}\n";
        let mut made = Vec::new();
        extract_each(
            Path::new("api.yaml"),
            text,
            &Reach::of(Path::new("api.yaml"), &[]),
            &mut |m| {
                made.push(match m {
                    Made::Usage(u) => u.spelled,
                    Made::Operation(o) => format!("operation {}", o.route),
                })
            },
        );
        assert_eq!(
            made,
            [
                "response \"200\" of GET /now",
                "operation /now",
                "response \"404\" of GET /later",
                "operation /later",
            ]
        );
    }

    #[test]
    fn invalid_json_and_non_specs_yield_no_usages() {
        let facts = extract(
            Path::new("api.json"),
            "{\"openapi\": \"3.0.0\", \"paths\": {",
        );
        assert!(facts.usages.is_empty());
        assert!(facts.notes[0].contains("not read"), "{:?}", facts.notes);
        let facts = extract(Path::new("x.yaml"), "responses:\n  \"302\": {}\n");
        assert!(facts.usages.is_empty() && facts.notes.is_empty());
    }

    #[test]
    fn never_panics_on_cut_or_mangled_specs() {
        for rel in [
            "v3_0/redirects.yaml",
            "v3_1/streams.json",
            "split/openapi.yaml",
        ] {
            let (path, text) = fixture(rel);
            for cut in (0..text.len())
                .step_by(61)
                .filter(|c| text.is_char_boundary(*c))
            {
                extract(&path, &text[..cut]);
                let mangled = format!("{}\t{{[\"&*x\n{}", &text[..cut], &text[cut..]);
                extract(&path, &mangled);
            }
        }
    }

    #[test]
    fn prefilter_needs_responses_or_a_reference() {
        let re = regex::Regex::new(PREFILTER).expect("valid");
        assert!(re.is_match("      responses:"));
        assert!(re.is_match("    $ref: paths/a.yaml"));
        assert!(!re.is_match("openapi: 3.0.0\ninfo: {}\n"));
    }
}
