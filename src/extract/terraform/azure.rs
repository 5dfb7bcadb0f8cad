//! `azurerm_application_gateway` `redirect_configuration` blocks, with the listeners the
//! gateway's routing rules send to them and the listener they redirect to.

use super::table::TERRAFORM;
use super::{Resource, comments, objects};
use crate::extract::tree::{Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts, Headers, Scheme, Target, TextSource, Usage};

pub fn application_gateway(r: &Resource, src: &str, facts: &mut FileFacts) {
    let body = r.body();
    let types = &TERRAFORM.azure.redirect_types;
    let text = |n: &Node, k: &str| n.get(k).and_then(Node::as_str).map(str::to_string);
    let listener = |name: Option<&str>| {
        objects(body, "http_listener")
            .into_iter()
            .find(|l| name.is_some() && l.get("name").and_then(Node::as_str) == name)
    };
    for entry in super::all(body, "redirect_configuration") {
        let config = &entry.value;
        let Some(value) = config.get("redirect_type") else {
            continue;
        };
        let Some(kind) = value.as_str() else { continue };
        let Some(&code) = types.get(kind) else {
            facts.note_at(
                value.span.start,
                format!(
                    "Azure refuses `redirect_type = {kind}` (it takes {})",
                    types.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
            continue;
        };
        let written = src.get(value.span.clone()).unwrap_or(kind);
        let mut u = Usage::new(value.span.clone(), Code::Exact(code), kind.to_string());
        u.code_token = Some(CodeToken {
            span: value.span.clone(),
            spellings: types
                .iter()
                .map(|(name, code)| (*code, written_like(written, kind, name)))
                .collect(),
        });
        let name = config.get("name").and_then(Node::as_str);
        let include_path = config.get("include_path").and_then(Node::as_bool) == Some(true);
        let target = match (
            text(config, "target_url"),
            text(config, "target_listener_name"),
        ) {
            (Some(url), _) => Target::literal(url),
            (None, Some(to)) => {
                let to = listener(Some(&to));
                let scheme = to
                    .and_then(|l| text(l, "protocol"))
                    .map_or("{scheme}".to_string(), |p| p.to_ascii_lowercase());
                let host = to.and_then(|l| text(l, "host_name"));
                Target {
                    text: format!(
                        "{scheme}://{}{}",
                        host.as_deref().unwrap_or("{host}"),
                        if include_path { "{path}" } else { "/" }
                    ),
                    keeps_host: host.is_none(),
                    keeps_path: include_path,
                }
            }
            (None, None) => continue,
        };
        u.headers = Headers::complete();
        u.headers.add("location", Some(target.text.clone()));
        u.target = Some(target);
        u.evidence.texts = r.texts(src);
        u.evidence.texts.extend(comments(src, entry.key.span.start));
        if let Some(name) = name {
            u.evidence
                .texts
                .push((TextSource::Handler, name.to_string()));
        }
        // The listeners whose routing rules redirect with this configuration.
        for rule in objects(body, "request_routing_rule") {
            if name.is_none()
                || rule
                    .get("redirect_configuration_name")
                    .and_then(Node::as_str)
                    != name
            {
                continue;
            }
            let from_name = rule.get("http_listener_name").and_then(Node::as_str);
            let Some(from) = listener(from_name) else {
                continue;
            };
            if let Some(host) = text(from, "host_name") {
                u.evidence.request_hosts.push(host);
            }
            if text(from, "protocol").is_some_and(|p| p.eq_ignore_ascii_case("http")) {
                u.evidence.request_scheme = Some((
                    Scheme::Http,
                    format!(
                        "the routing rule sends the plain-http listener `{}` here",
                        from_name.unwrap_or_default()
                    ),
                ));
            }
        }
        facts.usages.push(u);
    }
}
