import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDayMonth, formatLongDate, formatOfflineMessage, formatTime } from '../src/format.js';

const paris = { timeZone: 'Europe/Paris' };
// Written with plain spaces for readability; the formatters use no-break spaces.
const plain = (text) => text.replaceAll('\u00a0', ' ');

describe('offline banner', () => {
  it('says when the last data arrived, in French', () => {
    // 26 Nov 2025 14:05 in Paris (UTC+1).
    const at = new Date('2025-11-26T13:05:00Z');
    expect(plain(formatOfflineMessage(at, paris))).toBe('Hors ligne — dernières données du 26 nov. à 14 h 05');
  });

  it('never breaks a time or a date apart', () => {
    const at = new Date('2025-11-26T13:05:00Z');
    expect(formatTime(at, paris)).toBe('14\u00a0h\u00a005');
    expect(formatDayMonth(at, paris)).toBe('26\u00a0nov.');
  });

  it('is just « Hors ligne » without any data', () => {
    expect(plain(formatOfflineMessage(null))).toBe('Hors ligne');
    expect(plain(formatOfflineMessage(new Date('not a date')))).toBe('Hors ligne');
  });

  it('follows summer time and French ordinals', () => {
    expect(plain(formatDayMonth(new Date('2026-07-01T07:30:00Z'), paris))).toBe('1er juil.');
    expect(plain(formatTime(new Date('2026-07-01T07:30:00Z'), paris))).toBe('9 h 30');
    expect(plain(formatTime(new Date('2026-05-03T22:00:00Z'), paris))).toBe('0 h 00');
    expect(plain(formatDayMonth(new Date('2026-05-03T10:00:00Z'), paris))).toBe('3 mai');
  });
});

describe('other formats', () => {
  it('writes long dates', () => {
    expect(plain(formatLongDate(new Date('2025-11-26T10:00:00Z'), paris))).toBe('26 novembre 2025');
    expect(plain(formatLongDate(new Date('2026-03-01T10:00:00Z'), paris))).toBe('1er mars 2026');
  });

  it('counts down in minutes and seconds', () => {
    expect(plain(formatCountdown(119.2))).toBe('2 min 00 s');
    expect(plain(formatCountdown(65))).toBe('1 min 05 s');
    expect(plain(formatCountdown(9))).toBe('9 s');
    expect(plain(formatCountdown(-3))).toBe('0 s');
  });
});

describe('catalogue and search formats', () => {
  it('writes prices and distances the French way', async () => {
    const { formatPrice, formatDistance, parseEuros, centsToInput } = await import('../src/format.js');
    expect(plain(formatPrice(120)).replace('\u202f', ' ')).toBe('1,20 €');
    expect(plain(formatDistance(248))).toBe('250 m');
    expect(plain(formatDistance(34))).toBe('30 m');
    expect(plain(formatDistance(1234))).toBe('1,2 km');
    expect(plain(formatDistance(996))).toBe('1 km');
    expect(parseEuros('1,20')).toBe(120);
    expect(parseEuros(' 3 € ')).toBe(300);
    expect(parseEuros('')).toBeNull();
    expect(parseEuros('abc')).toBeNaN();
    expect(centsToInput(150)).toBe('1,50');
  });

  it('says when a shop opens or closes', async () => {
    const { openingStatus } = await import('../src/format.js');
    const now = new Date('2026-11-26T10:00:00Z'); // Thursday 11:00 in Paris
    expect(plain(openingStatus({ open_now: true, next_change_at: '2026-11-26T19:30:00+01:00' }, now).label)).toBe(
      'Ouvert · ferme à 19 h 30',
    );
    expect(plain(openingStatus({ open_now: false, next_change_at: '2026-11-27T09:00:00+01:00' }, now).label)).toBe(
      'Fermé · ouvre demain à 9 h',
    );
    expect(plain(openingStatus({ open_now: false, next_change_at: '2026-11-30T09:00:00+01:00' }, now).label)).toBe(
      'Fermé · ouvre lundi à 9 h',
    );
    expect(plain(openingStatus({ open_now: false, next_change_at: '2026-12-10T09:00:00+01:00' }, now).label)).toBe(
      'Fermé · ouvre le 10 déc. à 9 h',
    );
    expect(openingStatus({ open_now: null, next_change_at: null }, now)).toEqual({
      state: 'unknown',
      label: 'Horaires non renseignés',
    });
  });

  it('summarises a week Monday first', async () => {
    const { weekSummary, formatResultCount } = await import('../src/format.js');
    const week = [
      { date: '2026-11-26', intervals: [['09:30:00', '12:30:00'], ['14:00:00', '19:00:00']], unknown: false },
      { date: '2026-11-27', intervals: [['18:00:00', '23:59:59.999999']], unknown: false },
      { date: '2026-11-28', intervals: [], unknown: true },
      { date: '2026-11-29', intervals: [], unknown: false },
      { date: '2026-11-30', intervals: [], unknown: false },
      { date: '2026-12-01', intervals: [['09:30:00', '12:30:00']], unknown: false },
      { date: '2026-12-02', intervals: [['09:30:00', '12:30:00']], unknown: false },
    ];
    expect(plain(weekSummary(week))).toBe(
      'Lundi : fermé · Mardi : 9 h 30 – 12 h 30 · Mercredi : 9 h 30 – 12 h 30 · ' +
        'Jeudi : 9 h 30 – 12 h 30, 14 h – 19 h · Vendredi : 18 h – minuit · Samedi : non renseigné · Dimanche : fermé',
    );
    expect(formatResultCount(12)).toBe('12 commerces trouvés');
    expect(formatResultCount(1)).toBe('1 commerce trouvé');
    expect(formatResultCount(20, true)).toBe('Plus de 20 commerces trouvés');
    expect(formatResultCount(0)).toBe('Aucun commerce trouvé');
  });
});
