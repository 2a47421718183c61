/**
 * Money helpers. Amounts are integers in minor units (cents) so that sums stay exact.
 */

const SYMBOLS = { EUR: '€', USD: '$', GBP: '£', JPY: '¥' };
const NO_MINOR_UNITS = new Set(['JPY']);

/**
 * Format an amount of cents for display.
 *
 * @param {number} cents amount in minor units
 * @param {string} [currency='EUR'] ISO 4217 code
 * @returns {string}
 * @example
 * formatMoney(123456, 'EUR') // => '€1,234.56'
 */
export function formatMoney(cents, currency = 'EUR') {
  if (!Number.isInteger(cents)) {
    throw new TypeError(`cents must be an integer, got ${cents}`);
  }
  const symbol = SYMBOLS[currency];
  if (symbol === undefined) {
    throw new RangeError(`unknown currency: ${currency}`);
  }
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  if (NO_MINOR_UNITS.has(currency)) {
    return `${sign}${symbol}${groupThousands(String(abs))}`;
  }
  const whole = Math.floor(abs / 100);
  const minor = String(abs % 100).padStart(2, '0');
  return `${sign}${symbol}${groupThousands(String(whole))}.${minor}`;
}

/**
 * Parse a display amount such as "€1,234.56" or "-12.5" back into cents.
 *
 * @param {string} text
 * @returns {number}
 */
export function parseMoney(text) {
  if (typeof text !== 'string') {
    throw new TypeError('text must be a string');
  }
  const cleaned = text.trim().replace(/[€$£¥,\s]/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(cleaned)) {
    throw new SyntaxError(`not an amount: "${text}"`);
  }
  const negative = cleaned.startsWith('-');
  const [whole, fraction = ''] = cleaned.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return negative ? -cents : cents;
}

/**
 * Split an amount into `parts` shares that differ by at most one cent.
 *
 * @param {number} cents
 * @param {number} parts
 * @returns {number[]}
 */
export function splitEvenly(cents, parts) {
  if (!Number.isInteger(parts) || parts < 1) {
    throw new RangeError('parts must be a positive integer');
  }
  const base = Math.floor(cents / parts);
  let remainder = cents - base * parts;
  const shares = [];
  for (let i = 0; i < parts; i += 1) {
    shares.push(base + (remainder > 0 ? 1 : 0));
    remainder -= 1;
  }
  return shares;
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
