//! 附件 — the files of a request: the applicant's documents (申请材料: an ID card scan, a letter
//! of authority) and the answer's enclosures (答复附件: the disclosed documents). What a file may
//! be is decided here from its bytes, never from what the uploader says alone: its type is
//! recognised by content (magic bytes; a DOCX, XLSX or OFD is a ZIP whose central directory names
//! the parts of that format) and must agree with the declared type; its size is bounded
//! ([`MAX_BYTES`]); its name is cleaned to one safe path segment ([`file_name`]).

use std::fmt;
use std::str::FromStr;

use crate::DomainError;
use crate::text;

/// The largest attachment: 20 MiB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The longest file name kept, in characters (the extension included).
pub const MAX_NAME_CHARS: usize = 120;

/// A type an attachment may have, recognised from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    Jpeg,
    Png,
    /// 版式文档 (GB/T 33190-2016), the format of Chinese government documents.
    Ofd,
}

impl FileType {
    pub const ALL: [FileType; 6] = [
        FileType::Pdf,
        FileType::Docx,
        FileType::Xlsx,
        FileType::Jpeg,
        FileType::Png,
        FileType::Ofd,
    ];

    /// The MIME type it is declared and served as.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Ofd => "application/ofd",
        }
    }

    /// The file name extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
            FileType::Ofd => "ofd",
        }
    }

    /// The type declared as `mime` (parameters ignored; `image/jpg` and `image/pjpeg` are
    /// JPEG), if it is one of ours.
    pub fn from_mime(mime: &str) -> Option<FileType> {
        let bare = mime.split(';').next().unwrap_or_default().trim();
        if ["image/jpg", "image/pjpeg"]
            .iter()
            .any(|m| bare.eq_ignore_ascii_case(m))
        {
            return Some(FileType::Jpeg);
        }
        FileType::ALL
            .into_iter()
            .find(|t| bare.eq_ignore_ascii_case(t.mime()))
    }

    /// The type the name's extension says (`.jpeg` is JPEG).
    pub fn from_extension(name: &str) -> Option<FileType> {
        let (_, ext) = name.rsplit_once('.')?;
        if ext.eq_ignore_ascii_case("jpeg") {
            return Some(FileType::Jpeg);
        }
        FileType::ALL
            .into_iter()
            .find(|t| ext.eq_ignore_ascii_case(t.extension()))
    }

    /// What the bytes are, if one of ours: the magic bytes, and for a ZIP the parts its central
    /// directory names.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            return Some(FileType::Pdf);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(FileType::Jpeg);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(FileType::Png);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            let names = zip_names(bytes)?;
            let has = |n: &str| names.iter().any(|x| x == n);
            if has("[Content_Types].xml") && has("word/document.xml") {
                return Some(FileType::Docx);
            }
            if has("[Content_Types].xml") && has("xl/workbook.xml") {
                return Some(FileType::Xlsx);
            }
            if has("OFD.xml") {
                return Some(FileType::Ofd);
            }
        }
        None
    }

    /// 类型名称, as the pages say it.
    pub fn name_zh(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF 文档",
            FileType::Docx => "Word 文档",
            FileType::Xlsx => "Excel 表格",
            FileType::Jpeg => "JPEG 图片",
            FileType::Png => "PNG 图片",
            FileType::Ofd => "OFD 版式文档",
        }
    }
}

