// Inscrire un commerce: name, trade, address and where it stands (the address found in the national address
// base, then the pin adjusted on the map; or the phone's position).
import { ApiError } from '../../api.js';
import { setChildren } from '../../dom.js';
import { submitForm, textField } from '../../ui/forms.js';
import { pageFrame } from '../../ui/page.js';
import { positionPicker } from '../../ui/position-picker.js';
import { whenSignedIn } from '../../ui/signed-in.js';
import { categoryField } from './category-field.js';

export function merchantNewScreen({ api, auth }) {
  return {
    path: '/commerce/nouveau',
    title: 'Inscrire un commerce',
    mount(outlet, { navigate }) {
      const { body } = pageFrame(outlet, {
        title: 'Inscrire un commerce',
        back: { href: '/commerce', label: '← Espace commerçant' },
        lead: 'La ville vérifie chaque inscription avant que le commerce apparaisse dans la recherche. Vous compléterez ensuite ses horaires et son catalogue.',
      });
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour inscrire votre commerce.',
        render() {
          const name = textField({
            id: 'shop-name',
            name: 'name',
            label: 'Nom du commerce',
            autocomplete: 'organization',
            maxlength: '120',
          });
          const category = categoryField({
            api,
            id: 'shop-category',
            onError: (error) => {
              alert.textContent = error.message;
            },
          });
          const address = textField({
            id: 'shop-address',
            name: 'address',
            label: 'Adresse',
            hint: 'Numéro, rue et code postal, par exemple « 12 Grande Rue, 26000 Valence » : choisissez-la ensuite dans la liste des adresses trouvées.',
            autocomplete: 'street-address',
            maxlength: '200',
          });
          const position = positionPicker({ api, idPrefix: 'shop', addressField: address });
          const { form, alert } = submitForm({
            attributes: { 'aria-label': 'Inscrire un commerce' },
            fields: [name, category, address, ...position.fields],
            content: [name.wrapper, category.wrapper, address.wrapper, position.wrapper],
            submitLabel: 'Inscrire mon commerce',
            busyLabel: 'Inscription…',
            action: async (values) => {
              const missing = {};
              if (!values.name.trim()) missing.name = 'Indiquez le nom du commerce.';
              if (!values.category) missing.category = 'Choisissez une catégorie.';
              if (!values.address.trim()) missing.address = 'Indiquez l’adresse du commerce.';
              let point = null;
              try {
                point = position.read();
              } catch (error) {
                Object.assign(missing, error.fieldErrors);
              }
              if (Object.keys(missing).length) {
                throw new ApiError('Certains champs sont à compléter.', {
                  status: 422,
                  fieldErrors: missing,
                });
              }
              const shop = await api.authed('/shops', {
                method: 'POST',
                body: {
                  name: values.name.trim(),
                  category: values.category,
                  address: values.address.trim(),
                  ...point,
                },
              });
              navigate(`/commerce/${encodeURIComponent(shop.id)}?nouveau=1`);
            },
          });
          setChildren(body, form);
          return () => position.destroy();
        },
      });
    },
  };
}
