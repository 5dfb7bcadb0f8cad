//! SL103: a 301 or 302 answering POST, PUT, PATCH or DELETE. Docs: rules/SL103.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::usage::Usage;

pub struct MethodChangingRedirectAfterUnsafeMethod;

impl Rule for MethodChangingRedirectAfterUnsafeMethod {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let Some(code @ (301 | 302)) = u.code.exact() else {
            return;
        };
        let Some(methods) = &u.methods else { return };
        // A response built in full is judged on its code alone: a 302 that also lacks
        // Location gets SL104 as well, and fixing one must not reveal the other.
        let sent = u.is_redirect() || u.headers.complete;
        if !sent || methods.is_empty() || !methods.iter().all(|m| m.is_unsafe()) {
            return;
        }
        let list = methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let keep = if code == 301 { "308" } else { "307" };
        out.push(
            Finding::at(
                u.span.clone(),
                format!("{} answers {list}: clients may repeat the request as GET", named(code)),
            )
            .evidence(format!("only {list} requests reach this response"))
            .evidence(format!(
                "browsers turn a POST into GET on {code}; Go's net/http does so for every method but GET and HEAD"
            ))
            .help(format!(
                "use 303 (See Other) to send the client on with GET (post/redirect/get), or {keep} to repeat the same request"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{redirect, run};
    use crate::usage::Method;

    #[test]
    fn fires_after_post_only() {
        let mut u = redirect(302, "/done");
        u.methods = Some(vec![Method::Post]);
        assert_eq!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).len(), 1);
        u.methods = Some(vec![Method::Get, Method::Post]);
        assert!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).is_empty());
        u.methods = None;
        assert!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).is_empty());
    }

    #[test]
    fn fires_without_location_too() {
        let mut u = crate::rules::testing::response(301);
        u.methods = Some(vec![Method::Delete]);
        assert_eq!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).len(), 1);
        u.headers.complete = false;
        assert!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).is_empty());
    }

    #[test]
    fn silent_for_303() {
        let mut u = redirect(303, "/done");
        u.methods = Some(vec![Method::Post]);
        assert!(run(&MethodChangingRedirectAfterUnsafeMethod, &u).is_empty());
    }
}
