package inventory

import (
	"errors"
	"testing"
)

func TestParsePrice(t *testing.T) {
	got, err := ParsePrice("12.50")
	if err != nil {
		t.Fatalf("ParsePrice: %v", err)
	}
	if got != 1250 {
		t.Errorf("ParsePrice(\"12.50\") = %d, want 1250", got)
	}
	if _, err := ParsePrice("abc"); !errors.Is(err, ErrInvalidPrice) {
		t.Errorf("ParsePrice(\"abc\") error = %v, want ErrInvalidPrice", err)
	}
}

func TestCentsString(t *testing.T) {
	if got := Cents(1999).String(); got != "19.99" {
		t.Errorf("Cents(1999).String() = %q, want %q", got, "19.99")
	}
}
