//! SL104: a redirect status with no Location header. Docs: rules/SL104.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::knowledge::STATUS;
use crate::usage::Usage;

pub struct RedirectWithoutLocation;

impl Rule for RedirectWithoutLocation {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code) = u.code.exact() else { return };
        // 300 names a Location only when the server prefers a choice; 304 is no redirect.
        let redirects = STATUS.get(code).is_some_and(|s| s.redirect.is_some());
        if !redirects || u.is_redirect() || !u.headers.surely_lacks("location") {
            return;
        }
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} is sent without a Location header", named(code)),
            )
            .evidence("the whole response is visible here and has no Location header")
            .evidence("without Location a client has nowhere to go, so the redirect does nothing")
            .help("add a Location header naming the target (in code, the framework's redirect helper sets it)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{redirect, response, run};
    use crate::usage::Headers;

    #[test]
    fn fires_only_when_the_response_is_fully_known() {
        assert_eq!(run(&RedirectWithoutLocation, &response(302)).len(), 1);
        assert!(run(&RedirectWithoutLocation, &redirect(302, "/x")).is_empty());
        let mut u = response(302);
        u.headers = Headers::unknown();
        assert!(run(&RedirectWithoutLocation, &u).is_empty());
    }

    #[test]
    fn ignores_300_and_304() {
        assert!(run(&RedirectWithoutLocation, &response(304)).is_empty());
        assert!(run(&RedirectWithoutLocation, &response(300)).is_empty());
    }
}
