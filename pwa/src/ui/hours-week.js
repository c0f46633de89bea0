// The usual week as a table — Lundi … Dimanche, then public holidays — for the editor's preview and the
// shop page.
import { h } from '../dom.js';
import { formatHours, parseHours, weekRows } from './hours-model.js';
import './hours.css';

/** The table for a model; `caption` names it for screen readers. */
export function hoursWeekTable(model, { caption = 'Horaires de la semaine' } = {}) {
  return h(
    'table',
    { class: 'hours-week' },
    h('caption', { class: 'visually-hidden' }, caption),
    h(
      'tbody',
      {},
      weekRows(model).map(([day, text]) =>
        h(
          'tr',
          { class: text === 'Fermé' ? 'is-closed' : null },
          h('th', { scope: 'row' }, day),
          h('td', {}, text),
        ),
      ),
    ),
  );
}

/**
 * The shop page's « Semaine type » for its OpenStreetMap hours, or null when there are none or when they
 * say more than a usual week (the coming days' table then tells them alone).
 */
export function shopUsualWeek(openingHours) {
  const model = openingHours ? parseHours(openingHours) : null;
  if (!model || !formatHours(model)) return null;
  // Folded: the coming days' table above already answers « is it open on … »; this one adds the holidays.
  return h(
    'details',
    { class: 'hours-usual' },
    h('summary', {}, 'Semaine type et jours fériés'),
    hoursWeekTable(model, { caption: 'Semaine type, jours fériés compris' }),
  );
}
