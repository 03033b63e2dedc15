//! Every construct the generator supports (`codegen/tests/golden/*.cddl`, compiled by this
//! crate's `build.rs`) builds in a crate whose only dependency is `osmos`, with no features and
//! no warnings (clippy runs on this crate with `-D warnings`): the generated code names nothing
//! but `::osmos`, `::core` and `::std`.

macro_rules! modules {
    ($($name:ident),*) => {
        $(mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        })*
    };
}

modules!(choices, generics, occurrences, ranges, sockets, tags_any, text_keys);

#[test]
fn every_construct_module_has_its_messages() {
    let counts = [
        choices::MESSAGES.len(),
        generics::MESSAGES.len(),
        occurrences::MESSAGES.len(),
        ranges::MESSAGES.len(),
        sockets::MESSAGES.len(),
        tags_any::MESSAGES.len(),
        text_keys::MESSAGES.len(),
    ];
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
}

#[test]
fn tagged_values_round_trip_through_the_runtime_alone() {
    use osmos::frame::FrameEncode;
    for info in tags_any::MESSAGES.iter() {
        assert!(info.type_key > 0, "{}", info.name);
    }
    let _ = <tags_any::Message as FrameEncode>::type_key;
}
