//! `aws_amplify_app` `custom_rule` blocks: redirects (301, 302) and rewrites (200, 404,
//! `404-200`) of an Amplify Hosting app.

use super::table::TERRAFORM;
use super::{Resource, comments, objects};
use crate::extract::platform::{self, PlatformRule};
use crate::extract::tree::{Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts};

pub fn app(r: &Resource, src: &str, facts: &mut FileFacts) {
    let table = &TERRAFORM.aws;
    for rule in objects(r.body(), "custom_rule") {
        // Without a status Amplify rewrites (200): the rule chooses no code.
        let Some(value) = rule.get("status") else {
            continue;
        };
        let Some(text) = value.as_str() else { continue };
        // `404-200` answers 404 with the target's page.
        let Ok(code) = text.split('-').next().unwrap_or("").parse::<u32>() else {
            facts.note_at(
                value.span.start,
                format!("Amplify refuses `status = \"{text}\"`"),
            );
            continue;
        };
        let from = rule.get("source").and_then(Node::as_str);
        let to = rule.get("target").and_then(Node::as_str);
        let written = src.get(value.span.clone()).unwrap_or(text);
        let mut u = platform::usage(PlatformRule {
            span: value.span.clone(),
            code: Code::Exact(code),
            spelled: format!("status = \"{text}\""),
            implicit: false,
            from,
            to,
            path_placeholders: &table.amplify_placeholders,
            comments: comments(src, rule.span.start)
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
        });
        if table.amplify_redirect_codes.contains(&code) {
            u.code_token = Some(CodeToken {
                span: value.span.clone(),
                spellings: table
                    .amplify_redirect_codes
                    .iter()
                    .map(|c| (*c, written_like(written, text, &c.to_string())))
                    .collect(),
            });
        }
        // `/<*>` matches every path, which `<*>` in the target copies.
        if let (Some(t), Some(from)) = (u.target.as_mut(), from) {
            t.keeps_path = t.text.contains("<*>") && platform::path_of(from) == "/<*>";
        }
        u.evidence.texts.extend(r.texts(src));
        facts.usages.push(u);
    }
}
