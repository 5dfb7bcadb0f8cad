//! `$ref` resolution: the spec being linted and every local file it refers to, loaded up
//! front within limits, so that following a reference never touches the disk.
//!
//! A reference is `file#/json/pointer`, `#/json/pointer` (same document) or `file` (the
//! whole file). Remote references (URLs) are not followed. A reference that cannot be
//! followed is a note naming the file, the line and the reference, never a panic.

use super::layout::LAYOUT;
use super::tree::{self, Entry, Node, Pos, Scalar, Value};
use crate::extract::reach::Reach;
use crate::walk::MAX_FILE_BYTES;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Files read besides the spec itself, and their total size.
const MAX_DOCS: usize = 4096;
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// A chain of files referring to files referring to files, and a chain of `$ref`s.
const MAX_FILE_DEPTH: usize = 16;
const MAX_HOPS: usize = 32;

/// One loaded document.
pub struct Doc {
    /// The path as shown in messages, relative to the spec's folder.
    pub name: String,
    dir: PathBuf,
    depth: usize,
    pub root: Node,
}

/// A `$ref` that was followed: where it is written and what it says.
#[derive(Clone, Debug)]
pub struct Hop {
    pub doc: usize,
    pub pos: Pos,
    pub reference: String,
    /// The line its target is named on, in the target's document (0 until followed).
    pub target_line: usize,
    /// Where its target is named (the key), in the target's document.
    pub target_key: Pos,
}

/// Why a reference could not be followed, with where it is written.
#[derive(Clone, Debug)]
pub struct Broken {
    pub hop: Hop,
    pub why: String,
}

/// What `$ref`s name: the distinct relative files, and the first step of every pointer
/// (`paths` for `#/paths/~1a/get`). Extensions (`x-...` fields, such as code samples kept
/// in files) are never followed, so not read.
#[derive(Default)]
pub struct References {
    files: Vec<String>,
    seen: HashSet<String>,
    pointed_into: HashSet<String>,
}

impl References {
    /// The references in an entry of a map; `named` when the map's keys are names, not
    /// fields.
    pub fn add_entry(&mut self, entry: &Entry, named: bool) {
        let mut stack = Vec::new();
        self.entry(entry, named, &mut stack);
        self.drain(stack);
    }

    fn add(&mut self, node: &Node) {
        self.drain(vec![(node, false)]);
    }

    /// Each node with whether its keys are names (a header may be called `x-trace`).
    fn drain(&mut self, mut stack: Vec<(&Node, bool)>) {
        while let Some((node, named)) = stack.pop() {
            match &node.value {
                Value::Map(entries) => {
                    for e in entries {
                        self.entry(e, named, &mut stack);
                    }
                }
                Value::Seq(items) => stack.extend(items.iter().map(|i| (i, false))),
                Value::Scalar(_) | Value::Skipped => {}
            }
        }
    }

    fn entry<'n>(&mut self, e: &'n Entry, named: bool, stack: &mut Vec<(&'n Node, bool)>) {
        let key = e.key.text();
        if !named && key.starts_with("x-") {
            return;
        }
        if let (true, Some(r)) = (key == "$ref", e.value.str())
            && let Ok((file, pointer)) = split_reference(r)
        {
            let first = pointer.split('/').nth(1).unwrap_or_default();
            self.pointed_into
                .insert(first.replace("~1", "/").replace("~0", "~"));
            if let Some(file) = file
                && self.seen.insert(file.clone())
            {
                self.files.push(file);
            }
        }
        let names = !named && LAYOUT.named_maps.contains(&key);
        stack.push((&e.value, names));
    }

    fn merge(&mut self, other: References) {
        for file in other.files {
            if self.seen.insert(file.clone()) {
                self.files.push(file);
            }
        }
        self.pointed_into.extend(other.pointed_into);
    }
}

