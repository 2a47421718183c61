use tally::{parse_amount, Money, ParseError};

#[test]
fn parses_whole_units() {
    assert_eq!(parse_amount("12"), Ok(Money::new(1200)));
}

#[test]
fn rejects_empty_input() {
    assert_eq!(parse_amount("   "), Err(ParseError::Empty));
}
