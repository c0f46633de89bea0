// Offline, a screen shows what it showed last time, dated, instead of « Connexion impossible » (issue 11).
// Each screen calls one of these from its error branch; they do nothing unless the network is gone.
import { h, setChildren } from '../dom.js';
import { formatDayMonth, formatTime } from '../format.js';
import { icon } from '../icons.js';
import { keptAnswers } from '../offline-store.js';
import { retryButton } from './common.js';

const RECENT_SHOWN = 8;
const SHOP_TIME_ZONE = 'Europe/Paris';

/** The shop's week from today on: a page kept on Monday must not call Monday « aujourd’hui » on Wednesday. */
export function weekFromToday(shop, now = new Date()) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_TIME_ZONE }).format(now);
  const week = (shop.week ?? []).filter((day) => day.date >= today);
  return week.length ? { ...shop, week } : shop;
}

/** « 3 déc. à 9 h 40 » */
export function savedWhen(date) {
  return `${formatDayMonth(date)} à\u00a0${formatTime(date)}`;
}

/** « Résultats enregistrés le 3 déc. à 9 h 40 — vous êtes hors connexion. » and a way to try again. */
export function keptNote(what, savedAt, retry) {
  return h(
    'div',
    { class: 'kept-note' },
    icon('wifi-off', 'icon icon-small'),
    h(
      'p',
      {},
      `${what} le ${savedWhen(savedAt)} — vous êtes hors connexion.`,
      h('span', { class: 'kept-note-more' }, ' Les horaires et les stocks ont pu changer depuis.'),
    ),
    retry ? retryButton(retry) : null,
  );
}

/** « pain · Ouvert maintenant · Boulangerie-pâtisserie » for a kept search. */
export function searchLabel(meta, categories = new Map()) {
  const parts = [meta.text ? `« ${meta.text} »` : 'Tous les commerces'];
  if (meta.open_now) parts.push('ouvert maintenant');
  if (meta.kind) parts.push(meta.kind === 'service' ? 'services' : 'produits');
  if (meta.category) parts.push(categories.get(meta.category) ?? meta.category);
  if (meta.near) parts.push('autour de vous');
  return parts.join(' · ');
}

function searchHref(entry) {
  if (entry.meta.page?.startsWith('/')) return entry.meta.page;
  return entry.meta.text ? `/?q=${encodeURIComponent(entry.meta.text)}` : '/';
}

/** Offline with nothing kept: what needs the network, and the kept answers of `kind` as links. */
function needsNetwork({ title, text, listTitle, none, kind, label, href, saved, retry }) {
  const list = h('ul', { 'class': 'kept-links', 'aria-label': listTitle });
  const block = h(
    'section',
    { 'class': 'card kept-missing', 'aria-label': title },
    h('h2', { class: 'empty-title' }, icon('wifi-off', 'icon icon-small'), h('span', {}, title)),
    h('p', {}, text),
    h('p', { class: 'kept-links-title' }, listTitle),
    list,
    retry ? retryButton(retry) : null,
  );
  keptAnswers
    .recent(kind)
    .catch(() => [])
    .then((entries) => {
      // A newer answer may have taken the screen meanwhile.
      if (!list.isConnected) return;
      // A search the shop page made for its matched items is not one the person typed: not listed.
      const typed = kind === 'search' ? entries.filter((entry) => entry.meta.page) : entries;
      const shown = typed.slice(0, RECENT_SHOWN);
      if (!shown.length) {
        list.replaceWith(h('p', { class: 'hint' }, none));
        return;
      }
      setChildren(
        list,
        shown.map((entry) =>
          h(
            'li',
            {},
            h(
              'a',
              { href: href(entry) },
              h('span', { class: 'kept-link-label' }, label(entry)),
              h('span', { class: 'kept-link-date' }, `${saved} le ${savedWhen(entry.savedAt)}`),
            ),
          ),
        ),
      );
    });
  return block;
}

/**
 * From the results' error branch: offline, this search's kept results (dated) in `area`, or, for a search
 * never made, a clear word that it needs the network and the searches that can be shown. Returns whether
 * it showed something.
 */
export function showKeptSearch(error, { state, area, render, retry }) {
  if (!error?.isNetworkError) return false;
  if (error.kept) {
    state.results = error.kept.data.results;
    state.nextCursor = null;
    render();
    area.prepend(keptNote('Résultats enregistrés', error.kept.savedAt, retry));
    return true;
  }
  setChildren(
    area,
    needsNetwork({
      title: 'Cette recherche demande une connexion',
      text:
        'Vous êtes hors connexion, et cette recherche n’a pas encore été faite sur cet appareil. ' +
        'Elle fonctionnera dès le retour du réseau.',
      listTitle: 'Recherches disponibles hors connexion :',
      none: 'Aucune recherche n’est encore enregistrée sur cet appareil.',
      kind: 'search',
      label: (entry) => searchLabel(entry.meta, state.categories),
      href: searchHref,
      saved: 'enregistrée',
      retry,
    }),
  );
  return true;
}

/** From the shop page's error branch: offline, the page as it was seen, dated, or the shops seen. */
export function showKeptShop(error, { body, render, retry }) {
  if (!error?.isNetworkError) return false;
  if (error.kept) {
    render(weekFromToday(error.kept.data));
    body.prepend(keptNote('Fiche enregistrée', error.kept.savedAt, retry));
    return true;
  }
  setChildren(
    body,
    needsNetwork({
      title: 'Cette fiche demande une connexion',
      text: 'Vous êtes hors connexion, et ce commerce n’a pas encore été consulté sur cet appareil.',
      listTitle: 'Commerces disponibles hors connexion :',
      none: 'Aucun commerce n’est encore enregistré sur cet appareil.',
      kind: 'shop',
      label: (entry) => entry.meta.name ?? 'Commerce',
      href: (entry) => `/boutique/${encodeURIComponent(entry.key.slice('shop:'.length))}`,
      saved: 'enregistré',
      retry,
    }),
  );
  return true;
}
