// Réclamer un commerce: find an imported shop by its name and ask the city to manage it.
import { isAbort, queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatResultCount } from '../../format.js';
import { loadCategories } from '../../reference-data.js';
import { emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { searchInput } from '../../ui/forms.js';
import { pageFrame } from '../../ui/page.js';
import { whenSignedIn } from '../../ui/signed-in.js';

const DEBOUNCE_MS = 300;
const LIMIT = 10;

export function merchantClaimScreen({ api, auth }) {
  return {
    path: '/commerce/reclamer',
    title: 'Réclamer un commerce',
    mount(outlet) {
      const { body } = pageFrame(outlet, {
        title: 'Réclamer un commerce',
        back: { href: '/commerce', label: '← Espace commerçant' },
        lead: 'Les commerces importés d’OpenStreetMap n’ont pas encore de commerçant. Trouvez le vôtre et demandez à le gérer : la ville vérifiera votre demande.',
      });
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour réclamer votre commerce.',
        render() {
          let controller = null;
          let timer = null;
          let unmounted = false;
          const input = searchInput({ id: 'claim-q' });
          const form = h(
            'form',
            { 'role': 'search', 'class': 'search-form', 'aria-label': 'Chercher votre commerce' },
            h('label', { for: 'claim-q' }, 'Nom de votre commerce'),
            h('p', { id: 'claim-q-hint', class: 'hint' }, 'Par exemple « Cordonnerie du Théâtre ».'),
            input,
            h('button', { type: 'submit', class: 'button button-primary' }, 'Chercher'),
          );
          const count = h('p', { class: 'result-count', role: 'status' });
          const results = h('div');
          setChildren(body, form, count, results);

          async function claim(shop, button, slot) {
            if (button.getAttribute('aria-disabled') === 'true') return;
            button.setAttribute('aria-disabled', 'true');
            try {
              await api.authed(`/shops/${encodeURIComponent(shop.id)}/claims`, { method: 'POST', body: {} });
              const done = h(
                'p',
                { class: 'notice notice-success', role: 'status', tabindex: '-1' },
                'Demande envoyée : la ville va la vérifier. Le commerce apparaîtra ensuite dans « Mes commerces ».',
              );
              setChildren(slot, done);
              done.focus();
            } catch (error) {
              button.removeAttribute('aria-disabled');
              slot.querySelector('.form-error')?.remove();
              slot.append(h('p', { class: 'form-error', role: 'alert' }, error.message));
            }
          }

          function card(shop, categories) {
            const slot = h('div', { class: 'claim-slot' });
            if (shop.claimable) {
              const button = h(
                'button',
                { type: 'button', class: 'button button-primary button-compact' },
                'Réclamer',
                h('span', { class: 'visually-hidden' }, ` ${shop.name}`),
              );
              button.addEventListener('click', () => claim(shop, button, slot));
              slot.append(button);
            } else {
              slot.append(h('p', { class: 'hint' }, 'Ce commerce a déjà un commerçant.'));
            }
            return h(
              'li',
              {},
              h(
                'article',
                { 'class': 'card', 'aria-labelledby': `claim-${shop.id}` },
                h('h2', { id: `claim-${shop.id}`, class: 'result-name' }, shop.name),
                h(
                  'p',
                  { class: 'result-meta' },
                  shop.category_label ?? categories.get(shop.category) ?? shop.category,
                ),
                h('p', { class: 'result-address' }, shop.address),
                slot,
              ),
            );
          }

          async function search() {
            clearTimeout(timer);
            const q = input.value.trim();
            controller?.abort();
            if (!q) {
              count.textContent = '';
              results.replaceChildren();
              return;
            }
            controller = new AbortController();
            const { signal } = controller;
            results.setAttribute('aria-busy', 'true');
            setChildren(results, skeletonList(2, 'Recherche en cours…'));
            try {
              const [page, categories] = await Promise.all([
                api.send(`/search${queryString({ q, limit: LIMIT })}`, { signal }),
                loadCategories(api).catch(() => new Map()),
              ]);
              // Search results do not say whether a shop can be claimed: its page does.
              const shops = await Promise.all(
                page.results.map(({ shop }) => api.send(`/shops/${encodeURIComponent(shop.id)}`, { signal })),
              );
              if (unmounted || signal.aborted) return;
              results.removeAttribute('aria-busy');
              count.textContent = formatResultCount(shops.length, Boolean(page.next_cursor));
              setChildren(
                results,
                shops.length
                  ? h(
                      'ul',
                      { class: 'card-list' },
                      shops.map((shop) => card(shop, categories)),
                    )
                  : emptyState({
                      title: 'Aucun commerce de ce nom',
                      text: 'Essayez une partie du nom seulement. S’il n’existe pas encore, inscrivez-le.',
                      actions: [
                        h(
                          'a',
                          { class: 'button button-secondary', href: '/commerce/nouveau' },
                          'Inscrire un commerce',
                        ),
                      ],
                    }),
              );
            } catch (error) {
              if (isAbort(error) || unmounted) return;
              results.removeAttribute('aria-busy');
              setChildren(results, errorBlock(error, search));
            }
          }

          form.addEventListener('submit', (event) => {
            event.preventDefault();
            search();
          });
          input.addEventListener('input', () => {
            clearTimeout(timer);
            timer = setTimeout(search, DEBOUNCE_MS);
          });
          return () => {
            unmounted = true;
            clearTimeout(timer);
            controller?.abort();
          };
        },
      });
    },
  };
}
