// Gérer un commerce: its details, its hours (checked as they are typed), its catalogue and CSV import.
import { ApiError, queryString } from '../api.js';
import { h, setChildren } from '../dom.js';
import { formatPrice } from '../format.js';
import { icon } from '../icons.js';
import { loadCategories } from '../reference-data.js';
import {
  confirmDialog,
  emptyState,
  errorBlock,
  selectField,
  shopStatusBadge,
  skeletonList,
} from '../ui/common.js';
import { csvImport } from '../ui/csv-import.js';
import { handleSubmit, textField } from '../ui/forms.js';
import { hoursEditor } from '../ui/hours-editor.js';
import { itemDialog } from '../ui/item-dialog.js';
import { statusLine, whenSignedIn } from '../ui/signed-in.js';
import { categoryOptions } from './merchant-new.js';

const ITEMS_PAGE = 50;

const STATUS_NOTES = {
  pending:
    'Votre commerce attend la validation de la ville : il n’apparaît pas encore dans la recherche. Vous pouvez déjà compléter ses horaires et son catalogue.',
  suspended:
    'Votre commerce est suspendu par la ville : il n’apparaît plus dans la recherche. Contactez la mairie pour en savoir plus.',
};

function detailsForm({ api, shop, onSaved }) {
  const optional = { required: false };
  const name = textField({
    id: 'edit-name',
    name: 'name',
    label: 'Nom du commerce',
    maxlength: '120',
    value: shop.name,
  });
  const category = selectField({
    id: 'edit-category',
    label: 'Catégorie',
    options: [[shop.category, shop.category_label]],
    value: shop.category,
    required: true,
  });
  category.name = 'category';
  const address = textField({
    id: 'edit-address',
    name: 'address',
    label: 'Adresse',
    maxlength: '200',
    value: shop.address,
  });
  const phone = textField({
    id: 'edit-phone',
    name: 'phone',
    label: 'Téléphone (facultatif)',
    type: 'tel',
    autocomplete: 'tel',
    maxlength: '30',
    value: shop.phone ?? '',
    ...optional,
  });
  const website = textField({
    id: 'edit-website',
    name: 'website',
    label: 'Site web (facultatif)',
    type: 'url',
    hint: 'Commençant par https://',
    autocomplete: 'url',
    maxlength: '300',
    value: shop.website ?? '',
    ...optional,
  });
  const description = textField({
    id: 'edit-description',
    name: 'description',
    label: 'Présentation (facultatif)',
    multiline: true,
    rows: '4',
    maxlength: '2000',
    ...optional,
  });
  description.input.value = shop.description ?? '';
  loadCategories(api)
    .then((categories) => {
      const current = category.input.value;
      setChildren(
        category.input,
        ...categoryOptions([...categories])
          .slice(1)
          .map(([value, label]) => h('option', { value, selected: value === current }, label)),
      );
    })
    .catch(() => {});
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const saved = statusLine();
  const submit = h(
    'button',
    { type: 'submit', class: 'button button-primary' },
    'Enregistrer les informations',
  );
  const form = h(
    'form',
    { 'novalidate': true, 'aria-labelledby': 'details-title' },
    alert,
    name.wrapper,
    category.wrapper,
    address.wrapper,
    phone.wrapper,
    website.wrapper,
    description.wrapper,
    submit,
    saved.element,
  );
  handleSubmit(form, {
    fields: [name, category, address, phone, website, description],
    alert,
    submit,
    busyLabel: 'Enregistrement…',
    action: async (values) => {
      const updated = await api.authed(`/shops/${encodeURIComponent(shop.id)}`, {
        method: 'PATCH',
        body: {
          name: values.name.trim(),
          category: values.category,
          address: values.address.trim(),
          phone: values.phone.trim() || null,
          website: values.website.trim() || null,
          description: values.description.trim() || null,
        },
      });
      saved.say('Informations enregistrées.');
      onSaved(updated);
    },
  });
  return form;
}

function hoursForm({ api, shop, onSaved }) {
  const editor = hoursEditor({ api, id: 'edit-hours', value: shop.opening_hours ?? '' });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const saved = statusLine();
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Enregistrer les horaires');
  const form = h(
    'form',
    { 'novalidate': true, 'aria-labelledby': 'hours-title' },
    alert,
    editor.field.wrapper,
    submit,
    saved.element,
  );
  handleSubmit(form, {
    fields: [editor.field],
    alert,
    submit,
    busyLabel: 'Enregistrement…',
    action: async (values) => {
      if (!(await editor.flush())) {
        throw new ApiError('Les horaires ne sont pas lisibles : corrigez-les avant d’enregistrer.', {
          status: 422,
          fieldErrors: { opening_hours: editor.problem },
        });
      }
      const updated = await api.authed(`/shops/${encodeURIComponent(shop.id)}`, {
        method: 'PATCH',
        body: { opening_hours: values.opening_hours.trim() || null },
      });
      saved.say(
        updated.opening_hours
          ? 'Horaires enregistrés.'
          : 'Horaires retirés : la fiche affiche « Horaires non renseignés ».',
      );
      onSaved(updated);
    },
  });
  return { form, destroy: () => editor.destroy() };
}

