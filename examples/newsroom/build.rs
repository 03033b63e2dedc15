//! Compiles the crate's own schemas into `OUT_DIR`, the way a downstream crate uses osmos:
//! `schemas/newsroom.cddl` (Open Screen framing) and `schemas/rundown.xsd` (XML), with a few
//! Builder options. It also compiles the generator's construct schemas
//! (`codegen/tests/golden/*.cddl`: tags, choices, generics, sockets, …) so `tests/constructs.rs`
//! proves every construct builds in a crate whose only dependency is `osmos`.

use osmos_codegen::Builder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    Builder::new()
        .cddl("schemas/newsroom.cddl")
        // StoryDelete goes into hash sets; attributes can name one type or (".") every type.
        .type_attribute("story-delete", "#[derive(Eq, Hash)]")
        .rename("status", "StoryStatus")
        .compile()?;
    Builder::new().xsd("schemas/rundown.xsd").module("rundown").compile()?;
    // The same schemas as owned types (no lifetime parameter), and the shipped Open Screen and
    // MOS schemas likewise: `tests/owned.rs` keeps decoded values past their buffers.
    Builder::new().cddl("schemas/newsroom.cddl").module("newsroom_owned").owned(true).compile()?;
    Builder::new().xsd("schemas/rundown.xsd").module("rundown_owned").owned(true).compile()?;
    Builder::new()
        .cddl("../../schemas/openscreen/network.cddl")
        .cddl("../../schemas/openscreen/application.cddl")
        .module("openscreen_owned")
        .allow_any_type_key(true)
        .keep_unknown_keys(true)
        .owned(true)
        .compile()?;
    Builder::new().xsd("../../schemas/mos/mos.xsd").module("mos_owned").owned(true).compile()?;
    let golden = std::path::Path::new("../../codegen/tests/golden");
    for name in [
        "array_groups",
        "choices",
        "generics",
        "map_choices",
        "occurrences",
        "ranges",
        "sockets",
        "tables",
        "tags_any",
        "text_keys",
    ] {
        // Each construct borrowing (the default) and owned.
        for (module, owned) in [(name.to_owned(), false), (format!("{name}_owned"), true)] {
            Builder::new()
                .cddl(golden.join(format!("{name}.cddl")))
                .module(module)
                .allow_any_type_key(true)
                .visibility("pub(crate)")
                .owned(owned)
                // The construct schemas leave type keys out on purpose: no warnings for them.
                .compile_with_warnings()?;
        }
    }
    Ok(())
}
