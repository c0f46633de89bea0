// Gérer un commerce: its details, its hours (checked as they are typed), its catalogue and CSV import.
import { ApiError } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { errorBlock, shopStatusBadge, skeletonList } from '../../ui/common.js';
import { csvImport } from '../../ui/csv-import.js';
import { submitForm, textField } from '../../ui/forms.js';
import { hoursEditor } from '../../ui/hours-editor.js';
import { pageFrame } from '../../ui/page.js';
import { positionPicker } from '../../ui/position-picker.js';
import { statusLine, whenSignedIn } from '../../ui/signed-in.js';
import { catalogue } from './catalogue.js';
import { categoryField } from './category-field.js';
import { counterPath } from './counter.js';
import { rewardsManager } from './rewards.js';

const STATUS_NOTES = {
  pending:
    'Votre commerce attend la validation de la ville : il n’apparaît pas encore dans la recherche. Vous pouvez déjà compléter ses horaires et son catalogue.',
  suspended:
    'Votre commerce est suspendu par la ville : il n’apparaît plus dans la recherche. Contactez la mairie pour en savoir plus.',
};

/** A PATCH of the shop from a form with its own « … enregistré » line. */
function shopForm({ api, shop, onSaved, titleId, fields, content, submitLabel, body, savedText }) {
  const saved = statusLine();
  return submitForm({
    attributes: { 'aria-labelledby': titleId },
    fields,
    ...(content ? { content } : {}),
    submitLabel,
    busyLabel: 'Enregistrement…',
    after: saved.element,
    action: async (values) => {
      const updated = await api.authed(`/shops/${encodeURIComponent(shop.id)}`, {
        method: 'PATCH',
        body: await body(values),
      });
      saved.say(savedText(updated));
      onSaved(updated);
    },
  }).form;
}

function detailsForm({ api, shop, onSaved }) {
  const field = (name, label, attributes) =>
    textField({ id: `edit-${name}`, name, label, ...attributes, value: shop[name] ?? '' });
  const optional = { required: false };
  const address = field('address', 'Adresse', {
    maxlength: '200',
    hint: 'Pour déplacer le commerce, saisissez la nouvelle adresse et choisissez-la dans la liste ; ajustez ensuite le repère sur la carte.',
  });
  const position = positionPicker({
    api,
    idPrefix: 'edit',
    initial: { lat: shop.lat, lon: shop.lon },
    addressField: address,
  });
  const fields = [
    field('name', 'Nom du commerce', { maxlength: '120' }),
    categoryField({ api, id: 'edit-category', shop }),
    address,
    field('phone', 'Téléphone (facultatif)', { type: 'tel', autocomplete: 'tel', maxlength: '30', ...optional }),
    field('website', 'Site web (facultatif)', {
      type: 'url',
      hint: 'Commençant par https://',
      autocomplete: 'url',
      maxlength: '300',
      ...optional,
    }),
    field('description', 'Présentation (facultatif)', {
      multiline: true,
      rows: '4',
      maxlength: '2000',
      ...optional,
    }),
  ];
  const form = shopForm({
    api,
    shop,
    onSaved,
    titleId: 'details-title',
    fields: [...fields, ...position.fields],
    // The position right after the address it comes from.
    content: fields.flatMap((f) => (f === address ? [f.wrapper, position.wrapper] : [f.wrapper])),
    submitLabel: 'Enregistrer les informations',
    body: (values) => ({
      name: values.name.trim(),
      category: values.category,
      address: values.address.trim(),
      ...position.read(),
      phone: values.phone.trim() || null,
      website: values.website.trim() || null,
      description: values.description.trim() || null,
    }),
    savedText: () => 'Informations enregistrées.',
  });
  return { form, destroy: () => position.destroy() };
}

function hoursForm({ api, shop, onSaved }) {
  const editor = hoursEditor({ api, id: 'edit-hours', value: shop.opening_hours ?? '' });
  const form = shopForm({
    api,
    shop,
    onSaved,
    titleId: 'hours-title',
    fields: [editor.field],
    submitLabel: 'Enregistrer les horaires',
    body: async (values) => {
      if (!(await editor.flush())) {
        throw new ApiError('Les horaires ne sont pas lisibles : corrigez-les avant d’enregistrer.', {
          status: 422,
          fieldErrors: { opening_hours: editor.problem },
        });
      }
      return { opening_hours: values.opening_hours.trim() || null };
    },
    savedText: (updated) =>
      updated.opening_hours
        ? 'Horaires enregistrés.'
        : 'Horaires retirés : la fiche affiche « Horaires non renseignés ».',
  });
  return { form, destroy: () => editor.destroy() };
}

