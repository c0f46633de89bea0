// The shop page's Points Cœur de Ville: accepted here (at which rate), and the rewards the shop offers.
import { h } from '../../dom.js';
import { icon } from '../../icons.js';
import { formatPoints, formatRate, stockLabel } from '../../ui/points-text.js';
import './shop-loyalty.css';

/**
 * What the shop's loyalty answer says, or null (not asked yet, unreachable): never rejects. Offline, the
 * answer kept from the last visit.
 */
export function askShopLoyalty(api, shopId) {
  return api.send(`/shops/${encodeURIComponent(shopId)}/loyalty`).catch((error) => error?.kept?.data ?? null);
}

/** « Ici : 2 points par euro dépensé. », or null at the usual rate of 1 point per euro. */
export function rateText(pointsPerEuro) {
  if (!pointsPerEuro || pointsPerEuro === 1) return null;
  return `Ici : ${formatRate(pointsPerEuro)} dépensé.`;
}

function rewardRow(reward) {
  const stock = stockLabel(reward.stock);
  const out = reward.stock === 0;
  return h(
    'li',
    { 'class': `reward-row${out ? ' is-out' : ''}`, 'data-reward-id': reward.id },
    h(
      'div',
      { class: 'reward-main' },
      h('p', { class: 'reward-title' }, reward.title),
      reward.description ? h('p', { class: 'reward-description' }, reward.description) : null,
    ),
    h(
      'div',
      { class: 'reward-side' },
      h('p', { class: 'reward-cost' }, formatPoints(reward.cost_points)),
      stock
        ? h('p', { class: `reward-stock ${out ? 'stock-out' : 'stock-low'}` }, stock)
        : null,
    ),
  );
}

/** The section, or null for a shop that does not take part (or whose answer is missing). */
export function shopLoyaltySection(loyalty) {
  if (!loyalty?.participating) return null;
  const rate = rateText(loyalty.points_per_euro);
  const rewards = loyalty.rewards ?? [];
  return h(
    'section',
    { 'class': 'shop-loyalty', 'aria-labelledby': 'loyalty-title' },
    h('h2', { id: 'loyalty-title' }, icon('gift', 'icon'), h('span', {}, 'Points Cœur de Ville acceptés ici')),
    h(
      'p',
      {},
      rate ? `${rate} ` : '',
      'Vos points se cumulent et s’utilisent dans tous les commerces participants du centre-ville.',
    ),
    rewards.length
      ? [
          h('h3', { id: 'rewards-title' }, 'Récompenses de ce commerce'),
          h('ul', { 'class': 'reward-list', 'aria-labelledby': 'rewards-title' }, rewards.map(rewardRow)),
        ]
      : h('p', { class: 'hint' }, 'Ce commerce ne propose pas encore de récompense.'),
    h('p', {}, h('a', { href: '/fidelite' }, 'Voir mes points')),
  );
}
