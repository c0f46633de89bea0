import { h } from '../../dom.js';
import { placeholderScreen } from '../placeholder.js';

export default placeholderScreen({
  path: '/carte',
  title: 'Carte',
  iconName: 'map',
  description:
    'Vous pourrez situer les commerces du centre-ville sur un plan et voir d’un coup d’œil lesquels sont ouverts.',
  extra: () =>
    h('p', {}, h('a', { href: '/?vue=carte' }, 'En attendant, voir les résultats de la recherche sur une carte')),
});
