//! The bindings that ship in the `osmos` crate: which schema files make which module. The CLI
//! writes them to `generated/`, the runtime's `regenerate` build writes them to `OUT_DIR`;
//! both read this one list, so the two cannot drift apart.

use crate::{Builder, JsonImpls};

/// Module name and schema files (relative to the osmos checkout), in generation order.
pub const SHIPPED: &[(&str, &[&str])] = &[
    ("openscreen", &["schemas/openscreen/network.cddl", "schemas/openscreen/application.cddl"]),
    ("mos", &["schemas/mos/mos.xsd"]),
];

/// The shipped Open Screen schema, embedded so an extension compiled anywhere (a downstream
/// `build.rs`, `osmos generate --extends openscreen`) resolves the same names the shipped
/// `osmos::openscreen` types were generated from. Same paths and order as in [`SHIPPED`].
pub const OPENSCREEN_CDDL: &[(&str, &str)] = &[
    ("schemas/openscreen/network.cddl", include_str!("../../schemas/openscreen/network.cddl")),
    ("schemas/openscreen/application.cddl", include_str!("../../schemas/openscreen/application.cddl")),
];

/// The builder for one shipped module: JSON views behind the runtime's `json` feature. The
/// shipped schemas define the standard keys, so the extension-range check does not apply.
pub fn builder(module: &str, files: &[&str]) -> Builder {
    let mut b = Builder::new().module(module).json(JsonImpls::Feature("json".into())).allow_any_type_key(true);
    for f in files {
        b = if f.ends_with(".xsd") { b.xsd(f) } else { b.cddl(f) };
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_openscreen_schema_is_the_shipped_one() {
        let (_, files) = SHIPPED.iter().find(|(m, _)| *m == "openscreen").unwrap();
        let embedded: Vec<&str> = OPENSCREEN_CDDL.iter().map(|(p, _)| *p).collect();
        assert_eq!(&embedded, files);
    }
}
