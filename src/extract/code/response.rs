//! Response: the response assembled around a site that names a code, as far as the syntax
//! shows it, and the [`Usage`] it becomes. Each language fills a [`Response`] from its own
//! syntax; the rules read only the usage.

use crate::usage::{Body, Code, CodeToken, Headers, Span, Usage};
use tree_sitter::Node;

pub struct Response<'t> {
    pub headers: Headers,
    pub body: Body,
    /// String messages sent with or next to the response.
    pub messages: Vec<String>,
    /// The expression of the Location value, when one is set.
    pub location: Option<Node<'t>>,
    /// Code that changed the code after the site chose it (`.permanent()`,
    /// `resp.status_code = 301`), with how it was written and its node.
    pub code_change: Option<(Code, String, Node<'t>)>,
}

impl<'t> Response<'t> {
    /// A response that, so far, is seen whole and has no content.
    pub fn seen_whole() -> Response<'t> {
        Response {
            headers: Headers::complete(),
            body: Body::Absent,
            messages: Vec::new(),
            location: None,
            code_change: None,
        }
    }

    /// A response built where we cannot see (a helper called without a code): nothing of
    /// its headers or body is known.
    pub fn unseen() -> Response<'t> {
        Response {
            headers: Headers::unknown(),
            body: Body::Unknown,
            messages: Vec::new(),
            location: None,
            code_change: None,
        }
    }

    /// Part of the response is built where we cannot see (a helper, middleware, a value
    /// stored for later): a missing header may be added there.
    pub fn seen_in_part(&mut self) {
        self.headers.complete = false;
        if self.body == Body::Absent {
            self.body = Body::Unknown;
        }
    }

    /// Sets the Location header from an expression.
    pub fn locate(&mut self, target: Option<Node<'t>>) {
        self.location = target;
        self.headers.add("location", None);
    }

    /// The usage this response makes, for the code the site chose. None when a later
    /// change picks a code we cannot know. Also gives back the Location expression, for the
    /// language to read the target from, and the messages, to add after the context.
    pub fn into_usage(self, chosen: Chosen) -> Option<Built<'t>> {
        let (code, spelled, span, token) = match self.code_change {
            Some((Code::Malformed(_), _, _)) => return None,
            // The code is changed later: the site's token no longer picks it.
            Some((code, how, node)) => (
                code,
                format!("{}{how}", chosen.spelled),
                node.byte_range(),
                None,
            ),
            None => (chosen.code, chosen.spelled, chosen.span, chosen.token),
        };
        let mut usage = Usage::new(span, code, spelled);
        usage.code_token = token;
        usage.headers = self.headers;
        usage.body = self.body;
        usage.named_alternative = chosen.alternative;
        usage.implicit = chosen.implicit;
        Some(Built {
            usage,
            location: self.location,
            messages: self.messages,
        })
    }
}

/// A usage made from a response, with what the language still has to read.
pub struct Built<'t> {
    pub usage: Usage,
    pub location: Option<Node<'t>>,
    pub messages: Vec<String>,
}

impl Built<'_> {
    /// Adds the messages as evidence.
    pub fn add_messages(&mut self) {
        for message in self.messages.drain(..) {
            self.usage
                .evidence
                .texts
                .push((crate::usage::TextSource::Message, message));
        }
    }
}

/// What the site itself chose.
pub struct Chosen {
    pub span: Span,
    pub code: Code,
    pub spelled: String,
    /// The code is the API's default, not written out.
    pub implicit: bool,
    /// The named constant for a code written as a bare number.
    pub alternative: Option<String>,
    /// The text to rewrite to choose another code, for fixes.
    pub token: Option<CodeToken>,
}

impl Chosen {
    /// A code written out at `span`, with no named alternative.
    pub fn exact(span: Span, code: u32, spelled: String) -> Chosen {
        Chosen {
            span,
            code: Code::Exact(code),
            spelled,
            implicit: false,
            alternative: None,
            token: None,
        }
    }

    /// A site that chooses no code itself (`forbidden(msg)`): the code comes from what the
    /// call names, once the project index finds it.
    pub fn unspecified(span: Span, spelled: String) -> Chosen {
        Chosen {
            code: Code::Malformed(String::new()),
            ..Chosen::exact(span, 0, spelled)
        }
    }

    /// Marks the code as the API's default rather than written out.
    pub fn implicit(mut self, implicit: bool) -> Chosen {
        self.implicit = implicit;
        self
    }

    /// The named constant, and the fix to it, of a code written as a bare number.
    pub fn named(mut self, alternative: Option<(Option<String>, Option<CodeToken>)>) -> Chosen {
        if let Some((name, token)) = alternative {
            self.alternative = name;
            self.token = token;
        }
        self
    }
}
