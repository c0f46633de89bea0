import { describe, expect, it, vi } from 'vitest';
import { createActionQueue, newIdempotencyKey, outcomeOf } from '../src/loyalty-queue.js';
import { keptPolicy } from '../src/offline-store.js';
import { renewalAt } from '../src/screens/loyalty/member-code.js';
import { balanceChange, formatPoints, signedPoints } from '../src/screens/loyalty/points.js';
import { pointsFor, readAmount } from '../src/screens/merchant/counter-actions.js';
import { canReverse } from '../src/screens/merchant/counter-day.js';
import { doneText, refusedText } from '../src/screens/merchant/counter-send.js';
import { barHeights } from '../src/screens/merchant/counter-weeks.js';
import { fittedWidth, formatCode, qrMatrix, qrPath, QUIET_ZONE_MODULES } from '../src/ui/qr-code.js';
import { looksLikeCode, normaliseCode } from '../src/ui/qr-scanner.js';

const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('codes', () => {
  it('are typed in any case, with spaces or dashes', () => {
    expect(normaliseCode(' k7qm-2xpa ')).toBe('K7QM2XPA');
    expect(normaliseCode('K7QM\u00a02XPA')).toBe('K7QM2XPA');
    expect(looksLikeCode('K7QM2XPA')).toBe(true);
    // The server's alphabet has no 0, 1, I, L, O.
    expect(looksLikeCode('K7QM2XP0')).toBe(false);
    expect(looksLikeCode('K7QM2XP')).toBe(false);
  });

  it('are shown in two groups of four', () => {
    expect(formatCode('K7QM2XPA')).toBe('K7QM 2XPA');
    expect(formatCode('k7qm-2xpa')).toBe('K7QM 2XPA');
  });
});

describe('QR codes', () => {
  it('draw every dark module once, inside the quiet zone', () => {
    const matrix = qrMatrix('K7QM2XPA');
    expect(matrix.length).toBe(21);
    const dark = matrix.flat().filter(Boolean).length;
    const path = qrPath(matrix);
    const drawn = [...path.matchAll(/M(\d+) (\d+)h(\d+)/g)];
    expect(drawn.reduce((sum, [, , , run]) => sum + Number(run), 0)).toBe(dark);
    expect(Math.min(...drawn.map(([, x]) => Number(x)))).toBe(QUIET_ZONE_MODULES);
    // The top-left finder pattern's first row: seven dark modules in one run.
    expect(path.startsWith(`M${QUIET_ZONE_MODULES} ${QUIET_ZONE_MODULES}h7v1h-7z`)).toBe(true);
  });

  it('are fitted in whole device pixels per module, never under 45 mm', () => {
    const width = fittedWidth(29, 320, 2.75);
    expect(Number.isInteger((width * 2.75) / 29)).toBe(true);
    expect(width).toBeLessThanOrEqual(320);
    expect(fittedWidth(29, 100, 1)).toBeGreaterThanOrEqual((45 / 25.4) * 96);
    expect(fittedWidth(29, 2000, 1)).toBeLessThanOrEqual(360);
  });
});

describe('amounts and points', () => {
  it('read euros with a French decimal comma', () => {
    expect(readAmount('23,50')).toBe(2350);
    expect(readAmount('23.5')).toBe(2350);
    expect(readAmount(' 12 € ')).toBe(1200);
    for (const bad of ['', 'douze', '0', '1,234']) {
      expect(() => readAmount(bad)).toThrow();
    }
    try {
      readAmount('abc');
    } catch (error) {
      expect(error.fieldErrors.amount_cents).toContain('23,50');
    }
  });

  it('count points per whole euro, as the server does', () => {
    expect(pointsFor(2350)).toBe(23);
    expect(pointsFor(99)).toBe(0);
    expect(pointsFor(2350, 2)).toBe(46);
  });

  it('say points in French', () => {
    expect(plain(formatPoints(0))).toBe('0 point');
    expect(plain(formatPoints(1))).toBe('1 point');
    expect(plain(formatPoints(1234))).toBe('1 234 points');
    expect(plain(signedPoints(23))).toBe('+23 points');
    expect(plain(signedPoints(-50))).toBe('\u221250 points');
    expect(plain(balanceChange(0, 23))).toBe('+23 points reçus ! Nouveau solde : 23 points.');
    expect(plain(balanceChange(37, 27))).toBe('10 points utilisés. Nouveau solde : 27 points.');
    expect(balanceChange(5, 5)).toBeNull();
    expect(balanceChange(null, 5)).toBeNull();
  });

  it('say what the counter did', () => {
    expect(plain(doneText('earn', { points: 23 }))).toBe('23 points donnés');
    expect(plain(doneText('earn', { points: 1 }))).toBe('1 point donné');
    expect(plain(doneText('redeem', { points: -10 }))).toBe('Récompense remise : 10 points utilisés');
    expect(plain(doneText('reverse', { points: -37, leaves_negative_balance: true }))).toContain('solde devient négatif');
    expect(refusedText({ detail: 'Code client inconnu ou expiré.', type: 'https://x/problems/invalid-member-code' })).toContain(
      'deux minutes',
    );
  });
});

describe('the member code', () => {
  it('is renewed 20 s before it ends', () => {
    expect(renewalAt({ valid_seconds: 120 }, 1000)).toBe(101_000);
    expect(renewalAt({ valid_seconds: 20 }, 0)).toBe(10_000);
  });
});

