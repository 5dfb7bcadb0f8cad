//! Traefik's static configuration written as command-line flags
//! (`--entrypoints.web.http.redirections.entrypoint.permanent=false`): container args in
//! Kubernetes workloads, `additionalArguments` in Helm chart values. The flags are turned
//! into the tree a configuration file would give, so one reader serves both.

use super::entry_points;
use crate::extract::tree::{Entry, Node, Value};
use crate::usage::{Span, Usage};

/// Traefik reads flag names without regard to case.
const PREFIX: &str = "--entrypoints.";

/// Reads the entry-point flags among `items` (strings of an args list).
pub fn read(items: &[&Node], src: &str, out: &mut Vec<Usage>) {
    let mut root = Node {
        span: 0..0,
        value: Value::Map(Vec::new()),
    };
    for item in items {
        if let Some((path, value)) = flag(item, src) {
            insert(&mut root, &path, value, item.span.clone());
        }
    }
    if !root.entries().is_empty() {
        entry_points::read(&root, src, out);
    }
}

/// The dotted path after `--entrypoints.` and the value node, spanning the value as written.
fn flag(item: &Node, src: &str) -> Option<(Vec<String>, Node)> {
    let (path, value) = dotted(item, PREFIX, src)?;
    // A boolean flag without a value is true.
    Some((
        path,
        value.unwrap_or_else(|| Node {
            span: item.span.clone(),
            value: Value::Scalar("true".to_string()),
        }),
    ))
}

/// A `PREFIX.a.b=value` string (a flag, a Docker label in list form): the path after the
/// prefix (matched without regard to case) and the value, spanning it as written; no value
/// when there is no `=`.
pub(super) fn dotted(item: &Node, prefix: &str, src: &str) -> Option<(Vec<String>, Option<Node>)> {
    let text = item.as_str()?.trim();
    let head = text.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = &text[prefix.len()..];
    let (path, value) = match rest.split_once('=') {
        Some((path, value)) => (path, Some(value)),
        None => (rest, None),
    };
    let path = split_path(path)?;
    let Some(value) = value else {
        return Some((path, None));
    };
    let written = src.get(item.span.clone()).unwrap_or("");
    let span = match (written.find(text), text.find('=')) {
        (Some(at), Some(eq)) => {
            let start = item.span.start + at + eq + 1;
            start..start + value.len()
        }
        _ => item.span.clone(),
    };
    let node = Node {
        span,
        value: Value::Scalar(value.to_string()),
    };
    Some((path, Some(node)))
}

/// The keys of a dotted path; None when one is empty (`a..b`).
pub(super) fn split_path(path: &str) -> Option<Vec<String>> {
    let path: Vec<String> = path.split('.').map(str::to_string).collect();
    (!path.iter().any(String::is_empty)).then_some(path)
}

/// Puts `value` at `path` in the tree, making the tables on the way; each new key points
/// at the flag that made it.
pub(super) fn insert(root: &mut Node, path: &[String], value: Node, flag_span: Span) {
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Value::Map(entries) = &mut node.value else {
            return;
        };
        let at = match entries
            .iter()
            .position(|e| e.key.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        {
            Some(at) if !last => at,
            _ => {
                let child = if last {
                    value.clone()
                } else {
                    Node {
                        span: flag_span.clone(),
                        value: Value::Map(Vec::new()),
                    }
                };
                entries.push(Entry {
                    key: Node {
                        span: flag_span.clone(),
                        value: Value::Scalar(key.clone()),
                    },
                    value: child,
                });
                entries.len() - 1
            }
        };
        node = &mut entries[at].value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tree::{Document, yaml_documents};
    use crate::usage::Code;

    fn usages(src: &str) -> Vec<Usage> {
        let Document::Parsed(root) = yaml_documents(src).remove(0) else {
            panic!("parses");
        };
        let items: Vec<&Node> = root.items().iter().collect();
        let mut out = Vec::new();
        read(&items, src, &mut out);
        out
    }

    #[test]
    fn flags_make_an_entry_point_redirection() {
        let src = "- --entrypoints.web.address=:80\n- --entryPoints.web.http.redirections.entryPoint.to=websecure\n- \"--entrypoints.web.http.redirections.entrypoint.permanent=false\"\n- --log.level=INFO\n";
        let u = usages(src);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(302));
        assert_eq!(&src[u[0].span.clone()], "false");
        assert!(
            u[0].evidence
                .request_scheme
                .as_ref()
                .unwrap()
                .1
                .contains("`:80`")
        );
    }

    #[test]
    fn a_bare_boolean_flag_is_true() {
        let src = "- --entrypoints.web.http.redirections.entrypoint.to=websecure\n- --entrypoints.web.http.redirections.entrypoint.permanent\n";
        assert_eq!(usages(src)[0].code, Code::Exact(301));
    }
}
