//! Between the core's byte offsets and data and the protocol's positions and types, as
//! rust-analyzer's `lsp/to_proto.rs` and `from_proto.rs`. Every position goes through the
//! one line index ([`crate::diagnostic::LineIndex`]) in the negotiated encoding; nothing here
//! decides what to show, only how it is spelled in LSP.

use std::collections::HashMap;

use lsp_server::{Message, Notification};
use lsp_types as lsp;
use lsp_types::notification::{self, Notification as _};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, LineColumn, LineIndex, Severity, Span, Units, rules_page};
use crate::escape::editor;
use crate::fix::{Applicability, Fix};
use crate::ide::{CodeLens, InlayHint, Symbol, SymbolKind};

/// What the client and the server agreed on at `initialize`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// What a position's `character` counts: UTF-8 code units when the client offers them
    /// (`general.positionEncodings`), else UTF-16 (LSP's default, which every client speaks).
    pub encoding: Units,
    /// The rules page diagnostics link to (`#ase203` appended): `initializationOptions.rulesUrl`,
    /// else the published `docs/rules.md`.
    pub rules_page: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { encoding: Units::Utf16, rules_page: rules_page() }
    }
}

impl Settings {
    pub fn negotiate(params: &lsp::InitializeParams) -> Settings {
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&lsp::PositionEncodingKind::UTF8));
        let rules_page = params
            .initialization_options
            .as_ref()
            .and_then(|options| options.get("rulesUrl"))
            .and_then(Value::as_str)
            .map_or_else(rules_page, str::to_owned);
        Settings { encoding: if utf8 { Units::Utf8 } else { Units::Utf16 }, rules_page }
    }

    pub fn position_encoding(&self) -> lsp::PositionEncodingKind {
        match self.encoding {
            Units::Utf8 => lsp::PositionEncodingKind::UTF8,
            Units::Utf16 => lsp::PositionEncodingKind::UTF16,
            Units::Chars => lsp::PositionEncodingKind::UTF32,
        }
    }
}

/// The positions of one text in the negotiated encoding.
pub struct Positions<'a> {
    index: LineIndex<'a>,
    units: Units,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, settings: &Settings) -> Self {
        Positions { index: LineIndex::new(text), units: settings.encoding }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let LineColumn { line, column } = self.index.line_column(offset, self.units);
        lsp::Position { line: saturate(line), character: saturate(column) }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    /// The byte offset of `position`: a character past the line's end is the line's end, one
    /// inside a character is its end; a line past the text's end is `None`.
    pub fn offset(&self, position: lsp::Position) -> Option<usize> {
        self.index.offset(line_column(position), self.units)
    }
}

/// An LSP position as the line index takes it.
pub fn line_column(position: lsp::Position) -> LineColumn {
    LineColumn { line: position.line as usize, column: position.character as usize }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// One of asenet's diagnostics, with its code, the link to its rule's documentation, and its
/// labels as related information. The primary label and the help line are appended to the
/// message: LSP has no place of their own for them.
pub fn diagnostic(
    settings: &Settings,
    positions: &Positions,
    uri: &lsp::Uri,
    diagnostic: &Diagnostic,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location { uri: uri.clone(), range: positions.range(label.span) },
            message: editor::line(&label.message),
        })
        .collect();
    // Editors show it as plain text: each part on its line, the server's `help:` line the
    // only other one, nothing hidden (a key, a name or a syntax error quotes the file).
    let mut message = editor::line(&diagnostic.message);
    if let Some(label) = &diagnostic.primary_label {
        message += &format!(": {}", editor::line(label));
    }
    if let Some(help) = &diagnostic.help {
        message += &format!("\nhelp: {}", editor::line(help));
    }
    let href = format!("{}#{}", settings.rules_page, diagnostic.rule.anchor());
    lsp::Diagnostic {
        range: positions.range(diagnostic.span),
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

/// What the server says about a file it could not check (an internal error) or no longer
/// follows: one error at the file's start, never an empty list that would read as "no
/// problems".
pub fn unchecked(message: String) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some("asenet".to_owned()),
        message,
        ..Default::default()
    }
}

pub fn publish(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Message {
    let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version };
    Message::Notification(Notification::new(notification::PublishDiagnostics::METHOD.to_owned(), params))
}

/// A fix as a code action of `kind` that edits the document at `uri`; unsafe fixes say so in
/// their title.
pub fn code_action(
    positions: &Positions,
    uri: &lsp::Uri,
    fix: &Fix,
    kind: lsp::CodeActionKind,
    diagnostics: Vec<lsp::Diagnostic>,
) -> lsp::CodeActionOrCommand {
    let edits = fix
        .edits
        .iter()
        .map(|edit| lsp::TextEdit { range: positions.range(edit.span), new_text: edit.content.clone() })
        .collect();
    let title = match fix.applicability {
        Applicability::Unsafe => format!("{} (unsafe)", editor::line(&fix.title)),
        _ => editor::line(&fix.title),
    };
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(kind),
        is_preferred: Some(fix.applicability == Applicability::Safe && !diagnostics.is_empty()),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        edit: Some(lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }),
        ..Default::default()
    })
}

/// The kind of code action a fix is offered as: safe and manual fixes are quick fixes, unsafe
/// ones a rewrite the user picks deliberately.
pub fn action_kind(fix: &Fix) -> lsp::CodeActionKind {
    match fix.applicability {
        Applicability::Safe | Applicability::Manual => lsp::CodeActionKind::QUICKFIX,
        Applicability::Unsafe => lsp::CodeActionKind::REFACTOR_REWRITE,
    }
}

pub fn hover(positions: &Positions, markdown: String, span: Span) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown }),
        range: Some(positions.range(span)),
    }
}

pub fn inlay_hint(positions: &Positions, hint: InlayHint) -> lsp::InlayHint {
    lsp::InlayHint {
        position: positions.position(hint.offset),
        label: lsp::InlayHintLabel::String(editor::line(&hint.label)),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// A lens that only says something: its command has a title and nothing to run.
pub fn code_lens(positions: &Positions, lens: CodeLens) -> lsp::CodeLens {
    let command = lsp::Command { title: editor::line(&lens.title), command: String::new(), arguments: None };
    lsp::CodeLens { range: positions.range(lens.span), command: Some(command), data: None }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated`, which the type still requires.
/// Its name and detail shown as plain text; an empty name (`name = ""`) as `""`: VS Code
/// refuses a symbol without a name, and with it the whole outline.
pub fn symbol(positions: &Positions, symbol: Symbol) -> lsp::DocumentSymbol {
    let name = if symbol.name.is_empty() { "\"\"".to_owned() } else { editor::line(&symbol.name) };
    lsp::DocumentSymbol {
        name,
        detail: Some(editor::line(&symbol.detail)),
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
        range: positions.range(symbol.span),
        selection_range: positions.range(symbol.span),
        children: None,
    }
}
