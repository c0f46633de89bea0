// « Liste » or « Carte »: two toggle buttons, one pressed.
import { h } from '../../dom.js';
import { icon } from '../../icons.js';

function toggleButton(iconName, label) {
  return h(
    'button',
    { 'type': 'button', 'class': 'toggle', 'aria-pressed': 'false' },
    icon(iconName),
    h('span', {}, label),
  );
}

/** `onSelect(view)` with 'list' or 'map'; `set(view)` shows which one is pressed. */
export function viewToggle({ onSelect }) {
  const listButton = toggleButton('list', 'Liste');
  const mapButton = toggleButton('map', 'Carte');
  const element = h(
    'div',
    { 'class': 'view-toggle', 'role': 'group', 'aria-label': 'Affichage des résultats' },
    listButton,
    mapButton,
  );
  listButton.addEventListener('click', () => onSelect('list'));
  mapButton.addEventListener('click', () => {
    onSelect('map');
    // Bring the map up under the toggle, rather than leaving it below the fold.
    element.scrollIntoView({ block: 'start' });
  });
  return {
    element,
    set(view) {
      listButton.setAttribute('aria-pressed', String(view === 'list'));
      mapButton.setAttribute('aria-pressed', String(view === 'map'));
    },
  };
}
