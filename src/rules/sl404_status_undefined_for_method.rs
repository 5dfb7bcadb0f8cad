//! SL404: a code the request method cannot mean. Docs: rules/SL404.toml.

use super::{CheckContext, Finding, Rule, named};
use crate::classify::SourceKind;
use crate::usage::{Body, Method, Usage};

pub struct StatusUndefinedForMethod;

impl Rule for StatusUndefinedForMethod {
    fn check(&self, u: &Usage, ctx: &CheckContext, out: &mut Vec<Finding>) {
        // Silent where the method is unknown, or where one of the methods could mean it.
        let Some(methods) = u.methods.as_deref().filter(|m| !m.is_empty()) else {
            return;
        };
        let Some(code) = u.code.exact() else { return };
        let list = methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let all = |allowed: &[Method]| methods.iter().all(|m| allowed.contains(m));
        let none = |allowed: &[Method]| methods.iter().all(|m| !allowed.contains(m));
        let (why, help) = match code {
            201 if all(&[Method::Get, Method::Head, Method::Options]) => (
                "a safe method creates nothing, so it cannot answer 201 (RFC 9110 9.2.1, 15.3.2)",
                "answer 200 (OK) for a read; create resources with POST or PUT",
            ),
            304 if none(&[Method::Get, Method::Head]) => (
                "only a conditional GET or HEAD can be answered 304 (RFC 9110 15.4.5)",
                "answer the method's own success code; when a precondition of a state-changing request fails, use 412 (Precondition Failed)",
            ),
            206 | 416 if none(&[Method::Get]) => (
                "GET is the only method with range handling; a server ignores Range on any other (RFC 9110 14.2)",
                "answer the method's own code (200 with the full representation for HEAD)",
            ),
            _ => {
                head_with_content(u, ctx, methods, out);
                return;
            }
        };
        out.push(
            Finding::at(u.span.clone(), format!("{} answers {list}", named(code)))
                .evidence(format!("only {list} requests reach this response"))
                .evidence(why)
                .help(help),
        );
        head_with_content(u, ctx, methods, out);
    }
}

/// A spec that documents content for HEAD documents what is never sent (RFC 9110 9.3.2).
/// Servers and frameworks drop such content themselves, so only specs are judged.
fn head_with_content(u: &Usage, ctx: &CheckContext, methods: &[Method], out: &mut Vec<Finding>) {
    if ctx.kind != SourceKind::OpenApi || methods != [Method::Head] || u.body != Body::Present {
        return;
    }
    let code = u.code.exact().map_or_else(|| "this".to_string(), named);
    out.push(
        Finding::at(u.span.clone(), format!("the {code} response to HEAD is documented with content"))
            .evidence("the response declares content, and it answers only HEAD")
            .evidence("a response to HEAD never carries content: it is the header section a GET would get (RFC 9110 9.3.2)")
            .help("remove the content and keep the headers; document the content on the GET operation"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};
    use crate::rules::{CheckContext, RuleOptions};

    fn answering(code: u32, methods: &[Method]) -> Usage {
        let mut u = response(code);
        u.methods = Some(methods.to_vec());
        u
    }

    #[test]
    fn fires_on_codes_the_method_cannot_mean() {
        for (code, method) in [
            (201, Method::Get),
            (201, Method::Options),
            (304, Method::Post),
            (206, Method::Head),
            (416, Method::Put),
        ] {
            assert_eq!(
                run(&StatusUndefinedForMethod, &answering(code, &[method])).len(),
                1,
                "{code} {method:?}"
            );
        }
    }

    #[test]
    fn silent_where_the_method_can_mean_it_or_is_unknown() {
        for (code, methods) in [
            (201, &[Method::Post][..]),
            (201, &[Method::Get, Method::Post][..]),
            (304, &[Method::Head][..]),
            (206, &[Method::Get][..]),
            (416, &[Method::Get, Method::Head][..]),
            (200, &[Method::Head][..]),
        ] {
            assert!(run(&StatusUndefinedForMethod, &answering(code, methods)).is_empty());
        }
        assert!(run(&StatusUndefinedForMethod, &response(201)).is_empty());
    }

    #[test]
    fn content_on_head_only_in_specs() {
        let mut u = answering(200, &[Method::Head]);
        u.body = Body::Present;
        assert!(
            run(&StatusUndefinedForMethod, &u).is_empty(),
            "code: servers drop it"
        );
        let options = RuleOptions::default();
        let ctx = CheckContext {
            kind: SourceKind::OpenApi,
            options: &options,
        };
        let mut out = Vec::new();
        StatusUndefinedForMethod.check(&u, &ctx, &mut out);
        assert_eq!(out.len(), 1);
    }
}
