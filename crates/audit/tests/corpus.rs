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
