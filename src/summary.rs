//! Summaries: what one file says about names that other files use, for the project index.
//!
//! Real applications rarely choose a status where the condition is: they return an error
//! whose type maps to a code, or call a helper that takes one. Each code extractor says, per
//! file and in these language-neutral terms, which error variants carry which message, which
//! usages are chosen per variant, which functions send a status given to them, and which
//! calls hand a status to such a function. [`crate::index`] joins them across files.

use crate::usage::{Body, Code, Headers, Span, Usage};
use serde::{Deserialize, Serialize};

/// A name in the project: module path segments, then the item's own name. `full` when the
/// file that wrote it resolved the whole path (`crate::api::todo::create`); otherwise the
/// segments are only the path's tail as written (`todo::create`, `create`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Key {
    pub segments: Vec<String>,
    pub full: bool,
}

impl Key {
    pub fn full(segments: Vec<String>) -> Key {
        Key {
            segments,
            full: true,
        }
    }

    pub fn partial(segments: Vec<String>) -> Key {
        Key {
            segments,
            full: false,
        }
    }

    /// The item's own name (the last segment).
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }

    /// True when this name, as written, may name the item defined as `defined` (a full key):
    /// the same path when both are full, else this one's segments end `defined`'s.
    pub fn may_name(&self, defined: &Key) -> bool {
        if self.full {
            return self.segments == defined.segments;
        }
        defined.segments.ends_with(&self.segments)
    }

    /// `api::todo::create`, for evidence.
    pub fn display(&self) -> String {
        self.segments.join("::")
    }
}

/// What one file says for the project index.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The module this file is (`api::todo` for `src/api/todo.rs`): its handlers' keys are
    /// this and their names.
    pub module: Vec<String>,
    /// Error variants with the message each is shown with (`#[error("...")]`, `Display`).
    pub variant_messages: Vec<VariantMessage>,
    /// Usages of this file chosen for one variant of an error type.
    pub per_variant: Vec<VariantUse>,
    /// Functions and macros of this file that send a status given to them.
    pub helpers: Vec<Helper>,
    /// Usages of this file that hand their status to a function defined elsewhere.
    pub calls: Vec<HelperCall>,
    /// Bare numbers handed to a function or macro (`err_code!("no such item", 404)`): a
    /// usage once the index knows the callee is a helper.
    pub numbers: Vec<NumberCall>,
    /// Statuses that functions of this file return as an error value, for their caller to
    /// turn into a response.
    pub error_values: Vec<ErrorValue>,
    /// Places in handlers of this file that send a called function's error value unchanged.
    pub propagations: Vec<Propagation>,
    /// Error handlers this file registers with its app (`@app.errorhandler(401)`).
    pub error_handlers: Vec<ErrorHandler>,
    /// Usages of this file that raise an error for the app's error handlers to answer.
    pub raised: Vec<Raised>,
    /// Functions of this file that always answer with one code (`def forbidden(msg): raise
    /// HTTPException(403, msg)`), for their callers' evidence to judge.
    pub fixed_helpers: Vec<FixedHelper>,
    /// Calls in handlers of this file, as statements, of a function defined elsewhere that
    /// may be a fixed helper: a usage once the index knows it is one.
    pub plain_calls: Vec<PlainCall>,
    /// 401s of this file raised for the framework's exception handler to add the challenge
    /// to (DRF's `NotAuthenticated`), by usage index: a project's own handler may not.
    pub unchallenged: Vec<usize>,
    /// The exception handler the project's settings name (DRF's `REST_FRAMEWORK =
    /// {"EXCEPTION_HANDLER": "app.errors.handle"}`).
    pub exception_handler_settings: Vec<HandlerSetting>,
    /// Functions of this file that may be such an exception handler.
    pub exception_handlers: Vec<ExceptionHandler>,
}

impl Summary {
    pub fn is_empty(&self) -> bool {
        self.variant_messages.is_empty()
            && self.per_variant.is_empty()
            && self.helpers.is_empty()
            && self.calls.is_empty()
            && self.numbers.is_empty()
            && self.error_values.is_empty()
            && self.propagations.is_empty()
            && self.error_handlers.is_empty()
            && self.raised.is_empty()
            && self.fixed_helpers.is_empty()
            && self.plain_calls.is_empty()
            && self.unchallenged.is_empty()
            && self.exception_handler_settings.is_empty()
            && self.exception_handlers.is_empty()
    }

    /// What this file defines for other files' uses (helpers, error messages, error values,
    /// error handlers), as text to tell whether an edit changed it.
    pub fn definitions(&self) -> String {
        format!(
            "{:?}",
            (
                &self.variant_messages,
                &self.helpers,
                &self.fixed_helpers,
                &self.error_values,
                &self.error_handlers,
                &self.exception_handler_settings,
                &self.exception_handlers,
            )
        )
    }

