//! Reading the auditor's inputs with bounds: regular files only (a FIFO, a device or a socket is
//! refused from its metadata, before anything could block), at most [`MAX_INPUT_BYTES`] (refused
//! from the size the file system reports, and read through a bounded reader anyway since a file
//! can grow), and directory walks that never follow a symbolic link to a directory (no loops).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::AuditError;

/// The largest report file audited: 50 MB. Published annual reports are a few megabytes at most
/// (a PDF with images); anything bigger is refused before it is read.
pub const MAX_INPUT_BYTES: u64 = 50 * 1024 * 1024;

/// How deep a directory walk descends.
const MAX_DEPTH: usize = 32;

/// Reads one input: `-` is standard input, anything else a regular file of at most `limit` bytes.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, AuditError> {
    let name = path.display().to_string();
    let io = |source| AuditError::Io {
        path: name.clone(),
        source,
    };
    if path.as_os_str() == "-" {
        return read_bounded(std::io::stdin().lock(), 0, limit, &name);
    }
    // `metadata` follows a symbolic link to a file (fine) and never opens the file: a FIFO or a
    // device is refused here, before an `open` could block on it.
    let meta = std::fs::metadata(path).map_err(io)?;
    regular(&meta, &name, limit)?;
    let file = open_nonblocking(path).map_err(io)?;
    // The path may have been swapped between `metadata` and `open`: check what was opened.
    let meta = file.metadata().map_err(io)?;
    regular(&meta, &name, limit)?;
    read_bounded(file, meta.len(), limit, &name)
}

/// Refuses what is not a regular file of at most `limit` bytes.
fn regular(meta: &std::fs::Metadata, name: &str, limit: u64) -> Result<(), AuditError> {
    if !meta.is_file() {
        return Err(AuditError::NotAFile {
            path: name.to_string(),
            kind: file_kind(meta),
        });
    }
    if meta.len() > limit {
        return Err(AuditError::TooLarge {
            path: name.to_string(),
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

/// Opens for reading without blocking: `O_NONBLOCK` makes `open` of a FIFO return at once (the
/// flag changes nothing for a regular file).
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Reads at most `limit` bytes; one byte more means the input grew past the limit.
fn read_bounded(
    reader: impl Read,
    expected: u64,
    limit: u64,
    name: &str,
) -> Result<Vec<u8>, AuditError> {
    let capacity = usize::try_from(expected.min(limit)).unwrap_or(0);
    let mut buf = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|source| AuditError::Io {
            path: name.to_string(),
            source,
        })?;
    if buf.len() as u64 > limit {
        return Err(AuditError::TooLarge {
            path: name.to_string(),
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// The report files under a directory (text, HTML, DOCX, PDF), sorted, hidden ones skipped.
/// Symbolic links to files are kept (they are read as files, with the same checks); symbolic
/// links to directories are not followed, so two links to `.` cannot make the walk endless.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    walk_at(dir, out, 0)
}

fn walk_at(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.path(), e.file_type().ok()?)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, file_type) in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        // `DirEntry::file_type` does not follow symbolic links.
        if file_type.is_dir() {
            walk_at(&p, out, depth + 1)?;
        } else if file_type.is_symlink() {
            let to_file = std::fs::metadata(&p).is_ok_and(|m| !m.is_dir());
            if to_file && is_report_file(&p) {
                out.push(p);
            }
        } else if is_report_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn is_report_file(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "txt" | "text" | "htm" | "html" | "shtml" | "xhtml" | "docx" | "pdf"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_stream_stops_at_the_limit() {
        // `gongkai audit - < /dev/zero`: standard input is read through the same bounded reader.
        let e = read_bounded(std::io::repeat(0), 0, 1 << 20, "-").unwrap_err();
        assert!(matches!(e, AuditError::TooLarge { size, .. } if size == (1 << 20) + 1));
        assert_eq!(read_bounded(&b"abc"[..], 3, 3, "-").unwrap(), b"abc");
    }
}
