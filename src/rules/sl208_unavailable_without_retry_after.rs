//! SL208: a 503 or 429 that does not say when to come back. Off by default.
//! Docs: rules/SL208.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::usage::Usage;

pub struct UnavailableWithoutRetryAfter;

impl Rule for UnavailableWithoutRetryAfter {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ (429 | 503)) = u.code.exact() else {
            return;
        };
        if !u.headers.surely_lacks("retry-after") {
            return;
        }
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} is sent without Retry-After", named(code)),
            )
            .evidence("the whole response is visible here and has no Retry-After header")
            .evidence(
                "clients that retry at once make an overload worse; Retry-After tells them when",
            )
            .help("add Retry-After with a number of seconds or an HTTP date"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_retry_after() {
        let mut u = response(503);
        assert_eq!(run(&UnavailableWithoutRetryAfter, &u).len(), 1);
        u.headers.add("retry-after", Some("120".into()));
        assert!(run(&UnavailableWithoutRetryAfter, &u).is_empty());
        assert!(run(&UnavailableWithoutRetryAfter, &response(500)).is_empty());
    }
}
