//! ingress-nginx: the redirect annotations of an Ingress, its nginx snippets, and the
//! controller ConfigMap's `http-redirect-code` and snippets. Names, defaults and ranges
//! come from `data/apis/ingress-nginx.toml`.

use super::resource_texts;
use super::snippets;
use super::table::{INGRESS_NGINX, RedirectAnnotation};
use crate::extract::tree::{Entry, Node, Value, code_of, comment_texts};
use crate::usage::{Body, Code, FileFacts, Headers, Scheme, Span, Target, TextSource, Usage};
use std::path::Path;

/// An Ingress's redirect annotations: the first redirect annotation set (temporal before
/// permanent, as the controller reads them) and its code annotation.
pub fn ingress(doc: &Node, path: &Path, src: &str, facts: &mut FileFacts) {
    let Some(annotations) = doc.path(&["metadata", "annotations"]) else {
        return;
    };
    let prefix = &INGRESS_NGINX.annotation_prefix;
    let find = |name: &str| annotations.entry(&format!("{prefix}/{name}"));
    for name in &INGRESS_NGINX.snippet_annotations {
        let Some(entry) = find(name) else { continue };
        for mut u in snippets::read(&entry.value, path, src, facts) {
            u.evidence.texts.extend(resource_texts(doc));
            let (hosts, paths) = rules(doc);
            u.evidence.request_hosts.extend(hosts);
            // A server snippet answers every path of the hosts; a location snippet only
            // the Ingress's paths.
            if name == "configuration-snippet" {
                u.evidence
                    .texts
                    .extend(paths.into_iter().map(|p| (TextSource::Route, p)));
            }
            facts.usages.push(u);
        }
    }
    let mut chosen: Option<(&RedirectAnnotation, &Entry)> = None;
    for redirect in &INGRESS_NGINX.redirects {
        let Some(entry) = find(&redirect.annotation).filter(|e| has_text(&e.value)) else {
            continue;
        };
        match chosen {
            Some((_, first)) => facts.note_at(
                entry.key.span.start,
                format!(
                    "`{}` is ignored: ingress-nginx takes `{}` first",
                    key_text(entry),
                    key_text(first),
                ),
            ),
            None => chosen = Some((redirect, entry)),
        }
    }
    let Some((redirect, entry)) = chosen else {
        return;
    };
    let code_entry = find(&redirect.code_annotation).filter(|e| has_text(&e.value));
    let Some(choice) = code_choice(redirect, entry, code_entry, facts) else {
        return;
    };
    let mut u = redirect_usage(choice, target(&entry.value));
    u.evidence.declared_permanent = Some((
        redirect.permanent,
        format!("the annotation `{}`", key_text(entry)),
    ));
    u.evidence.texts = resource_texts(doc);
    u.evidence.texts.extend(comment_texts(src, &entry.key));
    if let Some(code_entry) = code_entry {
        u.evidence.texts.extend(comment_texts(src, &code_entry.key));
    }
    add_rules(doc, &mut u);
    facts.usages.push(u);
}

/// The controller ConfigMap's `http-redirect-code`: the code of ingress-nginx's own
/// http-to-https (and www) redirects.
pub fn config_map(doc: &Node, path: &Path, src: &str, facts: &mut FileFacts) {
    if let Some(data) = doc.get("data") {
        controller_config(data, &resource_texts(doc), path, src, facts);
    }
}

/// The controller chart's values (`controller.config`, or under `ingress-nginx:` in a
/// parent chart): the chart writes them into the controller ConfigMap.
pub fn chart_values(root: &Node, path: &Path, src: &str, facts: &mut FileFacts) {
    let config = root
        .path(&["controller", "config"])
        .or_else(|| root.path(&["ingress-nginx", "controller", "config"]));
    if let Some(config) = config {
        controller_config(config, &[], path, src, facts);
    }
}

/// The keys of the controller's configuration that choose codes.
fn controller_config(
    data: &Node,
    texts: &[(TextSource, String)],
    path: &Path,
    src: &str,
    facts: &mut FileFacts,
) {
    let table = &INGRESS_NGINX.config_map;
    for key in &table.snippet_keys {
        let Some(entry) = data.entry(key) else {
            continue;
        };
        for mut u in snippets::read(&entry.value, path, src, facts) {
            u.evidence.texts.extend(texts.iter().cloned());
            facts.usages.push(u);
        }
    }
    let Some(entry) = data.entry(&table.key) else {
        return;
    };
    let Some(text) = entry.value.as_str() else {
        return;
    };
    let allowed = text
        .parse::<i64>()
        .ok()
        .filter(|n| table.allowed.contains(n));
    let Some(code) = allowed else {
        facts.note_at(
            entry.value.span.start,
            format!(
                "ingress-nginx ignores `{}: {text}` (it takes only {}) and keeps {}",
                table.key,
                list(&table.allowed),
                table.default
            ),
        );
        facts
            .usages
            .push(written_code(&entry.value, text, &table.key));
        return;
    };
    let choice = Choice {
        code: code as u32,
        span: entry.value.span.clone(),
        spelled: format!("{}: {code}", table.key),
        implicit: false,
    };
    let mut u = redirect_usage(
        choice,
        Target {
            text: "https://{host}{path}".into(),
            keeps_host: true,
            keeps_path: true,
        },
    );
    let annotations: Vec<String> = table
        .upgrade_annotations
        .iter()
        .map(|a| format!("`{a}`"))
        .collect();
    u.evidence.request_scheme = Some((
        Scheme::Http,
        format!(
            "ingress-nginx answers plain-http requests with this code under {}",
            annotations.join(" and ")
        ),
    ));
    u.evidence.texts = texts.to_vec();
    u.evidence.texts.extend(comment_texts(src, &entry.key));
    facts.usages.push(u);
}

