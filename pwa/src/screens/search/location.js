// « Autour de moi »: says why before asking for the position; refused, distances count from the city centre.
import { h, setChildren } from '../../dom.js';
import { locate, POSITION_WHY, roundPosition } from '../../geo.js';
import { icon } from '../../icons.js';
import { loadConfig } from '../../reference-data.js';

// Place de la République, should /config not answer either.
const FALLBACK_CENTRE = { lat: 44.9334, lon: 4.8924 };

function compactButton(label, onclick) {
  return h('button', { type: 'button', class: 'button button-secondary button-compact', onclick }, label);
}

/** Sets `state.origin`, `state.locationStatus` and `state.near`, then calls `onChange()`. */
export function locationCard(state, { api, onChange }) {
  const element = h('section', { 'class': 'card location-card', 'aria-labelledby': 'location-title' });

  function render() {
    const title = h('h2', { id: 'location-title', class: 'location-title' }, icon('locate', 'icon icon-small'));
    if (state.locationStatus === 'granted') {
      title.append(h('span', {}, 'Autour de vous'));
      element.classList.add('is-compact');
      setChildren(element, title, compactButton('Oublier ma position', forgetPosition));
      return;
    }
    element.classList.remove('is-compact');
    if (state.locationStatus === 'refused') {
      title.append(h('span', {}, 'Autour du centre-ville'));
      setChildren(
        element,
        title,
        h(
          'p',
          { role: 'status' },
          'Votre position n’est pas disponible : les distances sont mesurées depuis le centre-ville ' +
            '(place de la République). Tout le reste fonctionne normalement.',
        ),
        h(
          'p',
          { class: 'hint' },
          'Pour utiliser votre position, autorisez la localisation pour ce site dans les réglages du navigateur.',
        ),
        h(
          'div',
          { class: 'button-row' },
          compactButton('Réessayer', () => useMyPosition()),
          compactButton('Chercher partout', forgetPosition),
        ),
      );
      return;
    }
    title.append(h('span', {}, 'Autour de moi'));
    const locating = state.locationStatus === 'locating';
    setChildren(
      element,
      title,
      h('p', { id: 'location-why', class: 'hint' }, POSITION_WHY),
      h(
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
      ),
    );
  }

  async function useMyPosition({ moveFocus = true } = {}) {
    if (state.locationStatus === 'locating') return;
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
  return { element, render, useMyPosition };
}
