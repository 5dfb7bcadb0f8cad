//! `google_compute_url_map` redirects: `default_url_redirect` of the map and of each path
//! matcher, `url_redirect` of path rules and route rules.

use super::table::TERRAFORM;
use super::{Resource, all, comments, objects, strings};
use crate::extract::tree::{Entry, Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts, Headers, Target, TextSource, Usage};

/// The hosts and paths a redirect answers for, and the texts that name it.
struct Scope {
    hosts: Vec<String>,
    paths: Vec<String>,
}

pub fn url_map(r: &Resource, src: &str, facts: &mut FileFacts) {
    let body = r.body();
    let whole = Scope {
        hosts: Vec::new(),
        paths: Vec::new(),
    };
    for redirect in all(body, "default_url_redirect") {
        push(redirect, &whole, r, src, facts);
    }
    for matcher in objects(body, "path_matcher") {
        let name = matcher.get("name").and_then(Node::as_str);
        // The hosts whose host rule sends them to this matcher.
        let hosts = objects(body, "host_rule")
            .into_iter()
            .filter(|h| name.is_some() && h.get("path_matcher").and_then(Node::as_str) == name)
            .flat_map(|h| strings(h.get("hosts")))
            .filter(|h| !h.contains('*'))
            .collect::<Vec<_>>();
        let scope = Scope {
            hosts: hosts.clone(),
            paths: Vec::new(),
        };
        for redirect in all(matcher, "default_url_redirect") {
            push(redirect, &scope, r, src, facts);
        }
        for rule in objects(matcher, "path_rule") {
            let scope = Scope {
                hosts: hosts.clone(),
                paths: strings(rule.get("paths")),
            };
            for redirect in all(rule, "url_redirect") {
                push(redirect, &scope, r, src, facts);
            }
        }
        for rule in objects(matcher, "route_rules") {
            let paths = objects(rule, "match_rules")
                .into_iter()
                .filter_map(|m| {
                    ["full_path_match", "prefix_match", "path_template_match"]
                        .iter()
                        .find_map(|k| m.get(k)?.as_str())
                })
                .map(str::to_string)
                .collect();
            let scope = Scope {
                hosts: hosts.clone(),
                paths,
            };
            for redirect in all(rule, "url_redirect") {
                push(redirect, &scope, r, src, facts);
            }
        }
    }
}

fn push(entry: &Entry, scope: &Scope, r: &Resource, src: &str, facts: &mut FileFacts) {
    let table = &TERRAFORM.google;
    let redirect = &entry.value;
    let mut u = match redirect.get("redirect_response_code") {
        None => {
            let mut u = Usage::new(
                entry.key.span.clone(),
                Code::Exact(table.codes[&table.default_code]),
                "a URL redirect without redirect_response_code",
            );
            u.implicit = true;
            u
        }
        Some(value) => {
            let Some(text) = value.as_str() else { return };
            let Some(&code) = table.codes.get(text) else {
                facts.note_at(
                    value.span.start,
                    format!("Google Cloud refuses `redirect_response_code = {text}`",),
                );
                facts.usages.push(Usage::new(
                    value.span.clone(),
                    Code::Malformed(text.to_string()),
                    text.to_string(),
                ));
                return;
            };
            let written = src.get(value.span.clone()).unwrap_or(text);
            let mut u = Usage::new(value.span.clone(), Code::Exact(code), text.to_string());
            u.code_token = Some(CodeToken {
                span: value.span.clone(),
                spellings: table
                    .codes
                    .iter()
                    .map(|(name, code)| (*code, written_like(written, text, name)))
                    .collect(),
            });
            u
        }
    };
    let target = target(redirect);
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.target = Some(target);
    u.evidence.texts = r.texts(src);
    u.evidence.texts.extend(comments(src, entry.key.span.start));
    u.evidence.texts.extend(
        scope
            .paths
            .iter()
            .map(|p| (TextSource::Route, p.to_string())),
    );
    u.evidence.request_hosts = scope.hosts.clone();
    facts.usages.push(u);
}

/// The Location: `https_redirect` sets the scheme (the request's otherwise), `host_redirect`
/// the host, `path_redirect` or `prefix_redirect` the path.
fn target(redirect: &Node) -> Target {
    let text = |k| redirect.get(k).and_then(Node::as_str);
    let https = redirect.get("https_redirect").and_then(Node::as_bool) == Some(true);
    let host = text("host_redirect");
    let path = text("path_redirect").or(text("prefix_redirect"));
    Target {
        text: format!(
            "{}://{}{}",
            if https { "https" } else { "{scheme}" },
            host.unwrap_or("{host}"),
            path.unwrap_or("{path}")
        ),
        keeps_host: host.is_none(),
        keeps_path: path.is_none(),
    }
}
