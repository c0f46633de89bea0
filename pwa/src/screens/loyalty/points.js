// Points as people read them: « 1 234 points », « +23 points », « −50 points » (a true minus sign).
import { formatPoints } from '../../ui/points-text.js';

export { formatPoints };

const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** « 1 234 », « −5 »: the figure alone, for the big balance. */
export function formatNumber(points) {
  return NUMBER.format(points).replace('-', '\u2212');
}

/** « +23 points », « −50 points », « 0 point ». */
export function signedPoints(points) {
  if (points > 0) return `+${formatPoints(points)}`;
  if (points < 0) return `\u2212${formatPoints(-points)}`;
  return formatPoints(points);
}

/** What a change of balance says while « Mon code » is shown, or null when nothing changed. */
export function balanceChange(before, after) {
  if (!Number.isInteger(before) || !Number.isInteger(after) || before === after) return null;
  const delta = after - before;
  const plural = Math.abs(delta) >= 2 ? 's' : '';
  return delta > 0
    ? `${signedPoints(delta)} reçu${plural} ! Nouveau solde : ${formatPoints(after)}.`
    : `${formatPoints(-delta)} utilisé${plural}. Nouveau solde : ${formatPoints(after)}.`;
}
