//! CloudFormation and SAM templates (YAML or JSON): the redirect actions of
//! `AWS::ElasticLoadBalancingV2::Listener` and `::ListenerRule` resources, and the
//! `CustomRules` of `AWS::Amplify::App` (read by the shared Amplify reader). Short-form
//! intrinsics (`!Ref`, `!Sub`) and long-form ones (`{"Ref": ..}`) are values computed at
//! deploy time: read as unknown, except a rule's `ListenerArn`, which names its listener.

use super::amplify;
use super::aws_elb::{self, Around, ELB, Listener};
use super::tree::{Document, Node, Value, comment_texts, yaml_documents};
use crate::usage::{FileFacts, Method, TextSource};
use std::path::Path;

/// The redirect settings key of an ELB action, and Amplify's rules.
pub const PREFILTER: &str = r"RedirectConfig|CustomRules";

/// The resource type whose `CustomRules` are Amplify Hosting rules.
const AMPLIFY_APP: &str = "AWS::Amplify::App";

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    for document in yaml_documents(src) {
        match document {
            Document::Parsed(root) => template(&root, src, &mut facts),
            Document::Failed { line, reason, .. } => facts.notes.push(format!(
                "line {line}: this template could not be read ({reason}); skipped"
            )),
        }
    }
    facts
}

fn template(root: &Node, src: &str, facts: &mut FileFacts) {
    let types = &ELB.cloudformation;
    let Some(resources) = root.get("Resources") else {
        return;
    };
    let type_of = |node: &Node| node.get("Type").and_then(Node::as_str).map(str::to_string);
    for resource in resources.entries() {
        let Some(id) = resource.key.as_str() else {
            continue;
        };
        let kind = type_of(&resource.value);
        let Some(props) = resource.value.get("Properties") else {
            continue;
        };
        let mut texts = vec![(TextSource::Handler, id.to_string())];
        texts.extend(comment_texts(src, &resource.key));
        if kind.as_deref() == Some(AMPLIFY_APP) {
            for rule in props.get("CustomRules").map_or(&[][..], Node::items) {
                let above = comment_texts(src, rule)
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect();
                amplify::rule(rule, texts.clone(), above, src, facts);
            }
        } else if kind.as_deref() == Some(types.listener.as_str()) {
            let listener = listener_of(id, props);
            for action in props.get("DefaultActions").map_or(&[][..], Node::items) {
                let around = Around {
                    listener: Some(listener.clone()),
                    texts: texts.clone(),
                    ..Around::default()
                };
                if let Some(u) = aws_elb::redirect(action, src, around, facts) {
                    facts.usages.push(u);
                }
            }
        } else if kind.as_deref() == Some(types.listener_rule.as_str()) {
            let listener = props
                .get("ListenerArn")
                .and_then(referenced_id)
                .and_then(|lid| {
                    let l = resources.get(&lid)?;
                    let is_listener = type_of(l).as_deref() == Some(types.listener.as_str());
                    is_listener.then_some(())?;
                    Some(listener_of(&lid, l.get("Properties")?))
                });
            let conditions = props.get("Conditions").map_or(&[][..], Node::items);
            for action in props.get("Actions").map_or(&[][..], Node::items) {
                let mut around = Around {
                    listener: listener.clone(),
                    texts: texts.clone(),
                    ..Around::default()
                };
                add_conditions(conditions, &mut around);
                if let Some(u) = aws_elb::redirect(action, src, around, facts) {
                    facts.usages.push(u);
                }
            }
        }
    }
}

/// The logical id a `!Ref Id`, `{"Ref": "Id"}` or `!GetAtt Id.Arn` names.
fn referenced_id(node: &Node) -> Option<String> {
    match &node.value {
        Value::Templated(text) => {
            let rest = text
                .strip_prefix("!Ref")
                .or_else(|| text.strip_prefix("!GetAtt"))?;
            Some(rest.trim().split('.').next()?.to_string())
        }
        Value::Map(_) => node.get("Ref").and_then(Node::as_str).map(str::to_string),
        _ => None,
    }
}

fn listener_of(id: &str, props: &Node) -> Listener {
    let text = |key| props.get(key).and_then(Node::as_str).map(str::to_string);
    Listener {
        port: text("Port"),
        protocol: text("Protocol"),
        name: id.to_string(),
    }
}

/// `Conditions: [{Field: path-pattern, Values | PathPatternConfig: {Values}}, ..]`.
fn add_conditions(conditions: &[Node], around: &mut Around) {
    for condition in conditions {
        let field = condition.get("Field").and_then(Node::as_str).unwrap_or("");
        let values = |config: &str| -> Vec<String> {
            condition
                .path(&[config, "Values"])
                .or_else(|| condition.get("Values"))
                .map_or(&[][..], Node::items)
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        };
        match field {
            "path-pattern" => around.paths.extend(values("PathPatternConfig")),
            "host-header" => around.hosts.extend(
                values("HostHeaderConfig")
                    .into_iter()
                    .filter(|h| !h.contains(['*', '?'])),
            ),
            "http-request-method" => {
                around.methods = Some(
                    values("HttpRequestMethodConfig")
                        .iter()
                        .filter_map(|m| Method::parse(m))
                        .collect(),
                );
            }
            "http-header" | "query-string" => {
                around.per_request = Some(format!("the `{field}` condition"));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::Code;

    const YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  HttpListener:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref LoadBalancer\n      Port: 80\n      Protocol: HTTP\n      DefaultActions:\n        - Type: redirect\n          RedirectConfig:\n            Protocol: HTTPS\n            Port: '443'\n            StatusCode: HTTP_302\n";

    #[test]
    fn listener_redirects_with_short_form_tags_around() {
        let f = extract(Path::new("t.yaml"), YAML);
        assert_eq!(f.usages.len(), 1, "{:?}", f.notes);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(302));
        assert_eq!(&YAML[u.span.clone()], "HTTP_302");
        assert!(u.evidence.request_scheme.is_some());
        let token = u.code_token.as_ref().unwrap();
        assert_eq!(token.spelling(301), Some("HTTP_301"));
    }

    #[test]
    fn rules_find_their_listener_by_ref_in_json_too() {
        let json = r#"{"Resources": {
  "Http": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"Port": 80, "Protocol": "HTTP", "DefaultActions": []}},
  "Rule": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
    "ListenerArn": {"Ref": "Http"},
    "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": ["old.example.com"]}}],
    "Actions": [{"Type": "redirect", "RedirectConfig": {"Host": "new.example.com", "StatusCode": "HTTP_301"}}]}}}}"#;
        let f = extract(Path::new("t.json"), json);
        let u = &f.usages[0];
        assert_eq!(u.code, Code::Exact(301));
        assert_eq!(&json[u.span.clone()], "\"HTTP_301\"");
        assert_eq!(u.evidence.request_hosts, ["old.example.com"]);
        assert!(u.evidence.request_scheme.is_some());
    }

    #[test]
    fn computed_codes_are_unknown() {
        let src = YAML.replace(
            "StatusCode: HTTP_302",
            "StatusCode: !If [Prod, HTTP_301, HTTP_302]",
        );
        let f = extract(Path::new("t.yaml"), &src);
        assert!(f.usages.is_empty() && f.notes.is_empty(), "{:?}", f.notes);
    }
}
