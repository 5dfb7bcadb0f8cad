//! SL602: an operation that documents no 4xx response. Docs: rules/SL602.toml.

use super::sl601_operation_without_success_response::{documented, in_class};
use super::{CheckContext, Finding, Rule};
use crate::usage::{Operation, Usage};

pub struct OperationWithoutClientErrorResponse;

impl Rule for OperationWithoutClientErrorResponse {
    fn check(&self, _u: &Usage, _ctx: &CheckContext, _out: &mut Vec<Finding>) {}

    fn check_operation(&self, op: &Operation, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if op.incomplete || op.codes.iter().any(|c| in_class(c, 4)) {
            return;
        }
        out.push(
            Finding::at(
                op.span.clone(),
                format!("`{} {}` documents no client error response", op.method.as_str(), op.route),
            )
            .evidence(documented(op))
            .help("document the 4xx responses a client can get (400 for a bad request, 401, 404, ...)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{CheckContext, RuleOptions};
    use crate::usage::{Code, Method};

    fn found(codes: Vec<Code>) -> usize {
        let op = Operation {
            span: 0..1,
            method: Method::Post,
            route: "/a".into(),
            codes,
            has_default: false,
            incomplete: false,
        };
        let options = RuleOptions::default();
        let ctx = CheckContext {
            kind: crate::classify::SourceKind::OpenApi,
            options: &options,
        };
        let mut out = Vec::new();
        OperationWithoutClientErrorResponse.check_operation(&op, &ctx, &mut out);
        out.len()
    }

    #[test]
    fn fires_without_4xx() {
        assert_eq!(found(vec![Code::Exact(200), Code::Exact(500)]), 1);
        assert_eq!(found(vec![Code::Exact(200), Code::Class(4)]), 0);
        assert_eq!(found(vec![Code::Exact(200), Code::Exact(404)]), 0);
    }
}
