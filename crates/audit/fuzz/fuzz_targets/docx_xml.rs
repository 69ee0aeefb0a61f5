//! The XML of a DOCX's `word/document.xml` through the DOCX decoder (`w:gridSpan`, `w:vMerge`,
//! nested tables) and the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(text) = gongkai_audit::decode::docx_document_text(xml) {
        let _ = gongkai_audit::extract(&text);
    }
});
