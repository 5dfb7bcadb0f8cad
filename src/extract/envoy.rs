//! Envoy route configuration: the `redirect` and `direct_response` of each route under
//! `virtual_hosts`, wherever the route configuration sits (a bootstrap's listeners, an RDS
//! file, a bare `RouteConfiguration`, an `envoy.yaml` key of a Kubernetes ConfigMap), in
//! YAML or JSON and with snake_case or proto-JSON camelCase keys. A virtual host's
//! `require_tls` answers plain http itself, so its routes see only TLS requests.
//! Names and defaults come from `data/apis/envoy.toml`.

use crate::extract::tree::{Document, Entry, Node, comment_texts, written_like, yaml_documents};
use crate::usage::{Body, Code, CodeToken, FileFacts, Headers, Scheme, Target, TextSource, Usage};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// Route configurations with a redirect.
pub const PREFILTER: &str = r#"(?i)virtual_?hosts"?\s*:[\s\S]*\b(redirect|direct_?response)"?\s*:"#;

static PREFILTER_RE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(PREFILTER).expect("PREFILTER is a valid regex"));

/// True when `text` may be an Envoy route configuration with a redirect or direct response
/// (for Envoy files inside other files).
pub fn looks_like_envoy(text: &str) -> bool {
    PREFILTER_RE.is_match(text)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvoyTable {
    default_code: String,
    codes: BTreeMap<String, EnumValue>,
    direct_response: DirectResponse,
    require_tls: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectResponse {
    /// Codes the router gives a Location of its own.
    location_added_for: Vec<u32>,
    location_added_for_class: u32,
    /// HTTP filters that can write any response header (matched inside the filter name).
    header_writing_filters: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnumValue {
    code: u32,
    number: u32,
}

static ENVOY: LazyLock<EnvoyTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/envoy.toml"))
        .expect("data/apis/envoy.toml is checked by the test suite")
});

/// What the listener around a route configuration shows about the requests it takes.
#[derive(Clone, Default)]
struct Listener {
    /// Why the requests are plain http (a port 80 listener without TLS), if they are.
    plain_http: Option<String>,
    /// Why response headers may come from elsewhere (an HTTP filter, local reply mappers).
    headers_elsewhere: Option<String>,
}

/// Header names a route configuration, virtual host or route adds to its responses.
type Added = Vec<(String, Option<String>)>;

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    for document in yaml_documents(src) {
        match document {
            Document::Parsed(root) => walk(&root, &Listener::default(), src, &mut facts, 0),
            Document::Failed { line, reason, .. } => facts.notes.push(format!(
                "line {line}: this YAML or JSON document could not be read ({reason}); it was skipped"
            )),
        }
    }
    facts
}

/// Nesting deeper than any Envoy config goes is not followed, so a hostile file cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Finds every `virtual_hosts` list, carrying what the enclosing listener tells.
fn walk(node: &Node, listener: &Listener, src: &str, facts: &mut FileFacts, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(chains) = node.get_loose("filter_chains") {
        let port = node
            .path(&["address", "socket_address", "port_value"])
            .or_else(|| node.path(&["address", "socketAddress", "portValue"]))
            .and_then(Node::as_str);
        for chain in chains.items() {
            let tls = chain.get_loose("transport_socket").is_some()
                || chain.get_loose("tls_context").is_some();
            let inner = Listener {
                plain_http: (port == Some("80") && !tls)
                    .then(|| "the listener on port 80 has no TLS transport socket".to_string()),
                headers_elsewhere: listener.headers_elsewhere.clone(),
            };
            walk(chain, &inner, src, facts, depth + 1);
        }
        return;
    }
    let mut listener = listener.clone();
    if let Some(why) = connection_manager_headers(node) {
        listener.headers_elsewhere = Some(why);
    }
    let listener = &listener;
    for entry in node.entries() {
        if entry
            .key
            .as_str()
            .is_some_and(|k| loose_is(k, "virtual_hosts"))
        {
            let config_adds = added_headers(node);
            for host in entry.value.items() {
                virtual_host(host, listener, &config_adds, src, facts);
            }
        } else {
            walk(&entry.value, listener, src, facts, depth + 1);
        }
    }
    for item in node.items() {
        walk(item, listener, src, facts, depth + 1);
    }
}

