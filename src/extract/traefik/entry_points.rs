//! Traefik's static configuration: an entry point that redirects all its requests to
//! another (`entryPoints.web.http.redirections.entryPoint`), permanent unless told not.

use super::middleware::{by_method, permanence, redirect_usage};
use super::table::TRAEFIK;
use crate::extract::tree::{Entry, Node, comment_texts};
use crate::usage::{Scheme, Target, TextSource, Usage};

/// Reads every entry point of the static configuration's `entryPoints` table.
pub fn read(entry_points: &Node, src: &str, out: &mut Vec<Usage>) {
    for entry_point in entry_points.entries() {
        let Some(name) = entry_point.key.as_str() else {
            continue;
        };
        let Some(entry) = TRAEFIK
            .entry_point_redirection
            .paths
            .iter()
            .find_map(|path| redirection_entry(&entry_point.value, path))
        else {
            continue;
        };
        out.extend(redirect(name, &entry_point.value, entry, src));
    }
}

/// The `entryPoint` entry at the end of `path` (its key is where a default code is chosen).
fn redirection_entry<'n>(entry_point: &'n Node, path: &[String]) -> Option<&'n Entry> {
    let (last, parents) = path.split_last()?;
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    entry_point.path_nocase(&parents)?.entry_nocase(last)
}

fn redirect(name: &str, entry_point: &Node, entry: &Entry, src: &str) -> Option<Usage> {
    let defaults = &TRAEFIK.entry_point_redirection;
    let options = &entry.value;
    let to = options.get_nocase("to").and_then(Node::as_str)?;
    let scheme = match options.get_nocase("scheme") {
        Some(node) => node.as_str()?.to_ascii_lowercase(),
        None => defaults.scheme_default.clone(),
    };
    let choice = permanence(
        entry,
        "the entry-point redirection",
        defaults.permanent_default,
    )?;
    let codes = TRAEFIK.codes.for_permanent(choice.permanent);
    let target = Target {
        text: format!("{scheme}://{{host}}{{path}}"),
        keeps_host: true,
        keeps_path: true,
    };
    let mut texts = vec![(TextSource::Handler, name.to_string())];
    texts.extend(comment_texts(src, &entry.key));
    let mut u = redirect_usage(choice, target, texts);
    if scheme == "https" {
        let address = entry_point
            .get_nocase("address")
            .and_then(Node::as_str)
            .map(|a| format!(" (address `{a}`)"))
            .unwrap_or_default();
        u.evidence.request_scheme = Some((
            Scheme::Http,
            format!(
                "entry point `{name}`{address} hands every request to this redirection to entry point `{to}` ({})",
                by_method(codes)
            ),
        ));
    }
    Some(u)
}
