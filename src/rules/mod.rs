//! The rule engine: the registry of rules, their metadata, and what a rule reports.
//!
//! Each rule lives in its own file and knows HTTP, never syntax: it reads [`Usage`] facts.
//! Each rule's documentation lives in `rules/SLxxx.toml`, embedded at compile time.

use crate::classify::SourceKind;
use crate::knowledge::STATUS;
use crate::usage::{Operation, Span, Usage};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

mod evidence;
mod sl101_temporary_redirect_for_permanent_move;
mod sl102_permanent_redirect_for_temporary_condition;
mod sl103_method_changing_redirect_after_unsafe_method;
mod sl104_redirect_without_location;
mod sl201_content_with_bodiless_status;
mod sl202_unauthorized_without_challenge;
mod sl203_method_not_allowed_without_allow;
mod sl204_proxy_auth_without_challenge;
mod sl205_upgrade_required_without_upgrade;
mod sl206_partial_content_without_content_range;
mod sl207_created_without_location;
mod sl208_unavailable_without_retry_after;
mod sl209_range_not_satisfiable_without_content_range;
mod sl301_invalid_status_code;
mod sl302_unregistered_status_code;
mod sl303_reserved_or_deprecated_status;
mod sl304_success_status_with_error_payload;
mod sl401_server_error_for_client_fault;
mod sl402_forbidden_for_missing_credentials;
mod sl403_unauthorized_for_insufficient_permission;
mod sl404_status_undefined_for_method;
mod sl405_status_contradicts_message;
mod sl501_magic_status_number;
mod sl601_operation_without_success_response;
mod sl602_operation_without_client_error_response;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "hint" => Some(Severity::Hint),
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A rule's documentation and defaults (`rules/SLxxx.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub enabled_by_default: bool,
    pub heuristic: bool,
    pub summary: String,
    pub docs: RuleDocs,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDocs {
    pub what_it_does: String,
    pub why_it_matters: String,
    pub example: String,
    pub use_instead: String,
    pub references: Vec<String>,
}

/// What a rule may know besides the usage itself.
pub struct CheckContext<'a> {
    pub kind: SourceKind,
    pub options: &'a RuleOptions,
}

/// Per-rule options users can set.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Unregistered codes that SL302 accepts.
    pub allowed_codes: Vec<u32>,
    /// Words that also say a move is permanent (SL101), besides `data/evidence.toml`.
    pub extra_permanent_words: Vec<String>,
    /// Words that also say a condition is temporary (SL102), besides `data/evidence.toml`.
    pub extra_temporary_words: Vec<String>,
}

/// An edit that resolves a finding: replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    /// What the edit does, for `--diff` and the reports ("use `Redirect::permanent`").
    pub title: String,
    /// True when the edit keeps what the server sends. Edits that change a response
    /// (a temporary redirect made permanent) are applied only with `--unsafe-fixes`.
    pub safe: bool,
}

#[cfg(test)]
impl Fix {
    /// A safe edit without a title, for tests of the fix machinery.
    pub fn replacing(span: Span, with: &str) -> Fix {
        Fix {
            span,
            replacement: with.into(),
            title: String::new(),
            safe: true,
        }
    }
}

/// Text of a finding: most evidence and help is the same sentence on every finding of a
/// rule, kept once rather than copied into each (a large spec has tens of thousands).
pub type Text = std::borrow::Cow<'static, str>;

/// One problem a rule found.
#[derive(Clone, Debug)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    /// Why the rule fired, in words a reviewer can check.
    pub evidence: Vec<Text>,
    /// What to do instead.
    pub help: Option<Text>,
    /// The edit that resolves it, when one is known.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn at(span: Span, message: impl Into<String>) -> Finding {
        Finding {
            span,
            message: message.into(),
            evidence: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn evidence(mut self, text: impl Into<Text>) -> Finding {
        self.evidence.push(text.into());
        self
    }

    pub fn help(mut self, text: impl Into<Text>) -> Finding {
        self.help = Some(text.into());
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }
}

/// A rule checks one usage at a time; the few that judge a spec's operation as a whole
/// (which codes it documents) check operations.
pub trait Rule: Send + Sync {
    fn check(&self, usage: &Usage, ctx: &CheckContext, out: &mut Vec<Finding>);

    /// True when the rule judges what a response sends (its headers and content) rather
    /// than the code chosen for it: on a shared definition its finding is reported once.
    fn judges_content(&self) -> bool {
        false
    }

    fn check_operation(&self, _op: &Operation, _ctx: &CheckContext, _out: &mut Vec<Finding>) {}
}

/// A rule with its metadata.
pub struct RuleEntry {
    pub meta: RuleMeta,
    pub rule: &'static dyn Rule,
}

/// Diagnostics that the engine reports itself rather than a rule over usages (SL900, an
/// unused suppression). They are registered like rules, so that they can be selected,
/// ignored, given a severity and explained, but their `check` finds nothing.
pub struct EngineDiagnostic;

impl Rule for EngineDiagnostic {
    fn check(&self, _usage: &Usage, _ctx: &CheckContext, _out: &mut Vec<Finding>) {}
}

/// One line per rule: its id (which names the metadata file) and its implementation.
macro_rules! registry {
    ($($id:literal => $rule:expr),* $(,)?) => {
        fn build_registry() -> Vec<RuleEntry> {
            vec![$(RuleEntry {
                meta: parse_meta($id, include_str!(concat!("../../rules/", $id, ".toml"))),
                rule: &$rule,
            }),*]
        }
    };
}

