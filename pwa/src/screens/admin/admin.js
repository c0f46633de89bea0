// Administration: the city approves new shops and claims on imported ones.
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { loadCategories } from '../../reference-data.js';
import { actionButton, emptyState, errorBlock, skeletonList, sourceNote } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { statusLine, whenSignedIn } from '../../ui/signed-in.js';

const PAGE = 20;

/**
 * A list of things waiting for a decision. `card(entry, decide)` builds one entry; `decide(label, path, done)`
 * posts the decision and removes the entry.
 */
function decisionList({ api, auth, id, title, endpoint, emptyTitle, emptyText, card }) {
  const list = h('ul', { class: 'card-list' });
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement…'));
  const more = h('div', { class: 'more' });
  const said = statusLine();
  const heading = h('h2', { id, tabindex: '-1' }, title);
  let cursor = null;
  let unmounted = false;

  function showEmptyIfNeeded() {
    if (list.childElementCount) return;
    setChildren(area, emptyState({ title: emptyTitle, text: emptyText, level: 3 }));
  }

  async function load() {
    try {
      const page = await api.authed(`${endpoint}${queryString({ status: 'pending', limit: PAGE, cursor })}`);
      if (unmounted) return;
      const categories = await loadCategories(api).catch(() => new Map());
      area.removeAttribute('aria-busy');
      list.append(
        ...page.results.map((entry) => {
          const element = h('li', {});
          const decide = async (button, path, message) => {
            if (button.getAttribute('aria-disabled') === 'true') return;
            for (const other of element.querySelectorAll('button'))
              other.setAttribute('aria-disabled', 'true');
            try {
              const result = await api.authed(path, { method: 'POST' });
              const next = element.nextElementSibling ?? element.previousElementSibling;
              element.remove();
              said.say(message);
              showEmptyIfNeeded();
              (next?.querySelector('button') ?? heading).focus();
              // Approving oneself (an admin who is also a merchant): the new role needs fresh tokens.
              if ((result?.owner_id ?? result?.user_id) === auth.state.user?.id)
                auth.refreshRoles().catch(() => {});
            } catch (error) {
              for (const other of element.querySelectorAll('button')) other.removeAttribute('aria-disabled');
              said.say(error.message);
            }
          };
          element.append(card(entry, decide, categories));
          return element;
        }),
      );
      if (list.childElementCount) setChildren(area, list);
      else showEmptyIfNeeded();
      cursor = page.next_cursor;
      setChildren(
        more,
        cursor
          ? h('button', { type: 'button', class: 'button button-secondary', onclick: load }, 'Voir plus')
          : '',
      );
    } catch (error) {
      if (unmounted) return;
      area.removeAttribute('aria-busy');
      setChildren(area, errorBlock(error, load));
    }
  }
  load();
  return {
    element: h('section', { 'aria-labelledby': id, 'class': 'stack' }, heading, said.element, area, more),
    destroy() {
      unmounted = true;
    },
  };
}

/** A card named after the shop, linked to its public page, with its trade and address, then `details`. */
function shopArticle(titleId, shop, categories, ...details) {
  return h(
    'article',
    { 'class': 'card', 'aria-labelledby': titleId },
    h(
      'h3',
      { id: titleId, class: 'result-name' },
      h('a', { href: `/boutique/${encodeURIComponent(shop.id)}` }, shop.name),
    ),
    shop.category
      ? h('p', { class: 'result-meta' }, shop.category_label ?? categories.get(shop.category) ?? shop.category)
      : null,
    h('p', { class: 'result-address' }, shop.address),
    details,
  );
}

function shopCard(shop, decide, categories) {
  const approve = actionButton('Valider', 'check', 'button-primary', shop.name);
  const suspend = actionButton('Suspendre', 'ban', 'button-danger-outline', shop.name);
  approve.addEventListener('click', () =>
    decide(
      approve,
      `/admin/shops/${encodeURIComponent(shop.id)}/approve`,
      `« ${shop.name} » est validé : il apparaît dans la recherche.`,
    ),
  );
  suspend.addEventListener('click', () =>
    decide(suspend, `/admin/shops/${encodeURIComponent(shop.id)}/suspend`, `« ${shop.name} » est suspendu.`),
  );
  return shopArticle(
    `pending-${shop.id}`,
    shop,
    categories,
    sourceNote(shop.source),
    h('p', { class: 'hint' }, `Inscrit le ${formatLongDate(new Date(shop.created_at))}`),
    h('div', { class: 'button-row' }, approve, suspend),
  );
}

function claimCard(claim, decide, categories) {
  const shop = claim.shop ?? { id: claim.shop_id, name: 'Commerce', address: '' };
  const approve = actionButton('Accepter', 'check', 'button-primary', `la demande pour ${shop.name}`);
  const reject = actionButton('Refuser', 'ban', 'button-danger-outline', `la demande pour ${shop.name}`);
  approve.addEventListener('click', () =>
    decide(
      approve,
      `/admin/claims/${encodeURIComponent(claim.id)}/approve`,
      `Demande acceptée : « ${shop.name} » a désormais son commerçant.`,
    ),
  );
  reject.addEventListener('click', () =>
    decide(
      reject,
      `/admin/claims/${encodeURIComponent(claim.id)}/reject`,
      `Demande pour « ${shop.name} » refusée.`,
    ),
  );
  return shopArticle(
    `claim-${claim.id}`,
    shop,
    categories,
    h('p', {}, claim.message ? `Message : « ${claim.message} »` : 'Sans message.'),
    h('p', { class: 'hint' }, `Demande du ${formatLongDate(new Date(claim.created_at))}`),
    h('div', { class: 'button-row' }, approve, reject),
  );
}

export function adminScreen({ api, auth }) {
  return {
    path: '/admin',
    title: 'Administration',
    mount(outlet) {
      const { body } = pageFrame(outlet, { title: 'Administration' });
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous avec un compte de la ville pour accéder à l’administration.',
        render(user) {
          if (!user.roles.includes('admin')) {
            setChildren(
              body,
              h(
                'div',
                { class: 'card' },
                h('p', {}, 'Cette page est réservée à l’administration de la ville.'),
                h('a', { href: '/' }, 'Revenir à la recherche'),
              ),
            );
            return null;
          }
          const shops = decisionList({
            api,
            auth,
            id: 'pending-shops-title',
            title: 'Commerces à valider',
            endpoint: '/admin/shops',
            emptyTitle: 'Aucun commerce à valider',
            emptyText: 'Les nouvelles inscriptions apparaîtront ici.',
            card: shopCard,
          });
          const claims = decisionList({
            api,
            auth,
            id: 'pending-claims-title',
            title: 'Demandes de gestion',
            endpoint: '/admin/claims',
            emptyTitle: 'Aucune demande en attente',
            emptyText: 'Quand un commerçant réclame un commerce importé, sa demande apparaît ici.',
            card: claimCard,
          });
          setChildren(body, shops.element, claims.element);
          return () => {
            shops.destroy();
            claims.destroy();
          };
        },
      });
    },
  };
}