/// The file names of a ZIP's central directory (at most 10 000), or `None` when the archive is
/// not well formed. Reads only the end-of-central-directory record and the directory itself.
fn zip_names(bytes: &[u8]) -> Option<Vec<String>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    // The end record is 22 bytes plus a comment of at most 65 535.
    let window = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[window..];
    let at = tail.windows(4).rposition(|w| w == EOCD)? + window;
    let eocd = bytes.get(at..at + 22)?;
    let u16_at = |b: &[u8], i: usize| -> Option<usize> {
        Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]) as usize)
    };
    let u32_at = |b: &[u8], i: usize| -> Option<usize> {
        let s = b.get(i..i + 4)?;
        Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    let count = u16_at(eocd, 10)?.min(10_000);
    let mut pos = u32_at(eocd, 16)?;
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        let head = bytes.get(pos..pos.checked_add(46)?)?;
        if &head[..4] != ENTRY {
            return None;
        }
        let (name_len, extra, comment) = (u16_at(head, 28)?, u16_at(head, 30)?, u16_at(head, 32)?);
        let name = bytes.get(pos + 46..pos + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        pos = pos + 46 + name_len + extra + comment;
    }
    Some(names)
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

/// 附件用途 — what an attachment is to its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// 申请材料 — a document the applicant handed in (Art. 29).
    Application,
    /// 答复附件 — an enclosure of the answer (the information provided, Art. 36, 40).
    Enclosure,
    /// 其他材料 — anything else kept with the file (a consultation reply, a receipt of delivery).
    Other,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Application, Purpose::Enclosure, Purpose::Other];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Application => "application",
            Purpose::Enclosure => "enclosure",
            Purpose::Other => "other",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Purpose::Application => "申请材料",
            Purpose::Enclosure => "答复附件",
            Purpose::Other => "其他材料",
        }
    }
}

impl FromStr for Purpose {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.code() == s)
            .ok_or_else(|| {
                DomainError::invalid("purpose", "must be application, enclosure or other")
                    .zh("附件用途应为申请材料、答复附件或其他材料")
            })
    }
}

/// The file name kept for an upload: its last path segment (a browser may send `C:\…\a.pdf`),
/// cleaned by the one free-text rule (no control or invisible characters, NFC), without the
/// characters no file system or `Content-Disposition` takes (`/ \ : * ? " < > |`), no leading
/// dot, at most [`MAX_NAME_CHARS`] characters; its extension made the type's own.
pub fn file_name(given: &str, file_type: FileType) -> Result<String, DomainError> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned = text::clean("name", last, text::TITLE)?;
    let mut stem: String = cleaned
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    if FileType::from_extension(&stem).is_some()
        && let Some((s, _)) = stem.rsplit_once('.')
    {
        stem = s.to_string();
    }
    let stem = stem.trim().trim_start_matches('.').trim();
    let ext = file_type.extension();
    let room = MAX_NAME_CHARS - ext.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    let stem = if stem.trim().is_empty() {
        "附件".to_string()
    } else {
        stem.trim().to_string()
    };
    Ok(format!("{stem}.{ext}"))
}

/// Checks an upload: not empty, at most [`MAX_BYTES`], of a type we take recognised from its
/// bytes, and the declared MIME type (if any besides `application/octet-stream`) the same.
pub fn check(bytes: &[u8], declared: Option<&str>) -> Result<FileType, DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::invalid("file", "the file is empty").zh("文件为空，请重新选择"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(too_large());
    }
    let allowed = || {
        FileType::ALL
            .iter()
            .map(|t| t.extension())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(found) = FileType::sniff(bytes) else {
        return Err(DomainError::invalid(
            "file",
            format!(
                "the content is not one of the accepted types ({})",
                allowed()
            ),
        )
        .zh("文件内容不是可接受的类型（PDF、Word、Excel、JPEG、PNG、OFD）"));
    };
    let declared = declared
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.eq_ignore_ascii_case("application/octet-stream"));
    if let Some(d) = declared {
        match FileType::from_mime(d) {
            Some(t) if t == found => {}
            Some(t) => {
                return Err(DomainError::invalid(
                    "type",
                    format!(
                        "declared as {} but the content is {}",
                        t.mime(),
                        found.mime()
                    ),
                )
                .zh(format!(
                    "声明的类型（{}）与文件内容（{}）不符",
                    t.name_zh(),
                    found.name_zh()
                )));
            }
            None => {
                return Err(DomainError::invalid(
                    "type",
                    format!("{d} is not an accepted type ({})", allowed()),
                )
                .zh("声明的文件类型不在可接受的范围内（PDF、Word、Excel、JPEG、PNG、OFD）"));
            }
        }
    }
    Ok(found)
}