describe('today’s operations', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  it('offer « Annuler » for earns and redemptions not yet reversed, within their window', () => {
    const base = { kind: 'earn', reversed: false, reversible_until: '2026-12-16T10:00:00Z' };
    expect(canReverse(base, now)).toBe(true);
    expect(canReverse({ ...base, kind: 'redeem' }, now)).toBe(true);
    expect(canReverse({ ...base, reversed: true }, now)).toBe(false);
    expect(canReverse({ ...base, made_by_you: false }, now)).toBe(false);
    expect(canReverse({ ...base, kind: 'reverse' }, now)).toBe(false);
    expect(canReverse({ ...base, reversible_until: '2026-12-01T10:00:00Z' }, now)).toBe(false);
    expect(canReverse({ ...base, reversible_until: null }, now)).toBe(false);
  });

  it('chart the tallest week full height, and a small one still visible', () => {
    const heights = barHeights([
      { issued: 100, redeemed: 1 },
      { issued: 0, redeemed: 50 },
    ], 80);
    expect(heights).toEqual([
      { issued: 80, redeemed: 1 },
      { issued: 0, redeemed: 40 },
    ]);
  });
});

function memoryBackend() {
  const map = new Map();
  return {
    map,
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, value),
    del: async (key) => void map.delete(key),
    values: async () => [...map.values()],
    clear: async () => map.clear(),
  };
}

const networkDown = Object.assign(new Error('Connexion impossible.'), { isNetworkError: true });
const problem = (status, type, message = 'Refusé.') => Object.assign(new Error(message), { status, type });

describe('the offline queue', () => {
  it('sends each action once, oldest first, with its own key and body', async () => {
    const backend = memoryBackend();
    const send = vi.fn(async (item) => ({ points: item.body.amount_cents / 100 }));
    let clock = 0;
    const queue = createActionQueue({ backend, send, now: () => ++clock, locks: null });
    await queue.add({ key: 'k1', kind: 'earn', path: '/loyalty/earn', body: { amount_cents: 500 }, userId: 'u1', shopId: 's1' });
    await queue.add({ key: 'k2', kind: 'earn', path: '/loyalty/earn', body: { amount_cents: 700 }, userId: 'u1', shopId: 's1' });
    await queue.add({ key: 'k3', kind: 'earn', path: '/loyalty/earn', body: { amount_cents: 900 }, userId: 'u2', shopId: 's1' });
    const sent = [];
    queue.events.addEventListener('sent', (event) => sent.push(event.detail.item.key));
    // Two flushes at once (the online event and the screen) send nothing twice.
    await Promise.all([queue.flush({ userId: 'u1' }), queue.flush({ userId: 'u1' })]);
    expect(send.mock.calls.map(([item]) => item.key)).toEqual(['k1', 'k2']);
    expect(sent).toEqual(['k1', 'k2']);
    expect((await queue.list({ userId: 'u1' })).length).toBe(0);
    // Another person's action waits for that person.
    expect((await queue.list()).map((item) => item.key)).toEqual(['k3']);
    await queue.flush({ userId: 'u1' });
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('keeps actions while the network is down, and the refusals with their reason', async () => {
    const backend = memoryBackend();
    const answers = [networkDown];
    const send = vi.fn(async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    });
    const queue = createActionQueue({ backend, send, locks: null });
    await queue.add({ key: 'a', kind: 'earn', path: '/p', body: {}, userId: 'u' });
    await queue.add({ key: 'b', kind: 'earn', path: '/p', body: {}, userId: 'u' });
    await queue.flush({ userId: 'u' });
    // No network: the first fails and the second is not even tried.
    expect(send).toHaveBeenCalledTimes(1);
    expect((await queue.list()).map((item) => item.status)).toEqual(['pending', 'pending']);

    answers.push(problem(422, 'https://x/problems/invalid-member-code', 'Code client inconnu ou expiré.'), { points: 3 });
    await queue.flush({ userId: 'u' });
    const [refused] = await queue.list();
    expect(refused).toMatchObject({ key: 'a', status: 'refused', detail: 'Code client inconnu ou expiré.' });
    expect((await queue.list()).length).toBe(1);
    // A refusal is not sent again; the merchant dismisses it.
    await queue.flush({ userId: 'u' });
    expect(send).toHaveBeenCalledTimes(3);
    await queue.dismiss('a');
    expect(await queue.list()).toEqual([]);
  });

  it('tells a refusal from a moment to wait', () => {
    expect(outcomeOf(networkDown)).toBe('retry');
    expect(outcomeOf(problem(503))).toBe('retry');
    expect(outcomeOf(problem(401))).toBe('retry');
    expect(outcomeOf(problem(409, 'https://x/problems/idempotency-in-progress'))).toBe('retry');
    expect(outcomeOf(problem(409, 'https://x/problems/insufficient-points'))).toBe('refuse');
    expect(outcomeOf(problem(422, 'https://x/problems/invalid-member-code'))).toBe('refuse');
  });

  it('is emptied by clear(), as at sign-out', async () => {
    const queue = createActionQueue({ backend: memoryBackend(), send: vi.fn(), locks: null });
    await queue.add({ key: 'a', path: '/p', userId: 'u' });
    await queue.clear();
    expect(await queue.list()).toEqual([]);
  });

  it('makes a fresh key each time', () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});

describe('the shopper’s points offline', () => {
  it('are kept for the signed-in shopper only, first page of history only', () => {
    expect(keptPolicy('/loyalty/me')).toBeNull();
    expect(keptPolicy('/loyalty/me', { token: 't' }).key).toBe('points:balance');
    expect(keptPolicy('/loyalty/me/history?limit=20', { token: 't' }).key).toBe('points:history');
    expect(keptPolicy('/loyalty/me/history?limit=20&cursor=x', { token: 't' })).toBeNull();
    expect(keptPolicy('/loyalty/me/history', { token: 't' }).shape({ results: [1], next_cursor: 'c' })).toEqual({
      results: [1],
      next_cursor: null,
    });
  });
});
