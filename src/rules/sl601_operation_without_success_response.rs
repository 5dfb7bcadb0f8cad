//! SL601: an operation that documents no 2xx or 3xx response. Docs: rules/SL601.toml.

use super::{CheckContext, Finding, Rule};
use crate::usage::{Code, Operation, Usage};

pub struct OperationWithoutSuccessResponse;

impl Rule for OperationWithoutSuccessResponse {
    fn check(&self, _u: &Usage, _ctx: &CheckContext, _out: &mut Vec<Finding>) {}

    fn check_operation(&self, op: &Operation, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        // `default` may stand for the success response (as Redocly's
        // operation-2xx-response accepts); a spec with one is not judged.
        if op.incomplete
            || op.has_default
            || op.codes.iter().any(|c| in_class(c, 2) || in_class(c, 3))
        {
            return;
        }
        out.push(
            Finding::at(
                op.span.clone(),
                format!(
                    "`{} {}` documents no success response",
                    op.method.as_str(),
                    op.route
                ),
            )
            .evidence(documented(op))
            .help("document the 2xx (or 3xx) response a client gets when the request works"),
        );
    }
}

/// True for an exact code or a range (`2XX`) of class `class`.
pub fn in_class(code: &Code, class: u8) -> bool {
    let lo = u32::from(class) * 100;
    match code {
        Code::Exact(n) => (lo..lo + 100).contains(n),
        Code::Class(c) => *c == class,
        Code::Malformed(_) => false,
    }
}

/// "it documents only 400, 404 and default" or "it documents no response".
pub fn documented(op: &Operation) -> String {
    let codes: Vec<String> = op
        .codes
        .iter()
        .map(|c| match c {
            Code::Exact(n) => n.to_string(),
            Code::Class(n) => format!("{n}XX"),
            Code::Malformed(t) => format!("`{t}`"),
        })
        .collect();
    if codes.is_empty() {
        "it documents no response with a status code".into()
    } else {
        format!("the codes it documents are {}", codes.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CheckContext, RuleOptions};
    use crate::usage::Method;

    fn op(codes: Vec<Code>) -> Operation {
        Operation {
            span: 0..1,
            method: Method::Get,
            route: "/a".into(),
            codes,
            has_default: false,
            incomplete: false,
        }
    }

    fn found(op: &Operation) -> usize {
        let options = RuleOptions::default();
        let ctx = CheckContext {
            kind: crate::classify::SourceKind::OpenApi,
            options: &options,
        };
        let mut out = Vec::new();
        OperationWithoutSuccessResponse.check_operation(op, &ctx, &mut out);
        out.len()
    }

    #[test]
    fn fires_without_2xx_or_3xx() {
        assert_eq!(found(&op(vec![Code::Exact(400), Code::Class(5)])), 1);
        assert_eq!(found(&op(vec![])), 1);
        let mut with_default = op(vec![Code::Exact(400)]);
        with_default.has_default = true;
        assert_eq!(found(&with_default), 0);
        assert_eq!(found(&op(vec![Code::Exact(400), Code::Class(2)])), 0);
        assert_eq!(found(&op(vec![Code::Exact(302)])), 0);
        let mut cut = op(vec![Code::Exact(400)]);
        cut.incomplete = true;
        assert_eq!(found(&cut), 0);
    }
}
