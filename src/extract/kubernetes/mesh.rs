//! Service mesh and proxy redirects: Istio `VirtualService` `http[].redirect` and Contour
//! `HTTPProxy` `routes[].requestRedirectPolicy`. Names and defaults come from
//! `data/apis/mesh.toml`.

use super::resource_texts;
use crate::extract::tree::{Entry, Node, code_of, comment_texts, written_like};
use crate::usage::{
    Code, CodeToken, FileFacts, Headers, Method, Scheme, Target, TextSource, Usage,
};
use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeshTable {
    istio: Api,
    contour: Api,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Api {
    api_group: String,
    kind: String,
    code_key: String,
    default_code: u32,
    /// The codes the API server accepts; any when left out.
    #[serde(default)]
    allowed_codes: Vec<u32>,
}

static MESH: LazyLock<MeshTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../../data/apis/mesh.toml"))
        .expect("data/apis/mesh.toml is checked by the test suite")
});

fn is(doc: &Node, api: &Api) -> bool {
    let group = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    group.starts_with(&api.api_group) && doc.get("kind").and_then(Node::as_str) == Some(&api.kind)
}

/// Reads the resource when it is an Istio VirtualService or a Contour HTTPProxy; false
/// when it is neither.
pub fn read(doc: &Node, src: &str, facts: &mut FileFacts) -> bool {
    if is(doc, &MESH.istio) {
        virtual_service(doc, src, facts);
    } else if is(doc, &MESH.contour) {
        http_proxy(doc, src, facts);
    } else {
        return false;
    }
    true
}

fn literal_hosts(node: Option<&Node>) -> Vec<String> {
    node.map_or(&[][..], Node::items)
        .iter()
        .filter_map(Node::as_str)
        .filter(|h| !h.contains('*') && !h.contains('/'))
        .map(str::to_string)
        .collect()
}

fn virtual_service(doc: &Node, src: &str, facts: &mut FileFacts) {
    let api = &MESH.istio;
    let hosts = literal_hosts(doc.path(&["spec", "hosts"]));
    for route in doc.path(&["spec", "http"]).map_or(&[][..], Node::items) {
        let Some(redirect) = route.entry("redirect") else {
            continue;
        };
        let options = &redirect.value;
        let Some(mut u) = code_usage(redirect, api, src, facts) else {
            continue;
        };
        let text = |k| options.get(k).and_then(Node::as_str);
        let (scheme, host, path) = (text("scheme"), text("authority"), text("uri"));
        set_target(
            &mut u,
            scheme,
            host,
            options.get("port").and_then(Node::as_str),
            path,
        );
        u.evidence.texts = resource_texts(doc);
        u.evidence.texts.extend(comment_texts(src, &redirect.key));
        u.evidence.request_hosts = hosts.clone();
        let mut methods = Vec::new();
        let mut every_method = false;
        for m in route.get("match").map_or(&[][..], Node::items) {
            if let Some(uri) = ["exact", "prefix", "regex"]
                .iter()
                .find_map(|k| m.path(&["uri", k]).and_then(Node::as_str))
            {
                u.evidence.texts.push((TextSource::Route, uri.to_string()));
            }
            if m.path(&["scheme", "exact"]).and_then(Node::as_str) == Some("http") {
                u.evidence.request_scheme = Some((
                    Scheme::Http,
                    "the route matches `scheme: {exact: http}`".to_string(),
                ));
            }
            match m
                .path(&["method", "exact"])
                .and_then(Node::as_str)
                .and_then(Method::parse)
            {
                Some(method) => methods.push(method),
                None => every_method = true,
            }
        }
        if !methods.is_empty() && !every_method {
            u.methods = Some(methods);
        }
        facts.usages.push(u);
    }
}

fn http_proxy(doc: &Node, src: &str, facts: &mut FileFacts) {
    let api = &MESH.contour;
    let hosts: Vec<String> = doc
        .path(&["spec", "virtualhost", "fqdn"])
        .and_then(Node::as_str)
        .filter(|h| !h.contains('*'))
        .map(str::to_string)
        .into_iter()
        .collect();
    for route in doc.path(&["spec", "routes"]).map_or(&[][..], Node::items) {
        let Some(redirect) = route.entry("requestRedirectPolicy") else {
            continue;
        };
        let options = &redirect.value;
        let Some(mut u) = code_usage(redirect, api, src, facts) else {
            continue;
        };
        let text = |k| options.get(k).and_then(Node::as_str);
        let path = text("path").or(text("prefix"));
        set_target(&mut u, text("scheme"), text("hostname"), text("port"), path);
        u.evidence.texts = resource_texts(doc);
        u.evidence.texts.extend(comment_texts(src, &redirect.key));
        u.evidence.request_hosts = hosts.clone();
        for condition in route.get("conditions").map_or(&[][..], Node::items) {
            if let Some(p) = ["prefix", "exact"]
                .iter()
                .find_map(|k| condition.get(k).and_then(Node::as_str))
                .filter(|p| *p != "/")
            {
                u.evidence.texts.push((TextSource::Route, p.to_string()));
            }
        }
        facts.usages.push(u);
    }
}

/// The written code, or the API's default at the redirect's key. None when the code is a
/// template; a code the API server refuses is noted and kept for the rules on codes.
fn code_usage(redirect: &Entry, api: &Api, src: &str, facts: &mut FileFacts) -> Option<Usage> {
    let key = redirect.key.as_str().unwrap_or("");
    let Some(value) = redirect.value.get(&api.code_key) else {
        let mut u = Usage::new(
            redirect.key.span.clone(),
            Code::Exact(api.default_code),
            format!("{key} without {}", api.code_key),
        );
        u.implicit = true;
        return Some(u);
    };
    let text = value.as_str()?;
    let code = code_of(text);
    let allowed = api.allowed_codes.is_empty()
        || code.exact().is_some_and(|n| api.allowed_codes.contains(&n));
    if !allowed {
        facts.note_at(
            value.span.start,
            format!("the API server refuses `{}: {text}`", api.code_key),
        );
        facts
            .usages
            .push(Usage::new(value.span.clone(), code, api.code_key.clone()));
        return None;
    }
    let mut u = Usage::new(
        value.span.clone(),
        code,
        format!("{}: {text}", api.code_key),
    );
    let written = src.get(value.span.clone()).unwrap_or(text);
    let offered: Vec<u32> = if api.allowed_codes.is_empty() {
        vec![301, 302, 303, 307, 308]
    } else {
        api.allowed_codes.clone()
    };
    u.code_token = Some(CodeToken {
        span: value.span.clone(),
        spellings: offered
            .iter()
            .map(|c| (*c, written_like(written, text, &c.to_string())))
            .collect(),
    });
    Some(u)
}

/// The Location: each part the redirect leaves out comes from the request.
fn set_target(
    u: &mut Usage,
    scheme: Option<&str>,
    host: Option<&str>,
    port: Option<&str>,
    path: Option<&str>,
) {
    let port = port
        .filter(|p| !matches!((scheme, *p), (Some("https"), "443") | (Some("http"), "80")))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let target = Target {
        text: format!(
            "{}://{}{port}{}",
            scheme.unwrap_or("{scheme}"),
            host.unwrap_or("{host}"),
            path.unwrap_or("{path}")
        ),
        keeps_host: host.is_none(),
        keeps_path: path.is_none(),
    };
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.target = Some(target);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        assert_eq!(MESH.istio.default_code, 301);
        assert_eq!(MESH.contour.default_code, 302);
    }
}