/// The error of a file above [`MAX_BYTES`] (also said by the web layer when the body is cut).
pub fn too_large() -> DomainError {
    DomainError::invalid(
        "file",
        format!("larger than {} MiB", MAX_BYTES / (1024 * 1024)),
    )
    .zh(format!(
        "文件超过 {} MB，请压缩或拆分后上传",
        MAX_BYTES / (1024 * 1024)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored ZIP (no compression) with empty entries of these names.
    pub(crate) fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let at = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn types_are_recognised_by_content() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileType::Png)
        );
        let docx = zip_of(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        assert_eq!(FileType::sniff(&docx), Some(FileType::Docx));
        let xlsx = zip_of(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(FileType::sniff(&xlsx), Some(FileType::Xlsx));
        assert_eq!(
            FileType::sniff(&zip_of(&["OFD.xml", "Doc_0/Document.xml"])),
            Some(FileType::Ofd)
        );
        // A ZIP that is none of them, an executable, HTML, a truncated archive.
        assert_eq!(FileType::sniff(&zip_of(&["evil.exe"])), None);
        assert_eq!(FileType::sniff(b"MZ\x90\x00"), None);
        assert_eq!(FileType::sniff(b"<html><script>"), None);
        assert_eq!(FileType::sniff(&docx[..docx.len() - 10]), None);
        assert_eq!(FileType::sniff(b"PK\x03\x04"), None);
    }

    #[test]
    fn a_damaged_archive_is_refused_never_a_panic() {
        let docx = zip_of(&["[Content_Types].xml", "word/document.xml"]);
        for n in 0..docx.len() {
            let _ = FileType::sniff(&docx[..n]);
        }
        for at in 0..docx.len() {
            for byte in [0x00, 0x7F, 0xFF] {
                let mut bad = docx.clone();
                bad[at] = byte;
                let _ = check(&bad, Some(FileType::Docx.mime()));
            }
        }
    }

    #[test]
    fn the_declared_type_must_agree() {
        let pdf = b"%PDF-1.4 hello";
        assert_eq!(check(pdf, Some("application/pdf")), Ok(FileType::Pdf));
        assert_eq!(check(pdf, None), Ok(FileType::Pdf));
        assert_eq!(
            check(pdf, Some("application/octet-stream")),
            Ok(FileType::Pdf)
        );
        let e = check(pdf, Some("image/png")).unwrap_err();
        assert_eq!(e.field(), "type");
        assert!(e.reason_zh().contains("不符"), "{}", e.reason_zh());
        assert_eq!(check(pdf, Some("text/html")).unwrap_err().field(), "type");
        assert_eq!(
            check(b"MZ", Some("application/pdf")).unwrap_err().field(),
            "file"
        );
        assert_eq!(check(b"", None).unwrap_err().field(), "file");
        let big = [b"%PDF-".as_slice(), &vec![0; MAX_BYTES]].concat();
        assert!(check(&big, None).unwrap_err().reason_zh().contains("20 MB"));
        assert_eq!(check(&big[..MAX_BYTES], None), Ok(FileType::Pdf));
    }

    #[test]
    fn file_names_are_one_safe_segment_with_the_types_extension() {
        let n = |s: &str, t| file_name(s, t).unwrap();
        assert_eq!(n("申请书.pdf", FileType::Pdf), "申请书.pdf");
        assert_eq!(
            n("C:\\Users\\张三\\身份证.JPEG", FileType::Jpeg),
            "身份证.jpg"
        );
        assert_eq!(n("../../etc/passwd", FileType::Pdf), "passwd.pdf");
        assert_eq!(n(".htaccess", FileType::Png), "htaccess.png");
        assert_eq!(n("a\"b<c>.docx", FileType::Docx), "a_b_c_.docx");
        assert_eq!(n("report.exe", FileType::Pdf), "report.exe.pdf");
        assert_eq!(n("", FileType::Pdf), "附件.pdf");
        assert_eq!(n("...", FileType::Pdf), "附件.pdf");
        let long = "长".repeat(301);
        assert!(
            file_name(&long, FileType::Pdf).is_err(),
            "beyond the text bound"
        );
        let long = "长".repeat(200);
        assert_eq!(n(&long, FileType::Ofd).chars().count(), MAX_NAME_CHARS);
        assert!(file_name("a\u{0}b.pdf", FileType::Pdf).is_err());
    }

    #[test]
    fn purposes_have_codes() {
        for p in Purpose::ALL {
            assert_eq!(p.code().parse::<Purpose>(), Ok(p));
        }
        assert_eq!("x".parse::<Purpose>().unwrap_err().field(), "purpose");
    }
}