/// The code a redirect annotation sends, and where it is chosen.
struct Choice {
    code: u32,
    span: Span,
    spelled: String,
    implicit: bool,
}

/// The code annotation when it holds an accepted code; otherwise the default, with a note
/// when a code was written but is not taken. None when the code is not known (a template)
/// or the controller rejects the Ingress.
fn code_choice(
    redirect: &RedirectAnnotation,
    entry: &Entry,
    code_entry: Option<&Entry>,
    facts: &mut FileFacts,
) -> Option<Choice> {
    let default = Choice {
        code: redirect.default,
        span: entry.key.span.clone(),
        spelled: key_text(entry).to_string(),
        implicit: true,
    };
    let Some(code_entry) = code_entry else {
        return Some(default);
    };
    let value = &code_entry.value;
    let text = value.as_str()?;
    let [lo, hi] = redirect.accepted;
    match text.parse::<i64>() {
        Ok(n) if (lo..=hi).contains(&n) => Some(Choice {
            code: n as u32,
            span: value.span.clone(),
            spelled: format!("{}: \"{n}\"", key_text(code_entry)),
            implicit: false,
        }),
        Ok(n) => {
            facts.note_at(
                value.span.start,
                format!(
                    "`{}` is {n}, outside {lo}-{hi}, so ingress-nginx sends {} instead",
                    key_text(code_entry),
                    redirect.default
                ),
            );
            facts
                .usages
                .push(written_code(value, text, key_text(code_entry)));
            Some(Choice {
                implicit: false,
                ..default
            })
        }
        Err(_) => {
            facts.note_at(
                value.span.start,
                format!(
                    "`{}` must be an integer; ingress-nginx rejects this Ingress",
                    key_text(code_entry)
                ),
            );
            facts
                .usages
                .push(written_code(value, text, key_text(code_entry)));
            None
        }
    }
}

/// A redirect nginx answers with `return CODE URL`: a Location and a short HTML body.
fn redirect_usage(choice: Choice, target: Target) -> Usage {
    let mut u = Usage::new(choice.span, Code::Exact(choice.code), choice.spelled);
    u.implicit = choice.implicit;
    u.headers = Headers::complete();
    u.headers.add("location", Some(target.text.clone()));
    u.body = Body::Present;
    u.target = Some(target);
    u
}

/// A code written in the config that the controller does not send as written, for the
/// rules on codes themselves (600, `abc`).
fn written_code(value: &Node, text: &str, key: &str) -> Usage {
    Usage::new(value.span.clone(), code_of(text), key.to_string())
}

fn target(value: &Node) -> Target {
    match &value.value {
        Value::Scalar(text) | Value::Templated(text) => Target::literal(text.trim()),
        _ => Target::default(),
    }
}

fn has_text(value: &Node) -> bool {
    match &value.value {
        Value::Scalar(text) | Value::Templated(text) => !text.trim().is_empty(),
        _ => false,
    }
}

fn key_text(entry: &Entry) -> &str {
    entry.key.as_str().unwrap_or("")
}

fn list(codes: &[i64]) -> String {
    let mut words: Vec<String> = codes.iter().map(i64::to_string).collect();
    let last = words.pop().unwrap_or_default();
    if words.is_empty() {
        last
    } else {
        format!("{} or {last}", words.join(", "))
    }
}

/// The hosts and paths the Ingress routes: the requests its redirect answers.
fn add_rules(doc: &Node, u: &mut Usage) {
    let (hosts, paths) = rules(doc);
    u.evidence.request_hosts.extend(hosts);
    u.evidence
        .texts
        .extend(paths.into_iter().map(|p| (TextSource::Route, p)));
}

/// The literal hosts and the paths of the Ingress's rules.
fn rules(doc: &Node) -> (Vec<String>, Vec<String>) {
    let (mut hosts, mut paths) = (Vec::new(), Vec::new());
    for rule in doc.path(&["spec", "rules"]).map_or(&[][..], Node::items) {
        if let Some(host) = rule.get("host").and_then(Node::as_str)
            && !host.contains('*')
        {
            hosts.push(host.to_string());
        }
        let found = rule.path(&["http", "paths"]).map_or(&[][..], Node::items);
        paths.extend(
            found
                .iter()
                .filter_map(|p| p.get("path")?.as_str())
                .map(str::to_string),
        );
    }
    (hosts, paths)
}
