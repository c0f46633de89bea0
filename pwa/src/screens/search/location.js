// « Autour de moi »: says why before asking for the position; refused, distances count from the city centre.
// The long explanation shows on the empty screen until the person has seen it once; after that, and as soon as
// there are results to show, the position is a one-line control with its « Pourquoi ? » one tap away.
import { h, setChildren } from '../../dom.js';
import { locate, POSITION_WHY, roundPosition } from '../../geo.js';
import { icon } from '../../icons.js';
import { loadConfig } from '../../reference-data.js';

// Place de la République, should /config not answer either.
const FALLBACK_CENTRE = { lat: 44.9334, lon: 4.8924 };
const EXPLAINED_KEY = 'valence-location-explained';

function compactButton(label, onclick, attributes = {}) {
  return h(
    'button',
    { type: 'button', class: 'button button-secondary button-compact', onclick, ...attributes },
    label,
  );
}

function storedFlag(storage) {
  try {
    return storage?.getItem(EXPLAINED_KEY) === '1';
  } catch {
    return false;
  }
}

/** A « Pourquoi ? » button that shows or hides `panel` (the disclosure pattern). */
function disclosure(label, panel) {
  const button = h(
    'button',
    {
      'type': 'button',
      'class': 'disclosure',
      'aria-expanded': 'false',
      'aria-controls': panel.id,
    },
    h('span', {}, label),
  );
  panel.hidden = true;
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
  });
  return button;
}

/** Sets `state.origin`, `state.locationStatus` and `state.near`, then calls `onChange()`. */
export function locationCard(state, { api, onChange, storage = window.localStorage }) {
  const element = h('section', { 'class': 'location-card', 'aria-labelledby': 'location-title' });
  let explained = storedFlag(storage);

  function markExplained() {
    explained = true;
    try {
      storage?.setItem(EXPLAINED_KEY, '1');
    } catch {
      // Private browsing may refuse: the explanation simply shows again next time.
    }
  }

  const title = (text, { hidden = false } = {}) =>
    h(
      'h2',
      { id: 'location-title', class: hidden ? 'visually-hidden' : 'location-title' },
      hidden ? null : icon('locate', 'icon icon-small'),
      h('span', {}, text),
    );

  function render() {
    element.classList.remove('is-long');
    if (state.locationStatus === 'granted') {
      setChildren(
        element,
        h('div', { class: 'location-row' }, title('Autour de vous'), compactButton('Oublier ma position', forgetPosition)),
      );
      return;
    }
    if (state.locationStatus === 'refused') {
      const help = h(
        'p',
        { id: 'location-help', class: 'hint' },
        'Les distances sont mesurées depuis le centre-ville (place de la République). Pour utiliser votre ' +
          'position, autorisez la localisation pour ce site dans les réglages du navigateur, puis touchez ' +
          '« Réessayer ». Tout le reste fonctionne sans elle.',
      );
      setChildren(
        element,
        h(
          'div',
          { class: 'location-row' },
          title('Autour du centre-ville'),
          compactButton('Réessayer', () => useMyPosition()),
        ),
        h(
          'p',
          { class: 'location-status', role: 'status' },
          'Votre position n’est pas disponible.',
        ),
        h(
          'div',
          { class: 'location-row' },
          compactButton('Chercher partout', forgetPosition),
          disclosure('Comment faire ?', help),
        ),
        help,
      );
      return;
    }
    const locating = state.locationStatus === 'locating';
    const why = h('p', { id: 'location-why', class: 'hint' }, POSITION_WHY);
    const useButton = h(
      'button',
      {
        'type': 'button',
        'class': 'button button-secondary button-compact',
        'aria-describedby': 'location-why',
        'aria-disabled': locating ? 'true' : null,
        'onclick': () => useMyPosition(),
      },
      icon('locate'),
      h('span', {}, locating ? 'Localisation…' : 'Utiliser ma position'),
    );
    // The first time, on the empty screen: why, before anything is asked.
    if (!explained && !state.q.trim()) {
      element.classList.add('is-long');
      setChildren(element, title('Autour de moi'), why, useButton);
      return;
    }
    setChildren(
      element,
      title('Autour de moi', { hidden: true }),
      h('div', { class: 'location-row' }, useButton, disclosure('Pourquoi ?', why)),
      why,
    );
  }

  /** The query changed: once there is something to show, the explanation steps aside for the results. */
  function queryChanged() {
    if (!state.q.trim() || state.locationStatus !== 'idle') return;
    const wasLong = element.classList.contains('is-long');
    if (!wasLong) return;
    markExplained();
    render();
  }

  async function useMyPosition({ moveFocus = true } = {}) {
    if (state.locationStatus === 'locating') return;
    markExplained();
    state.locationStatus = 'locating';
    render();
    try {
      const position = roundPosition(await locate());
      if (state.unmounted) return;
      state.origin = { ...position, who: 'you' };
      state.locationStatus = 'granted';
    } catch {
      if (state.unmounted) return;
      const config = await loadConfig(api).catch(() => null);
      const centre = config?.city_centre ?? FALLBACK_CENTRE;
      state.origin = { lat: centre.lat, lon: centre.lon, who: 'centre' };
      state.locationStatus = 'refused';
    }
    state.near = true;
    render();
    onChange();
    if (moveFocus) element.querySelector('button')?.focus();
  }

  function forgetPosition() {
    state.origin = null;
    state.locationStatus = 'idle';
    state.near = false;
    state.sort = 'relevance';
    render();
    onChange();
    element.querySelector('button')?.focus();
  }

  render();
  return { element, render, queryChanged, useMyPosition };
}
