//! `aws_lb_listener` default actions and `aws_lb_listener_rule` actions, with the listener
//! a rule belongs to when it is in the same file and the rule's conditions.

use super::{Resource, all, comments, strings};
use crate::extract::aws_elb::{self, Around, Listener};
use crate::usage::{FileFacts, Method};

pub fn listener(r: &Resource, src: &str, facts: &mut FileFacts) {
    let listener = listener_of(r);
    for action in all(r.body(), "default_action") {
        let mut texts = r.texts(src);
        texts.extend(comments(src, action.key.span.start));
        let around = Around {
            listener: Some(listener.clone()),
            texts,
            ..Around::default()
        };
        if let Some(u) = aws_elb::redirect(&action.value, src, around, facts) {
            facts.usages.push(u);
        }
    }
}

pub fn listener_rule(r: &Resource, resources: &[Resource], src: &str, facts: &mut FileFacts) {
    let body = r.body();
    // `listener_arn = aws_lb_listener.http.arn`: the listener, when it is in this file.
    let listener = body
        .get("listener_arn")
        .map(|n| src.get(n.span.clone()).unwrap_or(""))
        .and_then(|reference| {
            let mut parts = reference.split('.');
            let (kind, name) = (parts.next()?, parts.next()?);
            let name = name.split('[').next()?;
            resources.iter().find(|l| l.kind == kind && l.name == name)
        })
        .map(listener_of);
    let mut paths = Vec::new();
    let mut hosts = Vec::new();
    let mut methods: Option<Vec<Method>> = None;
    let mut per_request = None;
    for condition in all(body, "condition") {
        let c = &condition.value;
        paths.extend(strings(c.path(&["path_pattern", "values"])));
        hosts.extend(
            strings(c.path(&["host_header", "values"]))
                .into_iter()
                .filter(|h| !h.contains(['*', '?'])),
        );
        if let Some(kind) = ["http_header", "query_string"]
            .into_iter()
            .find(|k| c.get(k).is_some())
        {
            per_request = Some(format!("the `{kind}` condition"));
        }
        let listed = strings(c.path(&["http_request_method", "values"]));
        if !listed.is_empty() {
            methods = Some(listed.iter().filter_map(|m| Method::parse(m)).collect());
        }
    }
    for action in all(body, "action") {
        let mut texts = r.texts(src);
        texts.extend(comments(src, action.key.span.start));
        let around = Around {
            listener: listener.clone(),
            paths: paths.clone(),
            hosts: hosts.clone(),
            methods: methods.clone(),
            texts,
            per_request: per_request.clone(),
        };
        if let Some(u) = aws_elb::redirect(&action.value, src, around, facts) {
            facts.usages.push(u);
        }
    }
}

fn listener_of(r: &Resource) -> Listener {
    let text = |key| {
        r.body()
            .get(key)
            .and_then(|n| n.as_str())
            .map(str::to_string)
    };
    Listener {
        port: text("port"),
        protocol: text("protocol"),
        name: format!("{}.{}", r.kind, r.name),
    }
}
