import { h } from '../dom.js';

export default {
  path: null,
  title: 'Page introuvable',
  mount(outlet) {
    outlet.append(
      h('h1', { tabindex: '-1' }, 'Page introuvable'),
      h(
        'div',
        { class: 'card' },
        h('p', {}, 'Cette adresse ne correspond à aucune page de l’application.'),
        h('p', {}, h('a', { href: '/' }, 'Revenir à la recherche')),
      ),
    );
  },
};
