//! `if` / `unless` conditions: which ACLs must hold, and what their fetches say about the
//! request (its scheme, host, path, method, or per-request details).

use super::TABLE;
use super::lexer::Word;
use crate::usage::{Method, Scheme, TextSource, Usage};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Fetch names by what they read (`[fetches]` in data/apis/haproxy.toml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetches {
    tls: Vec<String>,
    host: Vec<String>,
    forwarded_proto: Vec<String>,
    port: Vec<String>,
    path: Vec<String>,
    method: Vec<String>,
    per_request: Vec<String>,
}

/// One ACL test: a fetch and its values, or a predefined ACL.
struct Test {
    fetch: String,
    values: Vec<String>,
}

struct Term {
    /// True when the request must NOT match.
    negated: bool,
    name: Option<String>,
    tests: Vec<Test>,
}

pub struct Condition {
    text: String,
    terms: Vec<Term>,
    /// `||` or `or` joins terms: no single term is sure to hold.
    alternatives: bool,
}

impl Condition {
    /// `words` starts at `if` or `unless`.
    pub fn parse(words: &[Word], acls: &BTreeMap<&str, Vec<&[Word]>>) -> Condition {
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let unless = words.first().is_some_and(|w| w.text == "unless");
        let mut terms = Vec::new();
        let mut alternatives = false;
        let mut negate = false;
        let mut i = 1;
        while i < words.len() {
            let word = words[i].text.as_str();
            i += 1;
            match word {
                "||" | "or" => alternatives = true,
                "!" => negate = true,
                "{" => {
                    let end = words[i..]
                        .iter()
                        .position(|w| w.text == "}")
                        .map_or(words.len(), |e| i + e);
                    terms.push(Term {
                        negated: negate,
                        name: None,
                        tests: test(&words[i..end]).into_iter().collect(),
                    });
                    negate = false;
                    i = end + 1;
                }
                _ => {
                    let (negated, name) = match word.strip_prefix('!') {
                        Some(n) => (true, n),
                        None => (negate, word),
                    };
                    let tests = match TABLE.method_acls.get(name) {
                        Some(method) => vec![Test {
                            fetch: "method".into(),
                            values: vec![method.clone()],
                        }],
                        None => acls
                            .get(name)
                            .into_iter()
                            .flatten()
                            .filter_map(|d| test(d))
                            .collect(),
                    };
                    terms.push(Term {
                        negated,
                        name: Some(name.to_string()),
                        tests,
                    });
                    negate = false;
                }
            }
        }
        // `unless A` is `if !A`; `unless A B` is `if !A || !B`, which makes nothing sure.
        if unless {
            alternatives |= terms.len() > 1;
            for t in &mut terms {
                t.negated = !t.negated;
            }
        }
        Condition {
            text,
            terms,
            alternatives,
        }
    }

    /// Adds what the condition says to the usage's evidence.
    pub fn apply(&self, section: &str, u: &mut Usage) {
        let f = &TABLE.fetches;
        let plain = || {
            (
                Scheme::Http,
                format!("`{}` holds only for plain-http requests", self.text),
            )
        };
        for term in &self.terms {
            for t in &term.tests {
                let values = || t.values.iter().map(|v| v.to_ascii_lowercase());
                let is = |list: &[String]| fetch_in(&t.fetch, list);
                if term.negated {
                    let https_tested = is(&f.forwarded_proto) && values().any(|v| v == "https");
                    if is(&f.tls) || https_tested {
                        u.evidence.request_scheme = Some(plain());
                    }
                    continue;
                }
                if is(&f.host) {
                    u.evidence.request_hosts.extend(values());
                } else if self.alternatives {
                    continue;
                } else if is(&f.path) {
                    u.evidence
                        .texts
                        .extend(t.values.iter().map(|v| (TextSource::Route, v.clone())));
                } else if is(&f.method) {
                    u.methods = Some(t.values.iter().filter_map(|m| Method::parse(m)).collect());
                } else if is(&f.per_request) {
                    u.evidence.per_request =
                        Some(format!("the condition `{}` in {section}", self.text));
                } else if (is(&f.forwarded_proto) && values().any(|v| v == "http"))
                    || (is(&f.port) && values().any(|v| v == "80"))
                {
                    u.evidence.request_scheme = Some(plain());
                }
            }
            // An ACL's name says what the requests it matches are, as a handler's name does.
            if let Some(name) = term
                .name
                .as_ref()
                .filter(|_| !term.negated && !self.alternatives)
            {
                u.evidence.texts.push((TextSource::Handler, name.clone()));
            }
        }
        u.evidence.condition = Some(self.text.clone());
    }
}

/// `fetch [-i] [-m beg] value...` as a test.
fn test(words: &[Word]) -> Option<Test> {
    let (fetch, rest) = words.split_first()?;
    let mut values = Vec::new();
    let mut skip_next = false;
    for w in rest {
        if skip_next {
            skip_next = false;
        } else if w.text.starts_with('-') {
            skip_next = matches!(w.text.as_str(), "-m" | "-f" | "-M");
        } else {
            values.push(w.text.clone());
        }
    }
    Some(Test {
        fetch: fetch.text.clone(),
        values,
    })
}

/// True when the fetch, without converters (`,lower`) or a name argument (`(sid)`), is in
/// `list`: `req.cook(sid),lower` matches `req.cook`; `hdr(host)` must match in full.
fn fetch_in(fetch: &str, list: &[String]) -> bool {
    let fetch = fetch.split(',').next().unwrap_or("").to_ascii_lowercase();
    let bare = fetch.split('(').next().unwrap_or("");
    list.iter()
        .any(|f| *f == fetch || (!f.contains('(') && f == bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_names_ignore_converters_and_arguments() {
        let list = vec!["req.cook".to_string(), "hdr(host)".to_string()];
        assert!(fetch_in("req.cook(sid),lower", &list));
        assert!(fetch_in("hdr(host),lower", &list));
        assert!(!fetch_in("hdr(x-forwarded-host)", &list));
    }
}
