// Months as the city's statements count them: Paris calendar months, "YYYY-MM".
const SHOP_TIME_ZONE = 'Europe/Paris';
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text) {
  return MONTH.test(String(text ?? ''));
}

/** "2026-05" for a moment, in Paris (the 1st at 0 h 30 in Paris is already the new month). */
export function parisMonth(date = new Date(), timeZone = SHOP_TIME_ZONE) {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone }).formatToParts(
    date,
  );
  const value = (type) => parts.find((part) => part.type === type).value;
  return `${value('year')}-${value('month')}`;
}

/** "2026-01" shifted by -1 → "2025-12". */
export function shiftMonth(month, by) {
  const [, year, number] = MONTH.exec(month);
  const index = Number(year) * 12 + (Number(number) - 1) + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The statement opened by default: the last whole month, the one to settle. */
export function previousMonth(now = new Date(), timeZone = SHOP_TIME_ZONE) {
  return shiftMonth(parisMonth(now, timeZone), -1);
}

/** « mai 2026 » */
export function monthLabel(month) {
  const [, year, number] = MONTH.exec(month);
  return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(year), Number(number) - 1, 15)),
  );
}
