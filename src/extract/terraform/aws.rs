//! `aws_lb_listener` default actions and `aws_lb_listener_rule` actions, with the listener
//! a rule belongs to when it is in the same file and the rule's conditions.

use super::hcl::TopBlock;
use super::{Resource, all, comments, strings};
use crate::extract::aws_elb::{self, Around, Listener};
use crate::extract::tree::Node;
use crate::usage::{FileFacts, Method, TextSource};

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
    let conditions: Vec<&Node> = all(body, "condition").map(|c| &c.value).collect();
    let base = around_conditions(&conditions);
    for action in all(body, "action") {
        let mut texts = r.texts(src);
        texts.extend(comments(src, action.key.span.start));
        let around = Around {
            listener: listener.clone(),
            texts,
            ..base.clone()
        };
        if let Some(u) = aws_elb::redirect(&action.value, src, around, facts) {
            facts.usages.push(u);
        }
    }
}

/// What a rule's conditions match: `path_pattern`, `host_header`, `http_request_method`
/// values; a `http_header` or `query_string` condition chooses per request.
fn around_conditions(conditions: &[&Node]) -> Around {
    let mut around = Around::default();
    for c in conditions {
        around
            .paths
            .extend(strings(c.path(&["path_pattern", "values"])));
        around.hosts.extend(
            strings(c.path(&["host_header", "values"]))
                .into_iter()
                .filter(|h| !h.contains(['*', '?'])),
        );
        if let Some(kind) = ["http_header", "query_string"]
            .into_iter()
            .find(|k| c.get(k).is_some())
        {
            around.per_request = Some(format!("the `{kind}` condition"));
        }
        let listed = strings(c.path(&["http_request_method", "values"]));
        if !listed.is_empty() {
            around.methods = Some(listed.iter().filter_map(|m| Method::parse(m)).collect());
        }
    }
    around
}

/// The terraform-aws-modules ALB module: `listeners = { NAME = { port, protocol, redirect =
/// {..}, rules = { NAME = { actions = [{ redirect = {..} }], conditions = [..] } } } }`, the
/// resource shapes written as module inputs.
pub fn alb_module(module: &TopBlock, src: &str, facts: &mut FileFacts) {
    let Some(listeners) = module.body.get("listeners") else {
        return;
    };
    for entry in listeners.entries() {
        let name = entry.key.as_str().unwrap_or("");
        let config = &entry.value;
        let text = |key| config.get(key).and_then(Node::as_str).map(str::to_string);
        let listener = Listener {
            port: text("port"),
            protocol: text("protocol"),
            name: format!("listeners.{name}"),
        };
        let mut texts = vec![(TextSource::Handler, name.to_string())];
        texts.extend(comments(src, entry.key.span.start));
        let around = Around {
            listener: Some(listener.clone()),
            texts: texts.clone(),
            ..Around::default()
        };
        // The listener's own default action, written at its top level.
        if let Some(u) = aws_elb::redirect(config, src, around, facts) {
            facts.usages.push(u);
        }
        for rule in config.get("rules").map_or(&[][..], Node::entries) {
            let conditions: Vec<&Node> = rule
                .value
                .get("conditions")
                .map_or(&[][..], Node::items)
                .iter()
                .collect();
            let base = around_conditions(&conditions);
            for action in rule.value.get("actions").map_or(&[][..], Node::items) {
                // The rule's own name, not the listener's (`https` names a listener, not a
                // redirect to https).
                let rule_name = rule.key.as_str().unwrap_or("").to_string();
                let mut texts = vec![(TextSource::Handler, rule_name)];
                texts.extend(comments(src, rule.key.span.start));
                let around = Around {
                    listener: Some(listener.clone()),
                    texts,
                    ..base.clone()
                };
                if let Some(u) = aws_elb::redirect(action, src, around, facts) {
                    facts.usages.push(u);
                }
            }
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
