//! Compiles `schemas/vendor.cddl` into `OUT_DIR/vendor.rs`. The schema uses standard Open
//! Screen names (`request`, `microseconds`, `agent-info`, …): `extends_openscreen` resolves
//! them to the `osmos::openscreen` types instead of generating copies.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    osmos_codegen::Builder::new().cddl("schemas/vendor.cddl").extends_openscreen().compile()?;
    Ok(())
}
