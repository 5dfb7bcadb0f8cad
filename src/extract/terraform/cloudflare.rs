//! `cloudflare_page_rule` forwarding URLs and `cloudflare_ruleset` single redirects.

use super::table::TERRAFORM;
use super::{Resource, objects};
use crate::extract::platform::{self, PlatformRule};
use crate::extract::tree::{Node, written_like};
use crate::usage::{Code, CodeToken, FileFacts, Headers, Scheme, Target, Usage};

pub fn page_rule(r: &Resource, src: &str, facts: &mut FileFacts) {
    let table = &TERRAFORM.cloudflare;
    let body = r.body();
    let Some(forwarding) = body.path(&["actions", "forwarding_url"]) else {
        return;
    };
    let Some(status) = forwarding.get("status_code") else {
        return;
    };
    let Some(code) = status.as_str().and_then(|s| s.parse::<u32>().ok()) else {
        return;
    };
    if !table.page_rule_codes.contains(&code) {
        facts.note_at(
            status.span.start,
            format!("Cloudflare page rules forward with 301 or 302 only, not {code}"),
        );
    }
    let texts = r.texts(src);
    let mut u = platform::usage(PlatformRule {
        span: status.span.clone(),
        code: Code::Exact(code),
        spelled: format!("status_code = {code}"),
        implicit: false,
        from: body.get("target").and_then(Node::as_str),
        to: forwarding.get("url").and_then(Node::as_str),
        path_placeholders: &table.page_rule_placeholders,
        comments: Vec::new(),
    });
    u.evidence.texts.extend(texts);
    u.code_token = Some(token(status, src, &table.page_rule_codes));
    facts.usages.push(u);
}

pub fn ruleset(r: &Resource, src: &str, facts: &mut FileFacts) {
    let table = &TERRAFORM.cloudflare;
    let body = r.body();
    if body.get("phase").and_then(Node::as_str) != Some(table.redirect_phase.as_str()) {
        return;
    }
    for rule in objects(body, "rules") {
        if rule.get("action").and_then(Node::as_str) != Some("redirect") {
            continue;
        }
        let Some(from_value) = rule.path(&["action_parameters", "from_value"]) else {
            continue;
        };
        let mut u = match from_value.get("status_code") {
            None => {
                let mut u = Usage::new(
                    from_value.span.clone(),
                    Code::Exact(table.ruleset_default),
                    "from_value without status_code",
                );
                u.implicit = true;
                u
            }
            Some(status) => {
                let Some(code) = status.as_str().and_then(|s| s.parse::<u32>().ok()) else {
                    continue;
                };
                let mut u = Usage::new(
                    status.span.clone(),
                    Code::Exact(code),
                    format!("status_code = {code}"),
                );
                u.code_token = Some(token(status, src, &table.ruleset_codes));
                u
            }
        };
        let target = target(from_value.get("target_url"));
        u.headers = Headers::complete();
        u.headers.add("location", Some(target.text.clone()));
        u.target = Some(target);
        u.evidence.texts = r.texts(src);
        if let Some(description) = rule.get("description").and_then(Node::as_str) {
            u.evidence
                .texts
                .push((crate::usage::TextSource::Comment, description.to_string()));
        }
        if let Some(expression) = rule.get("expression").and_then(Node::as_str) {
            if table
                .plain_http_tests
                .iter()
                .any(|t| expression.contains(t.as_str()))
            {
                u.evidence.request_scheme = Some((
                    Scheme::Http,
                    format!("the rule matches `{expression}`, plain-http requests only"),
                ));
            }
            u.evidence.condition = Some(expression.to_string());
        }
        facts.usages.push(u);
    }
}

/// A literal `value`, or the URL an `expression` builds: `concat("https://", http.host,
/// http.request.uri.path)` keeps the request's host and path.
fn target(target_url: Option<&Node>) -> Target {
    let table = &TERRAFORM.cloudflare;
    let text = |k| target_url.and_then(|t| t.get(k)).and_then(Node::as_str);
    if let Some(value) = text("value") {
        return Target::literal(value);
    }
    let Some(expression) = text("expression") else {
        return Target::default();
    };
    let keeps_host = table
        .host_fields
        .iter()
        .any(|f| expression.contains(f.as_str()));
    let keeps_path = table
        .path_fields
        .iter()
        .any(|f| expression.contains(f.as_str()));
    let scheme = ["https", "http"]
        .into_iter()
        .find(|s| expression.contains(&format!("\"{s}://")))
        .unwrap_or("{scheme}");
    Target {
        text: format!(
            "{scheme}://{}{}",
            if keeps_host { "{host}" } else { "{expression}" },
            if keeps_path { "{path}" } else { "" }
        ),
        keeps_host,
        keeps_path,
    }
}

fn token(status: &Node, src: &str, codes: &[u32]) -> CodeToken {
    let written = src.get(status.span.clone()).unwrap_or("");
    let value = status.as_str().unwrap_or(written);
    CodeToken {
        span: status.span.clone(),
        spellings: codes
            .iter()
            .map(|c| (*c, written_like(written, value, &c.to_string())))
            .collect(),
    }
}
