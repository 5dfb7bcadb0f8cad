//! A node's parent in constant time. tree-sitter's `Node::parent` walks down from the root
//! (scanning the children of every node on the way), and the extractors ask for parents
//! of every site: on Rust handlers that was a tenth of a whole run. The one walk each
//! extractor makes from the root ([`super::walk`]) records every node it enters with its
//! parent, for as long as the file's [`ParsedTree`] lives; a node it did not enter (a
//! skipped subtree) falls back to tree-sitter's descent.

use std::cell::RefCell;
use std::ops::Deref;
use tree_sitter::{Node, Tree, ffi};

type ById = rustc_hash::FxHashMap<usize, ffi::TSNode>;

thread_local! {
    /// The parents recorded per live [`ParsedTree`] of this thread, by its tree's address.
    /// A tree's entry is removed when it is dropped, so an address reused by a later tree
    /// never finds stale nodes.
    static RECORDED: RefCell<Vec<(usize, ById)>> = const { RefCell::new(Vec::new()) };
}

/// A parsed file whose walk records parents. Dereferences to the tree.
pub struct ParsedTree {
    tree: Tree,
}

impl ParsedTree {
    pub fn new(tree: Tree) -> ParsedTree {
        let root = tree.root_node();
        let address = tree_address(root);
        // Room for every node the walk may record: grown as it goes, the map was rehashed
        // a dozen times per file.
        let nodes = root.descendant_count();
        let by_id = ById::with_capacity_and_hasher(nodes, Default::default());
        RECORDED.with(|r| r.borrow_mut().push((address, by_id)));
        ParsedTree { tree }
    }
}

impl Deref for ParsedTree {
    type Target = Tree;
    fn deref(&self) -> &Tree {
        &self.tree
    }
}

impl Drop for ParsedTree {
    fn drop(&mut self) {
        let address = tree_address(self.tree.root_node());
        // `try_with`: a tree dropped while the thread's locals are torn down has nothing to clear.
        let _ = RECORDED.try_with(|r| r.borrow_mut().retain(|(a, _)| *a != address));
    }
}

fn tree_address(node: Node) -> usize {
    node.into_raw().tree as usize
}

/// Whether a walk from `root` records parents: it is the root of a live [`ParsedTree`].
pub(super) fn recording(root: Node) -> bool {
    let raw = root.into_raw();
    // SAFETY: `root` borrows its tree, which is alive.
    let tree_root = unsafe { ffi::ts_tree_root_node(raw.tree) };
    let address = raw.tree as usize;
    tree_root.id == raw.id && RECORDED.with(|r| r.borrow().iter().any(|(a, _)| *a == address))
}

/// Records that `parent` holds `child` (both of a recorded tree).
pub(super) fn record(child: Node, parent: Node) {
    let address = tree_address(child);
    RECORDED.with(|r| {
        if let Some((_, by_id)) = r.borrow_mut().iter_mut().find(|(a, _)| *a == address) {
            by_id.insert(child.id(), parent.into_raw());
        }
    });
}

fn recorded<'t>(node: Node<'t>) -> Option<Node<'t>> {
    let address = tree_address(node);
    let raw = RECORDED.with(|r| {
        r.borrow()
            .iter()
            .find(|(a, _)| *a == address)
            .and_then(|(_, by_id)| by_id.get(&node.id()).copied())
    })?;
    // SAFETY: the entry was recorded from a node of this same tree (same address), and the
    // tree is alive: `node` borrows it, and its entry goes when it is dropped.
    Some(unsafe { Node::from_raw(raw) })
}

/// `Node::parent` without the descent from the root when the walk has recorded it.
pub trait Parent<'t> {
    fn parent_node(&self) -> Option<Node<'t>>;
}

impl<'t> Parent<'t> for Node<'t> {
    fn parent_node(&self) -> Option<Node<'t>> {
        #[allow(clippy::disallowed_methods)] // the fallback this trait exists for
        recorded(*self).or_else(|| self.parent())
    }
}

