//! `asenet server`: a language server (LSP 3.17) over standard input and output.
//!
//! Another edge over the same core, like `check`: each open document is checked with
//! [`crate::check`] on open and on change, and every request is answered from that check by
//! [`crate::ide`] and [`crate::fix`]. This file only converts positions (UTF-8 when the client
//! offers it, else UTF-16) and messages. It is synchronous (`lsp-server`, as rust-analyzer
//! and ruff use): one message at a time, in order.
//!
//! What a keystroke costs is kept to the check itself (docs/editors.md has the figures):
//! changes are incremental (the client sends the edited range, applied to the kept text in
//! place, not the whole text as JSON), and a change only marks its document stale. The
//! document is checked, and its diagnostics published, once no message is waiting, or before
//! a request is answered: a burst of queued changes is checked once, at its newest version.
//!
//! A document that is not a device file ([`crate::ide::is_device_file`]) gets nothing: its
//! diagnostics are an empty list and every request about it answers `null`. Key completion
//! is left to taplo's server, which reads asenet's JSON Schema: the two run side by side
//! without offering the same thing twice.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::{self, Notification as _};
use lsp_types::request::{self, Request as _};
use serde_json::Value;

use super::CANNOT_RUN;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::fix::{self, Applicability, Fix};
use crate::ide::{self, SymbolKind};

pub fn run() -> ExitCode {
    // The client's end of an in-memory connection, fed from stdin and drained to stdout by
    // two threads; the reader owns the only sender, so the server sees the end of the input.
    let (connection, Connection { sender, receiver }) = Connection::memory();
    let reader = std::thread::spawn(move || read_messages(std::io::stdin().lock(), |m| sender.send(m).is_ok()));
    let writer = std::thread::spawn(move || write_messages(std::io::stdout().lock(), &receiver));
    let served = serve(&connection);
    drop(connection);
    let written = writer.join().unwrap_or_else(|_| Err("the writer failed".to_owned()));
    // The reader may still wait on a client that keeps its end open: not joined.
    let read = if reader.is_finished() { reader.join().unwrap_or(Ok(())) } else { Ok(()) };
    match read.and(served).and(written) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            say!("error: asenet server: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

/// The largest message the server reads: a device file at `check`'s own bound (128 MiB),
/// escaped in JSON, fits. lsp-server's own reader would allocate whatever `Content-Length`
/// says.
const MESSAGE_MAX: usize = 512 << 20;

/// Reads framed messages (`Content-Length: N`, a blank line, N bytes of JSON) until the end
/// of the input, and hands each to the server.
/// `deliver` returns false when the server has stopped listening.
fn read_messages(mut input: impl std::io::BufRead, deliver: impl Fn(Message) -> bool) -> Result<(), String> {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if input.read_line(&mut line).map_err(|error| format!("cannot read a message: {error}"))? == 0 {
                return if length.is_none() { Ok(()) } else { Err("the input ended inside a header".to_owned()) };
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(format!("not a message header: `{}`", line.escape_debug()));
            };
            if name.eq_ignore_ascii_case("content-length") {
                let value: usize =
                    value.trim().parse().map_err(|_| format!("bad Content-Length `{}`", value.trim()))?;
                if value > MESSAGE_MAX {
                    return Err(format!("a message of {value} bytes is larger than the {MESSAGE_MAX} bytes allowed"));
                }
                length = Some(value);
            }
        }
        let length = length.ok_or("a message without Content-Length")?;
        let mut body = vec![0; length];
        input.read_exact(&mut body).map_err(|error| format!("the input ended inside a message: {error}"))?;
        let message: Message =
            serde_json::from_slice(&body).map_err(|error| format!("not a JSON-RPC message: {error}"))?;
        if !deliver(message) {
            return Ok(());
        }
    }
}

fn write_messages(mut output: impl std::io::Write, messages: impl IntoIterator<Item = Message>) -> Result<(), String> {
    for message in messages {
        message.write(&mut output).map_err(|error| format!("cannot write a message: {error}"))?;
    }
    Ok(())
}

