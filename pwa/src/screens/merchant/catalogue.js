// The merchant's catalogue: its items page by page, each one editable and removable.
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { actionButton, confirmDialog, emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { itemDialog } from '../../ui/item-dialog.js';
import { itemRow } from '../../ui/item-row.js';
import { statusLine } from '../../ui/signed-in.js';

const ITEMS_PAGE = 50;

/** The list of items with « Ajouter un article », « Modifier » and « Supprimer »; `reload()` after an import. */
export function catalogue({ api, shop }) {
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
    // First in the list, where the merchant is looking, rather than after every page already shown.
    items.unshift(created);
    render();
    said.say(`« ${created.name} » est ajouté au catalogue.`);
    list.firstElementChild?.querySelector('button')?.focus();
  });

  function row(item) {
    const edit = actionButton('Modifier', 'pencil', 'button-secondary', item.name);
    const remove = actionButton('Supprimer', 'trash', 'button-danger-outline', item.name);
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
    return itemRow(item, { withDescription: false, withKind: true, actions: [edit, remove] });
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
