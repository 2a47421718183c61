package inventory

import (
	"errors"
	"sort"
)

// ErrOutOfStock is returned when an item is added with a quantity below one.
var ErrOutOfStock = errors.New("quantity must be at least 1")

// Item is one line of a cart.
type Item struct {
	SKU   string
	Name  string
	Price Cents
	Qty   int
}

// Cart collects items; adding an item already present increases its quantity.
type Cart struct {
	items []Item
}

// NewCart returns an empty cart.
func NewCart() *Cart {
	return &Cart{}
}

// Add puts item into the cart, merging it with a line of the same SKU.
func (c *Cart) Add(item Item) error {
	if item.Qty < 1 {
		return ErrOutOfStock
	}
	for i := range c.items {
		if c.items[i].SKU == item.SKU {
			c.items[i].Qty += item.Qty
			return nil
		}
	}
	c.items = append(c.items, item)
	return nil
}

// Remove deletes the line with the given SKU and reports whether it was there.
func (c *Cart) Remove(sku string) bool {
	for i := range c.items {
		if c.items[i].SKU == sku {
			c.items = append(c.items[:i], c.items[i+1:]...)
			return true
		}
	}
	return false
}

// Total is the sum of price times quantity over all lines.
func (c *Cart) Total() Cents {
	var total Cents
	for _, it := range c.items {
		total += it.Price * Cents(it.Qty)
	}
	return total
}

// SKUs lists the SKUs in the cart in alphabetical order.
func (c *Cart) SKUs() []string {
	skus := make([]string, 0, len(c.items))
	for _, it := range c.items {
		skus = append(skus, it.SKU)
	}
	sort.Strings(skus)
	return skus
}

// Sum adds up numbers of any integer or float type.
func Sum[T ~int | ~int64 | ~float64](xs ...T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	return total
}
