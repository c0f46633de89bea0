// Espace commerçant: the shops I manage, and how to add or claim one.
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { icon } from '../../icons.js';
import { loadCategories } from '../../reference-data.js';
import { emptyState, errorBlock, shopStatusBadge, skeletonList } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { whenSignedIn } from '../../ui/signed-in.js';
import { counterPath } from './counter.js';

const dated = (iso) => formatLongDate(new Date(iso));

/** What became of a shop the city has not (or no longer) let into search, and why. */
function shopDecision(shop) {
  if (shop.status === 'pending')
    return h(
      'p',
      { class: 'decision decision-pending' },
      `Inscrit le ${dated(shop.created_at)} — en attente de la mairie.`,
    );
  if (shop.status === 'refused' || shop.status === 'suspended') {
    const verb = shop.status === 'refused' ? 'Refusé' : 'Suspendu';
    return h(
      'div',
      { class: 'decision decision-refused' },
      h('p', {}, shop.decided_at ? `${verb} par la mairie le ${dated(shop.decided_at)}.` : `${verb} par la mairie.`),
      shop.decision_reason ? h('p', {}, `Raison : « ${shop.decision_reason} »`) : null,
      shop.status === 'refused'
        ? h('p', {}, 'Vous pouvez inscrire de nouveau votre commerce en tenant compte de cette raison.')
        : null,
    );
  }
  return null;
}

/** A claim still waiting, or refused (with the city's reason); accepted ones are among the shops. */
function claimEntry(claim, categories) {
  const shop = claim.shop ?? { id: claim.shop_id, name: 'Commerce', address: '' };
  const titleId = `my-claim-${claim.id}`;
  const pending = claim.status === 'pending';
  return h(
    'li',
    {},
    h(
      'article',
      { 'class': 'card result-card my-claim', 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'result-head' },
        h(
          'h3',
          { class: 'result-name' },
          h('a', { id: titleId, class: 'card-link', href: `/boutique/${encodeURIComponent(shop.id)}` }, shop.name),
        ),
        h(
          'span',
          { class: `status-badge ${pending ? 'status-pending' : 'status-closed'}` },
          icon(pending ? 'pending' : 'ban', 'icon icon-small'),
          h('span', {}, pending ? 'Demande en attente' : 'Demande refusée'),
        ),
      ),
      shop.category
        ? h('p', { class: 'result-meta' }, shop.category_label ?? categories.get(shop.category) ?? shop.category)
        : null,
      pending
        ? h(
            'p',
            { class: 'decision decision-pending' },
            `Demande envoyée le ${dated(claim.created_at)} — en attente de la mairie.`,
          )
        : h(
            'div',
            { class: 'decision decision-refused' },
            h(
              'p',
              {},
              claim.decided_at
                ? `Demande refusée par la mairie le ${dated(claim.decided_at)}.`
                : 'Demande refusée par la mairie.',
            ),
            claim.decision_reason ? h('p', {}, `Raison : « ${claim.decision_reason} »`) : null,
          ),
    ),
  );
}

export function merchantHomeScreen({ api, auth }) {
  return {
    path: '/commerce',
    title: 'Espace commerçant',
    mount(outlet) {
      const { body } = pageFrame(outlet, {
        title: 'Espace commerçant',
        lead: 'Inscrivez votre commerce, tenez à jour ses horaires et son catalogue : les habitants le trouveront dans la recherche.',
      });
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour inscrire ou gérer votre commerce.',
        render(user) {
          const list = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement de vos commerces…'));
          setChildren(
            body,
            h(
              'section',
              { 'aria-labelledby': 'my-shops-title' },
              h('h2', { id: 'my-shops-title' }, 'Mes commerces'),
              list,
            ),
            h(
              'section',
              { 'class': 'card', 'aria-labelledby': 'add-shop-title' },
              h('h2', { id: 'add-shop-title' }, 'Ajouter un commerce'),
              h(
                'p',
                {},
                'Votre commerce est peut-être déjà dans l’application, importé d’OpenStreetMap : réclamez-le plutôt que de le créer une seconde fois.',
              ),
              h(
                'div',
                { class: 'button-stack' },
                h(
                  'a',
                  { class: 'button button-primary', href: '/commerce/nouveau' },
                  icon('plus'),
                  h('span', {}, 'Inscrire un commerce'),
                ),
                h(
                  'a',
                  { class: 'button button-secondary', href: '/commerce/reclamer' },
                  icon('search'),
                  h('span', {}, 'Réclamer un commerce existant'),
                ),
              ),
            ),
          );
          let unmounted = false;
          let cursor = null;
          const shops = [];
          let claims = null;

          async function load() {
            try {
              const [page, categories, claimPage] = await Promise.all([
                api.authed(`/me/shops?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
                loadCategories(api).catch(() => new Map()),
                // Claims are read once: the first page holds every claim anyone is likely to have.
                claims ? null : api.authed('/me/claims?limit=100'),
              ]);
              if (unmounted) return;
              shops.push(...page.results);
              cursor = page.next_cursor;
              if (claimPage) claims = claimPage.results.filter((claim) => claim.status !== 'approved');
              render(categories);
              // The merchant role comes with the first approved shop, at the next token refresh.
              if (!user.roles.includes('merchant') && shops.some((shop) => shop.status === 'active')) {
                auth.refreshRoles().catch(() => {});
              }
            } catch (error) {
              if (unmounted) return;
              list.removeAttribute('aria-busy');
              setChildren(list, errorBlock(error, load));
            }
          }

          function render(categories) {
            list.removeAttribute('aria-busy');
            if (!shops.length && !claims.length) {
              setChildren(
                list,
                emptyState({
                  title: 'Aucun commerce pour l’instant',
                  text: 'Inscrivez votre commerce ou réclamez-le s’il existe déjà : il apparaîtra ici.',
                  level: 3,
                }),
              );
              return;
            }
            setChildren(
              list,
              h(
                'ul',
                { class: 'card-list' },
                claims.map((claim) => claimEntry(claim, categories)),
                shops.map((shop) =>
                  h(
                    'li',
                    {},
                    h(
                      'article',
                      { 'class': 'card result-card', 'aria-labelledby': `my-shop-${shop.id}` },
                      h(
                        'div',
                        { class: 'result-head' },
                        h(
                          'h3',
                          { class: 'result-name' },
                          h(
                            'a',
                            {
                              id: `my-shop-${shop.id}`,
                              class: 'card-link',
                              href: `/commerce/${encodeURIComponent(shop.id)}`,
                            },
                            shop.name,
                          ),
                        ),
                        shopStatusBadge(shop.status),
                      ),
                      h(
                        'p',
                        { class: 'result-meta' },
                        shop.category_label ?? categories.get(shop.category) ?? shop.category,
                      ),
                      h('p', { class: 'result-address' }, shop.address),
                      shopDecision(shop),
                      shop.status === 'active'
                        ? h(
                            'p',
                            { class: 'counter-link' },
                            h('a', { href: counterPath(shop.id) }, 'Caisse fidélité', h('span', { class: 'visually-hidden' }, ` : ${shop.name}`)),
                          )
                        : null,
                    ),
                  ),
                ),
              ),
              cursor
                ? h(
                    'button',
                    { type: 'button', class: 'button button-secondary', onclick: load },
                    'Voir plus de commerces',
                  )
                : '',
            );
          }

          load();
          return () => {
            unmounted = true;
          };
        },
      });
    },
  };
}
