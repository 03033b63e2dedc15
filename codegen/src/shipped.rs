//! The bindings that ship in the `osmos` crate: which schema files make which module. The CLI
//! writes them to `generated/`, the runtime's `regenerate` build writes them to `OUT_DIR`;
//! both read this one list, so the two cannot drift apart.

use crate::{Builder, JsonImpls};

/// Module name and schema files (relative to the osmos checkout), in generation order.
pub const SHIPPED: &[(&str, &[&str])] = &[
    ("openscreen", &["schemas/openscreen/network.cddl", "schemas/openscreen/application.cddl"]),
    ("mos", &["schemas/mos/mos.xsd"]),
];

/// The builder for one shipped module: JSON views behind the runtime's `json` feature.
pub fn builder(module: &str, files: &[&str]) -> Builder {
    let mut b = Builder::new().module(module).json(JsonImpls::Feature("json".into()));
    for f in files {
        b = if f.ends_with(".xsd") { b.xsd(f) } else { b.cddl(f) };
    }
    b
}
