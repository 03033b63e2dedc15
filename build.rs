//! With feature `regenerate`, compile `schemas/` into `OUT_DIR` the way a downstream crate's
//! build.rs would; the default build compiles no generator and uses `generated/`.

fn main() {
    #[cfg(feature = "regenerate")]
    regenerate();
}

#[cfg(feature = "regenerate")]
fn regenerate() {
    let result = osmos_codegen::Builder::new()
        .module("openscreen")
        .cddl("schemas/openscreen/network.cddl")
        .cddl("schemas/openscreen/application.cddl")
        .json(osmos_codegen::JsonImpls::Feature("json".into()))
        .compile();
    if let Err(e) = result {
        panic!("schemas/ do not compile:\n{e}");
    }
    let result = osmos_codegen::Builder::new()
        .module("mos")
        .xsd("schemas/mos/mos.xsd")
        .json(osmos_codegen::JsonImpls::Feature("json".into()))
        .compile();
    if let Err(e) = result {
        panic!("schemas/mos do not compile:\n{e}");
    }
}
