// Package inventory keeps track of stock items, their prices and shopping carts.
package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of money in hundredths of the currency unit.
type Cents int64

// ErrInvalidPrice is returned when a price cannot be parsed or is negative.
var ErrInvalidPrice = errors.New("invalid price")

// ErrInvalidPercent is returned for a discount outside 0..100.
var ErrInvalidPercent = errors.New("percent must be between 0 and 100")

// ParsePrice reads a price such as "12.50", "$3" or "1,299.99" into cents.
//
//	ParsePrice("12.50") // 1250, nil
func ParsePrice(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrInvalidPrice)
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || units < 0 {
		return 0, fmt.Errorf("%w: %q", ErrInvalidPrice, s)
	}
	var cents int64
	if hasFrac {
		if len(frac) == 0 || len(frac) > 2 {
			return 0, fmt.Errorf("%w: %q", ErrInvalidPrice, s)
		}
		if len(frac) == 1 {
			frac += "0"
		}
		cents, err = strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %q", ErrInvalidPrice, s)
		}
	}
	return Cents(units*100 + cents), nil
}

// String formats the amount with two decimals, e.g. "12.50".
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign = "-"
		c = -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// ApplyDiscount takes percent (0..100) off price, rounding half up to the cent.
func ApplyDiscount(price Cents, percent int) (Cents, error) {
	if percent < 0 || percent > 100 {
		return 0, ErrInvalidPercent
	}
	off := (int64(price)*int64(percent) + 50) / 100
	return price - Cents(off), nil
}

// Percent returns part as a percentage of total, or 0 when total is zero.
func Percent(part, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(part) * 100 / float64(total)
}
