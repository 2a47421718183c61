import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatMoney } from '../src/money.js';

test('formatMoney groups thousands and keeps two decimals', () => {
  assert.equal(formatMoney(123456, 'EUR'), '€1,234.56');
});

test('formatMoney rejects fractional cents', () => {
  assert.throws(() => formatMoney(1.5), TypeError);
});
