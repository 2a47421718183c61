export { formatMoney, parseMoney, splitEvenly } from './money.js';
export { slugify, truncate } from './slug.js';