registry! {
    "SL101" => sl101_temporary_redirect_for_permanent_move::TemporaryRedirectForPermanentMove,
    "SL102" => sl102_permanent_redirect_for_temporary_condition::PermanentRedirectForTemporaryCondition,
    "SL103" => sl103_method_changing_redirect_after_unsafe_method::MethodChangingRedirectAfterUnsafeMethod,
    "SL104" => sl104_redirect_without_location::RedirectWithoutLocation,
    "SL201" => sl201_content_with_bodiless_status::ContentWithBodilessStatus,
    "SL202" => sl202_unauthorized_without_challenge::UnauthorizedWithoutChallenge,
    "SL203" => sl203_method_not_allowed_without_allow::MethodNotAllowedWithoutAllow,
    "SL204" => sl204_proxy_auth_without_challenge::ProxyAuthWithoutChallenge,
    "SL205" => sl205_upgrade_required_without_upgrade::UpgradeRequiredWithoutUpgrade,
    "SL206" => sl206_partial_content_without_content_range::PartialContentWithoutContentRange,
    "SL207" => sl207_created_without_location::CreatedWithoutLocation,
    "SL208" => sl208_unavailable_without_retry_after::UnavailableWithoutRetryAfter,
    "SL209" => sl209_range_not_satisfiable_without_content_range::RangeNotSatisfiableWithoutContentRange,
    "SL301" => sl301_invalid_status_code::InvalidStatusCode,
    "SL302" => sl302_unregistered_status_code::UnregisteredStatusCode,
    "SL303" => sl303_reserved_or_deprecated_status::ReservedOrDeprecatedStatus,
    "SL304" => sl304_success_status_with_error_payload::SuccessStatusWithErrorPayload,
    "SL401" => sl401_server_error_for_client_fault::ServerErrorForClientFault,
    "SL402" => sl402_forbidden_for_missing_credentials::ForbiddenForMissingCredentials,
    "SL403" => sl403_unauthorized_for_insufficient_permission::UnauthorizedForInsufficientPermission,
    "SL404" => sl404_status_undefined_for_method::StatusUndefinedForMethod,
    "SL405" => sl405_status_contradicts_message::StatusContradictsMessage,
    "SL501" => sl501_magic_status_number::MagicStatusNumber,
    "SL601" => sl601_operation_without_success_response::OperationWithoutSuccessResponse,
    "SL602" => sl602_operation_without_client_error_response::OperationWithoutClientErrorResponse,
    "SL900" => EngineDiagnostic,
    "SL901" => EngineDiagnostic,
}

/// The id of the engine's diagnostic for a suppression comment that suppresses nothing.
pub const UNUSED_SUPPRESSION: &str = "SL900";
/// The id of the engine's diagnostic for a file that was read only in part.
pub const PARTLY_CHECKED: &str = "SL901";

fn parse_meta(id: &str, text: &str) -> RuleMeta {
    let meta: RuleMeta = toml::from_str(text)
        .unwrap_or_else(|e| panic!("rules/{id}.toml is checked by the test suite: {e}"));
    assert_eq!(meta.id, id, "rules/{id}.toml names another id");
    meta
}

static REGISTRY: LazyLock<Vec<RuleEntry>> = LazyLock::new(build_registry);

/// Every rule, in id order.
pub fn all() -> &'static [RuleEntry] {
    &REGISTRY
}

/// Finds a rule by id (`SL101`) or name (`temporary-redirect-for-permanent-move`).
pub fn find(key: &str) -> Option<&'static RuleEntry> {
    all()
        .iter()
        .find(|r| r.meta.id.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
}

/// `307 (Temporary Redirect)`: a code with its reason phrase, for messages.
pub fn named(code: u32) -> String {
    match STATUS.get(code) {
        // 306 and 418 are registered as "(Unused)".
        Some(info) if info.reason.starts_with('(') => format!("{code} {}", info.reason),
        Some(info) => format!("{code} ({})", info.reason),
        None => code.to_string(),
    }
}

/// "a" or "an", for the header names in messages.
pub fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// Shared check for the rules that say a code MUST carry a header (SL202-SL206).
pub fn missing_required_header(
    usage: &Usage,
    code: u32,
    header: &str,
    out: &mut Vec<Finding>,
) -> bool {
    if usage.code.exact() != Some(code) || !usage.headers.surely_lacks(header) {
        return false;
    }
    out.push(
        Finding::at(
            usage.span.clone(),
            format!(
                "{} is sent without {} {header} header",
                named(code),
                article(header)
            ),
        )
        .evidence(if usage.evidence.origin.is_empty() {
            format!("the whole response is visible here and has no {header} header")
        } else {
            // Built elsewhere (a helper, a caller): the origin, stated with the finding, says where.
            format!("the whole response is known and has no {header} header")
        }),
    );
    true
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rules' own unit tests.
    use super::*;
    use crate::usage::{Code, Headers};

    pub fn redirect(code: u32, target: &str) -> Usage {
        let mut u = Usage::new(0..1, Code::Exact(code), "test");
        u.headers = Headers::complete();
        u.headers.add("location", Some(target.into()));
        u.target = Some(crate::usage::Target::literal(target));
        u
    }

    pub fn response(code: u32) -> Usage {
        let mut u = Usage::new(0..1, Code::Exact(code), "test");
        u.headers = Headers::complete();
        u.body = crate::usage::Body::Absent;
        u
    }

    /// A fully known response carrying `message`.
    pub fn with_message(code: u32, message: &str) -> Usage {
        let mut u = response(code);
        u.evidence
            .texts
            .push((crate::usage::TextSource::Message, message.into()));
        u
    }

    pub fn run(rule: &dyn Rule, usage: &Usage) -> Vec<Finding> {
        let options = RuleOptions::default();
        let ctx = CheckContext {
            kind: SourceKind::Rust,
            options: &options,
        };
        let mut out = Vec::new();
        rule.check(usage, &ctx, &mut out);
        out
    }
}
