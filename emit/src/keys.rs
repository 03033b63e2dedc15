//! Open Screen type keys: the ranges the spec leaves to extensions, and the keys the standard
//! messages use. The derive macros and the generator check extension messages against both, so
//! a vendor message can neither squat a standard key nor fall outside the ranges by accident.
//! (`reference/osp.md` §2.3; a test checks [`STANDARD`] against the shipped bindings.)

/// The type-key ranges for extension messages, by varint length (Open Screen Appendix B):
/// 1 byte 49–63, 2 bytes 8193–16383, 4 bytes 2^29+1 … 2^30−1.
pub const EXTENSION_RANGES: [(u64, u64); 3] = [(49, 63), (8193, 16383), ((1 << 29) + 1, (1 << 30) - 1)];

/// The largest value a QUIC varint can carry.
pub const MAX_TYPE_KEY: u64 = (1 << 62) - 1;

/// Whether `key` lies in one of the [`EXTENSION_RANGES`].
pub const fn is_extension(key: u64) -> bool {
    let mut i = 0;
    while i < EXTENSION_RANGES.len() {
        let (lo, hi) = EXTENSION_RANGES[i];
        if key >= lo && key <= hi {
            return true;
        }
        i += 1;
    }
    false
}

/// The standard Open Screen message with this type key, if any.
pub fn standard(key: u64) -> Option<&'static str> {
    STANDARD.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
}

/// What is wrong with a type key chosen for an extension message, if anything. `allow_any_key`
/// (for a twin of a standard message, or a private deployment) lifts all but the varint limit.
pub fn extension_problem(key: u64, allow_any_key: bool) -> Option<String> {
    if key == 0 || key > MAX_TYPE_KEY {
        return Some(format!("type key {key} is outside 1…2^62−1, the values a QUIC varint can carry"));
    }
    if allow_any_key {
        return None;
    }
    if let Some(name) = standard(key) {
        return Some(format!("type key {key} is taken by the standard Open Screen message `{name}`"));
    }
    if !is_extension(key) {
        return Some(format!(
            "type key {key} is outside the extension ranges (1 byte 49–63, 2 bytes 8193–16383, \
             4 bytes 536870913–1073741823); pick one inside them, or allow any key explicitly"
        ));
    }
    None
}

/// The type keys of the standard Open Screen messages, ascending, with their schema names.
pub const STANDARD: [(u64, &str); 47] = [
    (10, "agent-info-request"),
    (11, "agent-info-response"),
    (12, "agent-status-request"),
    (13, "agent-status-response"),
    (14, "presentation-url-availability-request"),
    (15, "presentation-url-availability-response"),
    (16, "presentation-connection-message"),
    (17, "remote-playback-availability-request"),
    (18, "remote-playback-availability-response"),
    (19, "remote-playback-modify-request"),
    (20, "remote-playback-modify-response"),
    (21, "remote-playback-state-event"),
    (22, "audio-frame"),
    (23, "video-frame"),
    (24, "data-frame"),
    (103, "presentation-url-availability-event"),
    (104, "presentation-start-request"),
    (105, "presentation-start-response"),
    (106, "presentation-termination-request"),
    (107, "presentation-termination-response"),
    (108, "presentation-termination-event"),
    (109, "presentation-connection-open-request"),
    (110, "presentation-connection-open-response"),
    (113, "presentation-connection-close-event"),
    (114, "remote-playback-availability-event"),
    (115, "remote-playback-start-request"),
    (116, "remote-playback-start-response"),
    (117, "remote-playback-termination-request"),
    (118, "remote-playback-termination-response"),
    (119, "remote-playback-termination-event"),
    (120, "agent-info-event"),
    (121, "presentation-change-event"),
    (122, "streaming-capabilities-request"),
    (123, "streaming-capabilities-response"),
    (124, "streaming-session-start-request"),
    (125, "streaming-session-start-response"),
    (126, "streaming-session-modify-request"),
    (127, "streaming-session-modify-response"),
    (128, "streaming-session-terminate-request"),
    (129, "streaming-session-terminate-response"),
    (130, "streaming-session-terminate-event"),
    (131, "streaming-session-sender-stats-event"),
    (132, "streaming-session-receiver-stats-event"),
    (1001, "auth-capabilities"),
    (1003, "auth-spake2-confirmation"),
    (1004, "auth-status"),
    (1005, "auth-spake2-handshake"),
];
