// Import a catalogue from a spreadsheet: a template made here, the file sent as is, a report line by line.
import { h, setChildren } from '../dom.js';
import { icon } from '../icons.js';

const TEMPLATE_ROWS = [
  ['kind', 'name', 'description', 'category', 'price_cents', 'in_stock', 'external_ref'],
  ['product', 'Baguette tradition', 'Farine Label Rouge', 'Pains', '120', 'oui', 'PAIN-001'],
  ['product', 'Croissant au beurre', '', 'Viennoiseries', '110', 'oui', 'VIEN-001'],
  ['service', 'Réparation de crevaison', 'Pneu avant ou arrière', 'Atelier', '1200', 'non', 'ATEL-001'],
];

/** Semicolons and a BOM: what a French spreadsheet opens and writes back. */
export function csvTemplate() {
  const quote = (value) => (/[";\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return `\ufeff${TEMPLATE_ROWS.map((row) => row.map(quote).join(';')).join('\r\n')}\r\n`;
}

/** "line 3" → « Ligne 3 ». */
export function lineLabel(field) {
  const match = /^line\s+(\d+)$/i.exec(String(field).trim());
  return match ? `Ligne ${match[1]}` : String(field);
}

function pluralise(count, one, many) {
  return `${count} ${count <= 1 ? one : many}`; // French: 0 and 1 are singular
}

export function csvImport({ api, shopId, onImported }) {
  const templateUrl = URL.createObjectURL(new Blob([csvTemplate()], { type: 'text/csv;charset=utf-8' }));
  const file = h('input', {
    'type': 'file',
    'id': 'csv-file',
    'accept': '.csv,text/csv',
    'aria-describedby': 'csv-hint',
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'button button-primary' },
    icon('upload'),
    h('span', {}, 'Importer le fichier'),
  );
  const report = h('div', { class: 'import-report', tabindex: '-1' });
  let busy = false;

  const form = h(
    'form',
    { 'novalidate': true, 'aria-labelledby': 'import-title' },
    h(
      'p',
      { id: 'csv-hint', class: 'hint' },
      'Une ligne par article, avec les colonnes kind (product ou service), name, description, category, ' +
        'price_cents (le prix en centimes : 120 pour 1,20 €) et in_stock (oui ou non). La colonne external_ref, ' +
        'facultative, met à jour l’article qui porte déjà cette référence. Séparateur virgule ou point-virgule.',
    ),
    h(
      'p',
      {},
      h(
        'a',
        {
          class: 'button button-secondary button-compact',
          href: templateUrl,
          download: 'modele-catalogue.csv',
        },
        icon('download'),
        h('span', {}, 'Télécharger un modèle CSV'),
      ),
    ),
    h('div', { class: 'field' }, h('label', { for: 'csv-file' }, 'Fichier CSV'), file),
    submit,
    report,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const chosen = file.files?.[0];
    if (!chosen) {
      setChildren(
        report,
        h('p', { class: 'form-error', role: 'alert' }, 'Choisissez d’abord un fichier CSV.'),
      );
      file.focus();
      return;
    }
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    setChildren(report, h('p', { role: 'status' }, 'Import en cours…'));
    try {
      const result = await api.authed(`/shops/${encodeURIComponent(shopId)}/items/import`, {
        method: 'POST',
        rawBody: chosen,
        contentType: 'text/csv',
      });
      setChildren(
        report,
        h(
          'p',
          { class: 'notice notice-success', role: 'status' },
          `Import terminé : ${pluralise(result.created, 'article créé', 'articles créés')}, ${pluralise(result.updated, 'article mis à jour', 'articles mis à jour')}.`,
        ),
      );
      file.value = '';
      onImported?.(result);
    } catch (error) {
      const lines = error.errors ?? [];
      setChildren(
        report,
        h(
          'div',
          { class: 'form-error', role: 'alert' },
          h('p', {}, error.message),
          lines.length
            ? h(
                'ul',
                { class: 'error-lines' },
                lines.map((line) => h('li', {}, h('strong', {}, `${lineLabel(line.field)} : `), line.detail)),
              )
            : null,
        ),
      );
      report.focus();
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
    }
  });

  return {
    element: form,
    destroy() {
      URL.revokeObjectURL(templateUrl);
    },
  };
}
