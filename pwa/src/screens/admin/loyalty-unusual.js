// Unusual activity: patterns worth a look before settling (many earns a day, totals just under the cap).
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatDayLabel } from '../../format.js';
import { icon } from '../../icons.js';
import { actionButton, emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { formatNumber, formatPoints } from '../../ui/points-text.js';

export const UNUSUAL_DAYS = 30;

const KINDS = {
  'many-earns': { label: 'Gains répétés', icon: 'alert' },
  'near-cap': { label: 'Proche du plafond', icon: 'timer' },
};

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function activityCard(activity, index, onSettings) {
  const kind = KINDS[activity.kind] ?? { label: 'À examiner', icon: 'info' };
  const titleId = `unusual-${index}`;
  const settings = actionButton('Régler ce commerce', 'sliders', 'button-secondary', activity.shop.name);
  settings.addEventListener('click', () => onSettings(activity.shop));
  return h(
    'article',
    { 'class': 'card unusual-card', 'aria-labelledby': titleId },
    h(
      'h3',
      { id: titleId, class: 'result-name' },
      h('a', { href: `/boutique/${encodeURIComponent(activity.shop.id)}` }, activity.shop.name),
    ),
    h(
      'p',
      {},
      h('span', { class: 'status-badge status-pending' }, icon(kind.icon, 'icon icon-small'), h('span', {}, kind.label)),
    ),
    h('p', { class: 'unusual-description' }, activity.description),
    h(
      'dl',
      { class: 'details' },
      h('div', {}, h('dt', {}, 'Jour'), h('dd', {}, capitalise(formatDayLabel(activity.day)))),
      h('div', {}, h('dt', {}, 'Client'), h('dd', { class: 'member-ref' }, activity.member_ref)),
      h('div', {}, h('dt', {}, 'Gains ce jour-là'), h('dd', {}, formatNumber(activity.earns))),
      h('div', {}, h('dt', {}, 'Points gagnés'), h('dd', {}, formatPoints(activity.points))),
    ),
    h('div', { class: 'button-row' }, settings),
  );
}

/** The list, newest day first; `onSettings(shop)` opens that shop's rate and cap. */
export function unusualSection({ api, onSettings }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Recherche d’activité inhabituelle…'));
  let unmounted = false;

  async function load() {
    area.setAttribute('aria-busy', 'true');
    try {
      const page = await api.authed(`/admin/loyalty/unusual${queryString({ days: UNUSUAL_DAYS })}`);
      if (unmounted) return;
      setChildren(
        area,
        page.results.length
          ? h(
              'ul',
              { 'class': 'card-list', 'aria-label': 'Activité inhabituelle' },
              page.results.map((activity, index) => h('li', {}, activityCard(activity, index, onSettings))),
            )
          : emptyState({
              title: 'Aucune activité inhabituelle',
              text: `Rien à signaler sur les ${UNUSUAL_DAYS} derniers jours : pas plus de cinq gains par jour pour un même client dans un commerce, aucun total proche du plafond.`,
              level: 3,
            }),
      );
    } catch (error) {
      if (unmounted) return;
      setChildren(area, errorBlock(error, load));
    } finally {
      area.removeAttribute('aria-busy');
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
        `Sur les ${UNUSUAL_DAYS} derniers jours : plus de cinq gains en un jour pour un même client dans un même commerce, ou un total de la journée proche du plafond. Le client est désigné par une référence, pas par son nom.`,
      ),
      area,
    ),
    reload: load,
    destroy() {
      unmounted = true;
    },
  };
}
