//! A small, tolerant tokenizer for HTML and the XML of DOCX: tags and text, never failing.

/// One piece of markup.
#[derive(Debug, PartialEq)]
pub enum Node<'a> {
    /// A tag: lowercase name (with any namespace prefix), closing, self-closing, raw attributes.
    Tag {
        name: String,
        closing: bool,
        self_closing: bool,
        attrs: &'a str,
    },
    /// Text between tags, entities not yet decoded.
    Text(&'a str),
}

/// Splits markup into nodes, lazily (a document's nodes are never all in memory at once);
/// comments, doctypes, processing instructions are skipped, CDATA is text.
pub fn nodes(s: &str) -> Nodes<'_> {
    Nodes { rest: s }
}

/// The iterator of [`nodes`].
pub struct Nodes<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        loop {
            let rest = self.rest;
            if rest.is_empty() {
                return None;
            }
            let Some(lt) = rest.find('<') else {
                self.rest = "";
                return Some(Node::Text(rest));
            };
            if lt > 0 {
                self.rest = &rest[lt..];
                return Some(Node::Text(&rest[..lt]));
            }
            if let Some(body) = rest.strip_prefix("<!--") {
                self.rest = body.find("-->").map_or("", |e| &body[e + 3..]);
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let end = body.find("]]>").unwrap_or(body.len());
                self.rest = body.get(end + 3..).unwrap_or("");
                return Some(Node::Text(&body[..end]));
            }
            let Some(gt) = rest.find('>') else {
                self.rest = "";
                return Some(Node::Text(rest));
            };
            let inner = &rest[1..gt];
            self.rest = &rest[gt + 1..];
            if inner.starts_with('!') || inner.starts_with('?') {
                continue;
            }
            return Some(tag(inner).unwrap_or(Node::Text("")));
        }
    }
}

fn tag(inner: &str) -> Option<Node<'_>> {
    let (closing, body) = match inner.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, inner),
    };
    let self_closing = body.trim_end().ends_with('/');
    let body = body.trim_end().trim_end_matches('/');
    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let name = &body[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '_')
    {
        return None;
    }
    Some(Node::Tag {
        name: name.to_ascii_lowercase(),
        closing,
        self_closing,
        attrs: &body[name_end..],
    })
}

/// The value of attribute `name` (case-insensitive; quoted or not).
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower.get(from..)?.find(&needle) {
        let start = from + p;
        let before_ok = start == 0
            || lower[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace());
        let after = lower.get(start + needle.len()..)?.trim_start();
        if before_ok && let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let offset = attrs.len() - v.len();
            let raw = &attrs[offset..];
            let value = match raw.chars().next() {
                Some(q @ ('"' | '\'')) => raw[1..].split(q).next().unwrap_or(""),
                _ => raw.split(|c: char| c.is_whitespace()).next().unwrap_or(""),
            };
            return Some(entities(value));
        }
        from = start + needle.len();
    }
    None
}

/// Decodes character references (`&amp;`, `&nbsp;`, `&#20013;`, `&#x4E2D;`).
pub fn entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c.is_whitespace() || c == '<')
            .map(|e| e + 1);
        match end.filter(|&e| rest[e..].starts_with(';') && e <= 12) {
            Some(e) => {
                match entity(&rest[1..e]) {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[..=e]),
                }
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "hellip" => '…',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_entities() {
        let n: Vec<Node> =
            nodes("<td rowspan=\"2\" colspan=3>a&amp;b&#20013;</td><!-- x --><br/>").collect();
        assert_eq!(n.len(), 4);
        if let Node::Tag { attrs, .. } = &n[0] {
            assert_eq!(attr(attrs, "rowspan").as_deref(), Some("2"));
            assert_eq!(attr(attrs, "colspan").as_deref(), Some("3"));
        }
        assert_eq!(entities("a&amp;b&#20013;&bogus;&"), "a&b中&bogus;&");
        assert!(nodes("<<<>>>< a").next().is_some());
    }
}
