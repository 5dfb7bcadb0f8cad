//! Names: a file's module path and what the paths it writes resolve to (`use` imports,
//! `mod` declarations, items defined here), as keys for the project index.

use super::syntax::{named_children, text};
use crate::extract::code::Field;
use crate::extract::code::Kind;
use crate::summary::Key;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};
use tree_sitter::Node;

pub struct Names {
    /// This file's module, below the crate root.
    pub module: Vec<String>,
    /// `use` imports: the name in scope and the path it stands for.
    imports: HashMap<String, Key>,
    /// Child modules and items declared at the top of this file.
    local: HashSet<String>,
}

/// The module of a file below its crate's `src/`: `src/api/todo.rs` and
/// `src/api/todo/mod.rs` are `api::todo`; `lib.rs`, `main.rs` and a `src/bin/` file are the
/// root. Without a `src/` folder, the file's own name.
pub fn module_of(path: &Path) -> Vec<String> {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let below = match parts.iter().rposition(|p| p == "src") {
        Some(i) => &parts[i + 1..],
        None => &parts[parts.len().saturating_sub(1)..],
    };
    if below.first().is_some_and(|p| p == "bin") {
        return Vec::new();
    }
    let mut module: Vec<String> = below.to_vec();
    if let Some(last) = module.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        let root = module.is_empty() && (stem == "lib" || stem == "main");
        if stem != "mod" && !root {
            module.push(stem);
        }
    }
    module
}

impl Names {
    pub fn collect(root: Node, src: &str, module: Vec<String>) -> Names {
        let mut names = Names {
            module,
            imports: HashMap::new(),
            local: HashSet::new(),
        };
        for item in named_children(root) {
            match item.kind_name() {
                "use_declaration" => {
                    if let Some(argument) = item.field("argument") {
                        let mut found = Vec::new();
                        // `x as y` becomes `x@y`, then no space is left to split on.
                        let tree = text(argument, src)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .replace(" as ", "@")
                            .replace(' ', "");
                        use_tree(&tree, "", &mut found);
                        for (alias, path) in found {
                            let key = names.resolve(&path);
                            names.imports.insert(alias, key);
                        }
                    }
                }
                "mod_item" | "function_item" | "enum_item" | "struct_item" | "macro_definition" => {
                    if let Some(name) = item.field("name") {
                        names.local.insert(text(name, src).to_string());
                    }
                }
                _ => {}
            }
        }
        names
    }

    /// The key of an item defined here, with the type of the `impl` it sits in, if any.
    pub fn defined(&self, owner: Option<&str>, name: &str) -> Key {
        let mut segments = self.module.clone();
        segments.extend(owner.map(String::from));
        segments.push(name.to_string());
        Key::full(segments)
    }

    /// What a path written in this file names: a full key when the path starts at the crate,
    /// `self`, `super`, an import, a child module or an item of this file; else its tail.
    pub fn resolve(&self, path: &str) -> Key {
        let path = path
            .split('<')
            .next()
            .unwrap_or(path)
            .trim_start_matches("::");
        let segments: Vec<String> = path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let Some(first) = segments.first() else {
            return Key::default();
        };
        match first.as_str() {
            "crate" => Key::full(segments[1..].to_vec()),
            "self" => {
                let mut out = self.module.clone();
                out.extend_from_slice(&segments[1..]);
                Key::full(out)
            }
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let mut out = self.module[..self.module.len().saturating_sub(ups)].to_vec();
                out.extend_from_slice(&segments[ups..]);
                Key::full(out)
            }
            _ => {
                if let Some(import) = self.imports.get(first) {
                    let mut out = import.segments.clone();
                    out.extend_from_slice(&segments[1..]);
                    Key {
                        segments: out,
                        full: import.full,
                    }
                } else if self.local.contains(first) {
                    let mut out = self.module.clone();
                    out.extend(segments);
                    Key::full(out)
                } else {
                    Key::partial(segments)
                }
            }
        }
    }
}

/// Expands a use tree as written without spaces (`a::{b,c::d@e}` for `c::d as e`) into (name in scope,
/// path) pairs; globs bring no name.
fn use_tree(tree: &str, prefix: &str, out: &mut Vec<(String, String)>) {
    let join = |p: &str| {
        if prefix.is_empty() {
            p.to_string()
        } else {
            format!("{prefix}::{p}")
        }
    };
    if let Some(open) = tree.find('{') {
        let base = join(tree[..open].trim_end_matches("::"));
        let inner = tree[open + 1..]
            .strip_suffix('}')
            .unwrap_or(&tree[open + 1..]);
        for part in split_top(inner) {
            if part == "self" {
                let name = base.rsplit("::").next().unwrap_or(&base).to_string();
                out.push((name, base.clone()));
            } else {
                use_tree(part, &base, out);
            }
        }
        return;
    }
    if tree.ends_with('*') {
        return;
    }
    let (path, alias) = match tree.split_once('@') {
        Some((path, alias)) => (path, alias.to_string()),
        None => (tree, tree.rsplit("::").next().unwrap_or(tree).to_string()),
    };
    if alias == "_" {
        return;
    }
    out.push((alias, join(path)));
}

/// Splits on the commas that are not inside braces.
fn split_top(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_from_paths() {
        let m = |p: &str| module_of(Path::new(p)).join("::");
        assert_eq!(m("src/main.rs"), "");
        assert_eq!(m("src/lib.rs"), "");
        assert_eq!(m("crates/api/src/todo.rs"), "todo");
        assert_eq!(m("src/api/mod.rs"), "api");
        assert_eq!(m("src/api/todo.rs"), "api::todo");
        assert_eq!(m("src/bin/tool.rs"), "");
    }

    fn resolve(src: &str, module: &[&str], path: &str) -> Key {
        let tree = crate::extract::code::parse("rust", || tree_sitter_rust::LANGUAGE.into(), src)
            .expect("parses");
        let names = Names::collect(
            tree.root_node(),
            src,
            module.iter().map(|s| s.to_string()).collect(),
        );
        names.resolve(path)
    }

    #[test]
    fn paths_resolve_through_imports_modules_and_items() {
        let src = "use crate::http::{reject, other as o};\nuse super::errors::ApiError;\nuse axum::Json;\nmod todo;\nfn local() {}\n";
        let full = |s: &[&str]| Key::full(s.iter().map(|x| x.to_string()).collect());
        assert_eq!(resolve(src, &["api"], "reject"), full(&["http", "reject"]));
        assert_eq!(resolve(src, &["api"], "o"), full(&["http", "other"]));
        assert_eq!(
            resolve(src, &["api", "x"], "ApiError::new"),
            full(&["api", "errors", "ApiError", "new"])
        );
        assert_eq!(
            resolve(src, &["api"], "todo::create"),
            full(&["api", "todo", "create"])
        );
        assert_eq!(resolve(src, &["api"], "local"), full(&["api", "local"]));
        assert_eq!(resolve(src, &[], "crate::a::b"), full(&["a", "b"]));
        let partial = resolve(src, &["api"], "handlers::create");
        assert!(!partial.full);
        assert!(
            !resolve(src, &[], "Json").full,
            "an external crate stays partial"
        );
    }
}
