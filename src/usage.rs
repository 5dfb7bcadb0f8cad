//! The fact model: what extractors know about one place where a status is chosen.
//!
//! Extractors know syntax and frameworks and fill these facts in; rules know HTTP and read
//! them. A rule never looks at syntax and an extractor never decides what is wrong.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;

/// A byte range in the source file.
pub type Span = Range<usize>;

/// The status code a usage chooses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Code {
    /// One code, as written (may be out of range: `from_u16(1000)`).
    Exact(u32),
    /// A class written as `3XX` (OpenAPI response keys).
    Class(u8),
    /// Text that should name a code but does not (`"2xx"`, `"abc"`).
    Malformed(String),
}

impl Code {
    pub fn exact(&self) -> Option<u32> {
        match self {
            Code::Exact(n) => Some(*n),
            _ => None,
        }
    }

    /// True for an exact code in `lo..=hi`.
    pub fn is_in(&self, lo: u32, hi: u32) -> bool {
        self.exact().is_some_and(|n| (lo..=hi).contains(&n))
    }
}

/// The HTTP methods a route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Trace,
    Connect,
}

impl Method {
    pub fn parse(name: &str) -> Option<Method> {
        Some(match name.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "CONNECT" => Method::Connect,
            _ => return None,
        })
    }

    pub const ALL: [Method; 9] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
        Method::Trace,
        Method::Connect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
        }
    }

    /// Methods a redirect may turn into GET: the ones that change state on the server.
    pub fn is_unsafe(self) -> bool {
        matches!(
            self,
            Method::Post | Method::Put | Method::Patch | Method::Delete
        )
    }
}

/// The header fields set on the same response.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Headers {
    /// True when the extractor saw the whole response being built, so a missing header
    /// really is missing. False when part of it is built elsewhere (a helper, a variable
    /// changed later, middleware the extractor cannot see).
    pub complete: bool,
    /// Lowercase names with their value text when it is a literal.
    pub entries: Vec<(String, Option<String>)>,
}

impl Headers {
    pub fn complete() -> Headers {
        Headers {
            complete: true,
            entries: Vec::new(),
        }
    }

    pub fn unknown() -> Headers {
        Headers::default()
    }

    pub fn add(&mut self, name: &str, value: Option<String>) {
        // Most responses set one header: room for one, not the four a first push makes.
        if self.entries.is_empty() {
            self.entries.reserve_exact(1);
        }
        self.entries.push((name.to_ascii_lowercase(), value));
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_deref())
    }

    /// True when we know for sure that `name` is not sent.
    pub fn surely_lacks(&self, name: &str) -> bool {
        self.complete && !self.has(name)
    }
}

/// Whether the response carries content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Body {
    Absent,
    Present,
    #[default]
    Unknown,
}

/// Where a piece of text that may carry evidence came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextSource {
    /// The enclosing handler's or function's name.
    Handler,
    /// The route path the handler answers, or the path a config rule matches.
    Route,
    /// A comment on or inside the handler, or above the directive.
    Comment,
    /// A string message sent with the response.
    Message,
    /// The description a spec gives the response.
    Description,
    /// The condition the site runs under (`if not request.user.is_authenticated`,
    /// `except ValidationError`), as words the heuristic rules can read.
    Condition,
    /// The error variant a mapping chooses the code for (`NoSession`, `NotMember`).
    Variant,
}

impl TextSource {
    pub fn describe(self) -> &'static str {
        match self {
            TextSource::Handler => "the handler's name",
            TextSource::Route => "the route",
            TextSource::Comment => "a comment",
            TextSource::Message => "the message",
            TextSource::Description => "the description",
            TextSource::Condition => "the condition",
            TextSource::Variant => "the error variant",
        }
    }
}

/// A redirect target as written, with what the extractor learnt of how it was built.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Target {
    /// The target text; placeholders of the source format are kept as written
    /// (`https://{}{}`, `https://$host$request_uri`).
    pub text: String,
    /// The target reuses the request's host (a `host` argument, `$host`, `{host}`).
    pub keeps_host: bool,
    /// The target reuses the request's path (`uri.path()`, `$request_uri`, `{uri}`).
    pub keeps_path: bool,
}

impl Target {
    pub fn literal(text: impl Into<String>) -> Target {
        Target {
            text: text.into(),
            ..Target::default()
        }
    }

