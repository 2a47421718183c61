//! Parsing of amounts typed by people: "12", "12.5", "-0.99", "1,250.00".

use std::fmt;

use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    InvalidCharacter(char),
    TooManyDecimals,
    Overflow,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty amount"),
            ParseError::InvalidCharacter(c) => write!(f, "invalid character {:?}", c),
            ParseError::TooManyDecimals => write!(f, "more than two decimals"),
            ParseError::Overflow => write!(f, "amount too large"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses an amount with an optional sign, thousands separators and up to two decimals.
///
/// ```
/// # use tally::parse_amount;
/// assert_eq!(parse_amount("1,250.5").unwrap().cents(), 125050);
/// ```
pub fn parse_amount(text: &str) -> Result<Money, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if fraction.len() > 2 {
        return Err(ParseError::TooManyDecimals);
    }
    let mut cents: i64 = 0;
    for c in whole.chars().filter(|c| *c != ',') {
        let digit = c.to_digit(10).ok_or(ParseError::InvalidCharacter(c))?;
        cents = cents
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit)))
            .ok_or(ParseError::Overflow)?;
    }
    let mut fraction_cents = 0;
    for (i, c) in fraction.chars().enumerate() {
        let digit = c.to_digit(10).ok_or(ParseError::InvalidCharacter(c))?;
        fraction_cents += i64::from(digit) * if i == 0 { 10 } else { 1 };
    }
    let cents = cents
        .checked_mul(100)
        .and_then(|v| v.checked_add(fraction_cents))
        .ok_or(ParseError::Overflow)?;
    Ok(Money::new(if negative { -cents } else { cents }))
}
