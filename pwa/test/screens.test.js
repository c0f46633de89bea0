import { describe, expect, it } from 'vitest';
import { matchScreen } from '../src/router.js';
import { queryFromState, stateFromQuery } from '../src/screens/search/state.js';
import { directionsUrl } from '../src/screens/shops/shop.js';
import { csvTemplate, lineLabel } from '../src/ui/csv-import.js';
import { parseCoordinate } from '../src/ui/position-picker.js';

describe('search state in the URL', () => {
  it('reads what it writes', () => {
    const state = stateFromQuery(
      new URLSearchParams(
        'q=pain+sans+gluten&ouvert=1&categorie=boulangerie&type=services&rayon=500&tri=distance&vue=carte&autour=1',
      ),
    );
    expect(state).toEqual({
      q: 'pain sans gluten',
      category: 'boulangerie',
      kind: 'service',
      openNow: true,
      radius: 500,
      sort: 'distance',
      view: 'map',
      near: true,
    });
    expect(queryFromState(state)).toBe(
      '?q=pain+sans+gluten&categorie=boulangerie&type=services&ouvert=1&rayon=500&tri=distance&vue=carte&autour=1',
    );
  });

  it('falls back to defaults and leaves them out of the URL', () => {
    const state = stateFromQuery(new URLSearchParams('rayon=123&tri=n-importe&type=x'));
    expect(state).toMatchObject({
      q: '',
      kind: '',
      radius: 2000,
      sort: 'relevance',
      view: 'list',
      near: false,
    });
    expect(queryFromState(state)).toBe('');
    // Distance settings mean nothing without a position.
    expect(queryFromState({ ...state, radius: 500, sort: 'distance' })).toBe('');
  });
});

describe('routes', () => {
  const screens = [{ path: '/commerce/nouveau' }, { path: /^\/commerce\/(?<id>[^/]+)$/ }];
  it('matches fixed paths first, then patterns with their parameters', () => {
    expect(matchScreen(screens, '/commerce/nouveau').screen).toBe(screens[0]);
    expect(matchScreen(screens, '/commerce/abc%20d')).toEqual({
      screen: screens[1],
      params: { id: 'abc d' },
    });
    expect(matchScreen(screens, '/ailleurs')).toBeNull();
  });
});

describe('merchant helpers', () => {
  it('reads coordinates typed with a comma or a dot', () => {
    expect(parseCoordinate('44,9334')).toBe(44.9334);
    expect(parseCoordinate(' -4.5 ')).toBe(-4.5);
    expect(parseCoordinate('')).toBeNaN();
    expect(parseCoordinate('44°55')).toBeNaN();
  });

  it('makes a CSV template a French spreadsheet opens', () => {
    const template = csvTemplate();
    expect(
      template.startsWith('\ufefftype;nom;description;catégorie;prix;en_stock;référence\r\n'),
    ).toBe(true);
    expect(template.trim().split('\r\n')).toHaveLength(4);
    expect(lineLabel('line 12')).toBe('Ligne 12');
    expect(lineLabel('body')).toBe('body');
  });

  it('links to OpenStreetMap directions on foot', () => {
    expect(directionsUrl({ lat: 44.93, lon: 4.89 })).toBe(
      'https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&to=44.93%2C4.89#map=18/44.93/4.89',
    );
  });
});
