//! Input decoders: bytes → text, tables as tab-separated rows (`\t` between cells, one row a
//! line). The kind of input is told by its magic bytes first, then by the file name.

mod docx;
mod html;
mod markup;
mod pdf;

use crate::AuditError;

/// The kind of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Html,
    Docx,
    Pdf,
}

/// Tells the kind of input by its first bytes, then by the extension of `name`.
pub fn kind(bytes: &[u8], name: Option<&str>) -> Kind {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF") {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Kind::Docx;
    }
    let head: Vec<u8> = bytes
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF)
        .take(512)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let looks_html = [
        &b"<!doctype html"[..],
        b"<html",
        b"<table",
        b"<body",
        b"<head",
        b"<meta",
        b"<div",
        b"<p",
    ]
    .iter()
    .any(|m| head.starts_with(m));
    match ext.as_str() {
        "html" | "htm" | "shtml" | "xhtml" => Kind::Html,
        "pdf" => Kind::Pdf,
        "docx" => Kind::Docx,
        _ if looks_html => Kind::Html,
        _ => Kind::Text,
    }
}

/// Decodes any supported input to text.
pub fn decode(bytes: &[u8], name: Option<&str>) -> Result<String, AuditError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(AuditError::Empty);
    }
    match kind(bytes, name) {
        Kind::Pdf => pdf::to_text(bytes),
        Kind::Docx => docx::to_text(bytes),
        Kind::Html => html::to_text(&text(bytes)?),
        Kind::Text => text(bytes).map(|t| markdown_tables(&t)),
    }
}

/// HTML text (already decoded to a string) → text with tab-separated table rows; merged cells
/// expanded within the limits on table size. A separate entry point for the fuzz targets.
pub fn html_text(html: &str) -> Result<String, AuditError> {
    html::to_text(html)
}

/// The XML of a DOCX's `word/document.xml` → text with tab-separated table rows.
pub fn docx_document_text(xml: &str) -> Result<String, AuditError> {
    docx::document_text(xml)
}

/// Markdown pipe tables (`| 自然人 | 13 |`, as `gongkai report --format md` writes them) become
/// tab-separated rows; their alignment lines (`|---|---:|`) go. Other text is unchanged.
pub fn markdown_tables(text: &str) -> String {
    let is_row = |l: &str| {
        let t = l.trim();
        t.len() > 1 && t.starts_with('|') && t.ends_with('|')
    };
    if !text.lines().any(is_row) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if !is_row(line) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let inner = &line.trim()[1..line.trim().len() - 1];
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        let alignment = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')));
        if alignment {
            continue;
        }
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of
/// GBK and GB2312). Binary data is refused.
pub fn text(bytes: &[u8]) -> Result<String, AuditError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors && enc != encoding_rs::UTF_8 {
            return Err(AuditError::unreadable(format!(
                "invalid {} text",
                enc.name()
            )));
        }
        return checked(s.into_owned());
    }
    if bytes.contains(&0) {
        return Err(AuditError::unreadable("binary data (NUL bytes), not text"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => checked(s.to_string()),
        Err(_) => {
            let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(AuditError::unreadable(
                    "neither UTF-8 nor GB18030 text (binary data?)",
                ));
            }
            checked(s.into_owned())
        }
    }
}

/// Refuses text that is mostly control characters.
fn checked(s: String) -> Result<String, AuditError> {
    let total = s.chars().count().max(1);
    let control = s
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control * 10 > total {
        return Err(AuditError::unreadable(
            "binary data (control characters), not text",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_encodings() {
        assert_eq!(kind(b"%PDF-1.4", None), Kind::Pdf);
        assert_eq!(kind(b"  <html><body>", Some("x.txt")), Kind::Html);
        assert_eq!(kind(b"hello", Some("a.HTM")), Kind::Html);
        let (gbk, _, _) = encoding_rs::GBK.encode("二、主动公开政府信息情况");
        assert_eq!(text(&gbk).unwrap(), "二、主动公开政府信息情况");
        assert!(text(b"\x00\x01\x02").is_err());
        assert!(matches!(decode(b" \n ", None), Err(AuditError::Empty)));
    }

    #[test]
    fn markdown_tables_become_tab_separated_rows() {
        let md = "## 三、收到和处理\n\n| 项目 | 自然人 | 总计 |\n|---|---:|---:|\n| 一、本年新收 | 13 |  |\nx | y\n";
        assert_eq!(
            markdown_tables(md),
            "## 三、收到和处理\n\n项目\t自然人\t总计\n一、本年新收\t13\t\nx | y\n"
        );
        assert_eq!(markdown_tables("no tables\n"), "no tables\n");
    }
}
