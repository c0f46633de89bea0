// The ledger's health as the city reads it: the invariant counts, each at zero or not, and a verdict.
import { h, setChildren } from '../../dom.js';
import { formatLongDate, formatTime } from '../../format.js';
import { icon } from '../../icons.js';
import { errorBlock, skeletonList } from '../../ui/common.js';
import { formatNumber, formatPoints } from '../../ui/points-text.js';
import { statusLine } from '../../ui/signed-in.js';

// What must be zero in a healthy ledger, in the words of someone who settles accounts.
export const AUDIT_CHECKS = [
  ['mismatched_accounts', 'Soldes différents de la somme de leurs écritures'],
  ['negative_accounts', 'Soldes négatifs qu’aucun remboursement n’explique'],
  ['unbalanced_transactions', 'Transactions déséquilibrées'],
  ['doubly_reversed_transactions', 'Transactions annulées deux fois'],
];

const AUDIT_FIGURES = [
  ['accounts', 'Comptes', formatNumber],
  ['transactions', 'Transactions', formatNumber],
  ['entries', 'Écritures', formatNumber],
  ['points_outstanding', 'Points en circulation', formatPoints],
  ['explained_negative_accounts', 'Soldes négatifs expliqués par un remboursement', formatNumber],
];

/** « Vérifié le 3 décembre 2026 à 9 h 40 » */
export function checkedAtText(checkedAt) {
  const date = new Date(checkedAt);
  return `Vérifié le ${formatLongDate(date)} à\u00a0${formatTime(date)}`;
}

function verdict(audit) {
  const healthy = audit.healthy;
  return h(
    'div',
    { class: `verdict ${healthy ? 'verdict-ok' : 'verdict-bad'}` },
    icon(healthy ? 'open' : 'alert', 'icon icon-large'),
    h(
      'div',
      {},
      h('p', { class: 'verdict-word' }, healthy ? 'Registre sain' : 'Anomalie dans le registre'),
      h(
        'p',
        {},
        healthy
          ? 'Chaque solde est la somme de ses écritures, aucun solde négatif inexpliqué, chaque transaction est équilibrée.'
          : 'Au moins un contrôle n’est pas à zéro (voir ci-dessous) : prévenez l’équipe technique avant tout règlement entre commerces.',
      ),
    ),
  );
}

function checkList(audit) {
  return h(
    'ul',
    { 'class': 'audit-checks', 'aria-label': 'Contrôles' },
    AUDIT_CHECKS.map(([key, label]) => {
      const count = audit[key] ?? 0;
      const ok = count === 0;
      return h(
        'li',
        { class: `audit-check ${ok ? 'is-ok' : 'is-bad'}`, 'data-check': key },
        icon(ok ? 'check' : 'alert', 'icon icon-small'),
        h('span', { class: 'audit-label' }, label),
        h('span', { class: 'audit-count' }, formatNumber(count), ' — ', ok ? 'conforme' : 'à examiner'),
      );
    }),
  );
}

function figures(audit) {
  return h(
    'dl',
    { class: 'details audit-figures' },
    AUDIT_FIGURES.map(([key, label, format]) =>
      h('div', {}, h('dt', {}, label), h('dd', {}, format(audit[key] ?? 0))),
    ),
  );
}

/** The audit card's content, with « Vérifier à nouveau ». */
export function auditSection({ api }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(1, 'Contrôle du registre en cours…'));
  const said = statusLine();
  const again = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    icon('refresh'),
    h('span', {}, 'Vérifier à nouveau'),
  );
  let unmounted = false;
  let busy = false;

  async function load({ announce = false } = {}) {
    if (busy) return;
    busy = true;
    again.setAttribute('aria-disabled', 'true');
    area.setAttribute('aria-busy', 'true');
    try {
      const audit = await api.authed('/admin/loyalty/audit');
      if (unmounted) return;
      setChildren(
        area,
        verdict(audit),
        checkList(audit),
        h('h3', {}, 'Chiffres du registre'),
        figures(audit),
        h('p', { class: 'hint audit-checked' }, `${checkedAtText(audit.checked_at)}.`),
      );
      if (announce) {
        said.say(`${audit.healthy ? 'Registre sain' : 'Anomalie dans le registre'} — ${checkedAtText(audit.checked_at)}.`);
      }
    } catch (error) {
      if (unmounted) return;
      setChildren(area, errorBlock(error, () => load({ announce })));
    } finally {
      busy = false;
      area.removeAttribute('aria-busy');
      again.removeAttribute('aria-disabled');
    }
  }

  again.addEventListener('click', () => load({ announce: true }));
  load();
  return {
    element: h('div', { class: 'stack' }, area, said.element, again),
    destroy() {
      unmounted = true;
    },
  };
}
