//! `tally`: exact money arithmetic, amount parsing and simple budgets.
//!
//! ```
//! use tally::{parse_amount, Money};
//! assert_eq!(parse_amount("12.50"), Ok(Money::new(1250)));
//! ```

pub mod budget;
pub mod money;
mod parse;
mod rounding;

pub use budget::{Budget, BudgetError};
pub use money::Money;
pub use parse::{parse_amount, ParseError};

/// Sums a list of amounts, returning `None` when the total overflows.
pub fn total(amounts: &[Money]) -> Option<Money> {
    let mut sum = Money::zero();
    for amount in amounts {
        sum = sum.checked_add(*amount)?;
    }
    Some(sum)
}
