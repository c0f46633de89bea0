// A shop's address looked up in the national address base (through our server, /geocode): a list of
// addresses to choose from, each a button, so a keyboard or a screen reader picks one as easily as a finger.
import { isAbort, queryString } from '../api.js';
import { h, setChildren } from '../dom.js';
import { icon } from '../icons.js';
import './address-search.css';

const TYPING_PAUSE_MS = 600;
const MIN_LENGTH = 5;

function plural(count, one, many) {
  return count === 1 ? one : many;
}

/** Worth a look-up: enough characters, with a letter (a street name) in them. */
export function searchable(text) {
  const cleaned = text.trim();
  return cleaned.length >= MIN_LENGTH && /\p{L}{2}/u.test(cleaned);
}

/**
 * Suggestions for the address typed in `addressField` (a forms.js field). `onPick({ label, lat, lon })` is
 * called with the address chosen, which also replaces the typed text. Returns { element, destroy }.
 */
export function addressSearch({ api, idPrefix, addressField, onPick }) {
  const listId = `${idPrefix}-address-suggestions`;
  const status = h('p', { 'class': 'hint address-status', 'aria-live': 'polite' });
  const list = h('ul', { 'id': listId, 'class': 'address-suggestions', 'aria-label': 'Emplacements trouvés' });
  list.hidden = true;
  const searchButton = h(
    'button',
    { 'type': 'button', 'class': 'button button-secondary button-compact', 'aria-controls': listId },
    icon('search'),
    h('span', {}, 'Chercher l’adresse'),
  );
  let timer = null;
  let controller = null;
  let lastQuery = null;

  const clear = () => {
    list.hidden = true;
    setChildren(list);
  };

  async function lookUp(text, { typed = false } = {}) {
    const query = text.trim();
    if (!searchable(query)) {
      if (!typed) {
        status.textContent =
          'Saisissez d’abord l’adresse (numéro et rue), par exemple « 12 Grande Rue, Valence ».';
        addressField.input.focus();
      }
      return;
    }
    if (typed && query === lastQuery) return;
    lastQuery = query;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    status.textContent = 'Recherche de l’adresse…';
    try {
      const { results } = await api.authed(`/geocode${queryString({ q: query, limit: 5 })}`, { signal });
      if (signal.aborted) return;
      if (!results.length) {
        clear();
        status.textContent =
          'Aucune adresse de l’agglomération ne correspond : vérifiez-la, ou placez le repère sur la carte.';
        return;
      }
      status.textContent = `${results.length} ${plural(results.length, 'adresse trouvée', 'adresses trouvées')} : choisissez la vôtre pour placer le repère.`;
      setChildren(
        list,
        results.map((result) => {
          const choose = h(
            'button',
            { type: 'button', class: 'address-suggestion' },
            icon('pin', 'icon icon-small'),
            h('span', {}, result.label),
          );
          choose.addEventListener('click', () => {
            addressField.input.value = result.label;
            addressField.setError(null);
            lastQuery = result.label;
            clear();
            status.textContent = '';
            onPick({ label: result.label, lat: result.lat, lon: result.lon });
            searchButton.focus();
          });
          return h('li', {}, choose);
        }),
      );
      list.hidden = false;
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      clear();
      lastQuery = null;
      status.textContent = error.message;
    }
  }

  searchButton.addEventListener('click', () => {
    clearTimeout(timer);
    lastQuery = null;
    lookUp(addressField.input.value);
  });
  const onInput = () => {
    clearTimeout(timer);
    timer = setTimeout(() => lookUp(addressField.input.value, { typed: true }), TYPING_PAUSE_MS);
  };
  addressField.input.addEventListener('input', onInput);

  const element = h('div', { class: 'address-search' }, searchButton, status, list);
  return {
    element,
    destroy() {
      clearTimeout(timer);
      controller?.abort();
      addressField.input.removeEventListener('input', onInput);
    },
  };
}
