//! `aws_amplify_app` `custom_rule` blocks: redirects (301, 302) and rewrites (200, 404,
//! `404-200`) of an Amplify Hosting app, read by the shared Amplify rule reader.

use super::{Resource, comments, objects};
use crate::extract::amplify;
use crate::usage::FileFacts;

pub fn app(r: &Resource, src: &str, facts: &mut FileFacts) {
    for rule in objects(r.body(), "custom_rule") {
        let above = comments(src, rule.span.start)
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        amplify::rule(rule, r.texts(src), above, src, facts);
    }
}
