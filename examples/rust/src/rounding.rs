//! Rounding helpers shared by the money code.

/// `value / divisor`, rounded half to even (banker's rounding).
pub(crate) fn round_half_even(value: i64, divisor: i64) -> i64 {
    let quotient = value / divisor;
    let remainder = value % divisor;
    let twice = remainder.abs() * 2;
    if twice > divisor.abs() || (twice == divisor.abs() && quotient % 2 != 0) {
        quotient + value.signum() * divisor.signum()
    } else {
        quotient
    }
}
