import { placeholderScreen } from './placeholder.js';

export default placeholderScreen({
  path: '/carte',
  title: 'Carte',
  iconName: 'map',
  description:
    'Vous pourrez situer les commerces du centre-ville sur un plan et voir d’un coup d’œil lesquels sont ouverts.',
});
