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
