//! Whatever bytes arrive, decoding returns a message, "incomplete" or an error — never a panic,
//! never an allocation the input cannot pay for. Mutations of valid frames (deterministic LCG,
//! no extra dependency) reach deep into every generated decoder.

mod support;

use osmos::openscreen::Message;
use osmos_codegen::ir::MessageKey;
use support::instances::{instance, Fill};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_frames_never_panic() {
    let root = env!("CARGO_MANIFEST_DIR");
    let schema = osmos_codegen::Builder::new()
        .cddl(format!("{root}/schemas/openscreen/network.cddl"))
        .cddl(format!("{root}/schemas/openscreen/application.cddl"))
        .schema()
        .unwrap();
    let mut rng = Lcg(0x05e5_cafe);
    let mut outcomes = [0usize; 3];
    for (t, key) in schema.messages() {
        let MessageKey::TypeKey(key) = key else { continue };
        let mut frame = Vec::new();
        osmos::varint::encode(*key, &mut frame);
        frame.extend(instance(&schema, &t.name, Fill::Full));
        for _ in 0..300 {
            let mut f = frame.clone();
            for _ in 0..=rng.below(3) {
                match rng.below(4) {
                    0 => {
                        let i = rng.below(f.len());
                        f[i] = rng.next() as u8;
                    }
                    1 => {
                        let i = rng.below(f.len());
                        f[i] ^= 1 << rng.below(8);
                    }
                    2 => {
                        let n = rng.below(f.len());
                        f.truncate(n.max(1));
                    }
                    _ => {
                        let i = rng.below(f.len());
                        // Huge declared lengths and nesting headers.
                        let b = [0x9b, 0xbb, 0x5b, 0x7b, 0x9f, 0xbf, 0xff][rng.below(7)];
                        f.insert(i, b);
                    }
                }
            }
            match Message::decode_frame(&f) {
                Ok(Some((m, used))) => {
                    assert!(used <= f.len());
                    // Whatever decodes re-encodes (or is refused by the encoder's checks).
                    let mut out = Vec::new();
                    let _ = m.encode_frame(&mut out);
                    outcomes[0] += 1;
                }
                Ok(None) => outcomes[1] += 1,
                Err(e) => {
                    assert!(e.offset() <= f.len() + 9, "{e} beyond the input");
                    outcomes[2] += 1;
                }
            }
        }
    }
    // The mutations exercise all three outcomes.
    assert!(outcomes.iter().all(|&n| n > 100), "{outcomes:?}");
}

#[test]
fn deep_nesting_in_skipped_values_is_capped() {
    // agent-info-request {0: 1, "x": [[[[…]]]]} with 10 000 levels in an unknown key's value.
    let mut f = vec![0x0a, 0xa2, 0x00, 0x01, 0x61, b'x'];
    f.extend(std::iter::repeat_n(0x81, 10_000));
    f.push(0x00);
    let e = Message::decode_frame(&f).unwrap_err();
    assert_eq!(e.kind(), &osmos::ErrorKind::TooDeep);
}