fn loose_is(key: &str, name: &str) -> bool {
    key.replace('_', "")
        .eq_ignore_ascii_case(&name.replace('_', ""))
}

/// An HTTP connection manager's filters and local reply mappers that can change the headers
/// of a direct response.
fn connection_manager_headers(node: &Node) -> Option<String> {
    let mappers = node
        .get_loose("local_reply_config")
        .and_then(|c| c.get_loose("mappers"));
    if mappers.is_some_and(|m| !m.items().is_empty()) {
        return Some("the connection manager's local_reply_config rewrites local replies".into());
    }
    let filters = node.get_loose("http_filters")?;
    let writers = &ENVOY.direct_response.header_writing_filters;
    filters.items().iter().find_map(|f| {
        let name = f.get_loose("name").and_then(Node::as_str)?;
        writers
            .iter()
            .any(|w| name.to_ascii_lowercase().contains(w.as_str()))
            .then(|| format!("the HTTP filter `{name}` can set response headers"))
    })
}

/// `response_headers_to_add: [{header: {key, value}}]` of a route configuration, virtual
/// host or route.
fn added_headers(node: &Node) -> Added {
    node.get_loose("response_headers_to_add")
        .map_or(&[][..], Node::items)
        .iter()
        .filter_map(|option| {
            let header = option.get_loose("header")?;
            let key = header.get_loose("key").and_then(Node::as_str)?;
            let value = header.get_loose("value").and_then(Node::as_str);
            Some((key.to_string(), value.map(str::to_string)))
        })
        .collect()
}

fn virtual_host(
    host: &Node,
    listener: &Listener,
    config_adds: &Added,
    src: &str,
    facts: &mut FileFacts,
) {
    let domains: Vec<String> = host
        .get_loose("domains")
        .map_or(&[][..], Node::items)
        .iter()
        .filter_map(Node::as_str)
        .filter(|d| !d.contains('*'))
        .map(|d| d.split(':').next().unwrap_or(d).to_string())
        .collect();
    let name = host.get_loose("name").and_then(Node::as_str);
    // Envoy answers plain http with its own 301 before any route of this host.
    let tls_required =
        host.get_loose("require_tls")
            .and_then(Node::as_str)
            .and_then(|v| {
                ENVOY.require_tls.iter().find(|(name, n)| {
                    v == name.as_str() || v.parse::<u32>().is_ok_and(|x| x == **n)
                })
            })
            .map(|(name, _)| name.clone());
    let mut host_adds = added_headers(host);
    host_adds.extend(config_adds.iter().cloned());
    for route in host.get_loose("routes").map_or(&[][..], Node::items) {
        let action = |key: &str| {
            route
                .entries()
                .iter()
                .rev()
                .find(|e| e.key.as_str().is_some_and(|k| loose_is(k, key)))
        };
        let mut u = if let Some(redirect) = action("redirect") {
            let Some(mut u) = code_usage(redirect, src, facts) else {
                continue;
            };
            let target = target(&redirect.value);
            u.headers = Headers::complete();
            u.headers.add("location", Some(target.text.clone()));
            u.target = Some(target);
            u.evidence.texts.extend(comment_texts(src, &redirect.key));
            u
        } else if let Some(direct) = action("direct_response") {
            let Some(mut u) = direct_response(direct, listener, facts) else {
                continue;
            };
            u.evidence.texts.extend(comment_texts(src, &direct.key));
            for (key, value) in added_headers(route).into_iter().chain(host_adds.clone()) {
                u.headers.add(&key, value);
            }
            u
        } else {
            continue;
        };
        u.evidence.texts.extend(
            [name, route.get_loose("name").and_then(Node::as_str)]
                .into_iter()
                .flatten()
                .map(|n| (TextSource::Handler, n.to_string())),
        );
        u.evidence.request_hosts = domains.clone();
        match (&tls_required, &listener.plain_http) {
            (Some(level), _) => {
                u.evidence.request_scheme = Some((
                    Scheme::Https,
                    format!("the virtual host's `require_tls: {level}` answers plain http itself"),
                ));
            }
            (None, Some(why)) => u.evidence.request_scheme = Some((Scheme::Http, why.clone())),
            (None, None) => {}
        }
        if let Some(m) = route.get("match") {
            route_match(m, &mut u);
        }
        facts.usages.push(u);
    }
}

