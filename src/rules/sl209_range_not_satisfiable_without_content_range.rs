//! SL209: a 416 that does not say how long the representation is. Docs: rules/SL209.toml.

use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct RangeNotSatisfiableWithoutContentRange;

impl Rule for RangeNotSatisfiableWithoutContentRange {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        if missing_required_header(u, 416, "Content-Range", out) {
            let finding = out.last_mut().expect("just pushed");
            finding.evidence.push(
                "RFC 9110 says a 416 to a byte-range request SHOULD carry `Content-Range: bytes */LENGTH`, so the client can ask again for a range that exists".into(),
            );
            finding.help = Some(
                "add `Content-Range: bytes */<length>` with the current length of the representation"
                    .into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{response, run};

    #[test]
    fn fires_without_content_range_and_not_with_it() {
        let mut u = response(416);
        assert_eq!(run(&RangeNotSatisfiableWithoutContentRange, &u).len(), 1);
        u.headers.add("Content-Range", Some("bytes */1234".into()));
        assert!(run(&RangeNotSatisfiableWithoutContentRange, &u).is_empty());
        assert!(run(&RangeNotSatisfiableWithoutContentRange, &response(206)).is_empty());
    }
}
