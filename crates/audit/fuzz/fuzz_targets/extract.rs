//! Any bytes through the decoders (text, HTML, DOCX; PDF is left to pdftotext) and the parser:
//! an error is fine, a panic is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"%PDF") {
        return;
    }
    if let Ok(text) = gongkai_audit::decode::decode(data, None) {
        if let Ok(x) = gongkai_audit::extract(&text) {
            let _ = x.audit(None);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = gongkai_audit::extract(text);
    }
});
