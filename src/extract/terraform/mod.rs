//! Terraform and OpenTofu (`*.tf`): the redirects of AWS load balancer listeners and rules,
//! Google Cloud URL maps, Azure Application Gateways and Cloudflare page rules and redirect
//! rulesets. Only literal values are read (and `var.NAME` whose default is in the same
//! file); `dynamic` blocks and computed values are left alone, and of modules only the
//! terraform-aws-modules ALB module, whose inputs have the resources' shapes, is read.

mod amplify;
mod aws;
mod azure;
mod cloudflare;
mod google;
mod hcl;
mod table;

use crate::extract::tree::{Entry, Node};
use crate::usage::{FileFacts, TextSource};
use hcl::TopBlock;
use std::path::Path;
use table::TERRAFORM;

/// Attribute names that choose a redirect code in the resources read.
pub const PREFILTER: &str =
    r"status_code|redirect_response_code|https_redirect|redirect_type|forwarding_url|custom_rule";

/// One `resource "TYPE" "NAME"` block.
pub struct Resource<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub block: &'a TopBlock,
}

impl Resource<'_> {
    pub fn body(&self) -> &Node {
        &self.block.body
    }

    /// The resource's name and the comments above it, as evidence.
    pub fn texts(&self, src: &str) -> Vec<(TextSource, String)> {
        let mut texts = vec![(TextSource::Handler, self.name.to_string())];
        texts.extend(comments(src, self.block.span.start));
        texts
    }
}

pub fn extract(_path: &Path, src: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let blocks = match hcl::parse(src) {
        Ok(blocks) => blocks,
        Err(e) => {
            facts.notes.push(format!(
                "line {}: could not be read as HCL ({}); skipped",
                e.line, e.message
            ));
            return facts;
        }
    };
    let resources: Vec<Resource> = blocks
        .iter()
        .filter(|b| b.ident == "resource")
        .filter_map(|block| match block.labels.as_slice() {
            [kind, name] => Some(Resource { kind, name, block }),
            _ => None,
        })
        .collect();
    let t = &*TERRAFORM;
    let is = |list: &[String], kind: &str| list.iter().any(|k| k == kind);
    for module in blocks.iter().filter(|b| b.ident == "module") {
        let source = module
            .body
            .get("source")
            .and_then(Node::as_str)
            .unwrap_or("");
        if t.aws
            .alb_modules
            .iter()
            .any(|m| source.contains(m.as_str()))
        {
            aws::alb_module(module, src, &mut facts);
        }
    }
    for r in &resources {
        if is(&t.aws.listeners, r.kind) {
            aws::listener(r, src, &mut facts);
        } else if is(&t.aws.listener_rules, r.kind) {
            aws::listener_rule(r, &resources, src, &mut facts);
        } else if is(&t.aws.amplify_apps, r.kind) {
            amplify::app(r, src, &mut facts);
        } else if is(&t.google.url_maps, r.kind) {
            google::url_map(r, src, &mut facts);
        } else if is(&t.azure.application_gateways, r.kind) {
            azure::application_gateway(r, src, &mut facts);
        } else if is(&t.azure.front_door_rules, r.kind) {
            azure::front_door_rule(r, src, &mut facts);
        } else if is(&t.azure.classic_front_doors, r.kind) {
            azure::classic_front_door(r, src, &mut facts);
        } else if is(&t.cloudflare.page_rules, r.kind) {
            cloudflare::page_rule(r, src, &mut facts);
        } else if is(&t.cloudflare.rulesets, r.kind) {
            cloudflare::ruleset(r, src, &mut facts);
        }
    }
    facts
}

/// Every entry named `name`: a block written several times, or an attribute holding a
/// list of objects (`rules = [{ .. }, { .. }]`).
pub fn all<'a>(node: &'a Node, name: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
    node.entries()
        .iter()
        .filter(move |e| e.key.as_str() == Some(name))
}

/// The objects under `name`, whether written as repeated blocks or as a list.
pub fn objects<'a>(node: &'a Node, name: &'a str) -> Vec<&'a Node> {
    let mut out = Vec::new();
    for entry in all(node, name) {
        match entry.value.items() {
            [] => out.push(&entry.value),
            items => out.extend(items),
        }
    }
    out
}

/// The strings of a list attribute (`values = ["/old/*"]`).
pub fn strings(node: Option<&Node>) -> Vec<String> {
    node.map_or(&[][..], Node::items)
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_string)
        .collect()
}

/// The full-line `#` and `//` comments right above the line holding `offset`.
pub fn comments(src: &str, offset: usize) -> Vec<(TextSource, String)> {
    let offset = offset.min(src.len());
    let line_start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut out: Vec<(TextSource, String)> = src[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .map_while(|l| l.strip_prefix('#').or_else(|| l.strip_prefix("//")))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .map(|c| (TextSource::Comment, c))
        .collect();
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_hcl_are_a_note() {
        let f = extract(Path::new("x.tf"), "resource \"a\" {\n  status_code = \n");
        assert!(f.usages.is_empty());
        assert!(
            f.notes[0].contains("could not be read as HCL"),
            "{:?}",
            f.notes
        );
    }

    #[test]
    fn never_panics_on_cut_input() {
        let src = include_str!("../../../fixtures/terraform/aws_alb.tf");
        for cut in (0..src.len())
            .filter(|c| src.is_char_boundary(*c))
            .step_by(7)
        {
            let _ = extract(Path::new("cut.tf"), &src[..cut]);
        }
    }
}
