#![cfg(feature = "derive")]
//! Compile errors of the derives, with their spans: `tests/ui/*.rs` must fail to compile with
//! exactly the checked-in `tests/ui/*.stderr` (`TRYBUILD=overwrite` rewrites them).

#[test]
fn derive_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
