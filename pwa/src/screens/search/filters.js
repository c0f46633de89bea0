// The filters: « Ouvert maintenant » always in view; category, kind, distance and order in a fold.
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { radioGroup } from '../../ui/forms.js';
import { DEFAULT_RADIUS, RADII } from './state.js';

const KINDS = [
  ['', 'Tout'],
  ['product', 'Produits'],
  ['service', 'Services'],
];
const SORTS = [
  ['relevance', 'Pertinence'],
  ['distance', 'Distance'],
];

/**
 * Changes the filters in `state` and calls `onChange()`; `render()` again when categories or the position change.
 * « Voir 12 résultats » closes the fold and calls `onShowResults()`; `showCount()` follows each rendering.
 */
export function filterRow(state, { onChange, onShowResults }) {
  const openNow = h('input', {
    type: 'checkbox',
    id: 'filter-open',
    checked: state.openNow,
    onchange: () => {
      state.openNow = openNow.checked;
      onChange();
    },
  });
  const filterCount = h('span', { class: 'filter-count' });
  const filterBody = h('div', { class: 'filters-body' });
  // Closed even when filters are set (the summary counts them): the results come first.
  const fold = h(
    'details',
    { class: 'filters', open: state.filtersOpen },
    h('summary', {}, icon('sliders'), h('span', {}, 'Filtres'), filterCount),
    filterBody,
  );
  const showButton = h('button', { type: 'button', class: 'button button-primary show-results' }, 'Voir les résultats');
  showButton.addEventListener('click', () => {
    fold.open = false;
    state.filtersOpen = false;
    onShowResults();
  });
  fold.append(h('div', { class: 'filters-done' }, showButton));
  fold.addEventListener('toggle', () => {
    state.filtersOpen = fold.open;
  });
  const element = h(
    'div',
    { class: 'filter-row' },
    h('div', { class: 'check check-card' }, openNow, h('label', { for: 'filter-open' }, 'Ouvert maintenant')),
    fold,
  );

  const set = (name, value) => {
    state[name] = value;
    render();
    onChange();
  };

  function selectFilter({ id, label, name, read = String, options }) {
    const select = h('select', { id, onchange: () => set(name, read(select.value)) }, options);
    return h('div', { class: 'field' }, h('label', { for: id }, label), select);
  }

  function render() {
    const active = [
      state.category,
      state.kind,
      state.near && state.radius !== DEFAULT_RADIUS,
      state.near && state.sort === 'distance',
    ].filter(Boolean).length;
    fold.open = state.filtersOpen;
    filterCount.textContent = active ? ` · ${active} actif${active > 1 ? 's' : ''}` : '';
    const parts = [
      selectFilter({
        id: 'filter-category',
        label: 'Catégorie',
        name: 'category',
        options: [
          h('option', { value: '' }, 'Toutes les catégories'),
          ...[...state.categories].map(([slug, label]) =>
            h('option', { value: slug, selected: slug === state.category }, label),
          ),
        ],
      }),
      radioGroup({
        name: 'filter-kind',
        legend: 'Articles',
        options: KINDS,
        value: state.kind,
        onChange: (value) => set('kind', value),
      }),
    ];
    if (state.origin) {
      parts.push(
        selectFilter({
          id: 'filter-radius',
          label: 'Distance maximale',
          name: 'radius',
          read: Number,
          options: RADII.map(([value, label]) => h('option', { value, selected: value === state.radius }, label)),
        }),
        radioGroup({
          name: 'filter-sort',
          legend: 'Trier par',
          options: SORTS,
          value: state.sort,
          onChange: (value) => set('sort', value),
        }),
      );
    } else {
      parts.push(
        h(
          'p',
          { class: 'hint' },
          'Utilisez votre position pour filtrer par distance et trier du plus proche au plus loin.',
        ),
      );
    }
    // Keep focus where it was when the filters are redrawn.
    const focusedId = filterBody.contains(document.activeElement) ? document.activeElement.id : null;
    setChildren(filterBody, ...parts);
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  /** Back to no filter at all (the position and the order stay). */
  function clear() {
    state.openNow = false;
    openNow.checked = false;
    state.category = '';
    state.kind = '';
    state.radius = DEFAULT_RADIUS;
    render();
  }

  /** The button says how many results the filters leave, once they are known. */
  function showCount() {
    const count = state.results.length;
    if (!count) showButton.textContent = 'Voir les résultats';
    else if (state.nextCursor) showButton.textContent = `Voir plus de ${count} résultats`;
    else showButton.textContent = count === 1 ? 'Voir le résultat' : `Voir ${count} résultats`;
  }

  render();
  return { element, render, clear, showCount };
}
