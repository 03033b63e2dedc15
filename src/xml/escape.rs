//! Escaping text and attribute values, and the characters XML forbids.

/// Appends text content, escaped (`&`, `<`, `>`, and CR as `&#13;`).
pub fn escape_text(out: &mut String, text: &str) {
    escape_with(out, text, |_| None);
}

/// Appends an attribute value, escaped for double quotes (also tab, CR, LF, which attribute
/// normalisation would otherwise turn into spaces).
pub fn escape_attr(out: &mut String, text: &str) {
    escape_with(out, text, |b| match b {
        b'"' => Some("&quot;"),
        b'\t' => Some("&#9;"),
        b'\n' => Some("&#10;"),
        _ => None,
    });
}

/// Copies `text`, replacing the ASCII bytes `rep` names (and always `&`, `<`, `>`, CR).
/// Characters XML forbids even as references (C0 controls but tab, LF and CR; U+FFFE,
/// U+FFFF) become U+FFFD: a lenient decode keeps them, and our output must stay well-formed.
pub(super) fn escape_with(out: &mut String, text: &str, rep: impl Fn(u8) -> Option<&'static str>) {
    let bytes = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (r, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'\r' => ("&#13;", 1),
            _ if is_forbidden_byte(b) => ("\u{FFFD}", 1),
            0xEF if is_nonchar_at(bytes, i) => ("\u{FFFD}", 3),
            _ => match rep(b) {
                Some(r) => (r, 1),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        out.push_str(&text[last..i]);
        out.push_str(r);
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
}

pub(super) fn is_forbidden_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')
}

/// U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`) at `i`.
pub(super) fn is_nonchar_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..i + 3).is_some_and(|t| t[0] == 0xEF && t[1] == 0xBF && t[2] >= 0xBE)
}

/// The code point a character reference at `text[i..]` (`&#…;`) stands for, and its length.
pub(super) fn char_ref_at(text: &[u8], i: usize) -> Option<(u32, usize)> {
    let rest = text.get(i + 2..)?;
    if text.get(i..i + 2)? != b"&#" {
        return None;
    }
    let (digits, radix, skip) = match rest.first() {
        Some(b'x') => (&rest[1..], 16, 3),
        _ => (rest, 10, 2),
    };
    let end = digits.iter().take(12).position(|&b| b == b';')?;
    let value = std::str::from_utf8(&digits[..end]).ok().and_then(|d| u32::from_str_radix(d, radix).ok());
    // An unparsable or huge number is not a character either: report it as forbidden.
    Some((value.unwrap_or(u32::MAX), skip + end + 1))
}

pub(super) fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// Offset of the first character XML 1.0 forbids (§2.2): as a raw character, or with `refs`
/// also as a character reference, which is not well-formed either (§4.1).
pub(crate) fn forbidden_char(text: &str, refs: bool) -> Option<(usize, u32)> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if is_forbidden_byte(b) {
            return Some((i, u32::from(b)));
        }
        if b == 0xEF && is_nonchar_at(bytes, i) {
            return Some((i, if bytes[i + 2] == 0xBE { 0xFFFE } else { 0xFFFF }));
        }
        if refs && b == b'&' {
            if let Some((c, _)) = char_ref_at(bytes, i).filter(|&(c, _)| !is_xml_char(c)) {
                return Some((i, c));
            }
        }
    }
    None
}

/// `text` with every forbidden character (raw or referenced) replaced by U+FFFD.
pub(super) fn replace_forbidden(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut last, mut i) = (0, 0);
    while i < bytes.len() {
        let len = match bytes[i] {
            b if is_forbidden_byte(b) => 1,
            0xEF if is_nonchar_at(bytes, i) => 3,
            b'&' => match char_ref_at(bytes, i) {
                Some((c, len)) if !is_xml_char(c) => len,
                _ => 0,
            },
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&text[last..i]);
        out.push('\u{FFFD}');
        i += len;
        last = i;
    }
    out.push_str(&text[last..]);
    out
}
