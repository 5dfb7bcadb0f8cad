//! Traefik's own configuration files: the file provider's dynamic configuration
//! (`http.middlewares`) and the static configuration (`entryPoints`), in YAML or TOML, and
//! Docker Compose files whose container labels define Traefik middlewares.
//!
//! Codes and defaults come from `data/apis/traefik.toml`.

mod entry_points;
pub mod flags;
mod labels;
pub mod middleware;
mod table;

use crate::extract::tree::{Document, Node, comment_texts, parse_toml, yaml_documents};
use crate::usage::{FileFacts, TextSource};
use std::path::Path;

/// Option names that choose a code (Traefik matches them without regard to case).
pub const PREFILTER: &str = r"(?i)redirect(scheme|regex|ions)|\berrors\b";

pub fn extract(path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        let (root, notes) = parse_toml(src);
        facts.notes = notes;
        read_config(&root, src, &mut facts);
        return facts;
    }
    for document in yaml_documents(src) {
        match document {
            Document::Parsed(root) => read_config(&root, src, &mut facts),
            Document::Failed { line, reason, .. } => facts.notes.push(format!(
                "line {line}: this YAML document could not be read ({reason}); it was skipped"
            )),
        }
    }
    facts
}

/// One configuration: dynamic middlewares and static entry points may share a file.
fn read_config(root: &Node, src: &str, facts: &mut FileFacts) {
    if let Some(middlewares) = root.path_nocase(&["http", "middlewares"]) {
        for entry in middlewares.entries() {
            let Some(name) = entry.key.as_str() else {
                continue;
            };
            let mut texts = vec![(TextSource::Handler, name.to_string())];
            texts.extend(comment_texts(src, &entry.key));
            middleware::read(&entry.value, &texts, src, &mut facts.usages);
        }
    }
    if let Some(services) = root.get("services") {
        labels::read_compose(services, src, &mut facts.usages);
    }
    let redirection = &table::TRAEFIK.entry_point_redirection;
    for table in &redirection.tables {
        let keys: Vec<&str> = table.iter().map(String::as_str).collect();
        if let Some(entry_points) = root.path_nocase(&keys) {
            entry_points::read(entry_points, src, &mut facts.usages);
        }
    }
    for list in &redirection.flag_lists {
        let keys: Vec<&str> = list.iter().map(String::as_str).collect();
        if let Some(flags) = root.path_nocase(&keys) {
            let items: Vec<&Node> = flags.items().iter().collect();
            flags::read(&items, src, &mut facts.usages);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Code;

    fn facts(name: &str, src: &str) -> FileFacts {
        extract(Path::new(name), src)
    }

    #[test]
    fn reads_toml_middlewares_and_entry_points() {
        let src = "[entryPoints.web]\naddress = \":80\"\n[entryPoints.web.http.redirections.entryPoint]\nto = \"websecure\"\npermanent = false\n\n[http.middlewares.to-https.redirectScheme]\nscheme = \"https\"\npermanent = true\n";
        let f = facts("traefik.toml", src);
        let codes: Vec<_> = f.usages.iter().map(|u| u.code.clone()).collect();
        assert_eq!(codes, [Code::Exact(301), Code::Exact(302)]);
        let ep = &f.usages[1];
        assert_eq!(&src[ep.span.clone()], "false");
        assert!(
            ep.evidence
                .request_scheme
                .as_ref()
                .unwrap()
                .1
                .contains("`:80`")
        );
    }

    #[test]
    fn entry_point_redirection_is_permanent_by_default() {
        let src = "entryPoints:\n  web:\n    http:\n      redirections:\n        entryPoint:\n          to: websecure\n";
        let f = facts("traefik.yml", src);
        assert_eq!(f.usages[0].code, Code::Exact(301));
    }

    #[test]
    fn reads_helm_chart_values() {
        let src = "traefik:\n  ports:\n    web:\n      port: 8000\n      http:\n        redirections:\n          entryPoint:\n            to: websecure\n            scheme: https\n            permanent: false\n";
        let f = facts("values.yaml", src);
        assert_eq!(f.usages[0].code, Code::Exact(302));
    }

    #[test]
    fn a_broken_document_is_a_note() {
        let src = "http:\n  middlewares:\n    a: [\n---\nhttp:\n  middlewares:\n    b:\n      redirectScheme:\n        scheme: https\n";
        let f = facts("dynamic.yml", src);
        assert_eq!(f.usages.len(), 1);
        assert!(f.notes[0].starts_with("line "), "{:?}", f.notes);
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    #[test]
    fn every_truncation_is_read_without_panic() {
        let files = [
            (
                "a.toml",
                include_str!("../../../fixtures/traefik/dynamic.toml"),
            ),
            (
                "a.yml",
                include_str!("../../../fixtures/traefik/dynamic.yml"),
            ),
            (
                "docker-compose.yml",
                include_str!("../../../fixtures/traefik/compose/docker-compose.yml"),
            ),
        ];
        for (name, src) in files {
            for cut in (0..src.len())
                .step_by(7)
                .filter(|c| src.is_char_boundary(*c))
            {
                let _ = extract(Path::new(name), &src[..cut]);
            }
        }
    }
}
