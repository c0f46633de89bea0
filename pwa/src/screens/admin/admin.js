// Administration: the city approves or refuses new shops, decides on claims, and suspends active shops.
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { loadCategories } from '../../reference-data.js';
import { actionButton, emptyState, errorBlock, skeletonList, sourceNote } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { statusLine, whenSignedIn } from '../../ui/signed-in.js';
import { decisionDialog } from './decision-dialog.js';
import { adminCardsLink, mountAdminCards } from './cards.js';
import { adminLoyaltyLink, mountAdminLoyalty } from './loyalty.js';

const PAGE = 20;

/**
 * A list of things waiting for a decision (entries of `status` at `endpoint`). `card(entry, decide, categories)`
 * builds one entry; `decide(button, send, message)` runs `send()` (which resolves null when the admin cancels),
 * then removes the entry and says `message`.
 */
function decisionList({ api, auth, id, title, lead = null, status = 'pending', endpoint, emptyTitle, emptyText, card }) {
  const list = h('ul', { class: 'card-list' });
  // Busy from the first load on: the active shops' list waits until the admin opens it.
  const area = h('div', {});
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
    if (cursor === null && !list.childElementCount) {
      area.setAttribute('aria-busy', 'true');
      setChildren(area, skeletonList(2, 'Chargement…'));
    }
    try {
      const page = await api.authed(`${endpoint}${queryString({ status, limit: PAGE, cursor })}`);
      if (unmounted) return;
      const categories = await loadCategories(api).catch(() => new Map());
      area.removeAttribute('aria-busy');
      list.append(
        ...page.results.map((entry) => {
          const element = h('li', {});
          const decide = async (button, send, message) => {
            if (button.getAttribute('aria-disabled') === 'true') return;
            const buttons = element.querySelectorAll('button');
            for (const other of buttons) other.setAttribute('aria-disabled', 'true');
            try {
              const result = await send();
              if (result === null) {
                for (const other of buttons) other.removeAttribute('aria-disabled');
                button.focus();
                return;
              }
              const next = element.nextElementSibling ?? element.previousElementSibling;
              element.remove();
              said.say(message);
              showEmptyIfNeeded();
              (next?.querySelector('button') ?? heading).focus();
              // Approving oneself (an admin who is also a merchant): the new role needs fresh tokens.
              if ((result?.owner_id ?? result?.user_id) === auth.state.user?.id)
                auth.refreshRoles().catch(() => {});
            } catch (error) {
              for (const other of buttons) other.removeAttribute('aria-disabled');
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
  return {
    element: h(
      'section',
      { 'aria-labelledby': id, 'class': 'stack' },
      heading,
      lead ? h('p', { class: 'hint' }, lead) : null,
      said.element,
      area,
      more,
    ),
    load,
    destroy() {
      unmounted = true;
    },
  };
}

/** A card named after the shop, linked to its public page, with its trade and address, then `details`. */
function shopArticle(titleId, shop, categories, ...details) {
  return h(
    'article',
    { 'class': 'card decision-card', 'aria-labelledby': titleId },
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

/** « Demandé par Lucie Ferrand — lucie@… », the e-mail a link to write to them. */
function personLine(label, person) {
  if (!person) return null;
  return h(
    'p',
    { class: 'claimant' },
    `${label} `,
    h('strong', {}, person.display_name),
    ' — ',
    h('a', { href: `mailto:${person.email}` }, person.email),
  );
}

const post = (api, path, body) => api.authed(path, { method: 'POST', ...(body ? { body } : {}) });

function pendingShopCard(api) {
  return (shop, decide, categories) => {
    const path = `/admin/shops/${encodeURIComponent(shop.id)}`;
    const approve = actionButton('Approuver', 'check', 'button-primary', shop.name);
    const refuse = actionButton('Refuser', 'ban', 'button-danger-outline', shop.name);
    approve.addEventListener('click', () =>
      decide(
        approve,
        () => post(api, `${path}/approve`),
        `« ${shop.name} » est approuvé : il apparaît dans la recherche.`,
      ),
    );
    refuse.addEventListener('click', () =>
      decide(
        refuse,
        () =>
          decisionDialog({
            title: `Refuser le commerce « ${shop.name} » ?`,
            text: 'Il n’apparaîtra pas dans la recherche. La personne qui l’a inscrit verra votre raison dans son espace commerçant.',
            reason: {
              label: 'Raison du refus',
              hint: 'Par exemple « Adresse introuvable : précisez le numéro de la rue. »',
              required: true,
            },
            confirmLabel: 'Refuser le commerce',
            busyLabel: 'Refus…',
            send: (reason) => post(api, `${path}/refuse`, { reason }),
          }),
        `« ${shop.name} » est refusé ; la personne qui l’a inscrit verra la raison.`,
      ),
    );
    return shopArticle(
      `pending-${shop.id}`,
      shop,
      categories,
      sourceNote(shop.source),
      personLine('Inscrit par', shop.owner),
      h('p', { class: 'hint' }, `Inscrit le ${formatLongDate(new Date(shop.created_at))}`),
      h('div', { class: 'button-row' }, approve, refuse),
    );
  };
}

function activeShopCard(api) {
  return (shop, decide, categories) => {
    const suspend = actionButton('Suspendre', 'ban', 'button-danger-outline', shop.name);
    suspend.addEventListener('click', () =>
      decide(
        suspend,
        () =>
          decisionDialog({
            title: `Suspendre le commerce actif « ${shop.name} » ?`,
            text: 'Il disparaîtra de la recherche, des offres et des récompenses jusqu’à ce que vous l’approuviez de nouveau.',
            reason: {
              label: 'Raison de la suspension (facultatif)',
              hint: 'Son commerçant la lira dans son espace commerçant.',
              required: false,
            },
            confirmLabel: 'Suspendre le commerce',
            busyLabel: 'Suspension…',
            send: (reason) =>
              post(api, `/admin/shops/${encodeURIComponent(shop.id)}/suspend`, reason ? { reason } : {}),
          }),
        `« ${shop.name} » est suspendu : il n’apparaît plus dans la recherche.`,
      ),
    );
    return shopArticle(
      `active-${shop.id}`,
      shop,
      categories,
      sourceNote(shop.source),
      h('div', { class: 'button-row' }, suspend),
    );
  };
}

function claimCard(api) {
  return (claim, decide, categories) => {
    const shop = claim.shop ?? { id: claim.shop_id, name: 'Commerce', address: '' };
    const who = claim.claimant?.display_name ?? 'ce demandeur';
    const path = `/admin/claims/${encodeURIComponent(claim.id)}`;
    const approve = actionButton('Accepter', 'check', 'button-primary', `la demande pour ${shop.name}`);
    const reject = actionButton('Refuser', 'ban', 'button-danger-outline', `la demande pour ${shop.name}`);
    approve.addEventListener('click', () =>
      decide(
        approve,
        () =>
          decisionDialog({
            title: `Accepter la demande de ${who} ?`,
            text: `${who} deviendra le commerçant de « ${shop.name} » et pourra modifier sa fiche et son catalogue. Les autres demandes pour ce commerce seront refusées.`,
            confirmLabel: 'Accepter la demande',
            busyLabel: 'Acceptation…',
            danger: false,
            send: () => post(api, `${path}/approve`),
          }),
        `Demande acceptée : « ${shop.name} » a désormais son commerçant.`,
      ),
    );
    reject.addEventListener('click', () =>
      decide(
        reject,
        () =>
          decisionDialog({
            title: `Refuser la demande de ${who} ?`,
            text: `${who} ne pourra pas gérer « ${shop.name} ». Votre raison lui sera montrée dans son espace commerçant.`,
            reason: {
              label: 'Raison du refus',
              hint: 'Par exemple « Aucun justificatif : joignez un extrait Kbis à votre prochaine demande. »',
              required: true,
            },
            confirmLabel: 'Refuser la demande',
            busyLabel: 'Refus…',
            send: (reason) => post(api, `${path}/reject`, { reason }),
          }),
        `Demande pour « ${shop.name} » refusée ; ${who} verra la raison.`,
      ),
    );
    return shopArticle(
      `claim-${claim.id}`,
      shop,
      categories,
      personLine('Demandé par', claim.claimant),
      claim.message
        ? h('blockquote', { class: 'claim-message' }, h('p', {}, `« ${claim.message} »`))
        : h('p', { class: 'hint' }, 'Sans message.'),
      h('p', { class: 'hint' }, `Demande du ${formatLongDate(new Date(claim.created_at))}`),
      h('div', { class: 'button-row' }, approve, reject),
    );
  };
}

/** The active shops, loaded only when the admin opens the section: suspending is the exception. */
function activeShopsSection(active) {
  const details = h(
    'details',
    { class: 'admin-active' },
    h('summary', {}, 'Afficher les commerces actifs'),
    active.element,
  );
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    active.load();
  });
  return details;
}

export function adminScreen({ api, auth }) {
  return {
    // /admin/fidelite is the loyalty programme's own page (issue 12), /admin/cartes the student cards' (13).
    path: /^\/admin(?:\/(?<section>fidelite|cartes))?$/,
    title: 'Administration',
    mount(outlet, context) {
      if (context?.params?.section === 'fidelite') return mountAdminLoyalty(outlet, { api, auth, ...context });
      if (context?.params?.section === 'cartes') return mountAdminCards(outlet, { api, auth, ...context });
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
            lead: 'Inscrits par leur commerçant : approuvez-les pour qu’ils apparaissent dans la recherche, ou refusez-les en disant pourquoi.',
            endpoint: '/admin/shops',
            emptyTitle: 'Aucun commerce à valider',
            emptyText: 'Les nouvelles inscriptions apparaîtront ici.',
            card: pendingShopCard(api),
          });
          const claims = decisionList({
            api,
            auth,
            id: 'pending-claims-title',
            title: 'Demandes de gestion',
            lead: 'Des personnes demandent à gérer un commerce déjà présent. Vérifiez qui elles sont avant d’accepter.',
            endpoint: '/admin/claims',
            emptyTitle: 'Aucune demande en attente',
            emptyText: 'Quand un commerçant réclame un commerce importé, sa demande apparaît ici.',
            card: claimCard(api),
          });
          const active = decisionList({
            api,
            auth,
            id: 'active-shops-title',
            title: 'Suspendre un commerce actif',
            lead: 'Un commerce suspendu disparaît de la recherche, des offres et des récompenses.',
            status: 'active',
            endpoint: '/admin/shops',
            emptyTitle: 'Aucun commerce actif',
            emptyText: 'Les commerces approuvés apparaîtront ici.',
            card: activeShopCard(api),
          });
          shops.load();
          claims.load();
          setChildren(body, adminLoyaltyLink(), adminCardsLink(), shops.element, claims.element, activeShopsSection(active));
          return () => {
            shops.destroy();
            claims.destroy();
            active.destroy();
          };
        },
      });
    },
  };
}
