//! What every command reads with, in one place: an input file or standard input, bounded,
//! and an IO error as the end of a one-line message.

use std::io::Read;
use std::path::Path;

/// The largest device file asenet reads: far beyond any real device (a thousand services
/// take 100 kB), and a bound on what a link to `/dev/zero` or a runaway generator costs.
pub const INPUT_MAX: u64 = 128 << 20;

/// Reads `path` (`-` is standard input, reported as `stdin_filename`): the name to report
/// it under and its bytes, or a one-line message saying why it cannot be read.
pub fn read_input(path: &Path, stdin_filename: &str) -> Result<(String, Vec<u8>), String> {
    if path.as_os_str() == "-" {
        let bytes = read_bounded(std::io::stdin().lock(), 0)
            .map_err(|error| format!("cannot read standard input: {}", describe(&error)))?;
        return Ok((stdin_filename.to_owned(), bytes));
    }
    let name = path.display().to_string();
    // On one line whatever the name (a repository's file name is a pull request's to choose).
    let shown = crate::escape::terminal::line(&name);
    if path.is_dir() {
        return Err(format!("cannot read `{shown}`: it is a directory"));
    }
    let bytes = std::fs::File::open(path)
        .and_then(|file| {
            let size = file.metadata().map_or(0, |metadata| metadata.len());
            read_bounded(file, size)
        })
        .map_err(|error| format!("cannot read `{shown}`: {}", describe(&error)))?;
    Ok((name, bytes))
}

/// The name an input is reported under.
pub fn input_name(path: &Path, stdin_filename: &str) -> String {
    if path.as_os_str() == "-" { stdin_filename.to_owned() } else { path.display().to_string() }
}

/// Reads everything, up to [`INPUT_MAX`] bytes, into room for `size` bytes (what the file
/// says it holds; 0 when unknown). Grown by doubling instead, a 12 MB file left 16 MB of
/// earlier copies in the allocator, a sixth of the peak memory of checking it.
fn read_bounded(reader: impl Read, size: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(size.min(INPUT_MAX) as usize);
    reader.take(INPUT_MAX + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > INPUT_MAX {
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "larger than 128 MiB"));
    }
    Ok(bytes)
}

/// An IO error as the end of a one-line message: `no such file`, `not a directory`.
pub fn describe(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::NotADirectory => "a part of the path is not a directory".to_owned(),
        ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
        ErrorKind::StorageFull => "no space left on the device".to_owned(),
        ErrorKind::FileTooLarge => error.to_string(),
        _ => {
            // The OS text without Rust's "(os error N)".
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}