/// The spec (document 0) and the files it refers to.
pub struct Docs {
    docs: Vec<Doc>,
    /// Canonical path to the document, or to the reason it could not be loaded.
    by_path: HashMap<PathBuf, Result<usize, String>>,
    /// The spec's folder, which names in messages are relative to.
    base: PathBuf,
    /// What may be read: the project, and the folders the configuration allows.
    reach: Reach,
    total_bytes: u64,
    /// The first step of every pointer a `$ref` names (`paths` for `#/paths/~1a/get`),
    /// in any document: what must stay whole while the spec is read.
    pointed_into: HashSet<String>,
}

impl Docs {
    /// Loads every file the spec refers to, and every file those refer to, within limits.
    /// `in_streamed_paths` is what the path items named that are not in `root` (they were
    /// streamed out of it while it was parsed).
    pub fn load(path: &Path, root: Node, reach: &Reach, mut in_streamed_paths: References) -> Docs {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut docs = Docs {
            docs: vec![Doc {
                name: file_name(path),
                dir,
                depth: 0,
                root,
            }],
            by_path: HashMap::new(),
            base: PathBuf::new(),
            reach: reach.clone(),
            total_bytes: 0,
            pointed_into: HashSet::new(),
        };
        if let Ok(canonical) = path.canonicalize() {
            docs.base = canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            docs.by_path.insert(canonical, Ok(0));
        }
        let mut next = 0;
        while next < docs.docs.len() {
            let mut found = docs.references_in(next);
            if next == 0 {
                found.merge(std::mem::take(&mut in_streamed_paths));
            }
            docs.pointed_into.extend(found.pointed_into);
            for file in found.files {
                docs.open(next, &file);
            }
            next += 1;
        }
        docs
    }

    /// True when a `$ref` may point into a top-level section of the spec (`paths`), which
    /// must then stay whole while the spec is read.
    pub fn may_point_into(&self, section: &str) -> bool {
        // An empty pointer names a whole file, which may be the spec itself.
        self.pointed_into.contains(section) || self.pointed_into.contains("")
    }

    /// Puts the whole tree of the spec in place of the one read without its path items.
    pub fn replace_spec(&mut self, root: Node) {
        self.docs[0].root = root;
    }

    pub fn get(&self, doc: usize) -> &Doc {
        &self.docs[doc]
    }

    /// Takes the entries of a top-level section of the spec (`paths`) out of its tree, so
    /// that each can be dropped once read; None when a `$ref` may point into the section,
    /// which must then stay whole.
    pub fn take_section(&mut self, section: &str) -> Option<Vec<Entry>> {
        if self.may_point_into(section) {
            return None;
        }
        let Value::Map(top) = &mut self.docs[0].root.value else {
            return None;
        };
        let found = top
            .iter_mut()
            .find(|e| matches!(&e.key, Scalar::Str(k) if &**k == section))?;
        let Value::Map(entries) = &mut found.value.value else {
            return None;
        };
        Some(std::mem::take(entries).into_vec())
    }

