import { placeholderScreen } from './placeholder.js';

export default placeholderScreen({
  path: '/',
  title: 'Rechercher',
  iconName: 'search',
  description:
    'Vous pourrez chercher un produit ou un service et voir quels commerces du centre-ville le proposent, près de vous et ouverts maintenant.',
});
