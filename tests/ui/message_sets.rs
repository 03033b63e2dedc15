// Two members of a message set may not claim one type key.

#[derive(osmos::Message)]
#[osmos(type_key = 50)]
struct Ping {}

#[derive(osmos::Message)]
#[osmos(type_key = 50)]
struct Pong {}

#[derive(osmos::Messages)]
enum Clash {
    Ping(Ping),
    Pong(Pong),
}

#[derive(osmos::Message)]
#[osmos(type_key = 10, allow_any_key)]
struct MyAgentInfoRequest {
    #[osmos(key = 0)]
    request_id: u64,
}

#[derive(osmos::Messages)]
enum ClashWithStandard<'a> {
    Mine(MyAgentInfoRequest),
    #[osmos(set)]
    Standard(osmos::openscreen::Message<'a>),
}

fn main() {}
