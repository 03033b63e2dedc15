//! The schema zoo: `build.rs` generates every schema of [`zoo`] in every mode, and this crate
//! compiles the output. That it builds (and is lint-clean under the workspace's clippy) is the
//! property: every schema osmos accepts gives Rust that compiles. `tests/zoo.rs` round-trips
//! instances of the accepted schemas' types.

pub mod zoo;

include!(concat!(env!("OUT_DIR"), "/zoo/manifest.rs"));

/// The generated modules, one per accepted (schema, mode).
#[allow(dead_code)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/zoo/modules.rs"));
}

include!(concat!(env!("OUT_DIR"), "/zoo/dispatch.rs"));

fn round_trip<'a, T: osmos::cbor::Decode<'a> + osmos::cbor::Encode>(bytes: &'a [u8]) -> Result<Vec<u8>, String> {
    let value: T = osmos::cbor::from_slice(bytes).map_err(|e| e.to_string())?;
    osmos::cbor::to_vec(&value).map_err(|e| e.to_string())
}
