import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Cart } from '../src/cart.js';

test('an empty cart costs nothing', () => {
  const cart = new Cart();
  assert.deepEqual(cart.totals(), { subtotal: 0, discount: 0, shipping: 0, total: 0 });
});
