//! SL301: a status that is not a three-digit code from 100 to 599. Docs: rules/SL301.toml.

use super::{CheckContext, Finding, Rule};
use crate::usage::{Code, Usage};

pub struct InvalidStatusCode;

impl Rule for InvalidStatusCode {
    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        let (shown, why) = match &u.code {
            Code::Exact(n) if !(100..=599).contains(n) => (
                n.to_string(),
                "HTTP status codes are three digits from 100 to 599; a client treats anything else as a server error",
            ),
            Code::Class(c) if !(1..=5).contains(c) => {
                (format!("{c}XX"), "the only status classes are 1XX to 5XX")
            }
            Code::Malformed(text) => (
                text.clone(),
                "a status code is a three-digit number (ranges such as `2XX` are only valid as OpenAPI response keys, in upper case)",
            ),
            _ => return,
        };
        out.push(
            Finding::at(
                u.span.clone(),
                format!("`{shown}` is not a valid HTTP status code"),
            )
            .evidence(why)
            .help("use a registered code; run `statuslint explain <code>` to compare them"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    fn with(code: Code) -> Usage {
        Usage::new(0..1, code, "test")
    }

    #[test]
    fn fires_out_of_range() {
        for n in [0, 99, 600, 1000] {
            assert_eq!(
                run(&InvalidStatusCode, &with(Code::Exact(n))).len(),
                1,
                "{n}"
            );
        }
        for n in [100, 599, 404] {
            assert!(
                run(&InvalidStatusCode, &with(Code::Exact(n))).is_empty(),
                "{n}"
            );
        }
    }

    #[test]
    fn fires_on_malformed_text_and_bad_classes() {
        assert_eq!(
            run(&InvalidStatusCode, &with(Code::Malformed("2xx".into()))).len(),
            1
        );
        assert_eq!(run(&InvalidStatusCode, &with(Code::Class(6))).len(), 1);
        assert!(run(&InvalidStatusCode, &with(Code::Class(2))).is_empty());
    }
}
