/**
 * A shopping cart with quantity limits and discount codes.
 */

export interface LineItem {
  sku: string;
  unitCents: number;
  quantity: number;
}

export type DiscountCode = 'WELCOME10' | 'FREESHIP' | 'HALFOFF';

const MAX_QUANTITY = 99;
const SHIPPING_CENTS = 495;

export class Cart {
  private items: LineItem[] = [];
  private discount: DiscountCode | null = null;

  /** Add `quantity` units of a product; adding an existing SKU raises its quantity. */
  add(sku: string, unitCents: number, quantity: number = 1): number {
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw new RangeError(`quantity must be between 1 and ${MAX_QUANTITY}`);
    }
    const existing = this.items.find((item) => item.sku === sku);
    if (existing) {
      existing.quantity = Math.min(existing.quantity + quantity, MAX_QUANTITY);
      return existing.quantity;
    }
    this.items.push({ sku, unitCents, quantity });
    return quantity;
  }

  /** Remove a product entirely; returns whether it was in the cart. */
  remove(sku: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.sku !== sku);
    return this.items.length < before;
  }

  /** Apply a discount code; unknown codes are rejected. */
  applyDiscount(code: string): DiscountCode {
    if (code !== 'WELCOME10' && code !== 'FREESHIP' && code !== 'HALFOFF') {
      throw new Error(`unknown discount code: ${code}`);
    }
    this.discount = code;
    return code;
  }

  /** Subtotal, discount, shipping and total, in cents. */
  totals(): { subtotal: number; discount: number; shipping: number; total: number } {
    const subtotal = this.items.reduce((sum, item) => sum + item.unitCents * item.quantity, 0);
    let discount = 0;
    let shipping = subtotal === 0 || subtotal >= 5000 ? 0 : SHIPPING_CENTS;
    if (this.discount === 'WELCOME10') {
      discount = Math.round(subtotal * 0.1);
    } else if (this.discount === 'HALFOFF') {
      discount = Math.floor(subtotal / 2);
    } else if (this.discount === 'FREESHIP') {
      shipping = 0;
    }
    return { subtotal, discount, shipping, total: subtotal - discount + shipping };
  }
}

/**
 * Parse a delivery estimate such as "3d", "36h" or "2w" into hours.
 */
export function parseLeadTime(text: string): number {
  const match = /^(\d+)\s*(h|d|w)$/.exec(text.trim());
  if (!match) {
    throw new SyntaxError(`not a lead time: ${text}`);
  }
  const amount = Number(match[1]);
  switch (match[2]) {
    case 'h':
      return amount;
    case 'd':
      return amount * 24;
    default:
      return amount * 24 * 7;
  }
}
