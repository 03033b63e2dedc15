#![no_main]
#[path = "../json_text.rs"]
mod json_text;
libfuzzer_sys::fuzz_target!(|data: &[u8]| json_text::json_text(data));
