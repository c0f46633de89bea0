import { placeholderScreen } from '../placeholder.js';

export default placeholderScreen({
  path: '/offres',
  title: 'Offres',
  iconName: 'tag',
  description:
    'Vous verrez ici les offres en cours des commerçants du centre-ville, les plus proches d’abord, et pourrez suivre vos commerces préférés.',
});
