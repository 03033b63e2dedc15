#![cfg(all(feature = "json", feature = "count-work"))]
//! Costs linear in the input, for every decoder, reader and mode: the work counted by
//! `osmos::work` (items visited, tokens and attributes read, bytes scanned, moved or
//! transcoded, deviations compared) at size n and 4n, never wall time. Each case prints its
//! figures (`cargo test --all-features --test robust_linear -- --nocapture`).

use osmos::mos::messages::Mos;
use osmos::mos::MosStreamDecoder;
use osmos::openscreen::Message;
use osmos::xml::Mode;

/// Runs `case` at n and 4n; the work at 4n must stay within 4.4 times the work at n.
fn linear(what: &str, n: usize, case: impl Fn(usize)) -> (u64, u64) {
    osmos::work::take();
    case(n);
    let small = osmos::work::take();
    case(4 * n);
    let large = osmos::work::take();
    eprintln!("{what}: n = {n}: {small} units; 4n: {large} units ({:.2}x)", large as f64 / small as f64);
    assert!(small > 0, "{what}: nothing counted");
    assert!(large * 10 <= small * 44, "{what}: n: {small}, 4n: {large}");
    (small, large)
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => out.extend([m | 25, (n >> 8) as u8, n as u8]),
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

#[test]
fn cbor_long_arrays() {
    // A typed list.
    linear("CBOR Vec<u64>", 10_000, |n| {
        let mut b = Vec::new();
        head(&mut b, 4, n as u64);
        for i in 0..n {
            head(&mut b, 0, i as u64);
        }
        assert_eq!(osmos::cbor::from_slice::<Vec<u64>>(&b).unwrap().len(), n);
    });
    // An unknown key's long array, definite and indefinite, skipped inside a message.
    for indefinite in [false, true] {
        linear(&format!("CBOR skipped array (indefinite: {indefinite})"), 10_000, |n| {
            let mut f = hex::decode("0aa200016178").unwrap();
            if indefinite {
                f.push(0x9f);
            } else {
                head(&mut f, 4, n as u64);
            }
            f.extend(std::iter::repeat_n(0x00, n));
            if indefinite {
                f.push(0xff);
            }
            assert!(Message::decode_frame(&f).unwrap().is_some());
        });
    }
}

#[test]
fn cbor_many_unknown_keys() {
    linear("CBOR unknown keys", 5_000, |n| {
        // agent-info-request {0: 1, 1000: 0, 1001: 0, …, "k": …}
        let mut f = vec![0x0a];
        head(&mut f, 5, n as u64 + 1);
        f.extend([0x00, 0x01]);
        for i in 0..n {
            head(&mut f, 0, 1000 + i as u64);
            f.push(0x00);
        }
        assert!(Message::decode_frame(&f).unwrap().is_some());
    });
}

#[test]
fn cbor_nesting() {
    // [[[…0…]]] in an unknown key's value, 12 and 48 levels (within the default depth of 64).
    linear("CBOR nesting", 12, |n| {
        let mut f = hex::decode("0aa200016178").unwrap();
        f.extend(std::iter::repeat_n(0x81, n));
        f.push(0x00);
        assert!(Message::decode_frame(&f).unwrap().is_some());
    });
}

fn doc(body: &str) -> String {
    format!("<mos><mosID>m</mosID><ncsID>n</ncsID><messageID>1</messageID>{body}</mos>")
}

#[test]
fn mos_many_children_and_attributes() {
    for mode in [Mode::Lenient, Mode::Strict] {
        // Unknown children (kept in lenient mode, each a deviation in strict mode).
        linear(&format!("MOS {mode:?}, unknown children"), 2_000, |n| {
            let body: String = (0..n).map(|i| format!("<x{i}>v</x{i}>")).collect();
            let d = doc(&format!("<heartbeat><time>2009-04-11T14:22:07</time>{body}</heartbeat>"));
            let r = Mos::decode_with(&d, mode);
            assert_eq!(r.is_ok(), mode == Mode::Lenient);
        });
        // Known repeated children: a running order's stories.
        linear(&format!("MOS {mode:?}, stories"), 1_000, |n| {
            let stories: String = (0..n).map(|i| format!("<story><storyID>{i}</storyID></story>")).collect();
            let d = doc(&format!("<roCreate><roID>1</roID><roSlug>s</roSlug>{stories}</roCreate>"));
            Mos::decode_with(&d, mode).unwrap();
        });
        // Attributes on one element.
        linear(&format!("MOS {mode:?}, attributes"), 2_000, |n| {
            let attrs: String = (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect();
            let d = doc(&format!("<heartbeat{attrs}><time>2009-04-11T14:22:07</time></heartbeat>"));
            let r = Mos::decode_with(&d, mode);
            assert_eq!(r.is_ok(), mode == Mode::Lenient);
        });
    }
}

/// Work of a stream decoder fed `n` messages in `chunk`-byte pieces (0: whole).
fn stream_work(n: usize, chunk: usize, utf16: bool) {
    let one = doc("<heartbeat><time>2009-04-11T14:22:07</time></heartbeat>");
    let text = one.repeat(n);
    let bytes = if utf16 { osmos::xml::utf16be(&text) } else { text.into_bytes() };
    let mut d = MosStreamDecoder::new();
    let mut got = 0;
    let pieces: Vec<&[u8]> = if chunk == 0 { vec![&bytes] } else { bytes.chunks(chunk).collect() };
    for p in pieces {
        d.push(p);
        while let Some(m) = d.next_message() {
            m.unwrap();
            got += 1;
        }
    }
    d.finish().unwrap();
    assert_eq!(got, n);
}

#[test]
fn mos_stream_whole_and_chunked() {
    for utf16 in [false, true] {
        let (whole, _) = linear(&format!("MOS stream, whole (UTF-16: {utf16})"), 500, |n| stream_work(n, 0, utf16));
        let (chunked, _) =
            linear(&format!("MOS stream, 7-byte chunks (UTF-16: {utf16})"), 500, |n| stream_work(n, 7, utf16));
        // Chunking costs at most a constant factor more than one push.
        assert!(chunked <= 3 * whole, "UTF-16 {utf16}: whole {whole}, chunked {chunked}");
        // One long message pushed in small pieces.
        linear(&format!("MOS stream, one long message in 7-byte chunks (UTF-16: {utf16})"), 500, |n| {
            let stories: String = (0..n).map(|i| format!("<story><storyID>{i}</storyID></story>")).collect();
            let text = doc(&format!("<roCreate><roID>1</roID><roSlug>s</roSlug>{stories}</roCreate>"));
            let bytes = if utf16 { osmos::xml::utf16be(&text) } else { text.into_bytes() };
            let mut d = MosStreamDecoder::new();
            let mut got = 0;
            for p in bytes.chunks(7) {
                d.push(p);
                while let Some(m) = d.next_message() {
                    m.unwrap();
                    got += 1;
                }
            }
            assert_eq!(got, 1);
        });
    }
}