    /// `http` or `https` when the target is an absolute URL with a literal scheme.
    pub fn scheme(&self) -> Option<&str> {
        let (scheme, _) = self.text.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        ["http", "https"]
            .into_iter()
            .find(|s| *s == scheme)
            .map(|s| if s == "http" { "http" } else { "https" })
    }

    /// The literal host of an absolute target, if it has one.
    pub fn host(&self) -> Option<&str> {
        let (_, rest) = self.text.split_once("://")?;
        // A placeholder (`{}`, `$request_uri`, `%{REQUEST_URI}`) starts the path too.
        let end = rest
            .find(['/', '?', '#', '{', '$', '%'])
            .unwrap_or(rest.len());
        let host = &rest[..end];
        // `www.{env.DOMAIN}`: the placeholder is part of the host, which is not known.
        let cut_in_a_name = host.ends_with(['.', '-']);
        let literal = !host.is_empty()
            && !cut_in_a_name
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        literal.then_some(host)
    }

    /// The path part: the whole text for a relative target.
    pub fn path(&self) -> &str {
        match self.text.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
            None => &self.text,
        }
    }
}

/// The scheme a request is known to arrive on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scheme {
    Http,
    Https,
}

/// Nearby evidence the heuristic rules weigh. Extractors fill in what their format shows.
///
/// What is known of the request ([`RequestEvidence`]) is read and written as if it were
/// fields of this struct (`evidence.request_hosts`): it is boxed, since most usages (an
/// OpenAPI response, a handler's error) have none, and a usage's size counts for each.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Evidence {
    /// Names, routes, comments and messages, with where each came from.
    pub texts: Vec<(TextSource, String)>,
    /// The condition the usage sits under, as written.
    pub condition: Option<String>,
    /// Where the usage is defined when its span does not show it (an OpenAPI response
    /// from a `$ref`'d component): stated with every finding on it.
    pub origin: Vec<String>,
    /// Set up on the first write to one of its fields.
    request: Option<Box<RequestEvidence>>,
}

/// What a redirect's configuration or code shows of the request it answers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RequestEvidence {
    /// The request being answered is known to arrive on this scheme (a port-80 server
    /// block, `%{HTTPS} off`, a scheme test).
    pub request_scheme: Option<(Scheme, String)>,
    /// Literal host names the request is known to carry (server_name, a host test).
    pub request_hosts: Vec<String>,
    /// How the target normalises the request path or host, in words
    /// ("adds a trailing slash", "strips the `www.` prefix").
    pub normalisation: Option<String>,
    /// The configuration itself calls this redirect permanent (true) or temporary (false),
    /// with where it says so.
    pub declared_permanent: Option<(bool, String)>,
    /// The redirect is chosen per request, from what (a cookie, a header, the locale).
    pub per_request: Option<String>,
}

/// What is read of a usage whose request nothing is known of.
static NOTHING_KNOWN_OF_THE_REQUEST: RequestEvidence = RequestEvidence {
    request_scheme: None,
    request_hosts: Vec::new(),
    normalisation: None,
    declared_permanent: None,
    per_request: None,
};

impl std::ops::Deref for Evidence {
    type Target = RequestEvidence;

    fn deref(&self) -> &RequestEvidence {
        self.request
            .as_deref()
            .unwrap_or(&NOTHING_KNOWN_OF_THE_REQUEST)
    }
}

impl std::ops::DerefMut for Evidence {
    fn deref_mut(&mut self) -> &mut RequestEvidence {
        self.request.get_or_insert_default()
    }
}

/// One place where a status is chosen.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Usage {
    /// Where the status is named (or, for an implicit code, the directive that implies it).
    pub span: Span,
    pub code: Code,
    /// How the code was written: `StatusCode::TEMPORARY_REDIRECT`, `Redirect::temporary`,
    /// `return 302`.
    pub spelled: String,
    /// The code is the default of the API or format rather than written out.
    pub implicit: bool,
    /// The Location target, when the response is a redirect and the target is known.
    pub target: Option<Target>,
    /// The methods that reach this response, when known.
    pub methods: Option<Vec<Method>>,
    /// The enclosing function, used to join handlers with routes defined elsewhere.
    pub handler: Option<String>,
    pub headers: Headers,
    pub body: Body,
    pub evidence: Evidence,
    /// The named constant the framework offers, when the code is written as a bare number.
    pub named_alternative: Option<String>,
    /// The text that picks the code, when another code can be chosen by rewriting just
    /// that text; fixes are built from it.
    pub code_token: Option<CodeToken>,
    /// The path this response answers, with every method known to answer that path
    /// (one for all the responses of a path: a large spec has tens of thousands).
    pub resource: Option<Arc<Resource>>,
    /// The response is a definition shared by several uses (an OpenAPI component); boxed,
    /// since most usages have none and a usage's size counts for every one of them.
    pub shared: Option<Box<Shared>>,
}

