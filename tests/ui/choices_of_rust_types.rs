// Alternatives of Rust types are checked through their `Decode::MAJORS` when the crate compiles:
// two maps cannot be told apart by their first byte.

#[derive(osmos::Message)]
struct A {
    #[osmos(key = 0)]
    a: u64,
}

#[derive(osmos::Message)]
struct B {
    #[osmos(key = 1)]
    b: u64,
}

#[derive(osmos::Message)]
enum AOrB {
    A(A),
    B(B),
}

fn main() {}
