//! Traefik's Docker provider: middlewares defined by container labels in a Compose file
//! (`services.NAME.labels`, and `deploy.labels` for Swarm), as a list
//! (`- "traefik.http.middlewares.to-https.redirectscheme.scheme=https"`) or a map, and the
//! entry-point flags of a Traefik service's `command` list. Labels are turned into the tree
//! a dynamic configuration file would give, so the middleware reader serves both.
//!
//! Compose interpolates every value before Traefik sees it: `$$` is one `$` (so a regex
//! group is written `$${1}`), and `$VAR` or `${VAR}` is an environment variable, not a
//! group. Label values are read as Traefik receives them, variables shown as `{env.VAR}`.

use super::{flags, middleware};
use crate::extract::tree::{Node, Value, comment_texts};
use crate::usage::{TextSource, Usage};

/// Traefik reads label names without regard to case.
const PREFIX: &str = "traefik.http.middlewares.";

/// Reads every service of a Compose file.
pub fn read_compose(services: &Node, src: &str, out: &mut Vec<Usage>) {
    for service in services.entries() {
        let config = &service.value;
        for labels in [config.get("labels"), config.path(&["deploy", "labels"])]
            .into_iter()
            .flatten()
        {
            middlewares(labels, src, out);
        }
        if let Some(command) = config.get("command") {
            let items: Vec<&Node> = command.items().iter().collect();
            flags::read(&items, src, out);
        }
    }
}

/// The middlewares the labels define, each read like a file provider's
/// `http.middlewares.NAME`.
fn middlewares(labels: &Node, src: &str, out: &mut Vec<Usage>) {
    let mut root = Node {
        span: 0..0,
        value: Value::Map(Vec::new()),
    };
    for item in labels.items() {
        if let Some((path, Some(value))) = flags::dotted(item, PREFIX, src) {
            flags::insert(&mut root, &path, interpolated(value), item.span.clone());
        }
    }
    for entry in labels.entries() {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        let Some(head) = key.get(..PREFIX.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(PREFIX) {
            continue;
        }
        if let Some(path) = flags::split_path(&key[PREFIX.len()..]) {
            flags::insert(
                &mut root,
                &path,
                interpolated(entry.value.clone()),
                entry.key.span.clone(),
            );
        }
    }
    for entry in root.entries() {
        let Some(name) = entry.key.as_str() else {
            continue;
        };
        let mut texts = vec![(TextSource::Handler, name.to_string())];
        texts.extend(comment_texts(src, &entry.key));
        middleware::read(&entry.value, &texts, src, out);
    }
}

/// A label value as Traefik receives it from Compose.
fn interpolated(mut node: Node) -> Node {
    if let Value::Scalar(text) = &node.value
        && text.contains('$')
    {
        node.value = Value::Scalar(compose_interpolation(text));
    }
    node
}

/// Compose's interpolation: `$$` gives `$`; `${VAR}`, `${VAR:-default}` (and the other
/// `${VAR?err}` forms) and `$VAR` give the variable's value, unknown here, written
/// `{env.VAR}`. A `$` before anything else is left as it is (Compose rejects it).
fn compose_interpolation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = |s: &str| {
            let starts = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            let len = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            if starts { len } else { 0 }
        };
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(braced) = after.strip_prefix('{')
            && let Some(close) = braced.find('}')
            && name_len(braced) > 0
        {
            out.push_str(&format!("{{env.{}}}", &braced[..name_len(braced)]));
            rest = &braced[close + 1..];
        } else if name_len(after) > 0 {
            let n = name_len(after);
            out.push_str(&format!("{{env.{}}}", &after[..n]));
            rest = &after[n..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
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
        let mut out = Vec::new();
        read_compose(root.get("services").unwrap(), src, &mut out);
        out
    }

    #[test]
    fn list_and_map_labels_make_middlewares() {
        let src = "services:\n  whoami:\n    labels:\n      - \"traefik.http.middlewares.to-https.redirectscheme.scheme=https\"\n      - traefik.http.routers.whoami.middlewares=to-https\n  app:\n    deploy:\n      labels:\n        traefik.http.middlewares.secure.redirectscheme.scheme: https\n        traefik.http.middlewares.secure.redirectscheme.permanent: \"true\"\n";
        let u = usages(src);
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].code, Code::Exact(302));
        assert!(src[u[0].span.clone()].contains("to-https.redirectscheme.scheme"));
        assert_eq!(u[1].code, Code::Exact(301));
        assert_eq!(&src[u[1].span.clone()], "\"true\"");
    }

    #[test]
    fn compose_interpolation_is_not_a_regex_group() {
        assert_eq!(
            compose_interpolation("https://${DOMAIN}/$${1}"),
            "https://{env.DOMAIN}/${1}"
        );
        assert_eq!(
            compose_interpolation("https://$HOST/$$1 ${X:-a}$"),
            "https://{env.HOST}/$1 {env.X}$"
        );
        assert_eq!(compose_interpolation("${1}${"), "${1}${");
        let src = "services:\n  app:\n    labels:\n      - traefik.http.middlewares.w.redirectregex.regex=^https?://[^/]+/(.*)\n      - traefik.http.middlewares.w.redirectregex.replacement=https://${DOMAIN}/$${1}\n";
        let u = usages(src);
        let target = u[0].target.as_ref().expect("a target");
        assert_eq!(target.text, "https://{env.DOMAIN}/${1}");
        assert!(!target.keeps_host && target.keeps_path);
    }

    #[test]
    fn command_flags_and_odd_labels() {
        let src = "services:\n  traefik:\n    command:\n      - --entrypoints.web.address=:80\n      - --entrypoints.web.http.redirections.entrypoint.to=websecure\n    labels:\n      - traefik.http.middlewares..redirectscheme.scheme=https\n      - traefik.http.middlewares.x\n      - 42\n";
        let u = usages(src);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(301));
    }
}