/// `direct_response: {status, body}`: the router sends the body as written and gives 3xx
/// and 201 answers a Location built from the request (the route has no redirect parts, so
/// the same URL). Other headers come from `response_headers_to_add`.
fn direct_response(direct: &Entry, listener: &Listener, facts: &mut FileFacts) -> Option<Usage> {
    let status = direct.value.get_loose("status")?;
    let Some(code) = status.as_str().and_then(|s| s.parse::<u32>().ok()) else {
        facts.note_at(
            status.span.start,
            "this direct_response status is not a number, so it is not checked".into(),
        );
        return None;
    };
    let mut u = Usage::new(
        status.span.clone(),
        Code::Exact(code),
        format!("direct_response status {code}"),
    );
    u.headers = Headers::complete();
    if listener.headers_elsewhere.is_some() {
        u.headers.complete = false;
    }
    let table = &ENVOY.direct_response;
    if table.location_added_for.contains(&code) || code / 100 == table.location_added_for_class {
        let target = Target {
            text: "{scheme}://{host}{path}".to_string(),
            keeps_host: true,
            keeps_path: true,
        };
        u.headers.add("location", Some(target.text.clone()));
        u.target = Some(target);
    }
    u.body = match direct.value.get_loose("body") {
        None => Body::Absent,
        Some(body) => match body.get_loose("inline_string").and_then(Node::as_str) {
            Some("") => Body::Absent,
            Some(text) => {
                u.evidence
                    .texts
                    .push((TextSource::Message, text.to_string()));
                Body::Present
            }
            // Bytes, a file or an environment variable: content of unknown text.
            None => Body::Present,
        },
    };
    Some(u)
}

/// The path a route matches and a `:scheme` or `x-forwarded-proto` header test for http.
fn route_match(m: &Node, u: &mut Usage) {
    if let Some(path) = ["prefix", "path", "path_separated_prefix"]
        .iter()
        .find_map(|k| m.get_loose(k).and_then(Node::as_str))
        .filter(|p| *p != "/")
    {
        u.evidence.texts.push((TextSource::Route, path.to_string()));
    }
    for header in m.get_loose("headers").map_or(&[][..], Node::items) {
        let name = header
            .get_loose("name")
            .and_then(Node::as_str)
            .unwrap_or("");
        if !matches!(
            name.to_ascii_lowercase().as_str(),
            ":scheme" | "x-forwarded-proto"
        ) {
            continue;
        }
        let exact = header
            .get_loose("exact_match")
            .or_else(|| header.path(&["string_match", "exact"]))
            .or_else(|| header.path(&["stringMatch", "exact"]))
            .and_then(Node::as_str);
        if exact.is_some_and(|v| v.eq_ignore_ascii_case("http")) {
            u.evidence.request_scheme = Some((
                Scheme::Http,
                format!("the route matches only requests whose `{name}` is `http`"),
            ));
        }
    }
}

/// The written `response_code` or Envoy's default at the `redirect` key. None when the
/// value is no literal or one Envoy refuses (noted: the file does not load).
fn code_usage(redirect: &Entry, src: &str, facts: &mut FileFacts) -> Option<Usage> {
    let table = &*ENVOY;
    let Some(value) = redirect.value.get_loose("response_code") else {
        let code = table.codes[&table.default_code].code;
        let mut u = Usage::new(
            redirect.key.span.clone(),
            Code::Exact(code),
            "a redirect without response_code",
        );
        u.implicit = true;
        return Some(u);
    };
    let text = value.as_str()?;
    let known = table.codes.iter().find(|(name, v)| {
        name.as_str() == text || text.parse::<u32>().is_ok_and(|n| n == v.number)
    });
    let Some((name, v)) = known else {
        facts.note_at(
            value.span.start,
            format!("Envoy refuses `response_code: {text}`"),
        );
        return None;
    };
    let mut u = Usage::new(
        value.span.clone(),
        Code::Exact(v.code),
        format!("response_code: {name}"),
    );
    let written = src.get(value.span.clone()).unwrap_or(text);
    u.code_token = Some(CodeToken {
        span: value.span.clone(),
        spellings: table
            .codes
            .iter()
            .map(|(name, v)| (v.code, written_like(written, text, name)))
            .collect(),
    });
    Some(u)
}

