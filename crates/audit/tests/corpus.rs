//! Replays every input of the fuzz corpus (`fuzz/corpus/extract/`) through the decoders and the
//! parser: errors are fine, panics are not.

#[test]
fn the_fuzz_corpus_never_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/extract");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("the corpus") {
        let path = entry.expect("an entry").path();
        let bytes = std::fs::read(&path).expect("a corpus file");
        if !bytes.starts_with(b"%PDF")
            && let Ok(text) = gongkai_audit::decode::decode(&bytes, None)
            && let Ok(x) = gongkai_audit::extract(&text)
        {
            let _ = x.audit(None);
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = gongkai_audit::extract(text);
            // Prefixes of the input, cut at a dozen char boundaries spread over it.
            let step = (text.len() / 12).max(1);
            for (i, _) in text.char_indices().step_by(step) {
                let _ = gongkai_audit::extract(&text[..i]);
            }
        }
        n += 1;
    }
    assert!(n >= 10, "the corpus has {n} files");
}

/// The corpora of the decoder targets (`fuzz/corpus/html`, `fuzz/corpus/docx_xml`).
#[test]
fn the_decoder_corpora_never_panic() {
    for (target, decode) in [
        (
            "html",
            gongkai_audit::decode::html_text
                as fn(&str) -> Result<String, gongkai_audit::AuditError>,
        ),
        ("docx_xml", gongkai_audit::decode::docx_document_text),
    ] {
        let dir = format!("{}/fuzz/corpus/{target}", env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("the corpus") {
            let bytes = std::fs::read(entry.expect("an entry").path()).expect("a corpus file");
            if let Ok(text) = std::str::from_utf8(&bytes)
                && let Ok(decoded) = decode(text)
            {
                let _ = gongkai_audit::extract(&decoded);
            }
            n += 1;
        }
        assert!(n >= 1, "{target}: the corpus has {n} files");
    }
}
