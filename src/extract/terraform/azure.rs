//! Azure redirects: `azurerm_application_gateway` `redirect_configuration` blocks, with the
//! listeners the gateway's routing rules send to them and the listener they redirect to;
//! Front Door rule sets (`azurerm_cdn_frontdoor_rule` `url_redirect_action`) with their
//! conditions, and Front Door (classic) routing rules.

use super::table::TERRAFORM;
use super::{Resource, comments, objects, strings};
use crate::extract::tree::{Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts, Headers, Scheme, Target, TextSource, Usage};
use std::collections::BTreeMap;

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
        let Some(mut u) = typed_code(value, types, src, facts) else {
            continue;
        };
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
        set_target(&mut u, target);
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

/// The code a `redirect_type` names, with the other names as fixes; None (with a note for
/// a name Azure refuses) when it is no literal name.
fn typed_code(
    value: &Node,
    types: &BTreeMap<String, u32>,
    src: &str,
    facts: &mut FileFacts,
) -> Option<Usage> {
    let kind = value.as_str()?;
    let Some(&code) = types.get(kind) else {
        facts.note_at(
            value.span.start,
            format!(
                "Azure refuses `redirect_type = {kind}` (it takes {})",
                types.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
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
    Some(u)
}

/// The Location of a Front Door redirect: the protocol it names (or the request's), and
/// the host and path it sets (an empty or missing one keeps the request's).
fn front_door_target(protocol: Option<&str>, host: Option<&str>, path: Option<&str>) -> Target {
    let scheme = match protocol {
        Some("Https" | "HttpsOnly") => "https",
        Some("Http" | "HttpOnly") => "http",
        _ => "{scheme}",
    };
    let host = host.filter(|h| !h.is_empty());
    let path = path.filter(|p| !p.is_empty());
    Target {
        text: format!(
            "{scheme}://{}{}",
            host.unwrap_or("{host}"),
            path.unwrap_or("{path}")
        ),
        keeps_host: host.is_none(),
        keeps_path: path.is_none(),
    }
}

fn set_target(u: &mut Usage, target: Target) {
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.target = Some(target);
}

/// `azurerm_cdn_frontdoor_rule`: each `url_redirect_action`, with the rule's conditions.
pub fn front_door_rule(r: &Resource, src: &str, facts: &mut FileFacts) {
    let body = r.body();
    let types = &TERRAFORM.azure.front_door_redirect_types;
    let conditions = objects(body, "conditions");
    for actions in objects(body, "actions") {
        for entry in super::all(actions, "url_redirect_action") {
            let action = &entry.value;
            let Some(value) = action.get("redirect_type") else {
                continue;
            };
            let Some(mut u) = typed_code(value, types, src, facts) else {
                continue;
            };
            let text = |k| action.get(k).and_then(Node::as_str);
            set_target(
                &mut u,
                front_door_target(
                    text("redirect_protocol"),
                    text("destination_hostname"),
                    text("destination_path"),
                ),
            );
            u.evidence.texts = r.texts(src);
            u.evidence.texts.extend(comments(src, entry.key.span.start));
            for condition in &conditions {
                for scheme in objects(condition, "request_scheme_condition") {
                    let values = strings(scheme.get("match_values"));
                    let negated =
                        scheme.get("negate_condition").and_then(Node::as_bool) == Some(true);
                    let equal = scheme
                        .get("operator")
                        .and_then(Node::as_str)
                        .is_none_or(|o| o == "Equal");
                    if equal
                        && !negated
                        && values.iter().all(|v| v.eq_ignore_ascii_case("http"))
                        && !values.is_empty()
                    {
                        u.evidence.request_scheme = Some((
                            Scheme::Http,
                            "the rule's `request_scheme_condition` matches only HTTP".to_string(),
                        ));
                    }
                }
                for host in objects(condition, "host_name_condition") {
                    if host.get("operator").and_then(Node::as_str) == Some("Equal") {
                        u.evidence
                            .request_hosts
                            .extend(strings(host.get("match_values")));
                    }
                }
                for path in objects(condition, "url_path_condition") {
                    u.evidence.texts.extend(
                        strings(path.get("match_values"))
                            .into_iter()
                            .map(|p| (TextSource::Route, p)),
                    );
                }
            }
            facts.usages.push(u);
        }
    }
}

/// `azurerm_frontdoor` (classic): each routing rule's `redirect_configuration`, with the
/// protocols and patterns the rule accepts.
pub fn classic_front_door(r: &Resource, src: &str, facts: &mut FileFacts) {
    let body = r.body();
    let types = &TERRAFORM.azure.front_door_redirect_types;
    for rule in objects(body, "routing_rule") {
        for entry in super::all(rule, "redirect_configuration") {
            let config = &entry.value;
            let Some(value) = config.get("redirect_type") else {
                continue;
            };
            let Some(mut u) = typed_code(value, types, src, facts) else {
                continue;
            };
            let text = |k| config.get(k).and_then(Node::as_str);
            set_target(
                &mut u,
                front_door_target(
                    text("redirect_protocol"),
                    text("custom_host"),
                    text("custom_path"),
                ),
            );
            u.evidence.texts = r.texts(src);
            u.evidence.texts.extend(comments(src, entry.key.span.start));
            if let Some(name) = rule.get("name").and_then(Node::as_str) {
                u.evidence
                    .texts
                    .push((TextSource::Handler, name.to_string()));
            }
            let accepted = strings(rule.get("accepted_protocols"));
            if !accepted.is_empty() && accepted.iter().all(|p| p.eq_ignore_ascii_case("http")) {
                u.evidence.request_scheme = Some((
                    Scheme::Http,
                    "the routing rule accepts only `Http`".to_string(),
                ));
            }
            u.evidence.texts.extend(
                strings(rule.get("patterns_to_match"))
                    .into_iter()
                    .filter(|p| p != "/*")
                    .map(|p| (TextSource::Route, p)),
            );
            facts.usages.push(u);
        }
    }
}