/// A route path and all the methods it answers (not only the one of this response).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub path: String,
    pub methods: Vec<Method>,
}

impl Resource {
    /// True when the path plainly names one resource rather than a collection: it ends
    /// in a parameter (`/users/{id}`), or in a singular-looking word below one
    /// (`/users/{id}/avatar`; not `/users/{id}/posts`, not a top-level `/media`).
    pub fn names_one_resource(&self) -> bool {
        let segments: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let is_parameter =
            |s: &&str| s.starts_with('{') || s.starts_with(':') || s.starts_with('<');
        let Some((last, before)) = segments.split_last() else {
            return false;
        };
        if is_parameter(last) {
            return true;
        }
        let last = last.to_ascii_lowercase();
        before.iter().any(is_parameter)
            && (!last.ends_with('s') || last.ends_with("ss") || last.ends_with("us"))
    }
}

/// Where a shared definition is and where this use of it is. Findings on uses of one
/// definition are reported once, at the definition when it is in the checked file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    /// Names the definition: uses with the same key are uses of one thing.
    pub key: String,
    /// The definition's span in the checked file, when it is there.
    pub definition: Option<Span>,
    /// This use, for the evidence: "`GET /users` at line 12".
    pub use_site: String,
    /// What the definition is, for the evidence: "the response is `#/components/...`".
    pub what: String,
}

/// The text that picks a usage's code (`temporary` in `Redirect::temporary(..)`, `302` in
/// `return 302 ..`, `StatusCode::from_u16(404).unwrap()`), with how each code the API offers
/// in its place is written. A spelling for the usage's own code is a clearer way to write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeToken {
    pub span: Span,
    pub spellings: Vec<(u32, String)>,
}

impl CodeToken {
    /// How `code` is written in place of the token, when the API offers it.
    pub fn spelling(&self, code: u32) -> Option<&str> {
        self.spellings
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| s.as_str())
    }
}

impl Usage {
    pub fn new(span: Span, code: Code, spelled: impl Into<String>) -> Usage {
        Usage {
            span,
            code,
            spelled: spelled.into(),
            implicit: false,
            target: None,
            methods: None,
            handler: None,
            headers: Headers::unknown(),
            body: Body::Unknown,
            evidence: Evidence::default(),
            named_alternative: None,
            code_token: None,
            resource: None,
            shared: None,
        }
    }

    /// Gives back the spare capacity of its text and lists: a large spec has a usage per
    /// response, and `format!` and a first push leave room for more than they hold.
    pub fn shrink_to_fit(&mut self) {
        self.spelled.shrink_to_fit();
        let evidence = &mut self.evidence;
        evidence.texts.shrink_to_fit();
        for (_, text) in &mut evidence.texts {
            text.shrink_to_fit();
        }
        evidence.origin.shrink_to_fit();
        evidence.origin.iter_mut().for_each(String::shrink_to_fit);
        self.headers.entries.shrink_to_fit();
    }

    /// True when the response redirects: a Location is set or a redirect API built it.
    pub fn is_redirect(&self) -> bool {
        self.target.is_some() || self.headers.has("location")
    }
}

