//! With feature `regenerate`, compile `schemas/` into `OUT_DIR` the way a downstream crate's
//! build.rs would; the default build compiles no generator and uses `generated/`.

fn main() {
    #[cfg(feature = "regenerate")]
    regenerate();
}

#[cfg(feature = "regenerate")]
fn regenerate() {
    for (module, files) in osmos_codegen::shipped::SHIPPED {
        if let Err(e) = osmos_codegen::shipped::builder(module, files).compile() {
            panic!("schemas for `{module}` do not compile:\n{e}");
        }
    }
}
