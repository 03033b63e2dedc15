// Field keys are unique, present on map fields, and field types have a wire mapping.
use std::borrow::Cow;

#[derive(osmos::Message)]
struct DuplicateKey<'a> {
    #[osmos(key = 0)]
    a: u64,
    #[osmos(key = 0)]
    b: Cow<'a, str>,
}

#[derive(osmos::Message)]
struct DuplicateTextKey {
    #[osmos(key = "vendor")]
    a: u64,
    #[osmos(key = "vendor")]
    b: u64,
}

#[derive(osmos::Message)]
struct MissingKey {
    a: u64,
}

#[derive(osmos::Message)]
struct NarrowInteger {
    #[osmos(key = 0)]
    a: u32,
}

#[derive(osmos::Message)]
struct OwnedString {
    #[osmos(key = 0)]
    a: String,
}

#[derive(osmos::Message)]
struct BytesAsVec {
    #[osmos(key = 0)]
    a: Vec<u8>,
}

#[derive(osmos::Message)]
#[osmos(array)]
struct KeyInArray {
    #[osmos(key = 1)]
    a: u64,
}

#[derive(osmos::Message)]
#[osmos(array)]
struct RequiredAfterOptional {
    a: Option<u64>,
    b: u64,
}

#[derive(osmos::Message)]
struct UnknownAttribute {
    #[osmos(key = 0, colour = "red")]
    a: u64,
}

#[derive(osmos::Message)]
struct OtherLifetime<'b> {
    #[osmos(key = 0)]
    a: Cow<'b, str>,
}

fn main() {}