/// Facts about a handler's route, found where the router is built (possibly in another file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteBinding {
    /// The handler's own name.
    pub handler: String,
    /// The handler as the router names it, resolved as far as the file can.
    pub key: crate::summary::Key,
    pub methods: Vec<Method>,
    pub path: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_at_offsets_get_their_line_and_a_file_gives_few() {
        let src = "a\nb\nc\n".repeat(100);
        let mut facts = FileFacts::default();
        facts.note_at(2, "on b".into());
        facts.place_notes(&src);
        assert_eq!(facts.notes, ["line 2: on b"]);
        let mut facts = FileFacts::default();
        for at in (0..src.len()).step_by(2) {
            facts.note_at(at, "bad".into());
        }
        facts.place_notes(&src);
        assert_eq!(facts.notes.len(), MAX_NOTES_PER_FILE + 1);
        assert_eq!(facts.notes[MAX_NOTES_PER_FILE - 1], "line 20: bad");
        assert_eq!(
            facts.notes[MAX_NOTES_PER_FILE],
            "280 more notes like these not shown (at most 20 per file)"
        );
    }

    #[test]
    fn target_parts() {
        let t = Target::literal("https://www.example.com{}");
        assert_eq!(t.scheme(), Some("https"));
        assert_eq!(t.host(), Some("www.example.com"));
        let t = Target::literal("https://$host$request_uri");
        assert_eq!(t.host(), None);
        let t = Target::literal("https://example.com$request_uri");
        assert_eq!(t.host(), Some("example.com"));
        for cut in [
            "https://www.{env.DOMAIN}/",
            "https://api-${REGION}.example.com/",
        ] {
            assert_eq!(Target::literal(cut).host(), None, "{cut}");
        }
        let t = Target::literal("/login?next=/");
        assert_eq!(
            (t.scheme(), t.host(), t.path()),
            (None, None, "/login?next=/")
        );
        assert_eq!(Target::literal("HTTP://a.b/c").path(), "/c");
    }
}

/// A documented operation as a whole, for the rules that look at all its responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Operation {
    /// Where the operation is named (its method key), or where this file uses it.
    pub span: Span,
    pub method: Method,
    pub route: String,
    /// The codes of every documented response (`default` is not a code).
    pub codes: Vec<Code>,
    /// A `default` response is documented.
    pub has_default: bool,
    /// The responses could not all be read (a broken `$ref`, a syntax error), or there is
    /// no `responses` at all, which structure validators report.
    pub incomplete: bool,
}

/// A fact handed on as soon as it is made, by a kind that streams (see
/// `extract::extract_each`): a large file's usages and operations are never all held.
// Each is handed on at once and never stored: boxing the usage would cost an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Made {
    Usage(Usage),
    Operation(Operation),
}

/// Everything one file yields.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FileFacts {
    pub usages: Vec<Usage>,
    pub routes: Vec<RouteBinding>,
    pub operations: Vec<Operation>,
    /// What this file says for the project index (boxed: most files say nothing).
    pub summary: Box<crate::summary::Summary>,
    /// Problems the user should know of (a file that could not be parsed in full).
    pub notes: Vec<String>,
    /// Notes about the byte at an offset, given their line once extraction ends (one
    /// pass over the file for all of them; see [`FileFacts::place_notes`]).
    pub notes_at: Vec<(usize, String)>,
    /// The file was read only in part: the byte where the unread part starts, and what was
    /// not read, as a sentence for the evidence.
    pub partly_read: Option<(usize, String)>,
}

/// The most notes one file gives; a file of thousands of broken entries says so in one
/// more line instead of flooding the output.
pub const MAX_NOTES_PER_FILE: usize = 20;

impl FileFacts {
    /// A note about the byte at `at`, shown as `line N: message`.
    pub fn note_at(&mut self, at: usize, message: String) {
        self.notes_at.push((at, message));
    }

    /// Turns the notes at offsets into `line N: ` notes, then keeps at most
    /// [`MAX_NOTES_PER_FILE`], with a last one saying how many more there were.
    pub fn place_notes(&mut self, src: &str) {
        if !self.notes_at.is_empty() {
            let lines = crate::diagnostic::Lines::new(src);
            for (at, message) in self.notes_at.drain(..) {
                let line = lines.locate(at).line;
                self.notes.push(format!("line {line}: {message}"));
            }
        }
        if self.notes.len() > MAX_NOTES_PER_FILE {
            let more = self.notes.len() - MAX_NOTES_PER_FILE;
            self.notes.truncate(MAX_NOTES_PER_FILE);
            self.notes.push(format!(
                "{more} more notes like these not shown (at most {MAX_NOTES_PER_FILE} per file)"
            ));
        }
    }

    /// Records that the file was read only in part from 1-based `line` on, with a note.
    pub fn read_in_part(&mut self, src: &str, line: usize, why: &str) {
        self.notes.push(format!("line {line}: {why}"));
        self.partly_read = Some((line_start(src, line), why.to_string()));
    }
}

/// The byte where 1-based `line` starts (the end of the text past its last line).
pub fn line_start(src: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    src.match_indices('\n')
        .nth(line - 2)
        .map_or(src.len(), |(i, _)| i + 1)
}