    /// True when this file uses what other files define, so their edits change its results.
    pub fn uses_definitions(&self) -> bool {
        !(self.per_variant.is_empty()
            && self.calls.is_empty()
            && self.numbers.is_empty()
            && self.propagations.is_empty()
            && self.raised.is_empty()
            && self.plain_calls.is_empty()
            && self.unchallenged.is_empty())
    }

    /// Keeps a status handed to a function, as an extractor found it.
    pub fn add_call(&mut self, found: CallFound) {
        match found {
            CallFound::Named(call) => self.calls.push(call),
            CallFound::Number(number) => self.numbers.push(number),
        }
    }
}

/// A status handed to a function: a usage of the file (`reject(StatusCode::UNAUTHORIZED,
/// ..)`), or a bare number that is one only if the callee is a helper.
pub enum CallFound {
    Named(HelperCall),
    Number(NumberCall),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VariantMessage {
    /// The error type, a full key.
    pub error_type: Key,
    pub variant: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VariantUse {
    /// The index of the usage in the file's facts.
    pub usage: usize,
    /// The error type as the mapping names it.
    pub error_type: Key,
    pub variant: String,
}

/// `fn reject(code: StatusCode, why: &str) -> Response`: argument `parameter` becomes the
/// status of a response with these headers and body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Helper {
    /// A full key.
    pub key: Key,
    pub parameter: usize,
    pub headers: Headers,
    pub body: Body,
    /// Where it is defined, 1-based.
    pub line: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HelperCall {
    /// The index of the usage (the status argument) in the file's facts.
    pub usage: usize,
    pub callee: Key,
    /// The position of the status among the call's arguments.
    pub argument: usize,
}

/// `err_code!("no such item", 404)`, `reject(401, "sign in")`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NumberCall {
    /// The number, in this file.
    pub span: Span,
    pub code: u32,
    /// The call as shown in findings (`err_code!(..)`).
    pub spelled: String,
    pub callee: Key,
    pub argument: usize,
    /// The string arguments of the call, and the function it is in.
    pub messages: Vec<String>,
    pub handler: Option<String>,
}

/// `fn session(..) -> Result<User, StatusCode> { .. ok_or(StatusCode::UNAUTHORIZED) }`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorValue {
    /// The function returning it, a full key.
    pub function: Key,
    pub code: Code,
    pub spelled: String,
    /// Where the status is named, 1-based.
    pub line: usize,
}

/// `let user = session(token)?;` in a handler whose error type is the status itself: the
/// callee's error value is sent as it is, with nothing added.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Propagation {
    /// The call, in this file.
    pub span: Span,
    pub callee: Key,
    /// The handler that sends it.
    pub handler: String,
}

/// `@app.errorhandler(401)`, `app.register_error_handler(HTTPException, h)`: a function that
/// builds the response for errors raised anywhere in the app, which may add what the raise
/// left out (a challenge, an Allow header).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorHandler {
    /// The code it answers; None for every HTTP error (`HTTPException`).
    pub code: Option<u32>,
    /// Where it is registered, 1-based.
    pub line: usize,
}

/// `abort(401)`, `raise HTTPException(405)`: the framework answers the error, through an
/// error handler of the app when one is registered for the code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Raised {
    /// The index of the usage in the file's facts.
    pub usage: usize,
    pub code: u32,
}

/// `def forbidden(msg): raise HTTPException(status_code=403, detail=msg)`: whoever calls it
/// answers with this code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FixedHelper {
    /// A full key.
    pub key: Key,
    pub code: u32,
    /// How the helper chooses it (`HTTPException(.., 403)`).
    pub spelled: String,
    /// It sends a Location (`http.Redirect(w, r, uri, http.StatusFound)`): a redirect.
    pub redirects: bool,
    /// Where it is defined, 1-based.
    pub line: usize,
}

/// `forbidden("log in first")` in a handler: the call's usage, with the handler's name,
/// condition, comments and the call's messages as evidence, and no code yet.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlainCall {
    pub callee: Key,
    pub usage: Usage,
}

/// `"EXCEPTION_HANDLER": "app.errors.handle"` in the settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HandlerSetting {
    /// The function as the setting names it (its dotted path, not resolved further).
    pub handler: Key,
    /// Where it is named, 1-based.
    pub line: usize,
}

/// `def handle(exc, context)`: builds the response for every error the views raise.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExceptionHandler {
    /// A full key.
    pub key: Key,
    /// It keeps the challenge: it starts from the framework's own handler, or sets
    /// WWW-Authenticate itself.
    pub keeps_challenge: bool,
    /// Where it is defined, 1-based.
    pub line: usize,
}