/// The Location: each part the redirect does not replace comes from the request.
fn target(redirect: &Node) -> Target {
    let text = |k| redirect.get_loose(k).and_then(Node::as_str);
    let scheme = if redirect.get_loose("https_redirect").and_then(Node::as_bool) == Some(true) {
        Some("https")
    } else {
        text("scheme_redirect")
    };
    let host = text("host_redirect");
    let port = text("port_redirect")
        .filter(|p| !matches!((scheme, *p), (Some("https"), "443") | (Some("http"), "80")))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = text("path_redirect");
    let rewrites =
        text("prefix_rewrite").is_some() || redirect.get_loose("regex_rewrite").is_some();
    Target {
        text: format!(
            "{}://{}{port}{}",
            scheme.unwrap_or("{scheme}"),
            host.unwrap_or("{host}"),
            path.or(text("prefix_rewrite")).unwrap_or("{path}")
        ),
        keeps_host: host.is_none(),
        keeps_path: path.is_none() && !rewrites,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOTSTRAP: &str = r#"static_resources:
  listeners:
    - name: http
      address:
        socket_address: { address: 0.0.0.0, port_value: 80 }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                route_config:
                  virtual_hosts:
                    - name: backend
                      domains: ["example.com"]
                      routes:
                        - match: { prefix: "/" }
                          redirect:
                            https_redirect: true
                            response_code: FOUND
"#;

    #[test]
    fn reads_a_bootstrap_redirect_with_its_listener() {
        let f = extract(Path::new("envoy.yaml"), BOOTSTRAP);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(302));
        assert_eq!(&BOOTSTRAP[u.span.clone()], "FOUND");
        assert!(u.evidence.request_scheme.is_some());
        let t = u.target.as_ref().unwrap();
        assert_eq!(t.text, "https://{host}{path}");
        assert!(t.keeps_host && t.keeps_path);
        assert_eq!(
            u.code_token.as_ref().unwrap().spelling(308),
            Some("PERMANENT_REDIRECT")
        );
    }

    #[test]
    fn default_numbers_camel_case_and_refused_values() {
        let src = BOOTSTRAP.replace("                            response_code: FOUND\n", "");
        let f = extract(Path::new("envoy.yaml"), &src);
        assert_eq!(f.usages[0].code, Code::Exact(301));
        assert!(f.usages[0].implicit);
        let json = r#"{"virtualHosts": [{"domains": ["*"], "routes": [{"match": {"prefix": "/a"}, "redirect": {"pathRedirect": "/b", "responseCode": 3}}]}]}"#;
        let f = extract(Path::new("rds.json"), json);
        assert_eq!(f.usages[0].code, Code::Exact(307));
        assert_eq!(&json[f.usages[0].span.clone()], "3");
        let bad = json.replace("\"responseCode\": 3", "\"responseCode\": \"MOVED\"");
        let f = extract(Path::new("rds.json"), &bad);
        assert!(f.usages.is_empty());
        assert!(f.notes_at[0].1.contains("refuses"), "{:?}", f.notes_at);
    }

    #[test]
    fn table_loads() {
        assert_eq!(ENVOY.codes[&ENVOY.default_code].code, 301);
    }

    #[test]
    fn every_truncation_is_read_without_panic() {
        for cut in (0..BOOTSTRAP.len()).step_by(5) {
            let _ = extract(Path::new("cut.yaml"), &BOOTSTRAP[..cut]);
        }
    }
}
