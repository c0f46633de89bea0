// « Caisse »: the loyalty counter of one active shop — give points, hand over a reward, show a claim code,
// today's operations with reversal, the week's figures, and what waits for the network.
import { h, setChildren } from '../../dom.js';
import { errorBlock, skeletonList } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { whenSignedIn } from '../../ui/signed-in.js';
import { claimCodeSection, earnSection, redeemSection } from './counter-actions.js';
import { daySection } from './counter-day.js';
import { queueSection } from './counter-queue.js';
import { weeksSection } from './counter-weeks.js';
import './counter.css';

export function counterPath(shopId) {
  return `/commerce/${encodeURIComponent(shopId)}/caisse`;
}

export function merchantCounterScreen({ api, auth, queue }) {
  return {
    path: /^\/commerce\/(?<id>[^/]+)\/caisse$/,
    title: 'Caisse fidélité',
    mount(outlet, { params, setTitle }) {
      const { heading, body } = pageFrame(outlet, {
        title: 'Caisse fidélité',
        back: { href: `/commerce/${encodeURIComponent(params.id)}`, label: '← Gérer mon commerce' },
      });
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour ouvrir la caisse fidélité de votre commerce.',
        render(user) {
          let unmounted = false;
          const cleanups = [];
          const track = (cleanup) => cleanups.push(cleanup);
          body.setAttribute('aria-busy', 'true');
          setChildren(body, skeletonList(3, 'Ouverture de la caisse…'));

          const shopPath = `/shops/${encodeURIComponent(params.id)}`;
          let shop = null;
          let settings = null;
          let day = null;
          let weeks = null;
          const rewardsSlot = h('div', {});
          let redeem = null;

          async function loadRewards() {
            const page = await api.authed(`${shopPath}/rewards`);
            if (unmounted) return;
            const rewards = page.results;
            redeem?.setRewards(rewards);
          }

          function afterAction({ rewardsChanged = false } = {}) {
            day?.load();
            weeks?.load();
            if (rewardsChanged) loadRewards().catch(() => {});
          }

          async function load() {
            try {
              [shop, settings] = await Promise.all([api.authed(shopPath), api.send(`${shopPath}/loyalty`)]);
              if (unmounted) return;
              render();
            } catch (error) {
              if (unmounted) return;
              body.removeAttribute('aria-busy');
              setChildren(body, errorBlock(error, error.status === 404 ? null : load));
            }
          }

          function render() {
            body.removeAttribute('aria-busy');
            heading.textContent = `Caisse · ${shop.name}`;
            setTitle(`Caisse · ${shop.name}`);
            if (shop.status !== 'active' || !settings.participating) {
              setChildren(
                body,
                h(
                  'p',
                  { class: 'notice' },
                  shop.status !== 'active'
                    ? 'La caisse fidélité s’ouvre quand la ville a validé votre commerce.'
                    : 'Ce commerce ne participe pas aux points Cœur de Ville pour le moment. Contactez la mairie pour en savoir plus.',
                ),
              );
              return;
            }
            redeem = redeemSection({ api, queue, shop, user, onDone: afterAction, track });
            setChildren(rewardsSlot, redeem.element);
            day = daySection({ api, queue, shop, user, onReversed: () => weeks?.load() });
            weeks = weeksSection({ api, shop });
            const pending = queueSection({ queue, shop, user, onSent: () => afterAction({ rewardsChanged: true }) });
            track(() => pending.destroy());
            setChildren(
              body,
              h(
                'nav',
                { 'class': 'section-nav', 'aria-label': 'Sections de la caisse' },
                h(
                  'ul',
                  {},
                  [
                    ['#earn-title', 'Encaisser'],
                    ['#redeem-title', 'Récompense'],
                    ['#claim-code-title', 'Code de caisse'],
                    ['#day-title', 'Opérations du jour'],
                    ['#weeks-title', 'Par semaine'],
                  ].map(([href, label]) => h('li', {}, h('a', { href }, label))),
                ),
              ),
              pending.element,
              earnSection({ api, queue, shop, user, settings, onDone: afterAction, track }),
              rewardsSlot,
              claimCodeSection({ api, shop, settings, track }),
              day.element,
              weeks.element,
            );
            loadRewards().catch((error) => setChildren(rewardsSlot, errorBlock(error, () => loadRewards())));
            day.load();
            weeks.load();
            // Anything left from a moment without network goes now.
            queue.flush({ userId: user.id }).catch(() => {});
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
