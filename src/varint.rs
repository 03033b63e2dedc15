//! QUIC variable-length integers (RFC 9000 §16), the type keys of Open Screen frames.

/// The largest value a varint can carry: 2^62 − 1.
pub const MAX: u64 = (1 << 62) - 1;

/// The number of bytes the shortest encoding of `value` takes (1, 2, 4 or 8).
pub const fn encoded_len(value: u64) -> usize {
    if value < 1 << 6 {
        1
    } else if value < 1 << 14 {
        2
    } else if value < 1 << 30 {
        4
    } else {
        8
    }
}

/// Appends the shortest encoding of `value`; `None` (and nothing written) above [`MAX`].
pub fn encode(value: u64, out: &mut Vec<u8>) -> Option<usize> {
    if value > MAX {
        return None;
    }
    let len = encoded_len(value);
    let prefix: u64 = match len {
        1 => 0,
        2 => 0b01 << 14,
        4 => 0b10 << 30,
        _ => 0b11 << 62,
    };
    out.extend_from_slice(&(value | prefix).to_be_bytes()[8 - len..]);
    Some(len)
}

/// Decodes a varint at the start of `input`: the value and the bytes it used, or `None` when
/// `input` ends first. Non-minimal encodings are accepted, as RFC 9000 requires.
pub fn decode(input: &[u8]) -> Option<(u64, usize)> {
    let first = *input.first()?;
    let len = 1usize << (first >> 6);
    let bytes = input.get(..len)?;
    let mut value = u64::from(first & 0x3f);
    for b in &bytes[1..] {
        value = (value << 8) | u64::from(*b);
    }
    Some((value, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9000_examples() {
        assert_eq!(decode(&[0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]), Some((151_288_809_941_952_652, 8)));
        assert_eq!(decode(&[0x9d, 0x7f, 0x3e, 0x7d]), Some((494_878_333, 4)));
        assert_eq!(decode(&[0x7b, 0xbd]), Some((15_293, 2)));
        assert_eq!(decode(&[0x25]), Some((37, 1)));
        assert_eq!(decode(&[0x40, 0x25]), Some((37, 2)), "non-minimal form");
    }

    #[test]
    fn truncated_input_is_incomplete() {
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[0x43]), None);
        assert_eq!(decode(&[0x80, 0, 0]), None);
    }

    #[test]
    fn encode_is_shortest_and_bounded() {
        let mut out = Vec::new();
        assert_eq!(encode(1001, &mut out), Some(2));
        assert_eq!(out, [0x43, 0xe9]);
        out.clear();
        assert_eq!(encode(MAX, &mut out), Some(8));
        assert_eq!(out, [0xff; 8]);
        assert_eq!(encode(MAX + 1, &mut out), None);
        assert_eq!(out.len(), 8, "nothing written for an out-of-range value");
    }
}
