// Points Cœur de Ville in words: « 1 point », « 1 250 points », « 2 points par euro », « plus que 3 ».
const NBSP = '\u00a0';
const NUMBER = new Intl.NumberFormat('fr-FR');
// At or under this many left, a reward says it is running out.
export const LOW_STOCK = 3;

/** « 1 250 » with the French thin no-break space, tabular in the CSS. */
export function formatNumber(value) {
  return NUMBER.format(value);
}

/** « 1 point », « 0 point », « 12 points », « −5 points » (French: singular below 2). */
export function formatPoints(points) {
  const word = Math.abs(points) >= 2 ? 'points' : 'point';
  return `${NUMBER.format(points)}${NBSP}${word}`;
}

/** « 1 point par euro », « 3 points par euro ». */
export function formatRate(pointsPerEuro) {
  return `${formatPoints(pointsPerEuro)} par euro`;
}

/** A reward's stock as a shopper reads it: null (plenty or unlimited), « plus que 3 », « épuisé ». */
export function stockLabel(stock) {
  if (stock === null || stock === undefined) return null;
  if (stock <= 0) return 'épuisé';
  if (stock <= LOW_STOCK) return `plus que ${stock}`;
  return null;
}
