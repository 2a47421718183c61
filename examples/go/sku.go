package inventory

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// SKU identifies a stock item: a category code and a number, written "ABC-0042".
type SKU struct {
	Category string
	Number   int
}

// ParseSKU parses "ABC-42" (case-insensitive category of 2-4 letters, positive number).
func ParseSKU(s string) (SKU, error) {
	category, number, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return SKU{}, fmt.Errorf("sku %q: missing '-'", s)
	}
	if len(category) < 2 || len(category) > 4 {
		return SKU{}, fmt.Errorf("sku %q: category must have 2-4 letters", s)
	}
	for _, r := range category {
		if !unicode.IsLetter(r) {
			return SKU{}, fmt.Errorf("sku %q: category must have 2-4 letters", s)
		}
	}
	n, err := strconv.Atoi(number)
	if err != nil || n <= 0 {
		return SKU{}, fmt.Errorf("sku %q: number must be a positive integer", s)
	}
	return SKU{Category: strings.ToUpper(category), Number: n}, nil
}

// String writes the SKU in canonical form with a four-digit number.
func (s SKU) String() string {
	return fmt.Sprintf("%s-%04d", s.Category, s.Number)
}

// NormalizeName trims a product name, collapses inner whitespace and
// capitalises the first letter of every word.
func NormalizeName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		runes := []rune(strings.ToLower(w))
		runes[0] = unicode.ToUpper(runes[0])
		words[i] = string(runes)
	}
	return strings.Join(words, " ")
}
