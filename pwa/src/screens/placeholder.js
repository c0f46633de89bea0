import { h } from '../dom.js';
import { icon } from '../icons.js';

/** A section that comes with a later release: says so, and what it will do. */
export function placeholderScreen({ path, title, iconName, description, extra = null }) {
  return {
    path,
    title,
    mount(outlet) {
      outlet.append(
        h('h1', { tabindex: '-1' }, title),
        h(
          'section',
          { 'class': 'card placeholder', 'aria-labelledby': `${iconName}-soon` },
          icon(iconName, 'icon icon-large'),
          h('h2', { id: `${iconName}-soon` }, 'Bientôt disponible'),
          h('p', {}, description),
          extra?.(),
        ),
      );
    },
  };
}
