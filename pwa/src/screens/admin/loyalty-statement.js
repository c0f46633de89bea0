// The monthly statement: per shop, what it issued and took back, what the city settles between shops.
import { ApiError, queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { downloadWithToken } from '../../ui/download.js';
import { submitForm, textField } from '../../ui/forms.js';
import { formatNumber } from '../../ui/points-text.js';
import { statusLine } from '../../ui/signed-in.js';
import { isMonth, monthLabel, parisMonth } from './loyalty-month.js';

// The columns of a statement line, in the order the CSV gives them.
export const STATEMENT_COLUMNS = [
  ['issued', 'Émis'],
  ['redeemed', 'Utilisés chez lui'],
  ['reversed_issued', 'Émissions annulées'],
  ['reversed_redeemed', 'Utilisations annulées'],
  ['expired', 'Expirés'],
  ['net', 'Solde du mois'],
];

function figureCells(line) {
  return STATEMENT_COLUMNS.map(([key]) => h('td', { class: 'figure' }, formatNumber(line[key] ?? 0)));
}

function statementTable(statement) {
  const titleId = `statement-table-${statement.month}`;
  const title = `Relevé de ${monthLabel(statement.month)}, en points`;
  const table = h(
    'table',
    { class: 'statement-table' },
    h('caption', { class: 'visually-hidden' }, title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Commerce'),
        STATEMENT_COLUMNS.map(([, label]) => h('th', { scope: 'col', class: 'figure' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      statement.results.map((line) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('a', { href: `/boutique/${encodeURIComponent(line.shop.id)}` }, line.shop.name)),
          figureCells(line),
        ),
      ),
    ),
    statement.totals
      ? h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'Total'), figureCells(statement.totals)))
      : null,
  );
  // The title stays outside the frame, whole, when the table is wider than the screen; the frame scrolls
  // sideways and takes the keyboard focus to do so.
  return [
    h('h3', { id: titleId, class: 'statement-heading' }, title),
    h('div', { 'class': 'table-scroll', 'tabindex': '0', 'role': 'region', 'aria-labelledby': titleId }, table),
  ];
}

/**
 * The month picker, the table and « Télécharger le relevé (CSV) ». `month` is shown first; `onMonth(month)`
 * is told each month shown, to keep it in the address.
 */
export function statementSection({ api, auth, month: initialMonth, onMonth = () => {} }) {
  let month = initialMonth;
  let unmounted = false;
  let asked = 0;
  const area = h('div', {});
  const said = statusLine();
  const downloadError = h('p', { class: 'form-error', role: 'alert' });
  const monthField = textField({
    id: 'statement-month',
    name: 'month',
    label: 'Mois du relevé',
    type: 'month',
    hint: 'Par défaut, le dernier mois complet. Format AAAA-MM, par exemple 2026-05.',
    max: parisMonth(),
    value: month,
  });
  const { form } = submitForm({
    attributes: { 'class': 'month-form', 'aria-label': 'Changer de mois' },
    fields: [monthField],
    submitLabel: 'Afficher le relevé',
    busyLabel: 'Chargement…',
    action: async (values) => {
      const chosen = values.month.trim();
      if (!isMonth(chosen)) {
        throw new ApiError('Le mois est illisible.', {
          status: 422,
          fieldErrors: { month: 'Choisissez un mois, par exemple 2026-05.' },
        });
      }
      await show(chosen, { fromForm: true });
    },
  });
  const download = h(
    'button',
    { type: 'button', class: 'button button-secondary', hidden: true },
    icon('download'),
    h('span', {}, 'Télécharger le relevé (CSV)'),
  );
  download.addEventListener('click', async () => {
    if (download.getAttribute('aria-disabled') === 'true') return;
    download.setAttribute('aria-disabled', 'true');
    downloadError.textContent = '';
    try {
      const name = await downloadWithToken(
        auth,
        `/admin/loyalty/statements.csv${queryString({ month })}`,
        { fallbackName: `releve-points-${month}.csv` },
      );
      said.say(`Relevé de ${monthLabel(month)} téléchargé : ${name}.`);
    } catch (error) {
      downloadError.textContent = error.message ?? String(error);
    } finally {
      download.removeAttribute('aria-disabled');
    }
  });

  /** Loads `chosen`; from the form, a refusal goes back to it (thrown), otherwise it shows in the area. */
  async function show(chosen, { fromForm = false } = {}) {
    asked += 1;
    const mine = asked;
    area.setAttribute('aria-busy', 'true');
    setChildren(area, skeletonList(1, `Chargement du relevé de ${monthLabel(chosen)}…`));
    try {
      const statement = await api.authed(`/admin/loyalty/statements${queryString({ month: chosen })}`);
      if (unmounted || mine !== asked) return;
      month = statement.month;
      onMonth(month);
      downloadError.textContent = '';
      setChildren(
        area,
        statement.results.length
          ? statementTable(statement)
          : emptyState({
              title: `Aucun mouvement de points en ${monthLabel(month)}`,
              text: 'Aucun commerce n’a émis ni repris de points ce mois-là. Choisissez un autre mois.',
              level: 3,
            }),
      );
      download.hidden = false;
    } catch (error) {
      if (unmounted || mine !== asked) return;
      if (fromForm) {
        setChildren(area);
        throw error;
      }
      setChildren(area, errorBlock(error, () => show(chosen)));
    } finally {
      if (mine === asked) area.removeAttribute('aria-busy');
    }
  }

  show(month);
  return {
    element: h(
      'div',
      { class: 'stack' },
      form,
      h(
        'p',
        { class: 'hint' },
        'Solde du mois : les points émis, moins leurs annulations et les points expirés, moins les points utilisés chez lui (plus les utilisations annulées). Positif, le commerce doit ces points au réseau ; négatif, le réseau les lui doit.',
      ),
      area,
      download,
      said.element,
      downloadError,
    ),
    destroy() {
      unmounted = true;
    },
  };
}
