//! Hostile inputs to `gongkai audit` (issue 8, item 9): each is made here, and each must come
//! back promptly with exit 2 and the reason on one line. Every call runs under a timeout, so a
//! regression fails the test instead of hanging it.

mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::fixture;
use gongkai_audit::batch::{AuditArgs, UNREADABLE, run_with};
use gongkai_audit::input::MAX_INPUT_BYTES;

const PATIENCE: Duration = Duration::from_secs(60);

fn args(files: Vec<PathBuf>) -> AuditArgs {
    AuditArgs {
        files,
        json: false,
        csv: false,
        previous: None,
    }
}

/// Runs the command in a thread; (exit code, stdout, stderr), or a failure after [`PATIENCE`].
fn run(a: AuditArgs) -> (i32, String, String) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with(a, &mut out, &mut err, &mut |_, _| {});
        let _ = tx.send((
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        ));
    });
    rx.recv_timeout(PATIENCE)
        .expect("gongkai audit did not return within 60 s")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file system node.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
}

fn assert_refused(what: &str, (code, out, err): (i32, String, String), reason: &str) {
    assert_eq!(code, UNREADABLE, "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
    assert!(err.contains(reason), "{what}: {err}");
    assert!(
        !out.contains(reason),
        "{what}: the reason is told once: {out}"
    );
}

#[test]
fn symlinks_to_the_directory_itself_do_not_loop() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "fuxin.txt",
        fixture("fuxin-zrzyj-2020.txt").as_bytes(),
    );
    std::os::unix::fs::symlink(".", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("b")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("up")).unwrap();
    // A link to a report file is read as that file.
    std::os::unix::fs::symlink("fuxin.txt", dir.path().join("link.txt")).unwrap();
    let (code, out, err) = run(AuditArgs {
        csv: true,
        ..args(vec![dir.path().to_path_buf()])
    });
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3, "header, fuxin.txt, link.txt: {out}");
}

#[test]
fn a_fifo_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.txt");
    mkfifo(&fifo);
    assert_refused("a FIFO", run(args(vec![fifo.clone()])), "a FIFO");
    // Inside a directory walk too; the readable report beside it is still audited.
    write(
        dir.path(),
        "fuxin.txt",
        fixture("fuxin-zrzyj-2020.txt").as_bytes(),
    );
    let (code, out, err) = run(AuditArgs {
        csv: true,
        ..args(vec![dir.path().to_path_buf()])
    });
    assert_eq!(code, UNREADABLE, "{err}");
    assert!(err.contains("a FIFO, not a regular file"), "{err}");
    assert!(out.contains(",ok,阜新市自然资源局,2020,"), "{out}");
}

#[test]
fn devices_are_refused_before_reading() {
    assert_refused(
        "/dev/zero",
        run(args(vec![PathBuf::from("/dev/zero")])),
        "a character device, not a regular file",
    );
    assert_refused(
        "a directory given as --previous",
        run(AuditArgs {
            previous: Some(PathBuf::from("/dev")),
            ..args(vec![PathBuf::from("/dev/null")])
        }),
        "not a regular file",
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    // Sparse: takes no disk, and reading it would take 50 MB of memory and time.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_INPUT_BYTES + 1)
        .unwrap();
    assert_refused(
        "a sparse file of 50 MB + 1 byte",
        run(args(vec![big.clone()])),
        &format!("over the limit of {MAX_INPUT_BYTES} bytes"),
    );
    let huge = dir.path().join("huge.html");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 << 30)
        .unwrap();
    assert_refused(
        "a sparse file of 200 GB",
        run(args(vec![huge])),
        "over the limit",
    );
}

/// The rowspan bomb of the issue: 1.8 MB of table cells spanning 1,000 rows and columns each.
fn rowspan_bomb() -> String {
    let mut html = String::from("<html><body><p>三、收到和处理政府信息公开申请情况</p><table>");
    while html.len() < 1_800_000 {
        html.push_str("<tr>");
        for _ in 0..20 {
            html.push_str("<td rowspan=1000 colspan=1000>1</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table></body></html>");
    html
}

#[test]
fn a_rowspan_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = write(dir.path(), "bomb.html", rowspan_bomb().as_bytes());
    assert_refused(
        "the rowspan bomb",
        run(args(vec![bomb])),
        "cells (rowspan/colspan)",
    );
}

#[test]
fn each_error_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let novel = write(dir.path(), "novel.txt", "从前有座山。".as_bytes());
    let missing = dir.path().join("missing.txt");
    let (code, out, err) = run(args(vec![novel, missing.clone()]));
    assert_eq!(code, UNREADABLE);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert_eq!(err.matches("not an annual report").count(), 1, "{err}");
    assert!(!out.contains("not an annual report"), "{out}");
    // The missing file's path appears once in its line, not as a prefix and again in the reason.
    let line = err
        .lines()
        .find(|l| l.contains("missing.txt"))
        .expect("missing");
    assert_eq!(line.matches("missing.txt").count(), 1, "{line}");
    assert!(
        out.contains("unreadable 2"),
        "the summary counts them: {out}"
    );
}
