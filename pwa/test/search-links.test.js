import { describe, expect, it } from 'vitest';
import { openedFrom } from '../src/router.js';
import { matchFromQuery, shopHref } from '../src/screens/search/state.js';

describe('from a search to a shop page and back', () => {
  it('puts the words searched and the kind of items in the shop link', () => {
    expect(shopHref('a b', { q: '  pain sans gluten ', kind: 'service' })).toBe(
      '/boutique/a%20b?q=pain+sans+gluten&type=services',
    );
    expect(shopHref('id', { q: '', kind: '' })).toBe('/boutique/id');
  });

  it('reads them back on the shop page, and nothing without words', () => {
    expect(matchFromQuery(new URLSearchParams('q=pain+sans+gluten&type=services'))).toEqual({
      q: 'pain sans gluten',
      kind: 'service',
    });
    expect(matchFromQuery(new URLSearchParams('q=croissant&type=n-importe'))).toEqual({ q: 'croissant', kind: '' });
    expect(matchFromQuery(new URLSearchParams('q=%20&type=produits'))).toBeNull();
    expect(matchFromQuery(new URLSearchParams(''))).toBeNull();
  });

  it('knows where a history entry was opened from, when the app opened it', () => {
    expect(openedFrom({ from: '/?q=pain' })).toBe('/?q=pain');
    expect(openedFrom(null)).toBeNull();
    expect(openedFrom({ from: 3 })).toBeNull();
  });
});
