//! One AWS Amplify Hosting custom rule (`source`, `target`, `status`, `condition`), shared
//! by Terraform's `aws_amplify_app` and CloudFormation's `AWS::Amplify::App`: the keys are
//! matched without regard to case (`status` in Terraform, `Status` in CloudFormation).
//! Statuses come from `data/apis/amplify.toml`.

use crate::extract::platform::{self, PlatformRule};
use crate::extract::tree::{Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts, TextSource};
use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmplifyTable {
    statuses: Vec<String>,
    redirect_codes: Vec<u32>,
    placeholders: Vec<String>,
}

static AMPLIFY: LazyLock<AmplifyTable> = LazyLock::new(|| {
    toml::from_str(include_str!("../../data/apis/amplify.toml"))
        .expect("data/apis/amplify.toml is checked by the test suite")
});

/// Reads one rule. `texts` describe the app (its name); `comments` are those above the rule.
pub fn rule(
    rule: &Node,
    texts: Vec<(TextSource, String)>,
    comments: Vec<String>,
    src: &str,
    facts: &mut FileFacts,
) {
    let table = &*AMPLIFY;
    // Without a status Amplify rewrites (200): the rule chooses no code.
    let Some(value) = rule.get_nocase("status") else {
        return;
    };
    // A computed value (`!Ref`, `var.code`) is not known here.
    let Some(text) = value.as_str() else { return };
    if !table.statuses.iter().any(|s| s == text) {
        facts.note_at(
            value.span.start,
            format!("Amplify refuses the status `{text}`"),
        );
        return;
    }
    // `404-200` answers 404 with the target's page.
    let Ok(code) = text.split('-').next().unwrap_or("").parse::<u32>() else {
        return;
    };
    let text_of = |key| rule.get_nocase(key).and_then(Node::as_str);
    let from = text_of("source");
    let written = src.get(value.span.clone()).unwrap_or(text);
    let mut u = platform::usage(PlatformRule {
        span: value.span.clone(),
        code: Code::Exact(code),
        spelled: format!("status \"{text}\""),
        implicit: false,
        from,
        to: text_of("target"),
        path_placeholders: &table.placeholders,
        comments,
    });
    if table.redirect_codes.contains(&code) {
        u.code_token = Some(CodeToken {
            span: value.span.clone(),
            spellings: table
                .redirect_codes
                .iter()
                .map(|c| (*c, written_like(written, text, &c.to_string())))
                .collect(),
        });
    }
    // `/<*>` matches every path, which `<*>` in the target copies.
    if let (Some(t), Some(from)) = (u.target.as_mut(), from) {
        t.keeps_path = t.text.contains("<*>") && platform::path_of(from) == "/<*>";
    }
    u.evidence.texts.extend(texts);
    facts.usages.push(u);
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_loads() {
        assert!(super::AMPLIFY.statuses.iter().any(|s| s == "404-200"));
    }
}
