// Espace commerçant: the shops I manage, and how to add or claim one.
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { loadCategories } from '../../reference-data.js';
import { emptyState, errorBlock, shopStatusBadge, skeletonList } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { whenSignedIn } from '../../ui/signed-in.js';

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

          async function load() {
            try {
              const [page, categories] = await Promise.all([
                api.authed(`/me/shops?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
                loadCategories(api).catch(() => new Map()),
              ]);
              if (unmounted) return;
              shops.push(...page.results);
              cursor = page.next_cursor;
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
            if (!shops.length) {
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
