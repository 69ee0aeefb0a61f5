//! `multipart/form-data` (RFC 7578) as a browser posts a form with a file: the one page form
//! that is not urlencoded (the attachment upload). The body has been read whole, within the
//! route's size limit and the body-read timeout ([`crate::extract::read_body`]); this splits it
//! into its parts without copying a file. Bounded: at most [`MAX_PARTS`] parts, each header
//! block at most [`MAX_HEADER_BYTES`]; anything malformed is an error, never a panic.

/// Parts a form may have.
pub const MAX_PARTS: usize = 16;
/// The longest header block of a part.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The form field's `name`.
    pub name: String,
    /// The `filename` of a file field (as the browser sent it: the user's name for the file).
    pub filename: Option<String>,
    /// The part's `Content-Type`, if given.
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

impl Part<'_> {
    /// The body as text (a plain field).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.body).into_owned()
    }
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = split_params(content_type);
    let mime = params.next()?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|p| param(p, "boundary"))
        .next()
        .filter(|b| (1..=70).contains(&b.len()))
}

/// The parts of `body` delimited by `boundary`.
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, &'static str> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let close = [b"\r\n".as_slice(), delimiter].concat();
    let mut at = find(body, delimiter).ok_or("no boundary in the body")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        let rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a boundary not followed by a line end")?;
        let head_end = find(&rest[..rest.len().min(MAX_HEADER_BYTES)], b"\r\n\r\n")
            .ok_or("a part's headers are missing or too long")?;
        let head =
            std::str::from_utf8(&rest[..head_end]).map_err(|_| "a part's headers are not UTF-8")?;
        let content = &rest[head_end + 4..];
        let end = find(content, &close).ok_or("the body ends inside a part")?;
        if parts.len() == MAX_PARTS {
            return Err("too many parts");
        }
        parts.push(part(head, &content[..end])?);
        at = body.len() - content.len() + end + close.len();
    }
}

fn part<'a>(head: &str, body: &'a [u8]) -> Result<Part<'a>, &'static str> {
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            return Err("a malformed part header");
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            let mut params = split_params(value);
            if !params
                .next()
                .is_some_and(|d| d.trim().eq_ignore_ascii_case("form-data"))
            {
                return Err("a part that is not form-data");
            }
            for p in params {
                name = name.or_else(|| param(p, "name"));
                filename = filename.or_else(|| param(p, "filename"));
            }
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_string());
        }
    }
    Ok(Part {
        name: name.ok_or("a part without a name")?,
        filename,
        content_type,
        body,
    })
}

/// `s` split at the `;` outside quotes.
fn split_params(s: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    s.split(move |c: char| {
        if escaped {
            escaped = false;
        } else if c == '\\' && quoted {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        }
        c == ';' && !quoted
    })
}

/// The value of `key=value` or `key="value"` (quotes and `\` escapes removed; browsers send
/// a `"` in a file name as `%22`, which is left as it is).
fn param(p: &str, key: &str) -> Option<String> {
    let (k, v) = p.split_once('=')?;
    if !k.trim().eq_ignore_ascii_case(key) {
        return None;
    }
    let v = v.trim();
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    c => out.push(c),
                }
            }
            Some(out)
        }
        None => Some(v.to_string()),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut from = 0;
    while let Some(i) = haystack[from..=haystack.len() - needle.len()]
        .iter()
        .position(|&b| b == first)
    {
        let at = from + i;
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nenclosure\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xe7\x94\xb3\xe8\xaf\xb7;\\\"1\\\".pdf\"\r\n\
Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--Xy\r\nbinary\r\n--XyZ--\r\n";

    #[test]
    fn a_browsers_form_splits_into_its_parts() {
        assert_eq!(
            boundary("multipart/form-data; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a;b\"").as_deref(),
            Some("a;b")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        let parts = parse(FORM, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "purpose");
        assert_eq!(parts[0].text(), "enclosure");
        assert_eq!(parts[1].filename.as_deref(), Some("申请;\"1\".pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(parts[1].body, b"%PDF-1.4\r\n--Xy\r\nbinary");
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"--XyZ",
            b"--XyZ\r\n",
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
            b"--XyZ\r\nX\r\n\r\nbody\r\n--XyZ--",
            b"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nb\r\n--XyZ--",
            b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nb\r\n--XyZ--",
        ] {
            assert!(
                parse(bad, "XyZ").is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let many = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
            .repeat(MAX_PARTS + 1)
            + "--b--";
        assert_eq!(parse(many.as_bytes(), "b"), Err("too many parts"));
        // Every prefix of a good form is handled.
        for n in 0..FORM.len() {
            let _ = parse(&FORM[..n], "XyZ");
        }
    }
}
