//! The wire: LSP's base protocol on standard input and output. Each message is a header
//! (`Content-Length: N`, other fields ignored, a blank line) and N bytes of JSON-RPC.
//!
//! Every size is bounded before it is read: a header of more than [`HEADER_MAX`] bytes or a
//! message of more than [`MESSAGE_MAX`] ends the session (the stream cannot be trusted to be
//! framed any more), with a message that quotes at most [`QUOTED_MAX`] bytes of it. A body
//! that is not JSON, or JSON that is not a JSON-RPC message, is answered with a `ParseError`
//! or `InvalidRequest` error (id `null` when it has none, as JSON-RPC 2.0 asks), and the
//! session goes on.

use std::io::{BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde::Serialize;
use serde_json::{Value, json};

/// The largest header the server reads: LSP's has two short fields.
pub const HEADER_MAX: usize = 4 << 10;

/// The largest message the server reads: a device file at `check`'s own bound (128 MiB),
/// escaped in JSON, fits.
pub const MESSAGE_MAX: usize = 512 << 20;

/// How much of a bad header an error message quotes.
const QUOTED_MAX: usize = 60;

/// Reads framed messages until the end of the input and hands each to `deliver`, which
/// returns false when the server has stopped listening. A message that is not JSON-RPC is
/// answered through `reply` (one JSON-RPC error, unframed). Ends with an error when the
/// framing is broken, or the input ends inside a message.
pub fn read_messages(
    mut input: impl BufRead,
    mut deliver: impl FnMut(Message) -> bool,
    mut reply: impl FnMut(&str) -> Result<(), String>,
) -> Result<(), String> {
    loop {
        let Some(length) = read_header(&mut input)? else { return Ok(()) };
        let mut body = vec![0; length];
        input.read_exact(&mut body).map_err(|error| format!("the input ended inside a message: {error}"))?;
        match decode(&body) {
            Ok(message) => {
                if !deliver(message) {
                    return Ok(());
                }
            }
            Err(error) => reply(&error)?,
        }
    }
}

/// Reads one header: the body's length, or `None` at the end of the input before a header.
fn read_header(input: &mut impl BufRead) -> Result<Option<usize>, String> {
    let mut length = None;
    let mut fields = 0;
    let mut read = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let room = (HEADER_MAX - read) as u64;
        let n = input
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut line)
            .map_err(|error| format!("cannot read a message: {error}"))?;
        read += n;
        if n == 0 {
            return if fields == 0 { Ok(None) } else { Err("the input ended inside a message header".to_owned()) };
        }
        if !line.ends_with(b"\n") {
            return Err(if read >= HEADER_MAX {
                format!("a message header longer than {HEADER_MAX} bytes: {}", quote(&line))
            } else {
                "the input ended inside a message header".to_owned()
            });
        }
        let field = line.strip_suffix(b"\n").unwrap_or(&line);
        let field = field.strip_suffix(b"\r").unwrap_or(field);
        if field.is_empty() {
            // Blank lines before the first field are tolerated; after it, one ends the header.
            if fields == 0 {
                continue;
            }
            break;
        }
        fields += 1;
        let text = std::str::from_utf8(field).map_err(|_| format!("not a message header: {}", quote(field)))?;
        let Some((name, value)) = text.split_once(':') else {
            return Err(format!("not a message header: {}", quote(field)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let parsed: usize = value
                .parse()
                .ok()
                .filter(|_| value.bytes().all(|byte| byte.is_ascii_digit()))
                .ok_or_else(|| format!("bad Content-Length {}", quote(value.as_bytes())))?;
            if parsed > MESSAGE_MAX {
                return Err(format!("a message of {parsed} bytes is larger than the {MESSAGE_MAX} bytes allowed"));
            }
            length = Some(parsed);
        }
    }
    length.map(Some).ok_or_else(|| "a message without Content-Length".to_owned())
}

/// Up to [`QUOTED_MAX`] bytes of `bytes`, escaped and in backticks, for an error message.
fn quote(bytes: &[u8]) -> String {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(QUOTED_MAX)]).escape_debug().to_string();
    let more = if bytes.len() > QUOTED_MAX { "…" } else { "" };
    format!("`{shown}`{more}")
}

/// A JSON-RPC message, or the error response that answers the body (encoded).
fn decode(body: &[u8]) -> Result<Message, String> {
    if let Ok(message) = serde_json::from_slice::<Message>(body) {
        return Ok(message);
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Err(error_response(Value::Null, ErrorCode::ParseError, &format!("not JSON: {error}"))),
    };
    // An id the request can be answered by; `null` when it has none (or a batch, which LSP
    // does not use).
    let id = value.get("id").filter(|id| id.is_number() || id.is_string()).cloned().unwrap_or(Value::Null);
    let what = if value.is_array() {
        "a batch, which LSP does not use"
    } else {
        "not a JSON-RPC request, response or notification"
    };
    Err(error_response(id, ErrorCode::InvalidRequest, what))
}

