//! One function per request and notification the server handles, as rust-analyzer's
//! `handlers/` and ruff's `server/api/requests/`: each decodes its parameters, asks the core
//! (`crate::ide`, `crate::fix`, the document's check) and converts the answer
//! ([`super::conversion`]). None decides anything the core could: what a hover says, which
//! fixes exist and what they edit are computed and tested there.
//!
//! A document that is not a device file gets nothing: its diagnostics are an empty list and
//! every request about it answers `null`.

use lsp_server::{ErrorCode, Message, Notification};
use lsp_types as lsp;
use lsp_types::notification::{self, Notification as _};
use lsp_types::request::{self, Request as _};
use serde_json::Value;

use super::conversion::{self, Positions, Settings};
use super::documents::{Analysis, Document, Documents, State};
use crate::diagnostic::Span;
use crate::fix::Fix;
use crate::ide;

/// The source action kind of "fix all safe problems", as ruff names its own.
const FIX_ALL: &str = "source.fixAll.asenet";

/// What the server offers, in the encoding it agreed to.
pub fn capabilities(settings: &Settings) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(settings.position_encoding()),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![
                lsp::CodeActionKind::QUICKFIX,
                lsp::CodeActionKind::REFACTOR_REWRITE,
                lsp::CodeActionKind::new(FIX_ALL),
            ]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// What a request is answered with: a result, or an error code and message.
pub type Answer = Result<Value, (ErrorCode, String)>;

/// Answers one request of the running session (the lifecycle requests are the main loop's).
pub fn request(documents: &Documents, settings: &Settings, method: &str, params: Value) -> Answer {
    let context = Context { documents, settings };
    match method {
        request::HoverRequest::METHOD => answer(params, |params| hover(&context, params)),
        request::CodeActionRequest::METHOD => answer(params, |params| code_actions(&context, params)),
        request::InlayHintRequest::METHOD => answer(params, |params| inlay_hints(&context, params)),
        request::GotoDefinition::METHOD => answer(params, |params| definition(&context, params)),
        request::DocumentSymbolRequest::METHOD => answer(params, |params| symbols(&context, params)),
        request::CodeLensRequest::METHOD => answer(params, |params| code_lenses(&context, params)),
        method => Err((ErrorCode::MethodNotFound, format!("asenet does not answer `{method}`"))),
    }
}

/// Decodes the parameters, calls `handler`, encodes its answer: parameters of the wrong
/// shape are an `InvalidParams` error.
fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    params: Value,
    handler: impl FnOnce(P) -> Option<R>,
) -> Answer {
    let params: P = serde_json::from_value(params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("invalid parameters: {error}")))?;
    serde_json::to_value(handler(params)).map_err(|error| (ErrorCode::InternalError, error.to_string()))
}

/// Applies an opening, change or closing. Only a closing answers at once (its document's
/// diagnostics cleared); the others leave their document stale, for the main loop to check.
/// Parameters of the wrong shape are ignored, as LSP asks of notifications.
pub fn notification(documents: &mut Documents, settings: &Settings, notification: Notification) -> Vec<Message> {
    match notification.method.as_str() {
        notification::DidOpenTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(notification.params) {
                let document = params.text_document;
                documents.open(document.uri.as_str(), document.text, document.version);
            }
        }
        notification::DidChangeTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(notification.params) {
                let document = params.text_document;
                documents.change(document.uri.as_str(), document.version, params.content_changes, settings.encoding);
            }
        }
        notification::DidCloseTextDocument::METHOD => {
            if let Ok(params) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(notification.params) {
                documents.close(params.text_document.uri.as_str());
                return vec![conversion::publish(params.text_document.uri, Vec::new(), None)];
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The `publishDiagnostics` of the document at `uri`: its check's diagnostics; none for a
/// file that is not a device file, or one closed; one error saying why for a document the
/// server could not check or no longer follows.
pub fn diagnostics(documents: &Documents, settings: &Settings, uri: lsp::Uri) -> Message {
    let Some(document) = documents.get(uri.as_str()) else { return conversion::publish(uri, Vec::new(), None) };
    let diagnostics = match document.state() {
        // No line index for a file without diagnostics: it would cost a pass over the text.
        State::Checked(analysis) if analysis.checked.diagnostics.is_empty() => Vec::new(),
        State::Checked(analysis) => {
            let positions = Positions::new(document.text(), settings);
            let diagnostics = &analysis.checked.diagnostics;
            diagnostics.iter().map(|d| conversion::diagnostic(settings, &positions, &uri, d)).collect()
        }
        State::Stale | State::NotADeviceFile => Vec::new(),
        State::Failed(reason) => vec![conversion::unchecked(format!(
            "asenet could not check this file: {reason} (a bug in asenet; the server's log has the details); \
             it is checked again at the next change"
        ))],
        State::Lost(reason) => vec![conversion::unchecked(reason.clone())],
    };
    conversion::publish(uri, diagnostics, Some(document.version()))
}

/// What a request handler reads.
struct Context<'a> {
    documents: &'a Documents,
    settings: &'a Settings,
}

impl Context<'_> {
    /// The document at `uri` when it is a checked device file.
    fn device(&self, uri: &lsp::Uri) -> Option<(&Document, &Analysis)> {
        let document = self.documents.get(uri.as_str())?;
        super::inject_fault(document.text(), "request");
        Some((document, document.analysis()?))
    }

    fn positions<'a>(&self, document: &'a Document) -> Positions<'a> {
        Positions::new(document.text(), self.settings)
    }
}

