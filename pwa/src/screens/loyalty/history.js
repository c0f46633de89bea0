// The shopper's history, newest first: why, where, when, and how many points, with « Voir plus ».
import { h, setChildren } from '../../dom.js';
import { formatDayMonth, formatLongDate, formatTime } from '../../format.js';
import { emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { savedWhen } from '../../ui/kept-answers.js';
import { signedPoints } from './points.js';

const PAGE_SIZE = 20;

/** « 3 déc. 2026 à 9 h 40 », or « 3 déc. à 9 h 40 » this year. */
export function historyDate(iso, now = new Date()) {
  const date = new Date(iso);
  const day = date.getFullYear() === now.getFullYear() ? formatDayMonth(date) : formatLongDate(date);
  return `${day} à\u00a0${formatTime(date)}`;
}

function line(entry) {
  const positive = entry.points > 0;
  return h(
    'li',
    { class: 'history-line' },
    h(
      'div',
      { class: 'history-text' },
      h('p', { class: 'history-reason' }, entry.reason),
      h(
        'p',
        { class: 'history-meta' },
        [entry.shop?.name, historyDate(entry.created_at)].filter(Boolean).join(' · '),
      ),
    ),
    h(
      'p',
      { class: `history-points ${positive ? 'is-gain' : 'is-spend'}` },
      signedPoints(entry.points),
    ),
  );
}

/** The history section; `reload()` reads the first page again (after points were given or used). */
export function historySection({ api }) {
  const list = h('ol', { 'class': 'history-list', 'aria-labelledby': 'history-title' });
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement de l’historique…'));
  const element = h(
    'section',
    { 'aria-labelledby': 'history-title', 'class': 'loyalty-history' },
    h('h2', { id: 'history-title' }, 'Historique'),
    area,
  );
  let cursor = null;
  let generation = 0;
  const more = h(
    'button',
    { type: 'button', class: 'button button-secondary', onclick: () => load({ append: true }) },
    'Voir plus d’opérations',
  );

  function render(entries, { append, kept = null }) {
    area.removeAttribute('aria-busy');
    if (!append) list.replaceChildren();
    list.append(...entries.map(line));
    if (!list.children.length) {
      setChildren(
        area,
        emptyState({
          title: 'Aucune opération pour l’instant',
          text: 'Montrez « Mon code » en caisse dans un commerce participant : vos points apparaîtront ici.',
          level: 3,
        }),
      );
      return;
    }
    setChildren(
      area,
      kept ? h('p', { class: 'kept-line' }, `Historique enregistré le ${savedWhen(kept.savedAt)} — vous êtes hors connexion.`) : null,
      list,
      cursor ? more : null,
    );
  }

  async function load({ append = false } = {}) {
    const mine = ++generation;
    const query = `?limit=${PAGE_SIZE}${append && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    if (append) more.setAttribute('aria-disabled', 'true');
    try {
      const page = await api.authed(`/loyalty/me/history${query}`);
      if (mine !== generation || !element.isConnected) return;
      cursor = page.next_cursor;
      render(page.results, { append });
    } catch (error) {
      if (mine !== generation) return;
      more.removeAttribute('aria-disabled');
      if (error.isNetworkError && error.kept && !append) {
        cursor = null;
        render(error.kept.data.results, { append: false, kept: error.kept });
        return;
      }
      if (append) {
        more.replaceWith(errorBlock(error, () => load({ append: true })));
        return;
      }
      area.removeAttribute('aria-busy');
      setChildren(area, errorBlock(error, () => load()));
    }
    more.removeAttribute('aria-disabled');
  }

  return {
    element,
    load,
    /** Offline at start-up: what was kept, dated. */
    showKept(kept) {
      cursor = null;
      if (kept) render(kept.data.results, { append: false, kept });
      else setChildren(area, h('p', { class: 'hint' }, 'L’historique s’affichera au retour du réseau.'));
    },
  };
}
