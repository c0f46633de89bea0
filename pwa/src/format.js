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
