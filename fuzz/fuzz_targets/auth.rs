#![no_main]
#[path = "../auth.rs"]
mod auth;
libfuzzer_sys::fuzz_target!(|data: &[u8]| auth::auth(data));
