#![no_main]
#[path = "../oracles.rs"]
mod oracles;
libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::xsd(data));