/// The nodes that hold `node`, nearest first: recorded parents, then for the rest of the
/// chain one descent from the root (going up one `parent()` at a time would cost depth
/// squared).
pub fn ancestors(node: Node<'_>) -> Vec<Node<'_>> {
    // SAFETY: `node` borrows its tree, so the tree pointer it carries is alive, and its
    // root node is valid for as long as `node` is.
    let root = unsafe { Node::from_raw(ffi::ts_tree_root_node(node.into_raw().tree)) };
    let mut chain = Vec::new();
    let mut current = node;
    while let Some(parent) = recorded(current) {
        chain.push(parent);
        current = parent;
    }
    if current.id() != root.id() {
        chain.extend(descent(root, current));
    }
    chain
}

/// The nodes above `node` found by walking down from `root`, nearest first.
fn descent<'t>(root: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let mut current = root;
    let mut chain = Vec::new();
    // The same descent as `Node::parent`: the child holding `node`, until `node` itself.
    while current.id() != node.id() {
        chain.push(current);
        match current.child_with_descendant(node) {
            Some(next) => current = next,
            None => break,
        }
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_node(root: Node) -> Vec<Node> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            out.push(n);
            let mut cursor = n.walk();
            stack.extend(n.children(&mut cursor));
        }
        out
    }

    #[allow(clippy::disallowed_methods)] // compared with tree-sitter's own answer
    fn parents_agree(tree: &ParsedTree) {
        let nodes = every_node(tree.root_node());
        // The walk recorded (not only fell back on) nearly every parent; the root has none,
        // and an empty file (a package's `__init__.py`) is only its root.
        let recorded_count = nodes.iter().filter(|n| recorded(**n).is_some()).count();
        let with_parent = nodes.len() - 1;
        assert!(
            recorded_count * 2 >= with_parent,
            "{recorded_count} of {with_parent}"
        );
        for node in nodes {
            assert_eq!(node.parent_node(), node.parent(), "{node:?}");
            let mut expected = Vec::new();
            let mut up = node.parent();
            while let Some(p) = up {
                expected.push(p);
                up = p.parent();
            }
            assert_eq!(ancestors(node), expected, "{node:?}");
        }
    }

    #[test]
    fn recorded_parents_are_tree_sitters_in_every_fixture() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        type Grammar = fn() -> tree_sitter::Language;
        let grammars: [(&str, Grammar); 4] = [
            ("rs", || tree_sitter_rust::LANGUAGE.into()),
            ("py", || tree_sitter_python::LANGUAGE.into()),
            ("go", || tree_sitter_go::LANGUAGE.into()),
            ("js", || tree_sitter_javascript::LANGUAGE.into()),
        ];
        let mut checked = 0;
        let mut stack = vec![fixtures];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                let Some((_, grammar)) = grammars.iter().find(|(e, _)| *e == ext) else {
                    continue;
                };
                let src = std::fs::read_to_string(&path).unwrap();
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&grammar()).unwrap();
                let tree = ParsedTree::new(parser.parse(&src, None).unwrap());
                // Some nodes skipped (attributes, imports): those fall back to the descent.
                super::super::walk(tree.root_node(), |n| {
                    !matches!(n.kind(), "attribute_item" | "import_statement")
                });
                parents_agree(&tree);
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} fixture files");
    }

    #[test]
    fn a_dropped_tree_leaves_nothing_recorded() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .unwrap();
        let tree = ParsedTree::new(parser.parse("fn f() { g(1) }", None).unwrap());
        let root = tree.root_node();
        super::super::walk(root, |_| true);
        let call = root.descendant_for_byte_range(9, 13).unwrap();
        assert!(recorded(call).is_some());
        drop(tree);
        RECORDED.with(|r| assert!(r.borrow().is_empty()));
    }
}
