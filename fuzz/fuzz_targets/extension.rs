#![no_main]
#[path = "../extension.rs"]
mod extension;
libfuzzer_sys::fuzz_target!(|data: &[u8]| extension::extension(data));
