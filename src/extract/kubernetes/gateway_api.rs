//! Kubernetes Gateway API: the `RequestRedirect` filters of an HTTPRoute. Names and codes
//! come from `data/apis/gateway-api.toml`.

use super::resource_texts;
use super::table::GATEWAY_API;
use crate::extract::tree::{Entry, Node, code_of, comment_texts};
use crate::usage::{Code, FileFacts, Headers, Method, Target, TextSource, Usage};

/// True for the route kinds whose rules may redirect.
pub fn is_route(doc: &Node) -> bool {
    let api = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    api.starts_with(&GATEWAY_API.api_group) && GATEWAY_API.kinds.iter().any(|k| k == kind)
}

/// Every redirect filter of the route's rules.
pub fn route(doc: &Node, src: &str, facts: &mut FileFacts) {
    let hosts: Vec<String> = doc
        .path(&["spec", "hostnames"])
        .map_or(&[][..], Node::items)
        .iter()
        .filter_map(Node::as_str)
        .filter(|h| !h.contains('*'))
        .map(str::to_string)
        .collect();
    let rules = doc.path(&["spec", "rules"]).map_or(&[][..], Node::items);
    for rule in rules {
        let filters = rule.get("filters").map_or(&[][..], Node::items);
        for filter in filters {
            if filter.get("type").and_then(Node::as_str) != Some(GATEWAY_API.filter_type.as_str()) {
                continue;
            }
            let Some(redirect) = filter.entry(&GATEWAY_API.filter_key) else {
                continue;
            };
            let Some(mut u) = redirect_usage(redirect, facts) else {
                continue;
            };
            u.evidence.texts = resource_texts(doc);
            u.evidence.texts.extend(comment_texts(src, &redirect.key));
            u.evidence.request_hosts = hosts.clone();
            add_matches(rule, &mut u);
            facts.usages.push(u);
        }
    }
}

/// The redirect a filter sends: `statusCode`, or 302 at the filter's key when it is absent.
/// None when the code is not known (a template) or the API server refuses it (noted).
fn redirect_usage(redirect: &Entry, facts: &mut FileFacts) -> Option<Usage> {
    let options = &redirect.value;
    let key = &GATEWAY_API.filter_key;
    let mut u = match options.get("statusCode") {
        None => {
            let mut u = Usage::new(
                redirect.key.span.clone(),
                Code::Exact(GATEWAY_API.default_code),
                format!("{key} without statusCode"),
            );
            u.implicit = true;
            u
        }
        Some(value) => {
            let text = value.as_str()?;
            let code = code_of(text);
            let allowed = code
                .exact()
                .is_some_and(|n| GATEWAY_API.allowed_codes.contains(&n));
            if !allowed {
                facts.note_at(
                    value.span.start,
                    format!(
                        "the API server refuses `statusCode: {text}` (the Gateway API allows {})",
                        allowed_list()
                    ),
                );
                facts
                    .usages
                    .push(Usage::new(value.span.clone(), code, "statusCode"));
                return None;
            }
            Usage::new(value.span.clone(), code, format!("statusCode: {text}"))
        }
    };
    let target = target(options);
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.target = Some(target);
    Some(u)
}

fn allowed_list() -> String {
    let codes: Vec<String> = GATEWAY_API
        .allowed_codes
        .iter()
        .map(u32::to_string)
        .collect();
    codes.join(", ")
}

/// The Location the filter builds: each part the filter leaves out comes from the request.
fn target(options: &Node) -> Target {
    let scheme = options.get("scheme").and_then(Node::as_str);
    let hostname = options.get("hostname").and_then(Node::as_str);
    let port = options
        .get("port")
        .and_then(Node::as_str)
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = options.get("path").and_then(|p| {
        let kind = p.get("type")?.as_str()?;
        let key = GATEWAY_API.path_modifiers.get(kind)?;
        p.get(key)?.as_str()
    });
    Target {
        text: format!(
            "{}://{}{port}{}",
            scheme.unwrap_or("{scheme}"),
            hostname.unwrap_or("{host}"),
            path.unwrap_or("{path}")
        ),
        keeps_host: hostname.is_none(),
        keeps_path: path.is_none(),
    }
}

/// The paths and methods the rule matches: the requests its redirect answers.
fn add_matches(rule: &Node, u: &mut Usage) {
    let matches = rule.get("matches").map_or(&[][..], Node::items);
    let mut methods = Vec::new();
    for m in matches {
        if let Some(path) = m.path(&["path", "value"]).and_then(Node::as_str) {
            u.evidence.texts.push((TextSource::Route, path.to_string()));
        }
        match m
            .get("method")
            .and_then(Node::as_str)
            .and_then(Method::parse)
        {
            Some(method) => methods.push(method),
            // A match without a method takes every method.
            None => return,
        }
    }
    if !methods.is_empty() {
        methods.sort();
        methods.dedup();
        u.methods = Some(methods);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tree::{Document, yaml_documents};

    fn facts(src: &str) -> FileFacts {
        let Document::Parsed(root) = yaml_documents(src).remove(0) else {
            panic!("parses");
        };
        assert!(is_route(&root));
        let mut f = FileFacts::default();
        route(&root, src, &mut f);
        f.place_notes(src);
        f
    }

    const ROUTE: &str = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  hostnames: [www.example.com]\n  rules:\n    - filters:\n        - type: RequestRedirect\n          requestRedirect:\n";

    #[test]
    fn status_code_defaults_to_302_at_the_filter() {
        let src = format!("{ROUTE}            scheme: https\n");
        let f = facts(&src);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(302));
        assert!(u.implicit);
        assert_eq!(&src[u.span.clone()], "requestRedirect");
        let t = u.target.as_ref().unwrap();
        assert_eq!(t.text, "https://{host}{path}");
        assert!(t.keeps_host && t.keeps_path);
        assert_eq!(u.evidence.request_hosts, ["www.example.com"]);
    }

    #[test]
    fn written_codes_and_targets() {
        let src = format!(
            "{ROUTE}            hostname: example.com\n            statusCode: 301\n            path:\n              type: ReplaceFullPath\n              replaceFullPath: /login\n"
        );
        let f = facts(&src);
        assert_eq!(f.usages[0].code, Code::Exact(301));
        assert_eq!(
            f.usages[0].target.as_ref().unwrap().text,
            "{scheme}://example.com/login"
        );
    }

    #[test]
    fn refused_codes_are_noted() {
        let f = facts(&format!("{ROUTE}            statusCode: 305\n"));
        assert_eq!(f.usages.len(), 1);
        assert!(f.usages[0].target.is_none());
        assert!(f.notes[0].contains("refuses"));
    }
}
