//! SL206: a 206 with neither Content-Range nor a multipart/byteranges body.
//! Docs: rules/SL206.toml.

use super::{CheckContext, Finding, Rule, missing_required_header};
use crate::usage::Usage;

pub struct PartialContentWithoutContentRange;

impl Rule for PartialContentWithoutContentRange {
    fn judges_content(&self) -> bool {
        true
    }

    fn check(&self, u: &Usage, _ctx: &CheckContext, out: &mut Vec<Finding>) {
        // A multipart/byteranges body carries one Content-Range per part instead. A
        // content type we cannot read may be that one.
        if u.headers.has("content-type") {
            let value = u
                .headers
                .value("content-type")
                .unwrap_or("multipart")
                .to_ascii_lowercase();
            if value.contains("multipart") || value.contains("byterange") {
                return;
            }
        }
        if missing_required_header(u, 206, "Content-Range", out) {
            let finding = out.last_mut().expect("just pushed");
            finding
                .evidence
                .push("a single-part 206 must say which bytes it carries in Content-Range".into());
            finding.help = Some(
                "add Content-Range (for example `bytes 0-1023/4096`), or send multipart/byteranges"
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
    fn fires_without_content_range() {
        let mut u = response(206);
        assert_eq!(run(&PartialContentWithoutContentRange, &u).len(), 1);
        u.headers.add("content-range", Some("bytes 0-9/10".into()));
        assert!(run(&PartialContentWithoutContentRange, &u).is_empty());
    }

    #[test]
    fn silent_for_multipart_byteranges_or_unknown_content_type() {
        let mut u = response(206);
        u.headers.add(
            "content-type",
            Some("multipart/byteranges; boundary=x".into()),
        );
        assert!(run(&PartialContentWithoutContentRange, &u).is_empty());
        let mut u = response(206);
        u.headers.add("content-type", None);
        assert!(run(&PartialContentWithoutContentRange, &u).is_empty());
        let mut u = response(206);
        u.headers
            .add("content-type", Some("MULTIPART_BYTERANGES".into()));
        assert!(run(&PartialContentWithoutContentRange, &u).is_empty());
        let mut u = response(206);
        u.headers.add("content-type", Some("video/mp4".into()));
        assert_eq!(run(&PartialContentWithoutContentRange, &u).len(), 1);
    }
}
