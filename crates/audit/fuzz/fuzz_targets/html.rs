//! HTML text through the HTML decoder (merged cells on a grid, bounded) and the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(text) = gongkai_audit::decode::html_text(html) {
        let _ = gongkai_audit::extract(&text);
    }
});
