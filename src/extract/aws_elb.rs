//! Elastic Load Balancing v2 redirect actions, shared by the Terraform and CloudFormation
//! extractors: each hands over an action, the listener it belongs to and the rule's
//! conditions; this module knows what the load balancer sends. Spellings and codes come from
//! `data/apis/aws-elb.toml`.

use crate::extract::tree::{Node, Value, written_like};
use crate::usage::{
    Code, CodeToken, FileFacts, Headers, Method, Scheme, Target, TextSource, Usage,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElbTable {
    pub action_type: String,
    pub config_keys: Vec<String>,
    pub status_codes: BTreeMap<String, u32>,
    pub placeholders: Placeholders,
    pub cloudformation: CloudFormationTypes,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudFormationTypes {
    pub listener: String,
    pub listener_rule: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placeholders {
    pub protocol: String,
    pub host: String,
    pub port: String,
    pub path: String,
    pub query: String,
}

pub static ELB: LazyLock<ElbTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/aws-elb.toml"))
        .expect("data/apis/aws-elb.toml is checked by the test suite")
});

/// The listener an action answers for, as far as the file shows it.
#[derive(Clone, Debug, Default)]
pub struct Listener {
    pub port: Option<String>,
    pub protocol: Option<String>,
    /// How the listener is named in evidence (`aws_lb_listener.http`, `HttpListener`).
    pub name: String,
}

/// What the rule around an action matches, and what names it.
#[derive(Clone, Debug, Default)]
pub struct Around {
    pub listener: Option<Listener>,
    pub paths: Vec<String>,
    pub hosts: Vec<String>,
    pub methods: Option<Vec<Method>>,
    pub texts: Vec<(TextSource, String)>,
    /// A condition on what each request carries (a header, the query string).
    pub per_request: Option<String>,
}

/// The redirect an action sends, or None when it is no redirect or its code is not
/// written as a literal. A code the API refuses is noted and kept as written (SL301).
pub fn redirect(action: &Node, src: &str, around: Around, facts: &mut FileFacts) -> Option<Usage> {
    let table = &*ELB;
    let config = table.config_keys.iter().find_map(|k| action.get_loose(k))?;
    let is_redirect = match action.get_loose("type").map(|t| &t.value) {
        Some(Value::Scalar(t)) => t.eq_ignore_ascii_case(&table.action_type),
        Some(_) => false,
        None => true,
    };
    if !is_redirect {
        return None;
    }
    let status = config.get_loose("status_code")?;
    let text = status.as_str()?;
    let Some(&code) = table.status_codes.get(text) else {
        facts.note_at(
            status.span.start,
            format!(
                "the load balancer API refuses `{text}` as a redirect code (it takes {})",
                table
                    .status_codes
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
        facts.usages.push(Usage::new(
            status.span.clone(),
            Code::Malformed(text.to_string()),
            text.to_string(),
        ));
        return None;
    };
    let written = src.get(status.span.clone()).unwrap_or(text);
    let mut u = Usage::new(status.span.clone(), Code::Exact(code), text.to_string());
    u.code_token = Some(CodeToken {
        span: status.span.clone(),
        spellings: table
            .status_codes
            .iter()
            .map(|(name, code)| (*code, written_like(written, text, name)))
            .collect(),
    });
    let target = target(config, around.listener.as_ref());
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.target = Some(target);
    if let Some(listener) = &around.listener {
        u.evidence.request_scheme = plain_http(listener);
    }
    u.evidence.texts = around.texts;
    u.evidence
        .texts
        .extend(around.paths.into_iter().map(|p| (TextSource::Route, p)));
    u.evidence.request_hosts = around.hosts;
    u.methods = around.methods;
    u.evidence.per_request = around.per_request;
    Some(u)
}

/// The listener takes plain http: its protocol says so, or it listens on port 80.
fn plain_http(listener: &Listener) -> Option<(Scheme, String)> {
    let name = &listener.name;
    match (listener.protocol.as_deref(), listener.port.as_deref()) {
        (Some(p), _) if p.eq_ignore_ascii_case("HTTP") => Some((
            Scheme::Http,
            format!("the listener `{name}` takes plain http (protocol HTTP)"),
        )),
        (None, Some("80")) => Some((
            Scheme::Http,
            format!("the listener `{name}` takes plain http on port 80"),
        )),
        _ => None,
    }
}

/// The Location the load balancer builds: each component left out keeps the request's.
fn target(config: &Node, listener: Option<&Listener>) -> Target {
    let ph = &ELB.placeholders;
    let part = |key: &str| config.get_loose(key).and_then(Node::as_str);
    let protocol = part("protocol").filter(|p| *p != ph.protocol);
    let scheme = protocol
        .or_else(|| listener.and_then(|l| l.protocol.as_deref()))
        .map_or("{scheme}".to_string(), str::to_ascii_lowercase);
    let host = part("host").filter(|h| *h != ph.host);
    let port = part("port").filter(|p| {
        *p != ph.port && !matches!((scheme.as_str(), *p), ("https", "443") | ("http", "80"))
    });
    let path = part("path").filter(|p| *p != ph.path);
    let query = part("query").filter(|q| *q != ph.query && !q.is_empty());
    Target {
        text: format!(
            "{scheme}://{}{}{}{}",
            host.unwrap_or("{host}"),
            port.map(|p| format!(":{p}")).unwrap_or_default(),
            path.unwrap_or("{path}"),
            query.map(|q| format!("?{q}")).unwrap_or_default()
        ),
        keeps_host: host.is_none(),
        keeps_path: path.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        assert_eq!(ELB.status_codes["HTTP_302"], 302);
        assert_eq!(ELB.status_codes.len(), 2);
    }
}
