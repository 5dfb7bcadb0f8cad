//! Code actions: each finding's fix as a quick fix (one that changes what the server sends
//! says so and is never preferred), "suppress SLxxx on this line" in the file's own comment
//! syntax, and "fix all safe fixes in this file".

use super::position::LineIndex;
use crate::classify::SourceKind;
use crate::diagnostic::Diagnostic;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use std::path::Path;

/// The kind of the "fix all" action, which clients may also run on save.
pub const FIX_ALL: &str = "source.fixAll.statuslint";

/// What one document offers; `findings` pairs each diagnostic with its LSP form.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub text: &'a str,
    pub kind: Option<SourceKind>,
    pub path: &'a Path,
    pub findings: &'a [(Diagnostic, lsp_types::Diagnostic)],
    /// The byte range the client asks about.
    pub range: std::ops::Range<usize>,
    /// The kinds the client wants, when it says.
    pub only: Option<Vec<CodeActionKind>>,
}

pub fn code_actions(request: &Request) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(request.text);
    let wanted = |kind: &CodeActionKind| {
        request.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let mut actions = Vec::new();
    let here: Vec<&(Diagnostic, lsp_types::Diagnostic)> = request
        .findings
        .iter()
        .filter(|(d, _)| d.span.start <= request.range.end && request.range.start <= d.span.end)
        .collect();
    if wanted(&CodeActionKind::QUICKFIX) {
        for (d, lsp) in &here {
            if let Some(fix) = &d.fix {
                let title = if fix.safe {
                    fix.title.clone()
                } else {
                    format!("{} (changes what the server sends)", fix.title)
                };
                let edit = TextEdit::new(index.range(&fix.span), fix.replacement.clone());
                actions.push(action(
                    title,
                    CodeActionKind::QUICKFIX,
                    request.uri,
                    vec![edit],
                    lsp,
                    fix.safe,
                ));
            }
        }
        for (d, lsp) in &here {
            if let Some(edit) = suppression(request, &index, d) {
                let title = format!("Suppress {} on this line", d.rule);
                actions.push(action(
                    title,
                    CodeActionKind::QUICKFIX,
                    request.uri,
                    vec![edit],
                    lsp,
                    false,
                ));
            }
        }
    }
    let fix_all = CodeActionKind::from(FIX_ALL);
    if wanted(&fix_all) {
        let diagnostics: Vec<Diagnostic> =
            request.findings.iter().map(|(d, _)| d.clone()).collect();
        let plans = crate::fix::plan(&diagnostics, false);
        if let Some(plan) = plans.first().filter(|p| !p.edits.is_empty()) {
            let edits = plan
                .edits
                .iter()
                .map(|e| TextEdit::new(index.range(&e.span), e.replacement.clone()))
                .collect();
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe statuslint fixes in this file".into(),
                kind: Some(fix_all),
                edit: Some(workspace_edit(request.uri, edits)),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: &lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(workspace_edit(uri, edits)),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))
}

/// A `statuslint-disable-next-line` comment above the finding's line, indented like it.
fn suppression(request: &Request, index: &LineIndex, d: &Diagnostic) -> Option<TextEdit> {
    let opener = comment_opener(request.kind?, request.path)?;
    let line = d.start.line - 1;
    let start = index.line_start(line);
    let indent: String = request.text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let at = Position::new(line as u32, 0);
    Some(TextEdit::new(
        Range::new(at, at),
        format!("{indent}{opener} statuslint-disable-next-line {}\n", d.rule),
    ))
}

/// How a line comment starts in a file of this kind; None for JSON, which has none.
pub fn comment_opener(kind: SourceKind, path: &Path) -> Option<&'static str> {
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    match kind {
        SourceKind::Rust | SourceKind::Go | SourceKind::JavaScript | SourceKind::NextConfig => {
            Some("//")
        }
        // XML has only block comments.
        SourceKind::VercelJson
        | SourceKind::FirebaseJson
        | SourceKind::StaticWebApp
        | SourceKind::WebConfig => None,
        SourceKind::OpenApi
        | SourceKind::Kubernetes
        | SourceKind::Traefik
        | SourceKind::CloudFormation
        | SourceKind::Envoy
            if json =>
        {
            None
        }
        SourceKind::Python
        | SourceKind::Nginx
        | SourceKind::Apache
        | SourceKind::Caddy
        | SourceKind::Haproxy
        | SourceKind::Redirects
        | SourceKind::NetlifyToml
        | SourceKind::Kubernetes
        | SourceKind::Traefik
        | SourceKind::OpenApi
        | SourceKind::Terraform
        | SourceKind::CloudFormation
        | SourceKind::Envoy => Some("#"),
    }
}
