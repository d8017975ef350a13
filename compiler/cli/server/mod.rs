//! `asenet server`: a language server (LSP 3.17) over standard input and output.
//!
//! Another edge over the same core, like `check`: each open document is checked (to
//! [`crate::check`]'s answer, through [`crate::incremental::Session`]), and every request
//! is answered from that check by [`crate::ide`] and [`crate::fix`]. It is synchronous
//! (`lsp-server`, as rust-analyzer and ruff use): one message at a time, in order. Split by
//! concern, as rust-analyzer and ruff split theirs:
//! - this file, the main loop: the session's lifecycle (`initialize`, `shutdown`, `exit`),
//!   when documents are checked, and the guard around every handler;
//! - [`transport`]: framing on the wire, every size bounded;
//! - [`documents`]: the open documents, their changes and their checks;
//! - [`handlers`]: one function per request and notification, asking the core;
//! - [`conversion`]: positions (the one line index) and LSP's types.
//!
//! **No panic ends a session.** Every request, notification and check runs guarded: a panic
//! (a bug) answers the request with `InternalError`, drops the notification, or publishes a
//! diagnostic saying the file could not be checked; it is logged on standard error once per
//! place in the code, and the session goes on. Requests read the documents only, so a panic
//! in one leaves them as they were; a document whose change panicked half-way is forgotten
//! (its diagnostic says so) until the editor sends its whole text again.
//!
//! What a keystroke costs is kept small (docs/editors.md has the figures): changes are
//! incremental (the client sends the edited range, applied to the kept text in place), and
//! a change only marks its document stale. The document is checked, and its diagnostics
//! published, once no message is waiting, or before a request is answered: a burst of
//! queued changes is checked once, at its newest version. The check itself is the
//! document's [`crate::incremental::Session`]: it reads again only the tables the edits
//! touched, and answers what [`crate::check`] answers.
//!
//! Key completion is left to taplo's server, which reads asenet's JSON Schema: the two run
//! side by side without offering the same thing twice.

pub mod conversion;
pub mod documents;
pub mod handlers;
pub mod transport;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::{self, Notification as _};
use lsp_types::request::{self, Request as _};
use serde_json::Value;

use super::{CANNOT_RUN, FAILURE};
use conversion::Settings;
use documents::Documents;

