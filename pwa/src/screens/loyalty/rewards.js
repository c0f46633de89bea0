// Rewards near me: with the position only when the person already allowed it (in the search), never stored.
import { h, setChildren } from '../../dom.js';
import { formatDistance } from '../../format.js';
import { locate, permissionState, roundPosition } from '../../geo.js';
import { emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { formatPoints } from './points.js';

const SHOWN = 10;

/** The position if the browser already allows it (nothing is asked here), else null. */
async function knownPosition() {
  if ((await permissionState()) !== 'granted') return null;
  try {
    return roundPosition(await locate({ timeoutMs: 5000 }));
  } catch {
    return null;
  }
}

function stockText(stock) {
  if (stock === null || stock === undefined) return null;
  if (stock === 0) return 'Épuisée pour le moment';
  return stock === 1 ? 'Plus qu’une' : `Plus que ${stock}`;
}

function rewardCard(reward) {
  const titleId = `reward-${reward.id}`;
  const meta = [
    reward.distance_m === null || reward.distance_m === undefined ? null : `à ${formatDistance(reward.distance_m)}`,
    stockText(reward.stock),
  ].filter(Boolean);
  return h(
    'li',
    {},
    h(
      'article',
      { 'class': 'card reward-card', 'aria-labelledby': titleId },
      h(
        'div',
        { class: 'reward-head' },
        h('h3', { id: titleId, class: 'reward-title' }, reward.title),
        h('p', { class: 'reward-cost' }, formatPoints(reward.cost_points)),
      ),
      h(
        'p',
        { class: 'reward-shop' },
        h('a', { href: `/boutique/${encodeURIComponent(reward.shop.id)}` }, reward.shop.name),
        meta.length ? ` · ${meta.join(' · ')}` : null,
      ),
      reward.description ? h('p', { class: 'hint' }, reward.description) : null,
    ),
  );
}

export function rewardsSection({ api }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement des récompenses…'));
  const title = h('h2', { id: 'rewards-title' }, 'Récompenses');
  const element = h('section', { 'aria-labelledby': 'rewards-title', 'class': 'loyalty-rewards' }, title, area);

  async function load() {
    const position = await knownPosition();
    const query = position ? `?lat=${position.lat}&lon=${position.lon}&limit=${SHOWN}` : `?limit=${SHOWN}`;
    try {
      const page = await api.send(`/loyalty/rewards${query}`);
      if (!element.isConnected) return;
      area.removeAttribute('aria-busy');
      title.textContent = position ? 'Récompenses près de vous' : 'Récompenses';
      if (!page.results.length) {
        setChildren(
          area,
          emptyState({
            title: 'Aucune récompense pour l’instant',
            text: 'Les commerces participants publieront bientôt leurs récompenses : revenez voir.',
            level: 3,
          }),
        );
        return;
      }
      setChildren(
        area,
        position
          ? null
          : h('p', { class: 'hint' }, 'Pour voir d’abord les plus proches, utilisez votre position dans la recherche.'),
        h('ul', { class: 'card-list reward-list' }, page.results.map(rewardCard)),
      );
    } catch (error) {
      area.removeAttribute('aria-busy');
      setChildren(
        area,
        error.isNetworkError
          ? h('p', { class: 'hint' }, 'Les récompenses s’afficheront au retour du réseau.')
          : errorBlock(error, load),
      );
    }
  }

  return { element, load };
}