    /// Follows `$ref`s from `node` until a node without one: the node, its document and
    /// the references followed on the way.
    pub fn deref<'a>(
        &'a self,
        mut doc: usize,
        mut node: &'a Node,
    ) -> Result<(usize, &'a Node, Vec<Hop>), Broken> {
        let mut hops: Vec<Hop> = Vec::new();
        while let Some(ref_node) = node.get("$ref") {
            let hop = Hop {
                doc,
                pos: ref_node.pos,
                reference: ref_node.scalar_text().unwrap_or_default(),
                target_line: 0,
                target_key: Pos::default(),
            };
            let broken = |why: &str| Broken {
                hop: hop.clone(),
                why: why.to_string(),
            };
            if hops.len() >= MAX_HOPS {
                return Err(broken("more than 32 references in a chain"));
            }
            if hops
                .iter()
                .any(|h| h.doc == doc && h.reference == hop.reference)
            {
                return Err(broken("the references form a cycle"));
            }
            let (target_doc, pointer) = self.target(doc, &hop.reference).map_err(|w| broken(&w))?;
            let (found, key) = self.docs[target_doc]
                .root
                .pointer(&pointer)
                .ok_or_else(|| {
                    broken(&format!(
                        "`{}` has no `#{pointer}`",
                        self.docs[target_doc].name
                    ))
                })?;
            node = found;
            if matches!(node.value, Value::Skipped) {
                return Err(broken(
                    "it points into a schema or example, not at a response or header",
                ));
            }
            doc = target_doc;
            hops.push(Hop {
                // A whole file is named by its name alone.
                target_line: if pointer.is_empty() {
                    0
                } else {
                    key.line as usize
                },
                target_key: key,
                ..hop
            });
        }
        Ok((doc, node, hops))
    }

    /// The document and JSON pointer a reference written in `doc` names.
    fn target(&self, doc: usize, reference: &str) -> Result<(usize, String), String> {
        let (file, fragment) = split_reference(reference)?;
        let target = match file {
            None => doc,
            Some(file) => {
                let path = self.docs[doc].dir.join(&file);
                match path.canonicalize().map(|c| self.by_path.get(&c)) {
                    Ok(Some(Ok(i))) => *i,
                    Ok(Some(Err(why))) => return Err(why.clone()),
                    Ok(None) => return Err(format!("`{file}` was not read")),
                    Err(_) => return Err(format!("there is no file `{file}`")),
                }
            }
        };
        Ok((target, fragment))
    }

    /// What the `$ref`s in a document name; for the spec, with what its streamed path
    /// items named.
    fn references_in(&self, doc: usize) -> References {
        let mut found = References::default();
        found.add(&self.docs[doc].root);
        found
    }

    /// Reads and parses a file named in `from`, once; remembers why when it cannot.
    fn open(&mut self, from: usize, file: &str) {
        let path = self.docs[from].dir.join(file);
        let Ok(canonical) = path.canonicalize() else {
            return;
        };
        if self.by_path.contains_key(&canonical) {
            return;
        }
        let outcome = self.read(from, &canonical);
        let outcome = outcome.map(|(text, bytes)| {
            self.total_bytes += bytes;
            match tree::parse(&text) {
                Ok(root) => {
                    self.docs.push(Doc {
                        name: relative(&self.base, &canonical),
                        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                        depth: self.docs[from].depth + 1,
                        root,
                    });
                    Ok(self.docs.len() - 1)
                }
                Err(e) => Err(match e.line {
                    Some(line) => format!("`{file}` is not valid YAML or JSON (line {line})"),
                    None => format!("`{file}` is not valid YAML or JSON"),
                }),
            }
        });
        self.by_path.insert(canonical, outcome.and_then(|r| r));
    }

    fn read(&self, from: usize, path: &Path) -> Result<(String, u64), String> {
        let shown = relative(&self.base, path);
        if self.docs[from].depth + 1 > MAX_FILE_DEPTH {
            return Err(format!(
                "`{shown}` is more than {MAX_FILE_DEPTH} files deep"
            ));
        }
        if self.docs.len() > MAX_DOCS {
            return Err(format!("more than {MAX_DOCS} referenced files"));
        }
        if !self.reach.allows(path) {
            return Err(format!(
                "`{shown}` is outside the project (`{}`), and no file outside it is read (see `allow-outside-project`)",
                self.reach.project().display()
            ));
        }
        let budget = MAX_FILE_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.total_bytes));
        let bytes = crate::walk::read_file(path, budget).map_err(|e| match e {
            crate::walk::ReadError::TooLarge(_) => format!("`{shown}` is too large to read"),
            e => format!("`{shown}`: {e}"),
        })?;
        let read = bytes.len() as u64;
        Ok((crate::walk::decode(bytes).0, read))
    }
}

/// True when a `$ref` is written anywhere under `node`.
pub fn refers(node: &Node) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    if matches!(&e.key, Scalar::Str(k) if &**k == "$ref") {
                        return true;
                    }
                    stack.push(&e.value);
                }
            }
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Scalar(_) | Value::Skipped => {}
        }
    }
    false
}

