//! MOS protocol: wire encodings, stream framing and typed values.
