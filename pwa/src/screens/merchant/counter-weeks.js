// Points issued and redeemed per week: SVG bars (hidden from screen readers, which get a summary and the
// table of figures), drawn with createElementNS like the QR codes.
import { h, setChildren } from '../../dom.js';
import { formatDayMonth } from '../../format.js';
import { errorBlock, skeletonList } from '../../ui/common.js';
import { formatNumber, formatPoints } from '../loyalty/points.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const BAR = 9;
const GAP = 2;
const SLOT = 2 * BAR + GAP + 8;
const HEIGHT = 120;
const TOP = 16;
const BOTTOM = 22;

function svg(tag, attributes = {}, text = null) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/** « 3 nov. » for the Monday "2026-11-03". */
export function weekLabel(isoDate) {
  return formatDayMonth(new Date(`${isoDate}T12:00:00Z`), { timeZone: 'UTC' });
}

/** Bar heights in chart units: the tallest week fills the chart; a week with points shows at least 1. */
export function barHeights(weeks, height = HEIGHT - TOP - BOTTOM) {
  const top = Math.max(1, ...weeks.flatMap((week) => [week.issued, week.redeemed]));
  const scale = (value) => (value > 0 ? Math.max(1, Math.round((value / top) * height)) : 0);
  return weeks.map((week) => ({ issued: scale(week.issued), redeemed: scale(week.redeemed) }));
}

export function weeksChart(weeks) {
  const width = Math.max(1, weeks.length) * SLOT;
  const chart = svg('svg', {
    'class': 'weeks-chart',
    'viewBox': `0 0 ${width} ${HEIGHT}`,
    'aria-hidden': 'true',
    'focusable': 'false',
  });
  const base = HEIGHT - BOTTOM;
  chart.append(svg('line', { class: 'weeks-axis', x1: 0, x2: width, y1: base + 0.5, y2: base + 0.5 }));
  barHeights(weeks).forEach((bar, index) => {
    const x = index * SLOT + 4;
    if (bar.issued) chart.append(svg('rect', { class: 'bar-issued', x, y: base - bar.issued, width: BAR, height: bar.issued }));
    if (bar.redeemed)
      chart.append(
        svg('rect', { class: 'bar-redeemed', x: x + BAR + GAP, y: base - bar.redeemed, width: BAR, height: bar.redeemed }),
      );
  });
  const labelled = weeks.length > 1 ? [0, weeks.length - 1] : [0];
  for (const index of labelled) {
    if (!weeks[index]) continue;
    const anchor = index === 0 ? 'start' : 'end';
    const x = index === 0 ? 2 : width - 2;
    chart.append(svg('text', { 'class': 'weeks-label', x, 'y': HEIGHT - 6, 'text-anchor': anchor }, weekLabel(weeks[index].week_start)));
  }
  return chart;
}

function table(weeks) {
  return h(
    'table',
    { class: 'weeks-table' },
    h('caption', {}, 'Points donnés et utilisés par semaine'),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Semaine du'), h('th', { scope: 'col' }, 'Donnés'), h('th', { scope: 'col' }, 'Utilisés')),
    ),
    h(
      'tbody',
      {},
      weeks.map((week) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, weekLabel(week.week_start)),
          h('td', {}, formatNumber(week.issued)),
          h('td', {}, formatNumber(week.redeemed)),
        ),
      ),
    ),
  );
}

export function weeksSection({ api, shop }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(1, 'Chargement des chiffres…'));
  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'weeks-title' },
    h('h2', { id: 'weeks-title', tabindex: '-1' }, 'Points par semaine'),
    area,
  );

  async function load() {
    try {
      const weeks = await api.authed(`/shops/${encodeURIComponent(shop.id)}/loyalty/weeks?weeks=12`);
      area.removeAttribute('aria-busy');
      const issued = weeks.reduce((sum, week) => sum + week.issued, 0);
      const redeemed = weeks.reduce((sum, week) => sum + week.redeemed, 0);
      setChildren(
        area,
        h(
          'figure',
          { class: 'weeks-figure' },
          h(
            'figcaption',
            {},
            `Sur ${weeks.length} semaines : ${formatPoints(issued)} donnés, ${formatPoints(redeemed)} utilisés en récompenses.`,
          ),
          weeksChart(weeks),
          h(
            'ul',
            { 'class': 'weeks-legend', 'aria-hidden': 'true' },
            h('li', {}, h('span', { class: 'swatch swatch-issued' }), 'Donnés'),
            h('li', {}, h('span', { class: 'swatch swatch-redeemed' }), 'Utilisés'),
          ),
        ),
        h(
          'details',
          { class: 'weeks-details' },
          h('summary', {}, 'Voir le tableau des chiffres'),
          // Scrolled sideways when the text is large; focusable so that the keyboard can scroll it too.
          h('div', { 'class': 'table-scroll', 'tabindex': '0', 'role': 'group', 'aria-label': 'Tableau des chiffres' }, table(weeks)),
        ),
      );
    } catch (error) {
      area.removeAttribute('aria-busy');
      setChildren(
        area,
        error.isNetworkError ? h('p', { class: 'hint' }, 'Les chiffres s’afficheront au retour du réseau.') : errorBlock(error, load),
      );
    }
  }

  return { element, load };
}
