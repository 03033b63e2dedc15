//! The annotations Open Screen writes in CDDL comments, parsed with nom.
//!
//! `; type key 104` before a rule gives the message's type key; `0: text ; display-name` after
//! an entry gives the field's name. Comments are free text otherwise, so anything that does not
//! match exactly stays documentation.

use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{digit1, space0, space1};
use nom::combinator::{all_consuming, rest};
use nom::sequence::preceded;
use nom::{IResult, Parser};

fn type_key_line(input: &str) -> IResult<&str, &str> {
    all_consuming(preceded((space0, tag("type"), space1, tag("key"), space1), digit1)).parse(input.trim_end())
}

/// `Some(Ok(n))` for a `type key n` comment, `Some(Err(..))` when the number does not fit,
/// `None` for any other comment.
pub fn type_key(comment: &str) -> Option<Result<u64, String>> {
    let (_, digits) = type_key_line(comment).ok()?;
    Some(digits.parse::<u64>().map_err(|_| format!("type key {digits} does not fit in 64 bits")))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

fn name_then_rest(input: &str) -> IResult<&str, (&str, &str)> {
    (preceded(space0, take_while1(is_name_char)), rest).parse(input)
}

/// The field name at the start of a trailing comment, and whatever text follows it.
pub fn field_name(comment: &str) -> Option<(String, String)> {
    let (_, (name, tail)) = name_then_rest(comment).ok()?;
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((name.to_owned(), tail.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_keys() {
        assert_eq!(type_key(" type key 104"), Some(Ok(104)));
        assert_eq!(type_key("type key 10  "), Some(Ok(10)));
        assert_eq!(type_key(" type key"), None);
        assert_eq!(type_key(" type key 12 and more"), None);
        assert_eq!(type_key(" idea: use HTTP response codes?"), None);
        assert!(matches!(type_key(" type key 99999999999999999999999"), Some(Err(_))));
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name(" connection-id"), Some(("connection-id".into(), String::new())));
        assert_eq!(field_name("  stream-offers"), Some(("stream-offers".into(), String::new())));
        assert_eq!(field_name(" playbackRate"), Some(("playbackRate".into(), String::new())));
        assert_eq!(field_name(" volume in dB"), Some(("volume".into(), "in dB".into())));
        assert_eq!(field_name(" 12"), None);
        assert_eq!(field_name("   "), None);
    }
}