/// Splits `file#/pointer` into the file (None for the same document) and the decoded
/// pointer. Remote and non-pointer references are refused with the reason.
fn split_reference(reference: &str) -> Result<(Option<String>, String), String> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let fragment = percent_decode(fragment);
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err("only JSON pointer fragments (`#/...`) are followed".into());
    }
    if file.is_empty() {
        return Ok((None, fragment));
    }
    if file.contains("://") || file.starts_with("//") {
        return Err("remote references are not followed".into());
    }
    Ok((Some(percent_decode(file)), fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `path` relative to `base`, both canonical: `shared/a.yaml`, `../common/a.yaml`.
fn relative(base: &Path, path: &Path) -> String {
    let base: Vec<Component> = base.components().collect();
    let path: Vec<Component> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let up = std::iter::repeat_n("..".to_string(), base.len() - common);
    let down = path[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    up.chain(down).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references() {
        assert_eq!(
            split_reference("#/components/responses/A").ok(),
            Some((None, "/components/responses/A".to_string()))
        );
        assert_eq!(
            split_reference("./r.yaml#/A%20B").ok(),
            Some((Some("./r.yaml".to_string()), "/A B".to_string()))
        );
        assert_eq!(
            split_reference("r.yaml").ok(),
            Some((Some("r.yaml".to_string()), String::new()))
        );
        assert!(split_reference("https://x.test/a.yaml#/A").is_err());
        assert!(split_reference("#anchor").is_err());
    }

    #[test]
    fn names_files_relative_to_the_spec() {
        let base = Path::new("/r/api/spec");
        assert_eq!(
            relative(base, Path::new("/r/api/spec/shared/a.yaml")),
            "shared/a.yaml"
        );
        assert_eq!(
            relative(base, Path::new("/r/api/common/a.yaml")),
            "../common/a.yaml"
        );
    }

    #[test]
    fn decodes_percent_escapes_and_keeps_stray_percents() {
        assert_eq!(percent_decode("a%7Bid%7D"), "a{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    fn spec(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    #[test]
    fn follows_local_and_file_references_and_reports_broken_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        spec(
            dir.path(),
            "r.yaml",
            "Found:\n  $ref: '#/Other'\nOther:\n  headers: {}\n",
        );
        let root = spec(
            dir.path(),
            "api.yaml",
            "a: {$ref: './r.yaml#/Found'}\nb: {$ref: 'missing.yaml#/X'}\nc: {$ref: '#/c'}\nd: {$ref: '#/nowhere'}\n",
        );
        let text = std::fs::read_to_string(&root).expect("read");
        let docs = Docs::load(
            &root,
            tree::parse(&text).expect("parsed"),
            &Reach::of(&root, &[]),
            References::default(),
        );
        let top = &docs.get(0).root;
        let (doc, node, hops) = docs.deref(0, top.get("a").expect("a")).expect("followed");
        assert_eq!((docs.get(doc).name.as_str(), hops.len()), ("r.yaml", 2));
        assert!(node.get("headers").is_some());
        let why = |key: &str| {
            docs.deref(0, top.get(key).expect("key"))
                .expect_err("broken")
                .why
        };
        assert_eq!(why("b"), "there is no file `missing.yaml`");
        assert_eq!(why("c"), "the references form a cycle");
        assert_eq!(why("d"), "`api.yaml` has no `#/nowhere`");
    }

    #[test]
    fn reads_no_directory_and_no_huge_chain() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("dir");
        for i in 0..20 {
            spec(
                dir.path(),
                &format!("f{i}.yaml"),
                &format!("x: {{$ref: 'f{}.yaml#/x'}}\n", i + 1),
            );
        }
        let root = spec(
            dir.path(),
            "api.yaml",
            "a: {$ref: 'sub'}\nb: {$ref: 'f0.yaml#/x'}\n",
        );
        let text = std::fs::read_to_string(&root).expect("read");
        let docs = Docs::load(
            &root,
            tree::parse(&text).expect("parsed"),
            &Reach::of(&root, &[]),
            References::default(),
        );
        let top = &docs.get(0).root;
        let broken = docs.deref(0, top.get("a").expect("a")).expect_err("broken");
        assert_eq!(
            broken.why,
            "`sub`: a directory, not a regular file; only regular files are read"
        );
        let broken = docs.deref(0, top.get("b").expect("b")).expect_err("broken");
        assert!(broken.why.contains("files deep"), "{}", broken.why);
    }
}
