/**
 * URL slugs and short labels for product names.
 */

const DEFAULT_OPTIONS = { separator: '-', maxLength: 60 };

/**
 * Turn a product name into a URL slug.
 *
 * @param {string} text
 * @param {{separator?: string, maxLength?: number}} [options]
 * @returns {string}
 * @example
 * slugify('Blue Café Mug (350 ml)') // => 'blue-cafe-mug-350-ml'
 */
export function slugify(text, options = {}) {
  const { separator, maxLength } = { ...DEFAULT_OPTIONS, ...options };
  const slug = String(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${escape(separator)}+|${escape(separator)}+$`, 'g'), '');
  return slug.length > maxLength ? slug.slice(0, maxLength).replace(/-+$/, '') : slug;
}

/**
 * Shorten a label to `max` characters, ending with an ellipsis when cut.
 *
 * @param {string} label
 * @param {number} max
 * @returns {string}
 */
export const truncate = (label, max) => {
  if (max < 1) {
    return '';
  }
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
};

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