function catalogue({ api, shop }) {
  const list = h('ul', { 'class': 'item-list', 'aria-labelledby': 'catalogue-title' });
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement du catalogue…'));
  const more = h('div', { class: 'more' });
  const said = statusLine();
  const items = [];
  let cursor = null;
  let unmounted = false;
  const base = `/shops/${encodeURIComponent(shop.id)}`;

  const add = h(
    'button',
    { type: 'button', class: 'button button-primary' },
    icon('plus'),
    h('span', {}, 'Ajouter un article'),
  );
  add.addEventListener('click', async () => {
    const created = await itemDialog({
      save: (body) => api.authed(`${base}/items`, { method: 'POST', body }),
    });
    if (!created) return;
    items.push(created);
    render();
    said.say(`« ${created.name} » est ajouté au catalogue.`);
  });

  function row(item) {
    const edit = h(
      'button',
      { type: 'button', class: 'button button-secondary button-compact' },
      icon('pencil'),
      h('span', {}, 'Modifier'),
      h('span', { class: 'visually-hidden' }, ` ${item.name}`),
    );
    const remove = h(
      'button',
      { type: 'button', class: 'button button-danger-outline button-compact' },
      icon('trash'),
      h('span', {}, 'Supprimer'),
      h('span', { class: 'visually-hidden' }, ` ${item.name}`),
    );
    edit.addEventListener('click', async () => {
      const updated = await itemDialog({
        item,
        save: (body) => api.authed(`/items/${encodeURIComponent(item.id)}`, { method: 'PATCH', body }),
      });
      if (!updated) return;
      items.splice(items.indexOf(item), 1, updated);
      render();
      said.say(`« ${updated.name} » est enregistré.`);
    });
    remove.addEventListener('click', async () => {
      const confirmed = await confirmDialog({
        title: 'Supprimer cet article ?',
        message: `« ${item.name} » disparaîtra du catalogue et de la recherche. Cette action est définitive.`,
        confirmLabel: 'Supprimer l’article',
      });
      if (!confirmed) return;
      try {
        await api.authed(`/items/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
        const index = items.indexOf(item);
        items.splice(index, 1);
        render();
        said.say(`« ${item.name} » est supprimé.`);
        (list.children[Math.min(index, list.children.length - 1)]?.querySelector('button') ?? add).focus();
      } catch (error) {
        said.say(error.message);
      }
    });
    return h(
      'li',
      { class: `item-row${item.in_stock ? '' : ' is-out'}` },
      h(
        'div',
        { class: 'item-main' },
        h('span', { class: 'item-name' }, item.name),
        h(
          'span',
          { class: 'item-category' },
          [item.kind === 'service' ? 'Service' : 'Produit', item.category].filter(Boolean).join(' · '),
        ),
      ),
      h(
        'div',
        { class: 'item-side' },
        h(
          'span',
          { class: 'price' },
          item.price_cents === null ? 'Prix non indiqué' : formatPrice(item.price_cents),
        ),
        h(
          'span',
          { class: item.in_stock ? 'stock-in' : 'stock-out' },
          item.in_stock ? 'En stock' : 'En rupture',
        ),
      ),
      h('div', { class: 'item-actions' }, edit, remove),
    );
  }

  function render() {
    area.removeAttribute('aria-busy');
    if (!items.length) {
      setChildren(
        area,
        emptyState({
          title: 'Votre catalogue est vide',
          text: 'Ajoutez vos produits et services un par un, ou importez-les d’un coup depuis un tableur (fichier CSV).',
          level: 3,
        }),
      );
    } else {
      setChildren(list, ...items.map(row));
      setChildren(area, list);
    }
    setChildren(
      more,
      cursor
        ? h(
            'button',
            { type: 'button', class: 'button button-secondary', onclick: load },
            'Voir plus d’articles',
          )
        : '',
    );
  }

  async function load() {
    try {
      const page = await api.authed(`${base}/items${queryString({ limit: ITEMS_PAGE, cursor })}`);
      if (unmounted) return;
      items.push(...page.results);
      cursor = page.next_cursor;
      render();
    } catch (error) {
      if (unmounted) return;
      area.removeAttribute('aria-busy');
      setChildren(area, errorBlock(error, load));
    }
  }

  function reload() {
    items.length = 0;
    cursor = null;
    load();
  }

  load();
  return {
    element: h('div', { class: 'stack' }, add, said.element, area, more),
    reload,
    destroy() {
      unmounted = true;
    },
  };
}

export function merchantShopScreen({ api, auth }) {
  return {
    path: /^\/commerce\/(?<id>[^/]+)$/,
    title: 'Gérer mon commerce',
    mount(outlet, { params, query, setTitle }) {
      const heading = h('h1', { tabindex: '-1' }, 'Gérer mon commerce');
      const body = h('div', { class: 'stack' });
      outlet.append(h('a', { class: 'back-link', href: '/commerce' }, '← Espace commerçant'), heading, body);
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
            const hours = hoursForm({ api, shop, onSaved });
            const items = catalogue({ api, shop });
            const importer = csvImport({ api, shopId: shop.id, onImported: () => items.reload() });
            cleanups.push(hours.destroy, items.destroy, importer.destroy);
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
                detailsForm({ api, shop, onSaved }),
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
