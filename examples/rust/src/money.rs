//! A money amount stored as whole cents, so additions never lose a cent.

use std::fmt;

use crate::rounding::round_half_even;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// An amount of `cents` hundredths.
    pub fn new(cents: i64) -> Money {
        Money { cents }
    }

    pub fn zero() -> Money {
        Money { cents: 0 }
    }

    /// Builds an amount from whole units and cents; `None` if `cents` is not below 100.
    ///
    /// ```
    /// # use tally::Money;
    /// assert_eq!(Money::from_parts(3, 5), Some(Money::new(305)));
    /// ```
    pub fn from_parts(units: i64, cents: u8) -> Option<Money> {
        if cents >= 100 {
            return None;
        }
        let sign = if units < 0 { -1 } else { 1 };
        units
            .checked_mul(100)
            .and_then(|c| c.checked_add(sign * i64::from(cents)))
            .map(Money::new)
    }

    pub fn cents(&self) -> i64 {
        self.cents
    }

    pub fn is_negative(&self) -> bool {
        self.cents < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.cents.checked_add(other.cents).map(Money::new)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.cents.checked_sub(other.cents).map(Money::new)
    }

    /// `percent` per cent of the amount, rounded half to even.
    pub fn percent(self, percent: u32) -> Money {
        Money::new(round_half_even(self.cents * i64::from(percent), 100))
    }

    /// Splits the amount into `parts` shares that differ by at most one cent.
    ///
    /// Panics when `parts` is zero.
    pub fn split(self, parts: u32) -> Vec<Money> {
        assert!(parts > 0, "cannot split into zero parts");
        let parts = i64::from(parts);
        let base = self.cents / parts;
        let mut remainder = self.cents % parts;
        let mut shares = Vec::with_capacity(parts as usize);
        for _ in 0..parts {
            let extra = remainder.signum();
            remainder -= extra;
            shares.push(Money::new(base + extra));
        }
        shares
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        write!(f, "{}{}.{:02}", sign, abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_cents() {
        assert_eq!(Money::new(250).cents(), 250);
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Money::new(305).to_string(), "3.05");
    }
}