fn hover(context: &Context, params: lsp::HoverParams) -> Option<lsp::Hover> {
    let position = params.text_document_position_params;
    let (document, analysis) = context.device(&position.text_document.uri)?;
    let positions = context.positions(document);
    let offset = positions.offset(position.position)?;
    let (markdown, span) = ide::hover(document.text(), analysis.checked.network.as_ref(), offset)?;
    Some(conversion::hover(&positions, markdown, span))
}

/// The fixes of the diagnostics in the range, "allow with a reason", pinning the service
/// under the cursor, and "fix all safe problems"; `only` keeps the kinds asked for.
fn code_actions(context: &Context, params: lsp::CodeActionParams) -> Option<Vec<lsp::CodeActionOrCommand>> {
    let uri = params.text_document.uri;
    let (document, analysis) = context.device(&uri)?;
    let positions = context.positions(document);
    let start = positions.offset(params.range.start)?;
    let end = positions.offset(params.range.end)?.max(start);
    let only = params.context.only;
    let wants = |kind: &lsp::CodeActionKind| {
        only.as_ref().is_none_or(|only| only.iter().any(|wanted| kind.as_str().starts_with(wanted.as_str())))
    };
    let checked = &analysis.checked;
    let mut actions = Vec::new();
    let here = ide::actions(document.text(), checked.network.as_ref(), &checked.diagnostics, Span { start, end });
    for fix in here {
        let kind = conversion::action_kind(&fix);
        if !wants(&kind) {
            continue;
        }
        let diagnostics: Vec<lsp::Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.fix.as_ref() == Some(&fix))
            .map(|diagnostic| conversion::diagnostic(context.settings, &positions, &uri, diagnostic))
            .collect();
        actions.push(conversion::code_action(&positions, &uri, &fix, kind, diagnostics));
    }
    let fix_all = lsp::CodeActionKind::new(FIX_ALL);
    if wants(&fix_all) {
        let (fixed, applied) = analysis.fixed(document.text());
        if applied > 0 {
            let title = format!("Fix all safe problems ({applied} fix{})", if applied == 1 { "" } else { "es" });
            let everything = Fix::safe(title, vec![crate::fix::Edit::replace(0..document.text().len(), fixed)]);
            actions.push(conversion::code_action(&positions, &uri, &everything, fix_all, Vec::new()));
        }
    }
    Some(actions)
}

fn inlay_hints(context: &Context, params: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let (document, analysis) = context.device(&params.text_document.uri)?;
    let positions = context.positions(document);
    let network = analysis.checked.network.as_ref()?;
    let hints = ide::inlay_hints(network)
        .into_iter()
        .map(|hint| conversion::inlay_hint(&positions, hint))
        .filter(|hint| hint.position >= params.range.start && hint.position <= params.range.end)
        .collect();
    Some(hints)
}

fn definition(context: &Context, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
    let position = params.text_document_position_params;
    let uri = position.text_document.uri;
    let (document, analysis) = context.device(&uri)?;
    let positions = context.positions(document);
    let offset = positions.offset(position.position)?;
    let targets = ide::definition(analysis.checked.network.as_ref()?, offset);
    if targets.is_empty() {
        return None;
    }
    let locations =
        targets.into_iter().map(|span| lsp::Location { uri: uri.clone(), range: positions.range(span) }).collect();
    Some(lsp::GotoDefinitionResponse::Array(locations))
}

fn symbols(context: &Context, params: lsp::DocumentSymbolParams) -> Option<lsp::DocumentSymbolResponse> {
    let (document, analysis) = context.device(&params.text_document.uri)?;
    let positions = context.positions(document);
    let symbols = ide::symbols(analysis.checked.network.as_ref()?)
        .into_iter()
        .map(|symbol| conversion::symbol(&positions, symbol))
        .collect();
    Some(lsp::DocumentSymbolResponse::Nested(symbols))
}

/// Each service's addresses, above its table.
fn code_lenses(context: &Context, params: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let (document, analysis) = context.device(&params.text_document.uri)?;
    let positions = context.positions(document);
    let lenses = ide::code_lenses(analysis.checked.network.as_ref()?)
        .into_iter()
        .map(|lens| conversion::code_lens(&positions, lens))
        .collect();
    Some(lenses)
}