/// Answers `connection` until the client asks to shut down, or goes away.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) =
        connection.initialize_start().map_err(|_| "the client closed the connection before `initialize`".to_owned())?;
    let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(&params);
    let result = lsp::InitializeResult {
        capabilities: server.capabilities(),
        server_info: Some(lsp::ServerInfo { name: "asenet".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    };
    let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
    connection.initialize_finish(id, result).map_err(|error| error.to_string())?;
    // After `shutdown`, every request is refused until `exit` (LSP 3.17); a client that asks
    // to shut down twice (Neovim 0.7 when it quits right after stopping a client) gets the
    // same answer, not a crash.
    let mut shutting_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == request::Shutdown::METHOD => {
                shutting_down = true;
                send(connection, Message::Response(Response::new_ok(request.id, Value::Null)))?;
            }
            Message::Request(request) if shutting_down => {
                let refused = Response::new_err(request.id, ErrorCode::InvalidRequest as i32, "shutting down".into());
                send(connection, Message::Response(refused))?;
            }
            Message::Request(request) => {
                // A request is answered from the newest text, checked.
                for message in server.check_stale() {
                    send(connection, message)?;
                }
                let response = server.request(request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if notification.method == notification::Exit::METHOD {
                    return Ok(());
                }
                for message in server.notification(notification) {
                    send(connection, message)?;
                }
            }
            Message::Response(_) => {}
        }
        // Changes still queued are applied before anything is checked: only their newest
        // version is.
        if connection.receiver.is_empty() {
            for message in server.check_stale() {
                send(connection, message)?;
            }
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|_| "the client went away".to_owned())
}

/// One open document and its last check.
struct Document {
    text: String,
    version: i32,
    /// `None` when it is not a device file.
    checked: Option<crate::Checked>,
    /// The text changed since `checked`: it is checked (and its diagnostics published) once
    /// no message is waiting.
    stale: bool,
}

struct Server {
    documents: BTreeMap<String, Document>,
    utf8: bool,
    rules_url: String,
}

impl Server {
    fn new(params: &lsp::InitializeParams) -> Self {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&lsp::PositionEncodingKind::UTF8));
        let rules_url = params
            .initialization_options
            .as_ref()
            .and_then(|options| options.get("rulesUrl"))
            .and_then(Value::as_str)
            .map_or_else(|| concat!("file://", env!("CARGO_MANIFEST_DIR"), "/docs/rules.md").to_owned(), str::to_owned);
        Server { documents: BTreeMap::new(), utf8, rules_url }
    }

    fn capabilities(&self) -> lsp::ServerCapabilities {
        lsp::ServerCapabilities {
            position_encoding: Some(if self.utf8 {
                lsp::PositionEncodingKind::UTF8
            } else {
                lsp::PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            })),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
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

    /// Applies an opening, change or closing; only a closing answers at once (the others
    /// leave their document stale, for [`Server::check_stale`]).
    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        match notification.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(notification.params) {
                    let document = params.text_document;
                    self.open(document.uri.as_str(), document.text, document.version);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(notification.params) {
                    self.change(params);
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(notification.params) {
                    self.documents.remove(params.text_document.uri.as_str());
                    return vec![publish(params.text_document.uri, Vec::new(), None)];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn open(&mut self, uri: &str, text: String, version: i32) {
        // The previous check is dropped now, not kept beside the next one.
        let document = Document { text, version, checked: None, stale: true };
        self.documents.insert(uri.to_owned(), document);
    }

    /// Applies the changes in order: a change with a range replaces that range of the kept
    /// text in place; one without is the whole text. A change for a document that was never
    /// opened (out of order) opens it when it carries the whole text; a version not newer
    /// than the kept one arrives late and is dropped.
    fn change(&mut self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.as_str();
        let version = params.text_document.version;
        let changes = params.content_changes;
        if !self.documents.contains_key(uri) {
            // Out of order: the changes before the last whole text are moot.
            let Some(whole) = changes.iter().rposition(|change| change.range.is_none()) else { return };
            self.open(uri, String::new(), version - 1);
            self.apply(uri, version, changes.into_iter().skip(whole));
            return;
        }
        self.apply(uri, version, changes.into_iter());
    }

    fn apply(&mut self, uri: &str, version: i32, changes: impl Iterator<Item = lsp::TextDocumentContentChangeEvent>) {
        let Some(document) = self.documents.get_mut(uri) else { return };
        if document.version >= version {
            return;
        }
        for change in changes {
            apply_change(&mut document.text, change, self.utf8);
        }
        document.version = version;
        document.stale = true;
    }

    /// Checks every stale document and returns its `publishDiagnostics`.
    fn check_stale(&mut self) -> Vec<Message> {
        let stale: Vec<String> =
            self.documents.iter().filter(|(_, document)| document.stale).map(|(uri, _)| uri.clone()).collect();
        let mut messages = Vec::with_capacity(stale.len());
        for uri in stale {
            let Some(document) = self.documents.get_mut(&uri) else { continue };
            // The previous check is dropped before the next is made: one network alive, not two.
            document.checked = None;
            document.checked = ide::is_device_file(&document.text).then(|| crate::check(&document.text));
            document.stale = false;
            if let Ok(uri) = uri.parse() {
                messages.push(self.diagnostics(uri));
            }
        }
        messages
    }

    /// The `publishDiagnostics` of the document at `uri`.
    fn diagnostics(&self, uri: lsp::Uri) -> Message {
        let Some(document) = self.documents.get(uri.as_str()) else { return publish(uri, Vec::new(), None) };
        let lines = Lines::new(&document.text, self.utf8);
        let diagnostics = match &document.checked {
            Some(checked) => checked.diagnostics.iter().map(|d| self.diagnostic(&uri, &lines, d)).collect(),
            None => Vec::new(),
        };
        publish(uri, diagnostics, Some(document.version))
    }

    fn diagnostic(&self, uri: &lsp::Uri, lines: &Lines, diagnostic: &Diagnostic) -> lsp::Diagnostic {
        let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
            .labels
            .iter()
            .map(|label| lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri: uri.clone(), range: lines.range(label.span) },
                message: label.message.clone(),
            })
            .collect();
        let mut message = diagnostic.message.clone();
        if let Some(label) = &diagnostic.primary_label {
            message += &format!(": {label}");
        }
        if let Some(help) = &diagnostic.help {
            message += &format!("\nhelp: {help}");
        }
        let href = format!("{}#{}", self.rules_url, diagnostic.code().to_ascii_lowercase());
        lsp::Diagnostic {
            range: lines.range(diagnostic.span),
            severity: Some(match diagnostic.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(diagnostic.code().to_owned())),
            code_description: href.parse().ok().map(|href| lsp::CodeDescription { href }),
            source: Some("asenet".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            request::HoverRequest::METHOD => self.answer(request, Self::hover),
            request::CodeActionRequest::METHOD => self.answer(request, Self::code_actions),
            request::InlayHintRequest::METHOD => self.answer(request, Self::inlay_hints),
            request::GotoDefinition::METHOD => self.answer(request, Self::definition),
            request::DocumentSymbolRequest::METHOD => self.answer(request, Self::symbols),
            method => Err((ErrorCode::MethodNotFound, format!("asenet does not answer `{method}`"))),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// Decodes the parameters, calls `handler`, encodes its answer: malformed parameters are
    /// an `InvalidParams` error, never a crash.
    fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &self,
        request: Request,
        handler: fn(&Self, P) -> Option<R>,
    ) -> Result<Value, (ErrorCode, String)> {
        let params: P = serde_json::from_value(request.params)
            .map_err(|error| (ErrorCode::InvalidParams, format!("invalid parameters: {error}")))?;
        Ok(serde_json::to_value(handler(self, params)).unwrap_or(Value::Null))
    }

    /// The document at `uri` when it is a device file, with its check.
    fn device(&self, uri: &lsp::Uri) -> Option<(&Document, &crate::Checked)> {
        let document = self.documents.get(uri.as_str())?;
        Some((document, document.checked.as_ref()?))
    }

    fn hover(&self, params: lsp::HoverParams) -> Option<lsp::Hover> {
        let position = params.text_document_position_params;
        let (document, checked) = self.device(&position.text_document.uri)?;
        let lines = Lines::new(&document.text, self.utf8);
        let offset = lines.offset(position.position)?;
        let (markdown, span) = ide::hover(&document.text, checked.network.as_ref(), offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(lines.range(span)),
        })
    }

    fn code_actions(&self, params: lsp::CodeActionParams) -> Option<Vec<lsp::CodeActionOrCommand>> {
        let uri = params.text_document.uri;
        let (document, checked) = self.device(&uri)?;
        let lines = Lines::new(&document.text, self.utf8);
        let start = lines.offset(params.range.start)?;
        let end = lines.offset(params.range.end)?.max(start);
        let only = params.context.only;
        let wants = |kind: &lsp::CodeActionKind| {
            only.as_ref().is_none_or(|only| only.iter().any(|wanted| kind.as_str().starts_with(wanted.as_str())))
        };
        let mut actions = Vec::new();
        let here = ide::actions(&document.text, checked.network.as_ref(), &checked.diagnostics, Span { start, end });
        for fix in here {
            let kind = match fix.applicability {
                Applicability::Safe | Applicability::Manual => lsp::CodeActionKind::QUICKFIX,
                Applicability::Unsafe => lsp::CodeActionKind::REFACTOR_REWRITE,
            };
            if !wants(&kind) {
                continue;
            }
            let diagnostics: Vec<lsp::Diagnostic> = checked
                .diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.fix.as_ref() == Some(&fix))
                .map(|diagnostic| self.diagnostic(&uri, &lines, diagnostic))
                .collect();
            actions.push(self.action(&uri, &lines, &fix, kind, diagnostics));
        }
        let fix_all = lsp::CodeActionKind::new(FIX_ALL);
        if wants(&fix_all) {
            let fixed = crate::fix_all(&document.text, false);
            if fixed.applied > 0 {
                let everything = Fix::safe(
                    format!(
                        "Fix all safe problems ({} fix{})",
                        fixed.applied,
                        if fixed.applied == 1 { "" } else { "es" }
                    ),
                    vec![fix::Edit::replace(0..document.text.len(), fixed.source)],
                );
                actions.push(self.action(&uri, &lines, &everything, fix_all, Vec::new()));
            }
        }
        Some(actions)
    }

    fn action(
        &self,
        uri: &lsp::Uri,
        lines: &Lines,
        fix: &Fix,
        kind: lsp::CodeActionKind,
        diagnostics: Vec<lsp::Diagnostic>,
    ) -> lsp::CodeActionOrCommand {
        let edits = fix
            .edits
            .iter()
            .map(|edit| lsp::TextEdit { range: lines.range(edit.span), new_text: edit.content.clone() })
            .collect();
        let title = match fix.applicability {
            Applicability::Unsafe => format!("{} (unsafe)", fix.title),
            _ => fix.title.clone(),
        };
        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title,
            kind: Some(kind),
            is_preferred: Some(fix.applicability == Applicability::Safe && !diagnostics.is_empty()),
            diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    fn inlay_hints(&self, params: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
        let (document, checked) = self.device(&params.text_document.uri)?;
        let lines = Lines::new(&document.text, self.utf8);
        let network = checked.network.as_ref()?;
        let hints = ide::inlay_hints(network)
            .into_iter()
            .map(|hint| lsp::InlayHint {
                position: lines.position(hint.offset),
                label: lsp::InlayHintLabel::String(hint.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .filter(|hint| hint.position >= params.range.start && hint.position <= params.range.end)
            .collect();
        Some(hints)
    }

    fn definition(&self, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri;
        let (document, checked) = self.device(&uri)?;
        let lines = Lines::new(&document.text, self.utf8);
        let offset = lines.offset(position.position)?;
        let targets = ide::definition(checked.network.as_ref()?, offset);
        if targets.is_empty() {
            return None;
        }
        let locations =
            targets.into_iter().map(|span| lsp::Location { uri: uri.clone(), range: lines.range(span) }).collect();
        Some(lsp::GotoDefinitionResponse::Array(locations))
    }

    #[allow(deprecated)] // `DocumentSymbol::deprecated`, which the type still requires.
    fn symbols(&self, params: lsp::DocumentSymbolParams) -> Option<lsp::DocumentSymbolResponse> {
        let (document, checked) = self.device(&params.text_document.uri)?;
        let lines = Lines::new(&document.text, self.utf8);
        let symbols = ide::symbols(checked.network.as_ref()?)
            .into_iter()
            .map(|symbol| lsp::DocumentSymbol {
                name: symbol.name,
                detail: Some(symbol.detail),
                kind: match symbol.kind {
                    SymbolKind::Device => lsp::SymbolKind::MODULE,
                    SymbolKind::Port => lsp::SymbolKind::INTERFACE,
                    SymbolKind::Switch => lsp::SymbolKind::STRUCT,
                    SymbolKind::Kubernetes => lsp::SymbolKind::NAMESPACE,
                    SymbolKind::Service => lsp::SymbolKind::OBJECT,
                    SymbolKind::Route => lsp::SymbolKind::FIELD,
                },
                tags: None,
                deprecated: None,
                range: lines.range(symbol.span),
                selection_range: lines.range(symbol.span),
                children: None,
            })
            .collect();
        Some(lsp::DocumentSymbolResponse::Nested(symbols))
    }
}

/// The source action kind of "fix all safe problems", as ruff names its own.
const FIX_ALL: &str = "source.fixAll.asenet";

fn publish(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Message {
    let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version };
    Message::Notification(Notification::new(notification::PublishDiagnostics::METHOD.to_owned(), params))
}

/// Applies one `didChange` content change to `text`: the range's text replaced, in place, or
/// the whole text. Positions past a line's end are its end, past the text's end the text's
/// end; a reversed range is empty at its start.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent, utf8: bool) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let start = offset_of(text, range.start, utf8);
    let end = offset_of(text, range.end, utf8).max(start);
    text.replace_range(start..end, &change.text);
}

/// The byte offset of `position` in `text`, reading only the lines up to it (a keystroke
/// near the top of a big file does not index the whole text).
fn offset_of(text: &str, position: lsp::Position, utf8: bool) -> usize {
    let mut start = 0;
    for _ in 0..position.line {
        match text[start..].find('\n') {
            Some(at) => start += at + 1,
            None => return text.len(),
        }
    }
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let wanted = position.character as usize;
    let mut units = 0;
    for (at, c) in line.char_indices() {
        if units >= wanted {
            return start + at;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    start + line.len()
}

/// Byte offsets to LSP positions and back, in the negotiated encoding.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    utf8: bool,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, utf8: bool) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Lines { text, starts, utf8 }
    }

    fn position(&self, offset: usize) -> lsp::Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = if self.utf8 { before.len() } else { before.encode_utf16().count() };
        lsp::Position { line: line as u32, character: character as u32 }
    }

    fn range(&self, span: Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    /// The byte offset of `position`; a character past the line's end is its end, a line past
    /// the text's end is `None`.
    fn offset(&self, position: lsp::Position) -> Option<usize> {
        let start = *self.starts.get(position.line as usize)?;
        let end = self.starts.get(position.line as usize + 1).map_or(self.text.len(), |next| next - 1);
        let line = &self.text[start..end];
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= wanted {
                return Some(start + at);
            }
            units += if self.utf8 { c.len_utf8() } else { c.len_utf16() };
        }
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_or_bytes() {
        let text = "a = \"é😀x\"\nb";
        let utf16 = Lines::new(text, false);
        let offset = text.find('x').unwrap();
        assert_eq!(utf16.position(offset), lsp::Position { line: 0, character: 8 });
        assert_eq!(utf16.offset(lsp::Position { line: 0, character: 8 }), Some(offset));
        let utf8 = Lines::new(text, true);
        assert_eq!(utf8.position(offset), lsp::Position { line: 0, character: offset as u32 });
        assert_eq!(utf8.offset(lsp::Position { line: 1, character: 9 }), Some(text.len()));
        assert_eq!(utf8.offset(lsp::Position { line: 2, character: 0 }), None);
    }
}
