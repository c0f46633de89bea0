// French formats from Intl fr-FR; `timeZone` is left to the device unless given.
// Numbers stay glued to their unit with no-break spaces (« 14 h 05 » never splits).
const NBSP = '\u00a0';

function partsOf(formatter, date) {
  return Object.fromEntries(formatter.formatToParts(date).map((part) => [part.type, part.value]));
}

/** « 26 nov. », « 1er déc. » */
export function formatDayMonth(date, { timeZone } = {}) {
  const parts = partsOf(
    new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', timeZone }),
    date,
  );
  const day = parts.day === '1' ? '1er' : parts.day;
  return `${day}${NBSP}${parts.month}`;
}

/** « 14 h 05 », « 9 h 30 » */
export function formatTime(date, { timeZone } = {}) {
  const parts = partsOf(
    new Intl.DateTimeFormat('fr-FR', {
      hour: 'numeric',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }),
    date,
  );
  return `${Number(parts.hour)}${NBSP}h${NBSP}${parts.minute}`;
}

/** « 26 novembre 2025 » */
export function formatLongDate(date, { timeZone } = {}) {
  const parts = partsOf(
    new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone }),
    date,
  );
  const day = parts.day === '1' ? '1er' : parts.day;
  return `${day}${NBSP}${parts.month} ${parts.year}`;
}

/** The offline banner text; `lastDataAt` is the last successful API response, or null. */
export function formatOfflineMessage(lastDataAt, options = {}) {
  if (!lastDataAt || Number.isNaN(lastDataAt.getTime())) return 'Hors ligne';
  return `Hors ligne — dernières données du ${formatDayMonth(lastDataAt, options)} à${NBSP}${formatTime(lastDataAt, options)}`;
}

/** « 1 min 05 s », « 45 s » — for the session countdown. */
export function formatCountdown(totalSeconds) {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest}${NBSP}s`;
  return `${minutes}${NBSP}min ${String(rest).padStart(2, '0')}${NBSP}s`;
}

const PRICE = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const KILOMETRES = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const SHOP_TIME_ZONE = 'Europe/Paris';

/** « 1,20 € » from integer cents. */
export function formatPrice(cents) {
  return PRICE.format(cents / 100);
}

/** « 250 m », « 1,2 km »: metres to the nearest 10 below a kilometre. */
export function formatDistance(metres) {
  const rounded = Math.max(10, Math.round(metres / 10) * 10);
  if (rounded < 1000) return `${rounded}${NBSP}m`;
  return `${KILOMETRES.format(metres / 1000)}${NBSP}km`;
}

function clock(hours, minutes) {
  return minutes ? `${hours}${NBSP}h${NBSP}${String(minutes).padStart(2, '0')}` : `${hours}${NBSP}h`;
}

/** « 9 h 30 », « 14 h » from the API's "09:30:00"; the end of the day is « minuit ». */
export function formatClock(text) {
  const [hours, minutes] = String(text).split(':').map(Number);
  if (hours === 23 && minutes === 59) return 'minuit';
  return clock(hours, minutes);
}

/** « 9 h 30 – 12 h 30, 14 h – 19 h » */
export function formatIntervals(intervals) {
  return intervals.map(([opens, closes]) => `${formatClock(opens)} – ${formatClock(closes)}`).join(', ');
}

/** "2026-11-26" in a time zone, to compare calendar days. */
function dayKey(date, timeZone) {
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', timeZone };
  return new Intl.DateTimeFormat('en-CA', options).format(date);
}

function daysBetween(fromKey, toKey) {
  const utc = (key) => Date.UTC(...key.split('-').map((part, index) => Number(part) - (index === 1 ? 1 : 0)));
  return Math.round((utc(toKey) - utc(fromKey)) / 86_400_000);
}

/** « lundi » for "2026-11-30" (a calendar date, whatever the device's time zone). */
export function weekdayName(isoDate) {
  const noon = new Date(`${isoDate}T12:00:00Z`);
  return new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' }).format(noon);
}

/** « jeudi 26 nov. » for "2026-11-26". */
export function formatDayLabel(isoDate) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  return `${weekdayName(isoDate)} ${formatDayMonth(date, { timeZone: 'UTC' })}`;
}

/** « à 19 h 30 », « demain à 9 h », « lundi à 9 h », « le 3 déc. à 9 h » — in the shop's time zone. */
export function formatWhen(change, now = new Date(), timeZone = SHOP_TIME_ZONE) {
  const parts = partsOf(
    new Intl.DateTimeFormat('fr-FR', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone }),
    change,
  );
  const at = `à${NBSP}${clock(Number(parts.hour), Number(parts.minute))}`;
  const days = daysBetween(dayKey(now, timeZone), dayKey(change, timeZone));
  if (days <= 0) return at;
  if (days === 1) return `demain ${at}`;
  if (days < 7) {
    const weekday = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone }).format(change);
    return `${weekday} ${at}`;
  }
  return `le ${formatDayMonth(change, { timeZone })} ${at}`;
}

/**
 * The opening badge: { state: 'open' | 'closed' | 'unknown', label }.
 * « Ouvert · ferme à 19 h 30 », « Fermé · ouvre demain à 9 h », « Horaires non renseignés ».
 */
export function openingStatus({ open_now: openNow, next_change_at: nextChangeAt = null }, now = new Date()) {
  if (openNow === null || openNow === undefined) return { state: 'unknown', label: 'Horaires non renseignés' };
  const change = nextChangeAt ? new Date(nextChangeAt) : null;
  const valid = change && !Number.isNaN(change.getTime());
  if (openNow) {
    return { state: 'open', label: valid ? `Ouvert · ferme ${formatWhen(change, now)}` : 'Ouvert' };
  }
  return { state: 'closed', label: valid ? `Fermé · ouvre ${formatWhen(change, now)}` : 'Fermé' };
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One day of a week from the API: « fermé », « 9 h 30 – 12 h 30, 14 h – 19 h », « non renseigné ». */
export function dayHoursText(day) {
  if (day.intervals.length) return formatIntervals(day.intervals);
  return day.unknown ? 'non renseigné' : 'fermé';
}

/** ["Lundi : fermé", "Mardi : 9 h 30 – 12 h 30, 14 h – 19 h", …], Monday first. */
export function weekDays(week) {
  const mondayFirst = [...week].sort((a, b) => isoWeekday(a.date) - isoWeekday(b.date));
  return mondayFirst.map((day) => `${capitalise(weekdayName(day.date))}${NBSP}: ${dayHoursText(day)}`);
}

/** « Lundi : fermé · Mardi : 9 h 30 – 12 h 30, 14 h – 19 h · … », Monday first. */
export function weekSummary(week) {
  return weekDays(week).join(' · ');
}

function isoWeekday(isoDate) {
  return ((new Date(`${isoDate}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** « 12 commerces trouvés », « Plus de 20 commerces trouvés », « Aucun commerce trouvé ». */
export function formatResultCount(count, hasMore = false) {
  if (count === 0) return 'Aucun commerce trouvé';
  if (hasMore) return `Plus de ${count} commerces trouvés`;
  return count === 1 ? '1 commerce trouvé' : `${count} commerces trouvés`;
}

/** "1,20", "3" or "1.5" (euros typed by a person) → cents; null when empty; NaN when unreadable. */
export function parseEuros(text) {
  const cleaned = String(text ?? '').replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!cleaned) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return Number.NaN;
  return Math.round(Number(cleaned) * 100);
}

/** Cents → "1,20" for an input field. */
export function centsToInput(cents) {
  if (cents === null || cents === undefined) return '';
  return (cents / 100).toFixed(2).replace('.', ',');
}
