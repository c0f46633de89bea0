import { placeholderScreen } from '../placeholder.js';

export default placeholderScreen({
  path: '/fidelite',
  title: 'Fidélité',
  iconName: 'gift',
  description:
    'Vous pourrez cumuler vos points Cœur de Ville dans tous les commerces participants et les échanger contre des récompenses.',
});
