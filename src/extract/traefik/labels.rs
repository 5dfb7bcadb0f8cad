//! Traefik's Docker provider: middlewares defined by container labels in a Compose file
//! (`services.NAME.labels`, and `deploy.labels` for Swarm), as a list
//! (`- "traefik.http.middlewares.to-https.redirectscheme.scheme=https"`) or a map, and the
//! entry-point flags of a Traefik service's `command` list. Labels are turned into the tree
//! a dynamic configuration file would give, so the middleware reader serves both.

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
            flags::insert(&mut root, &path, value, item.span.clone());
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
                entry.value.clone(),
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
    fn command_flags_and_odd_labels() {
        let src = "services:\n  traefik:\n    command:\n      - --entrypoints.web.address=:80\n      - --entrypoints.web.http.redirections.entrypoint.to=websecure\n    labels:\n      - traefik.http.middlewares..redirectscheme.scheme=https\n      - traefik.http.middlewares.x\n      - 42\n";
        let u = usages(src);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].code, Code::Exact(301));
    }
}
