//! HCL (Terraform, OpenTofu) into the span-keeping [`Node`] tree the other config
//! extractors read: a block body is a mapping whose nested blocks are entries named by the
//! block type (repeated when the block is), and an object expression is a mapping too, so a
//! provider's v4 blocks (`actions { forwarding_url { .. } }`) and v5 attributes
//! (`actions = { forwarding_url = { .. } }`) read alike. hcl-edit parses and keeps spans.

use crate::extract::tree::{Entry, Node, Value};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use std::collections::HashMap;

/// A top-level block: `resource "aws_lb_listener" "http" { .. }`.
pub struct TopBlock {
    /// `resource`, `variable`, `module`, ...
    pub ident: String,
    pub labels: Vec<String>,
    /// Where the whole block is written.
    pub span: std::ops::Range<usize>,
    pub body: Node,
}

/// Why a file is not HCL: the line and the parser's message.
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// The top-level blocks of a file. A `var.NAME` whose `variable "NAME"` block in the same
/// file has a literal `default` reads as that default (at the reference's span); any other
/// reference, function call or interpolation is [`Value::Templated`]: not known here.
pub fn parse(src: &str) -> Result<Vec<TopBlock>, ParseError> {
    let body = hcl_edit::parser::parse_body(src).map_err(|e| ParseError {
        line: e.location().line(),
        message: e.message().to_string(),
    })?;
    let none = HashMap::new();
    let mut defaults = HashMap::new();
    for block in body.blocks().filter(|b| b.ident.as_str() == "variable") {
        if let (Some(name), Some(default)) =
            (block.labels.first(), block.body.get_attribute("default"))
        {
            let node = expr_node(&default.value, src, &none);
            if matches!(node.value, Value::Scalar(_)) {
                defaults.insert(name.as_str().to_string(), node);
            }
        }
    }
    Ok(body
        .blocks()
        .map(|block| TopBlock {
            ident: block.ident.as_str().to_string(),
            labels: block
                .labels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect(),
            span: block.span().unwrap_or(0..0),
            body: body_node(&block.body, block.span(), src, &defaults),
        })
        .collect())
}

fn body_node(
    body: &Body,
    span: Option<std::ops::Range<usize>>,
    src: &str,
    vars: &HashMap<String, Node>,
) -> Node {
    let entries = body
        .iter()
        .map(|structure| match structure {
            Structure::Attribute(attr) => Entry {
                key: name_node(attr.key.as_str(), attr.key.span()),
                value: expr_node(&attr.value, src, vars),
            },
            Structure::Block(block) => Entry {
                key: name_node(block.ident.as_str(), block.ident.span()),
                value: body_node(&block.body, block.span(), src, vars),
            },
        })
        .collect();
    Node {
        span: span.unwrap_or(0..0),
        value: Value::Map(entries),
    }
}

fn name_node(name: &str, span: Option<std::ops::Range<usize>>) -> Node {
    Node {
        span: span.unwrap_or(0..0),
        value: Value::Scalar(name.to_string()),
    }
}

fn expr_node(expr: &Expression, src: &str, vars: &HashMap<String, Node>) -> Node {
    let span = expr.span().unwrap_or(0..0);
    let written = || src.get(span.clone()).unwrap_or("").to_string();
    let value = match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Scalar(b.value().to_string()),
        Expression::Number(n) => Value::Scalar(n.value().to_string()),
        Expression::String(s) => Value::Scalar(s.value().to_string()),
        Expression::Array(items) => {
            Value::Seq(items.iter().map(|e| expr_node(e, src, vars)).collect())
        }
        Expression::Object(object) => Value::Map(
            object
                .iter()
                .map(|(key, value)| Entry {
                    key: match key {
                        ObjectKey::Ident(ident) => name_node(ident.as_str(), ident.span()),
                        ObjectKey::Expression(e) => expr_node(e, src, vars),
                    },
                    value: expr_node(value.expr(), src, vars),
                })
                .collect(),
        ),
        Expression::Parenthesis(inner) => return expr_node(inner.inner(), src, vars),
        Expression::Traversal(t) => match variable_name(t) {
            Some(name) if vars.contains_key(name) => vars[name].value.clone(),
            _ => Value::Templated(written()),
        },
        _ => Value::Templated(written()),
    };
    Node { span, value }
}

/// `NAME` of a `var.NAME` reference.
fn variable_name(t: &hcl_edit::expr::Traversal) -> Option<&str> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    match t.operators.as_slice() {
        [op] if root.as_str() == "var" => match op.value() {
            TraversalOperator::GetAttr(name) => Some(name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_attributes_and_spans() {
        let src = "variable \"code\" {\n  default = \"HTTP_302\"\n}\nresource \"aws_lb_listener\" \"http\" {\n  port = 80\n  default_action {\n    type = \"redirect\"\n  }\n  default_action {\n    redirect = { status_code = var.code, host = local.h }\n  }\n}\n";
        let blocks = parse(src).ok().unwrap();
        let listener = &blocks[1];
        assert_eq!(listener.labels, ["aws_lb_listener", "http"]);
        assert_eq!(listener.body.get("port").and_then(Node::as_str), Some("80"));
        let actions: Vec<_> = listener
            .body
            .entries()
            .iter()
            .filter(|e| e.key.as_str() == Some("default_action"))
            .collect();
        assert_eq!(actions.len(), 2);
        let t = actions[0].value.get("type").unwrap();
        assert_eq!(&src[t.span.clone()], "\"redirect\"");
        let redirect = actions[1].value.get("redirect").unwrap();
        let code = redirect.get("status_code").unwrap();
        assert_eq!(code.as_str(), Some("HTTP_302"));
        assert_eq!(&src[code.span.clone()], "var.code");
        let host = redirect.get("host").unwrap();
        assert_eq!(host.value, Value::Templated("local.h".into()));
    }

    #[test]
    fn errors_name_the_line() {
        let Err(e) = parse("resource \"a\" \"b\" {\n  x = \n}\n") else {
            panic!("not HCL");
        };
        assert!(e.line >= 2, "{}", e.line);
    }
}
