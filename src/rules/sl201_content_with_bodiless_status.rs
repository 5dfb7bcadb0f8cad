//! SL201: content sent with a status that must not have any (1xx, 204, 205, 304).
//! Docs: rules/SL201.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::{BodyRule, STATUS};
use crate::usage::{Body, Usage};

pub struct ContentWithBodilessStatus;

impl Rule for ContentWithBodilessStatus {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code) = u.code.exact() else { return };
        let forbidden = STATUS
            .get(code)
            .is_some_and(|s| s.body == BodyRule::Forbidden);
        if !forbidden || u.body != Body::Present {
            return;
        }
        let help = match code {
            204 | 205 => "send 200 (OK) with the content, or drop the content",
            304 => "send 304 with no content; the client reuses its cached copy",
            _ => "an interim 1xx response carries headers only; drop the content",
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} is sent with content", named(code)),
            )
            .evidence(format!(
                "a {code} response has no content by definition, but a body is set here"
            ))
            .evidence("clients and proxies drop it or misread the next response on the connection")
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_on_204_with_a_body() {
        let mut u = response(204);
        assert!(run(&ContentWithBodilessStatus, &u).is_empty());
        u.body = Body::Present;
        assert_eq!(run(&ContentWithBodilessStatus, &u).len(), 1);
        u.body = Body::Unknown;
        assert!(run(&ContentWithBodilessStatus, &u).is_empty());
    }

    #[test]
    fn allows_content_on_200() {
        let mut u = response(200);
        u.body = Body::Present;
        assert!(run(&ContentWithBodilessStatus, &u).is_empty());
    }
}
