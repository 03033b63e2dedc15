// Type keys of extension messages must lie in the extension ranges and not reuse a standard key.

#[derive(osmos::Message)]
#[osmos(type_key = 10)]
struct SquatsAgentInfoRequest {
    #[osmos(key = 0)]
    request_id: u64,
}

#[derive(osmos::Message)]
#[osmos(type_key = 100)]
struct OutsideTheRanges {}

#[derive(osmos::Message)]
#[osmos(type_key = 0)]
struct Zero {}

#[derive(osmos::Message)]
#[osmos(type_key = 4611686018427387904, allow_any_key)]
struct TooLargeForAVarint {}

#[derive(osmos::Message)]
#[osmos(type_key = 7)]
enum NotAStruct {
    #[osmos(value = 1)]
    One,
}

fn main() {}
