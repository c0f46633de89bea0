// Import a catalogue from a spreadsheet: a template made here, the file checked first (what it would create and
// update, or every bad line), then imported once the merchant confirms.
import { h, setChildren } from '../dom.js';
import { icon } from '../icons.js';

const TEMPLATE_ROWS = [
  ['type', 'nom', 'description', 'catégorie', 'prix', 'en_stock', 'référence'],
  ['produit', 'Baguette tradition', 'Farine Label Rouge', 'Pains', '1,20', 'oui', 'PAIN-001'],
  ['produit', 'Croissant au beurre', '', 'Viennoiseries', '1,10', 'oui', 'VIEN-001'],
  ['service', 'Réparation de crevaison', 'Pneu avant ou arrière', 'Atelier', '12,00', 'non', 'ATEL-001'],
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
  const importUrl = `/shops/${encodeURIComponent(shopId)}/items/import`;

  const form = h(
    'form',
    { 'novalidate': true, 'aria-labelledby': 'import-title' },
    h(
      'p',
      { id: 'csv-hint', class: 'hint' },
      'Une ligne par article, avec les colonnes type (produit ou service), nom, description, catégorie, ' +
        'prix (en euros, par exemple 1,20) et en_stock (oui ou non). La colonne référence, facultative, met à ' +
        'jour l’article qui porte déjà cette référence. Séparateur point-virgule ou virgule. Le fichier est ' +
        'vérifié avant l’import : vous voyez ce qui sera créé ou mis à jour, puis vous confirmez.',
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

  const send = (chosen, { dryRun }) =>
    api.authed(dryRun ? `${importUrl}?dry_run=true` : importUrl, {
      method: 'POST',
      rawBody: chosen,
      contentType: 'text/csv',
    });

  const showErrors = (error) => {
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
  };

  const run = async (work) => {
    if (busy) return;
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    try {
      await work();
    } catch (error) {
      showErrors(error);
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
    }
  };

  const confirmImport = (chosen, preview) => {
    const confirm = h(
      'button',
      { type: 'button', class: 'button button-primary' },
      icon('upload'),
      h('span', {}, 'Confirmer l’import'),
    );
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    setChildren(
      report,
      h(
        'div',
        { class: 'notice' },
        h(
          'p',
          { role: 'status' },
          `Fichier vérifié : ${pluralise(preview.created, 'article sera créé', 'articles seront créés')}, ` +
            `${pluralise(preview.updated, 'article mis à jour', 'articles mis à jour')}. Rien n’est encore importé.`,
        ),
        h('p', { class: 'button-row' }, confirm, cancel),
      ),
    );
    confirm.focus();
    cancel.addEventListener('click', () => {
      setChildren(report, h('p', { role: 'status' }, 'Import annulé : rien n’a été importé.'));
      file.focus();
    });
    confirm.addEventListener('click', () =>
      run(async () => {
        setChildren(report, h('p', { role: 'status' }, 'Import en cours…'));
        const result = await send(chosen, { dryRun: false });
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
      }),
    );
  };

  form.addEventListener('submit', (event) => {
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
    run(async () => {
      setChildren(report, h('p', { role: 'status' }, 'Vérification du fichier…'));
      confirmImport(chosen, await send(chosen, { dryRun: true }));
    });
  });

  return {
    element: form,
    destroy() {
      URL.revokeObjectURL(templateUrl);
    },
  };
}
