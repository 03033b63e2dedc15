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

modules!(array_groups, choices, generics, map_choices, occurrences, ranges, sockets, tables, tags_any, text_keys);
// The same constructs as owned types (`Builder::owned`).
modules!(
    array_groups_owned,
    choices_owned,
    generics_owned,
    map_choices_owned,
    occurrences_owned,
    ranges_owned,
    sockets_owned,
    tables_owned,
    tags_any_owned,
    text_keys_owned
);

/// (`array_groups`, `map_choices` and `tables` hold plain types without a type key: that they
/// compile, borrowing and owned, is their test here; `tests/constructs_maps.rs` runs them.)
#[test]
fn every_construct_module_has_its_messages() {
    let counts = [
        choices_owned::MESSAGES.len(),
        generics_owned::MESSAGES.len(),
        occurrences_owned::MESSAGES.len(),
        ranges_owned::MESSAGES.len(),
        sockets_owned::MESSAGES.len(),
        tags_any_owned::MESSAGES.len(),
        text_keys_owned::MESSAGES.len(),
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
