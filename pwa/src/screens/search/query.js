// The search box, and a few ideas of what to type while it is empty.
import { h } from '../../dom.js';
import { icon } from '../../icons.js';
import { searchInput } from '../../ui/forms.js';

const DEBOUNCE_MS = 250;
const SUGGESTIONS = ['pain sans gluten', 'réparation vélo', 'clé minute', 'croissant'];

/** Keeps `state.q`; `onSearch()` runs on submit, on a suggestion, and when typing pauses. */
export function searchBox(state, { onSearch }) {
  let debounce = null;
  const input = searchInput({
    id: 'search-q',
    name: 'q',
    value: state.q,
    placeholder: 'Produit, service ou commerce',
  });
  // The form stays at the top of the screen while the results scroll: only the field, so that it keeps a small
  // share of the screen even at 200 % text; its label, above, scrolls away with the page.
  const label = h('label', { for: 'search-q', class: 'search-label' }, 'Que cherchez-vous ?');
  const form = h(
    'form',
    { 'role': 'search', 'class': 'search-form', 'aria-label': 'Rechercher un produit ou un commerce' },
    h('p', { id: 'search-q-hint', class: 'visually-hidden' }, 'Un produit, un service ou le nom d’un commerce.'),
    h('div', { class: 'search-input' }, icon('search'), input),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(debounce);
    state.q = input.value;
    onSearch();
  });
  input.addEventListener('input', () => {
    state.q = input.value;
    renderSuggestions();
    clearTimeout(debounce);
    debounce = setTimeout(onSearch, DEBOUNCE_MS);
  });

  const suggestions = h('div', { class: 'suggestions' });
  function renderSuggestions() {
    suggestions.hidden = state.q.trim() !== '';
    if (suggestions.childElementCount) return;
    suggestions.append(
      h('p', { id: 'suggestions-label', class: 'hint' }, 'Idées de recherche :'),
      h(
        'ul',
        { 'class': 'chips', 'aria-labelledby': 'suggestions-label' },
        SUGGESTIONS.map((text) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'chip',
                onclick: () => {
                  input.value = text;
                  state.q = text;
                  renderSuggestions();
                  onSearch();
                },
              },
              text,
            ),
          ),
        ),
      ),
    );
  }
  renderSuggestions();

  return {
    label,
    form,
    suggestions,
    focus: () => input.focus(),
    /** A search started another way makes the one waiting for the typing to pause useless. */
    cancelPending: () => clearTimeout(debounce),
  };
}
