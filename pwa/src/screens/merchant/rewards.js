// The merchant's rewards: what the shop offers for points, published, edited, withdrawn and put back.
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { actionButton, emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { formatPoints } from '../../ui/points-text.js';
import { statusLine } from '../../ui/signed-in.js';
import { rewardDialog } from './rewards-dialog.js';
import './rewards.css';

/** « Stock : 5 », « Stock illimité », « Épuisé ». */
export function stockText(stock) {
  if (stock === null || stock === undefined) return 'Stock illimité';
  if (stock <= 0) return 'Épuisé';
  return `Stock : ${stock}`;
}

function statusBadge(reward) {
  return reward.active
    ? h('span', { class: 'status-badge status-open' }, icon('open', 'icon icon-small'), h('span', {}, 'Proposée'))
    : h('span', { class: 'status-badge status-closed' }, icon('ban', 'icon icon-small'), h('span', {}, 'Retirée'));
}

/** The list with « Publier une récompense »; the element goes in the shop page's « Récompenses » section. */
export function rewardsManager({ api, shop }) {
  const base = `/shops/${encodeURIComponent(shop.id)}`;
  const list = h('ul', { 'class': 'card-list merchant-rewards', 'aria-labelledby': 'rewards-title' });
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement des récompenses…'));
  const said = statusLine();
  let rewards = [];
  let unmounted = false;

  const add = h(
    'button',
    { type: 'button', class: 'button button-primary' },
    icon('plus'),
    h('span', {}, 'Publier une récompense'),
  );
  add.addEventListener('click', async () => {
    const created = await rewardDialog({ save: (body) => api.authed(`${base}/rewards`, { method: 'POST', body }) });
    if (!created) return;
    rewards.push(created);
    render();
    said.say(`« ${created.title} » est publiée : vos clients la voient sur votre fiche.`);
    list.querySelector(`[data-reward-id="${CSS.escape(created.id)}"] button`)?.focus();
  });

  function replace(reward, updated) {
    rewards = rewards.map((candidate) => (candidate.id === reward.id ? updated : candidate));
    render();
  }

  function patch(reward, body) {
    return api.authed(`/rewards/${encodeURIComponent(reward.id)}`, { method: 'PATCH', body });
  }

  function row(reward) {
    const titleId = `reward-row-${reward.id}`;
    const edit = actionButton('Modifier', 'pencil', 'button-secondary', reward.title);
    const toggle = reward.active
      ? actionButton('Retirer', 'ban', 'button-danger-outline', reward.title)
      : actionButton('Remettre en ligne', 'refresh', 'button-secondary', reward.title);
    edit.addEventListener('click', async () => {
      const updated = await rewardDialog({ reward, save: (body) => patch(reward, body) });
      if (!updated) return;
      replace(reward, updated);
      said.say(`« ${updated.title} » est enregistrée.`);
      list.querySelector(`[data-reward-id="${CSS.escape(updated.id)}"] button`)?.focus();
    });
    toggle.addEventListener('click', async () => {
      if (toggle.getAttribute('aria-disabled') === 'true') return;
      toggle.setAttribute('aria-disabled', 'true');
      try {
        const updated = await patch(reward, { active: !reward.active });
        replace(reward, updated);
        said.say(
          updated.active
            ? `« ${updated.title} » est de nouveau proposée.`
            : `« ${updated.title} » est retirée : elle n’apparaît plus sur votre fiche.`,
        );
        // Focus stays on the same reward: its other state's button.
        list.querySelector(`[data-reward-id="${CSS.escape(updated.id)}"] .reward-toggle`)?.focus();
      } catch (error) {
        toggle.removeAttribute('aria-disabled');
        said.say(error.message);
      }
    });
    toggle.classList.add('reward-toggle');
    return h(
      'li',
      { 'data-reward-id': reward.id },
      h(
        'article',
        { 'class': `card merchant-reward${reward.active ? '' : ' is-withdrawn'}`, 'aria-labelledby': titleId },
        h('h3', { id: titleId, class: 'result-name' }, reward.title),
        h('p', { class: 'reward-status' }, statusBadge(reward)),
        h(
          'p',
          { class: 'merchant-reward-figures' },
          h('strong', {}, formatPoints(reward.cost_points)),
          ' · ',
          stockText(reward.stock),
        ),
        reward.description ? h('p', { class: 'hint' }, reward.description) : null,
        h('div', { class: 'button-row' }, edit, toggle),
      ),
    );
  }

  function render() {
    area.removeAttribute('aria-busy');
    if (!rewards.length) {
      setChildren(
        area,
        emptyState({
          title: 'Aucune récompense publiée',
          text: 'Proposez par exemple « Un café offert » pour 50 points : vos clients la verront sur votre fiche et pourront l’obtenir à votre caisse.',
          level: 3,
        }),
      );
      return;
    }
    // Offered first, then the withdrawn ones; cheapest first within each.
    const ordered = [...rewards].sort((a, b) => b.active - a.active || a.cost_points - b.cost_points);
    setChildren(list, ...ordered.map(row));
    setChildren(area, list);
  }

  async function load() {
    area.setAttribute('aria-busy', 'true');
    try {
      const page = await api.authed(`${base}/rewards`);
      if (unmounted) return;
      rewards = page.results;
      render();
    } catch (error) {
      if (unmounted) return;
      area.removeAttribute('aria-busy');
      setChildren(area, errorBlock(error, load));
    }
  }

  load();
  return {
    element: h(
      'div',
      { class: 'stack' },
      h(
        'p',
        { class: 'hint' },
        'Ce que vos clients peuvent obtenir avec leurs points Cœur de Ville. Une récompense retirée disparaît de votre fiche ; vous pouvez la remettre en ligne.',
      ),
      add,
      said.element,
      area,
    ),
    destroy() {
      unmounted = true;
    },
  };
}
