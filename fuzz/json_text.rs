//! JSON texts a CDDL schema describes (`JsonForm::Schema`) under the fuzzer: the golden module
//! of `codegen/tests/golden/json_text.cddl` (every dispatch, positional arrays, tables, open
//! maps, `any`). Shared by the `json_text` target and `tests/robust_fuzz_replay.rs`.
#![allow(dead_code)]

#[allow(clippy::all)]
mod golden {
    include!("../codegen/tests/golden/json_text.rs");
}

use osmos::json;

/// For each type: a text that reads writes back without error, the written text reads to a
/// value written the same (a fixed point after one step), and the value carried over CBOR
/// comes back as an equal JSON value (member order aside: CBOR writes kept extension members
/// in key order, deterministic encoding, where JSON keeps the order they came in).
macro_rules! round_trip {
    ($text:expr, $($t:ty),*) => {$(
        if let Ok(v) = json::from_str::<$t>($text) {
            let once = json::to_string(&v).unwrap_or_else(|e| panic!("read but does not write: {e}"));
            let again: $t = json::from_str(&once).unwrap_or_else(|e| panic!("own output does not read: {e}\n{once}"));
            assert_eq!(json::to_string(&again).unwrap(), once, "not a fixed point");
            let cbor = osmos::cbor::to_vec(&v).expect("encodes as CBOR");
            let back: $t = osmos::cbor::from_slice(&cbor).expect("own CBOR decodes");
            use osmos::json::ToJson;
            assert_eq!(back.to_json(), v.to_json(), "changed through CBOR");
        }
    )*};
}

/// The oracle: any bytes, read as every type of the module that stands on its own.
pub fn json_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    round_trip!(
        text,
        golden::Request<'_>,
        golden::MoveParams<'_>,
        golden::Label<'_>,
        golden::Point,
        golden::Reference<'_>
    );
}

/// Seeds: the texts of `tests/json_text.rs`.
pub const SEEDS: &[&str] = &[
    r#"{"id":7,"method":"ping","params":{}}"#,
    r#"{"id":8,"method":"move","params":{"to":null},"x:trace":{"span":[1,2]}}"#,
    r#"{"to":[0,0],"speed":1.5,"path":[[1,1],[2,2,2]],"labels":{"a":{"type":"text","value":"start"},"b":{"type":"number","value":3},"c":{"type":"number","value":0.5},"d":{"type":"number","value":"-0"},"e":{"id":"x"},"f":{"ref":"y"}},"target":{"handle":"h1"},"hint":{"any":["json",1,null]}}"#,
    r#"{"to":null,"target":{"shared-id":"s","handle":"h","x":true}}"#,
    "[1,2,-0.0]",
];