fn error_response(id: Value, code: ErrorCode, message: &str) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code as i32, "message": message } }).to_string()
}

/// Writes every message until the server drops its end.
pub fn write_messages(
    messages: impl IntoIterator<Item = Message>,
    mut write: impl FnMut(&str) -> Result<(), String>,
) -> Result<(), String> {
    for message in messages {
        write(&encode(&message))?;
    }
    Ok(())
}

/// A message as JSON-RPC 2.0 text.
fn encode(message: &Message) -> String {
    #[derive(Serialize)]
    struct JsonRpc<'a> {
        jsonrpc: &'static str,
        #[serde(flatten)]
        message: &'a Message,
    }
    serde_json::to_string(&JsonRpc { jsonrpc: "2.0", message }).unwrap_or_else(|error| {
        error_response(Value::Null, ErrorCode::InternalError, &format!("a message could not be encoded: {error}"))
    })
}

/// Frames one message (a header, then the JSON) and flushes it: every message goes out
/// through here, the answers and the errors the reader gives.
pub fn write_frame(output: &mut impl Write, json: &str) -> Result<(), String> {
    write!(output, "Content-Length: {}\r\n\r\n{json}", json.len())
        .and_then(|()| output.flush())
        .map_err(|error| format!("cannot write a message: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages delivered, the replies given, and how reading ended.
    fn read(input: &[u8]) -> (Vec<Message>, Vec<String>, Result<(), String>) {
        let mut delivered = Vec::new();
        let mut replies = Vec::new();
        let ended = read_messages(
            input,
            |message| {
                delivered.push(message);
                true
            },
            |reply| {
                replies.push(reply.to_owned());
                Ok(())
            },
        );
        (delivered, replies, ended)
    }

    fn frame(body: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_frame(&mut out, body).unwrap();
        out
    }

    #[test]
    fn messages_are_read_and_bad_bodies_answered() {
        let mut input = frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        input.extend(frame("{bad"));
        input.extend(frame(r#"{"jsonrpc":"2.0","id":"x","method":7}"#));
        input.extend(frame("[]"));
        input.extend(b"\r\ncontent-length:  2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let (delivered, replies, ended) = read(&input);
        assert_eq!(ended, Ok(()));
        assert_eq!(delivered.len(), 2, "{delivered:?}");
        let codes: Vec<(Value, Value)> = replies
            .iter()
            .map(|reply| serde_json::from_str::<Value>(reply).unwrap())
            .map(|reply| (reply["id"].clone(), reply["error"]["code"].clone()))
            .collect();
        assert_eq!(
            codes,
            [
                (Value::Null, json!(ErrorCode::ParseError as i32)),
                (json!("x"), json!(ErrorCode::InvalidRequest as i32)),
                (Value::Null, json!(ErrorCode::InvalidRequest as i32)),
                (Value::Null, json!(ErrorCode::InvalidRequest as i32)),
            ]
        );
    }

    #[test]
    fn broken_framing_ends_reading_with_a_short_message() {
        let long = format!("X-Junk: {}\r\n", "a".repeat(HEADER_MAX));
        for (input, expected) in [
            (long.as_bytes(), "a message header longer than 4096 bytes: `X-Junk: aaaa"),
            (b"Content-Length: 5\r\n\r\n{}", "the input ended inside a message"),
            (b"Content-Length: 5\r\n", "the input ended inside a message header"),
            (b"garbage\r\n\r\n", "not a message header: `garbage`"),
            (b"Content-Length: -1\r\n\r\n", "bad Content-Length `-1`"),
            (b"Content-Length: +1\r\n\r\n", "bad Content-Length `+1`"),
            (b"Content-Length: 99999999999\r\n\r\n", "a message of 99999999999 bytes is larger"),
            (b"Content-Type: x\r\n\r\n{}", "a message without Content-Length"),
        ] {
            let (_, _, ended) = read(input);
            let error = ended.unwrap_err();
            assert!(error.starts_with(expected), "{error}");
            assert!(error.len() < 200, "{error}");
        }
        assert_eq!(read(b"").2, Ok(()));
    }

    #[test]
    fn a_message_is_framed_with_its_length_in_bytes() {
        let message = Message::Notification(lsp_server::Notification::new("x".to_owned(), json!({ "é": 1 })));
        let mut out = Vec::new();
        write_messages([message], |json| write_frame(&mut out, json)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (header, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        assert_eq!(serde_json::from_str::<Value>(body).unwrap()["jsonrpc"], "2.0");
    }
}
