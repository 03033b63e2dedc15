// A choice is decoded by its first byte: alternatives must start with different major types.
use std::borrow::Cow;

#[derive(osmos::Message)]
enum TwoTexts<'a> {
    Name(Cow<'a, str>),
    Label(Cow<'a, str>),
}

#[derive(osmos::Message)]
enum MixedEnum {
    #[osmos(value = 1)]
    One,
    Two(u64),
}

fn main() {}
