//! An uploaded attachment (附件): its type recognised from its bytes (a ZIP's central directory
//! read for the parts of DOCX, XLSX and OFD), checked against a declared type, and its name cleaned.
#![no_main]

use gongkai_domain::attachment::{FileType, check, file_name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let found = FileType::sniff(data);
    let _ = check(data, found.map(FileType::mime));
    let _ = check(data, Some("application/pdf"));
    if let Ok(name) = std::str::from_utf8(data) {
        for t in FileType::ALL {
            let _ = file_name(name, t);
        }
    }
});