export function merchantShopScreen({ api, auth }) {
  return {
    path: /^\/commerce\/(?<id>[^/]+)$/,
    title: 'Gérer mon commerce',
    mount(outlet, { params, query, setTitle }) {
      const { heading, body } = pageFrame(outlet, {
        title: 'Gérer mon commerce',
        back: { href: '/commerce', label: '← Espace commerçant' },
      });
      const justCreated = query.get('nouveau') === '1';

      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour gérer votre commerce.',
        render() {
          const cleanups = [];
          let unmounted = false;
          body.setAttribute('aria-busy', 'true');
          setChildren(body, skeletonList(3, 'Chargement de votre commerce…'));

          async function load() {
            try {
              const shop = await api.authed(`/shops/${encodeURIComponent(params.id)}`);
              if (unmounted) return;
              render(shop);
            } catch (error) {
              if (unmounted) return;
              body.removeAttribute('aria-busy');
              setChildren(body, errorBlock(error, error.status === 404 ? null : load));
            }
          }

          function render(shop) {
            body.removeAttribute('aria-busy');
            heading.textContent = shop.name;
            setTitle(shop.name);
            const badge = h('div', { class: 'status-row' }, shopStatusBadge(shop.status));
            const note = STATUS_NOTES[shop.status]
              ? h('p', { class: 'notice' }, STATUS_NOTES[shop.status])
              : null;
            const onSaved = (updated) => {
              heading.textContent = updated.name;
              setTitle(updated.name);
            };
            const details = detailsForm({ api, shop, onSaved });
            const hours = hoursForm({ api, shop, onSaved });
            const items = catalogue({ api, shop });
            const importer = csvImport({ api, shopId: shop.id, onImported: () => items.reload() });
            const rewards = rewardsManager({ api, shop });
            cleanups.push(details.destroy, hours.destroy, items.destroy, importer.destroy, rewards.destroy);
            setChildren(
              body,
              justCreated
                ? h(
                    'p',
                    { class: 'notice notice-success', role: 'status' },
                    'Votre commerce est inscrit. La ville va vérifier votre demande.',
                  )
                : null,
              badge,
              note,
              shop.status === 'active'
                ? h(
                    'p',
                    {},
                    h('a', { href: `/boutique/${encodeURIComponent(shop.id)}` }, 'Voir la fiche publique'),
                  )
                : null,
              shop.status === 'active'
                ? h(
                    'p',
                    {},
                    h('a', { class: 'button button-primary', href: counterPath(shop.id) }, 'Ouvrir la caisse fidélité'),
                  )
                : null,
              h(
                'nav',
                { 'class': 'section-nav', 'aria-label': 'Sections de la page' },
                h(
                  'ul',
                  {},
                  [
                    ['#details-title', 'Informations'],
                    ['#hours-title', 'Horaires'],
                    ['#catalogue-title', 'Catalogue'],
                    ['#import-title', 'Import CSV'],
                  ].map(([href, label]) => h('li', {}, h('a', { href }, label))),
                ),
              ),
              h(
                'section',
                { 'class': 'card', 'aria-labelledby': 'details-title' },
                h('h2', { id: 'details-title', tabindex: '-1' }, 'Informations'),
                details.form,
              ),
              h(
                'section',
                { 'class': 'card', 'aria-labelledby': 'hours-title' },
                h('h2', { id: 'hours-title', tabindex: '-1' }, 'Horaires'),
                hours.form,
              ),
              h(
                'section',
                { 'class': 'card', 'aria-labelledby': 'catalogue-title' },
                h('h2', { id: 'catalogue-title', tabindex: '-1' }, 'Catalogue'),
                items.element,
              ),
              h(
                'section',
                { 'class': 'card', 'aria-labelledby': 'import-title' },
                h('h2', { id: 'import-title', tabindex: '-1' }, 'Importer un catalogue'),
                importer.element,
              ),
              h(
                'section',
                { 'class': 'card', 'aria-labelledby': 'rewards-title' },
                h('h2', { id: 'rewards-title', tabindex: '-1' }, 'Récompenses'),
                rewards.element,
              ),
            );
          }

          load();
          return () => {
            unmounted = true;
            for (const cleanup of cleanups) cleanup();
          };
        },
      });
    },
  };
}