pub fn run() -> ExitCode {
    // The client's end of an in-memory connection, fed from stdin and drained to stdout by
    // two threads; the reader owns the only sender, so the server sees the end of the input.
    // Both write through `transport::write_frame` with standard output locked for the frame:
    // the writer the server's messages, the reader its answers to what is not JSON-RPC.
    let (connection, Connection { sender, receiver }) = Connection::memory();
    // How reading ended, sent before the reader drops its sender: when the server sees the
    // input end, the reason is there. (Asking `JoinHandle::is_finished` instead raced: the
    // sender went before the thread counted as finished, and a header refused at its limit
    // ended the session as an input that simply ended, with exit code 1 instead of 2.)
    let (reading_ended, how_reading_ended) = std::sync::mpsc::channel();
    let _reader = std::thread::spawn(move || {
        let write = |json: &str| transport::write_frame(&mut std::io::stdout().lock(), json);
        let read = transport::read_messages(std::io::stdin().lock(), |message| sender.send(message).is_ok(), write);
        let _ = reading_ended.send(read);
        drop(sender);
        // The testing build can hold the thread here, where the server once misread how its
        // input ended (tests/it/server.rs).
        #[cfg(feature = "testing")]
        if std::env::var_os("ASENET_TEST_READER_LINGERS").is_some() {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    });
    let writer = std::thread::spawn(move || {
        let written =
            transport::write_messages(&receiver, |json| transport::write_frame(&mut std::io::stdout().lock(), json));
        if let Err(message) = written {
            // With its output gone the server can answer nothing, and a client that closed it
            // may keep the input open: waiting for more would leave the server running for ever.
            say!("error: asenet server: {message}");
            std::process::exit(CANNOT_RUN.into());
        }
        Ok(())
    });
    let served = session(&connection);
    drop(connection);
    let written = writer.join().unwrap_or_else(|_| Err("the writer failed".to_owned()));
    // After `exit`, what follows in the input is not the session's: how reading ends does not
    // matter, and the reader may still wait on a client that keeps its end open (it is not
    // joined). When the input ended, it does: a broken frame is exit code 2.
    let read = match served {
        Ok((_, Stop::EndOfInput)) => how_reading_ended.recv().unwrap_or_else(|_| Err("the reader failed".to_owned())),
        _ => Ok(()),
    };
    match read.and(written).and(served) {
        Ok((Ended::AfterShutdown, _)) => ExitCode::SUCCESS,
        // LSP 3.17, `exit`: "The server should exit with success code 0 if the shutdown request
        // has been received before; otherwise with error code 1."
        Ok((Ended::WithoutShutdown, _)) => ExitCode::from(FAILURE),
        Err(message) => {
            say!("error: asenet server: {message}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

/// How a session ended, which picks the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// `exit`, or the end of the input, after a `shutdown` request: exit code 0.
    AfterShutdown,
    /// `exit`, or the end of the input, without one: exit code 1.
    WithoutShutdown,
}

/// What ended a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The client's `exit` notification.
    Exit,
    /// The end of the input: the client went away, or the reader stopped at a broken frame.
    EndOfInput,
}

/// Answers `connection` until the client says `exit` or goes away. An error only when the
/// answers cannot be sent.
pub fn serve(connection: &Connection) -> Result<Ended, String> {
    session(connection).map(|(ended, _)| ended)
}

/// [`serve`], saying what ended the session.
fn session(connection: &Connection) -> Result<(Ended, Stop), String> {
    let mut session = Session::default();
    let send = |message: Message| connection.sender.send(message).map_err(|_| "the client went away".to_owned());
    for message in &connection.receiver {
        match message {
            Message::Notification(notification) if notification.method == notification::Exit::METHOD => {
                return Ok((session.ended(), Stop::Exit));
            }
            Message::Request(request) => {
                // A request is answered from the newest text, checked.
                for message in session.check_stale() {
                    send(message)?;
                }
                send(Message::Response(session.request(request)))?;
            }
            Message::Notification(notification) => {
                for message in session.notification(notification) {
                    send(message)?;
                }
            }
            // The server sends no requests: a response answers nothing.
            Message::Response(_) => {}
        }
        // Changes still queued are applied before anything is checked: only their newest
        // version is.
        if connection.receiver.is_empty() {
            for message in session.check_stale() {
                send(message)?;
            }
        }
    }
    Ok((session.ended(), Stop::EndOfInput))
}

/// Where the session is in LSP's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Phase {
    /// Before `initialize`: requests are refused with `ServerNotInitialized`, notifications
    /// dropped.
    #[default]
    Starting,
    Running,
    /// After `shutdown`: requests are refused with `InvalidRequest` until `exit`;
    /// notifications dropped.
    ShuttingDown,
}

#[derive(Default)]
struct Session {
    phase: Phase,
    settings: Settings,
    documents: Documents,
    /// The places in the code whose panic was logged: each is logged once per session.
    logged: BTreeSet<String>,
}

impl Session {
    fn ended(&self) -> Ended {
        if self.phase == Phase::ShuttingDown { Ended::AfterShutdown } else { Ended::WithoutShutdown }
    }

    fn request(&mut self, request: Request) -> Response {
        let Request { id, method, params } = request;
        let refuse = |code: ErrorCode, message: &str| Response::new_err(id.clone(), code as i32, message.to_owned());
        match (self.phase, method.as_str()) {
            (Phase::Starting, request::Initialize::METHOD) => {
                // Parameters of the wrong shape are read as a client that offers nothing.
                let params: lsp::InitializeParams = serde_json::from_value(params).unwrap_or_default();
                self.settings = Settings::negotiate(&params);
                self.phase = Phase::Running;
                let result = lsp::InitializeResult {
                    capabilities: handlers::capabilities(&self.settings),
                    server_info: Some(lsp::ServerInfo {
                        name: "asenet".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                Response::new_ok(id, result)
            }
            (Phase::Starting, _) => refuse(ErrorCode::ServerNotInitialized, "the server is not initialized"),
            (_, request::Initialize::METHOD) => refuse(ErrorCode::InvalidRequest, "the server is already initialized"),
            // A client that asks to shut down twice (Neovim 0.7 when it quits right after
            // stopping a client) gets the same answer.
            (_, request::Shutdown::METHOD) => {
                self.phase = Phase::ShuttingDown;
                Response::new_ok(id, Value::Null)
            }
            (Phase::ShuttingDown, _) => refuse(ErrorCode::InvalidRequest, "the server is shutting down"),
            (Phase::Running, _) => {
                let (documents, settings) = (&self.documents, &self.settings);
                match guarded(|| handlers::request(documents, settings, &method, params)) {
                    Ok(Ok(result)) => Response::new_ok(id, result),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    Err(panic) => {
                        let message = format!("internal error in asenet while answering `{method}`: {}", panic.message);
                        self.log(&method, &panic);
                        Response::new_err(id, ErrorCode::InternalError as i32, message)
                    }
                }
            }
        }
    }

    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        if self.phase != Phase::Running {
            return Vec::new();
        }
        let method = notification.method.clone();
        let uri = notification.params.pointer("/textDocument/uri").and_then(Value::as_str).map(str::to_owned);
        let (documents, settings) = (&mut self.documents, &self.settings);
        match guarded(|| handlers::notification(documents, settings, notification)) {
            Ok(messages) => messages,
            Err(panic) => {
                self.log(&method, &panic);
                // The document may be half-changed: forgotten until its whole text comes again.
                let Some(uri) = uri else { return Vec::new() };
                let reason = format!(
                    "asenet lost track of this file after an internal error ({}): close and reopen it",
                    panic.message
                );
                self.documents.lose(&uri, reason);
                self.publish(uri).into_iter().collect()
            }
        }
    }

    /// Checks every stale document and returns its `publishDiagnostics`.
    fn check_stale(&mut self) -> Vec<Message> {
        let stale = self.documents.stale();
        let mut messages = Vec::with_capacity(stale.len());
        for uri in stale {
            let documents = &mut self.documents;
            if let Err(panic) = guarded(|| documents.check(&uri)) {
                self.log("checking a document", &panic);
                self.documents.fail(&uri, format!("internal error: {}", panic.message));
            }
            messages.extend(self.publish(uri));
        }
        messages
    }

    /// The `publishDiagnostics` of the document at `uri` (none for a URI that is not one).
    fn publish(&mut self, uri: String) -> Option<Message> {
        let uri: lsp::Uri = uri.parse().ok()?;
        let (documents, settings) = (&self.documents, &self.settings);
        match guarded(|| handlers::diagnostics(documents, settings, uri.clone())) {
            Ok(message) => Some(message),
            Err(panic) => {
                self.log("publishing diagnostics", &panic);
                self.documents.fail(uri.as_str(), format!("internal error: {}", panic.message));
                Some(handlers::diagnostics(&self.documents, &self.settings, uri))
            }
        }
    }

    /// Logs a panic on standard error, once per place in the code.
    fn log(&mut self, during: &str, panic: &Panic) {
        if self.logged.insert(panic.location.clone()) {
            say!(
                "asenet server: internal error in `{during}` (a bug in asenet, please report it): {} at {}; \
                 the session goes on, and this place is not logged again",
                panic.message,
                panic.location
            );
        }
    }
}

/// A caught panic: its message (escaped, on one line, bounded) and where it happened.
struct Panic {
    message: String,
    location: String,
}

thread_local! {
    /// Whether a guarded call runs on this thread: its panic is then reported by the guard,
    /// not printed by the default hook.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The panic the hook caught in a guarded call.
    static CAUGHT: RefCell<Option<Panic>> = const { RefCell::new(None) };
}

/// Runs `work`, and returns its panic instead of unwinding further.
fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, Panic> {
    install_panic_hook();
    let outer = GUARDED.replace(true);
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.set(outer);
    result.map_err(|payload| {
        CAUGHT.take().unwrap_or_else(|| Panic { message: panic_message(payload.as_ref()), location: "unknown".into() })
    })
}

/// A panic hook that records the panics of guarded calls and hands every other to the hook
/// that was there before (the default one prints it).
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.get() {
                return previous(info);
            }
            let location = info.location().map_or_else(|| "unknown".to_owned(), ToString::to_string);
            CAUGHT.set(Some(Panic { message: panic_message(info.payload()), location }));
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    let escaped: String = text.escape_debug().collect();
    match escaped.char_indices().nth(500) {
        Some((at, _)) => format!("{}…", &escaped[..at]),
        None => escaped,
    }
}

/// Panics where a test asks for it: `asenet-test-panic:PLACE` in the text at hand, for the
/// tests of the guards. Compiled only with the `testing` feature.
#[cfg(feature = "testing")]
#[track_caller]
fn inject_fault(text: &str, place: &str) {
    if text.contains("asenet-test-panic:") && text.contains(&format!("asenet-test-panic:{place}")) {
        panic!("injected by a test in `{place}`");
    }
}

#[cfg(not(feature = "testing"))]
fn inject_fault(_text: &str, _place: &str) {}
