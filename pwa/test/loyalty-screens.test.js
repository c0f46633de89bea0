import { describe, expect, it } from 'vitest';
import { keptPolicy } from '../src/offline-store.js';
import { adminScreen } from '../src/screens/admin/admin.js';
import { matchScreen } from '../src/router.js';
import { AUDIT_CHECKS, checkedAtText } from '../src/screens/admin/loyalty-audit.js';
import { isMonth, monthLabel, parisMonth, previousMonth, shiftMonth } from '../src/screens/admin/loyalty-month.js';
import { settingsBody, wholeNumber } from '../src/screens/admin/loyalty-settings.js';
import { STATEMENT_COLUMNS } from '../src/screens/admin/loyalty-statement.js';
import { rewardBody } from '../src/screens/merchant/rewards-dialog.js';
import { stockText } from '../src/screens/merchant/rewards.js';
import { rateText } from '../src/screens/shops/shop-loyalty.js';
import { filenameFromDisposition } from '../src/ui/download.js';
import { formatPoints, formatRate, stockLabel } from '../src/ui/points-text.js';

// Written with plain spaces for readability; the formatters use no-break spaces.
const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('statement months', () => {
  it('defaults to the last whole month, in Paris', () => {
    expect(previousMonth(new Date('2026-05-14T10:00:00Z'))).toBe('2026-04');
    // January: the previous month is December of the year before.
    expect(previousMonth(new Date('2026-01-10T10:00:00Z'))).toBe('2025-12');
    // 1 June at 0 h 30 in Paris is still 31 May in UTC: Paris decides.
    expect(parisMonth(new Date('2026-05-31T22:30:00Z'))).toBe('2026-06');
    expect(previousMonth(new Date('2026-05-31T22:30:00Z'))).toBe('2026-05');
  });

  it('shifts across years and reads only YYYY-MM', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-03', -15)).toBe('2024-12');
    expect(isMonth('2026-05')).toBe(true);
    for (const bad of ['2026-13', '2026-5', '26-05', '', null, '2026-05-01']) expect(isMonth(bad)).toBe(false);
  });

  it('names a month in French', () => {
    expect(monthLabel('2026-05')).toBe('mai 2026');
    expect(monthLabel('2025-12')).toBe('décembre 2025');
  });
});

describe('points in words', () => {
  it('says point in the singular below two, with French digit grouping', () => {
    expect(plain(formatPoints(1))).toBe('1 point');
    expect(plain(formatPoints(0))).toBe('0 point');
    expect(plain(formatPoints(12))).toBe('12 points');
    expect(plain(formatPoints(1250))).toBe('1 250 points');
    expect(plain(formatRate(3))).toBe('3 points par euro');
  });

  it('says when a reward is running out or gone, not when plenty is left', () => {
    expect(stockLabel(null)).toBeNull();
    expect(stockLabel(12)).toBeNull();
    expect(stockLabel(4)).toBeNull();
    expect(stockLabel(3)).toBe('plus que 3');
    expect(stockLabel(1)).toBe('plus que 1');
    expect(stockLabel(0)).toBe('épuisé');
    expect(stockText(null)).toBe('Stock illimité');
    expect(stockText(0)).toBe('Épuisé');
    expect(stockText(7)).toBe('Stock : 7');
  });

  it('gives the rate on the shop page only when it is not the usual one', () => {
    expect(rateText(1)).toBeNull();
    expect(plain(rateText(2))).toBe('Ici : 2 points par euro dépensé.');
  });
});

describe('the audit', () => {
  it('checks every count the server adds up into « healthy »', () => {
    expect(AUDIT_CHECKS.map(([key]) => key)).toEqual([
      'mismatched_accounts',
      'negative_accounts',
      'unbalanced_transactions',
      'doubly_reversed_transactions',
    ]);
  });

  it('dates the check', () => {
    expect(plain(checkedAtText('2026-05-14T07:40:00+00:00'))).toMatch(/^Vérifié le 14 mai 2026 à \d{1,2} h 40$/);
  });

  it('shows the statement columns in the order of the CSV', () => {
    expect(STATEMENT_COLUMNS.map(([key]) => key)).toEqual([
      'issued',
      'redeemed',
      'reversed_issued',
      'reversed_redeemed',
      'expired',
      'net',
    ]);
  });
});

describe('forms of the programme', () => {
  it('reads the rate and the cap as whole numbers', () => {
    expect(wholeNumber(' 3 ')).toBe(3);
    expect(wholeNumber('2,5')).toBeNaN();
    expect(wholeNumber('')).toBeNaN();
    expect(settingsBody({ points_per_euro: '2', daily_cap_points: '1 500' }, false)).toEqual({
      body: { points_per_euro: 2, daily_cap_points: 1500, enabled: false },
    });
    expect(Object.keys(settingsBody({ points_per_euro: '11', daily_cap_points: '0' }, true).fieldErrors)).toEqual([
      'points_per_euro',
      'daily_cap_points',
    ]);
  });

  it('sends a reward with an empty stock as unlimited', () => {
    expect(rewardBody({ title: ' Un café offert ', cost_points: '50', stock: '', description: '' })).toEqual({
      body: { title: 'Un café offert', cost_points: 50, stock: null, description: null },
    });
    expect(rewardBody({ title: 'Tote bag', cost_points: '200', stock: '0', description: 'En coton' }).body.stock).toBe(0);
    const refused = rewardBody({ title: '  ', cost_points: '0', stock: '-1', description: '' });
    expect(Object.keys(refused.fieldErrors).sort()).toEqual(['cost_points', 'stock', 'title']);
  });
});

describe('downloads', () => {
  it('takes the file name the server gives', () => {
    expect(filenameFromDisposition('attachment; filename="releve-points-2026-05.csv"')).toBe(
      'releve-points-2026-05.csv',
    );
    expect(filenameFromDisposition('attachment; filename=points.json')).toBe('points.json');
    expect(filenameFromDisposition("attachment; filename=\"x.json\"; filename*=UTF-8''relev%C3%A9.csv")).toBe(
      'relevé.csv',
    );
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition('attachment')).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
  });
});

describe('offline and addresses', () => {
  it('keeps a shop’s public loyalty answer, not the merchant’s or the city’s', () => {
    expect(keptPolicy('/shops/abc/loyalty')).toMatchObject({ kind: 'loyalty', key: 'loyalty:abc' });
    expect(keptPolicy('/shops/abc/loyalty', { token: 't' })).toBeNull();
    expect(keptPolicy('/shops/abc/loyalty/transactions')).toBeNull();
    expect(keptPolicy('/admin/loyalty/audit')).toBeNull();
    expect(keptPolicy('/shops/abc/loyalty').accept({ participating: false, rewards: [] })).toBe(true);
  });

  it('opens the programme page under Administration', () => {
    const screens = [adminScreen({ api: null, auth: null })];
    expect(matchScreen(screens, '/admin/fidelite').params.section).toBe('fidelite');
    expect(matchScreen(screens, '/admin')).not.toBeNull();
    expect(matchScreen(screens, '/admin/autre')).toBeNull();
  });
});
