// Publish or edit one reward of the shop, in a modal dialog.
import { ApiError } from '../../api.js';
import { h } from '../../dom.js';
import { openModal } from '../../ui/common.js';
import { submitForm, textField } from '../../ui/forms.js';

let opened = 0;

function count(text) {
  const cleaned = String(text ?? '').replace(/[\s\u00a0\u202f]/g, '');
  if (!cleaned) return null;
  return /^\d+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

/**
 * What the form's values send ({ body }), or what to correct ({ fieldErrors }): a title, a cost of at least
 * one point, a stock left empty for « no limit ».
 */
export function rewardBody(values) {
  const fieldErrors = {};
  const title = values.title.trim();
  const cost = count(values.cost_points);
  const stock = count(values.stock);
  if (!title) fieldErrors.title = 'Donnez un titre à la récompense, par exemple « Un café offert ».';
  if (cost === null || Number.isNaN(cost) || cost < 1 || cost > 100_000) {
    fieldErrors.cost_points = 'Indiquez un nombre entier de points, de 1 à 100 000.';
  }
  if (Number.isNaN(stock) || stock > 100_000) {
    fieldErrors.stock = 'Indiquez un nombre entier, ou laissez vide pour un nombre illimité.';
  }
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  return {
    body: { title, cost_points: cost, stock, description: values.description.trim() || null },
  };
}

/** Resolves the saved reward, or null when cancelled. `save(body)` sends it to the API. */
export function rewardDialog({ reward = null, save }) {
  opened += 1;
  const prefix = `reward-${opened}`;
  const titleId = `${prefix}-title`;
  return new Promise((resolve) => {
    const title = textField({
      id: `${prefix}-name`,
      name: 'title',
      label: 'Titre',
      hint: 'Ce que le client obtient, par exemple « Un café offert ».',
      maxlength: '120',
      value: reward?.title ?? '',
    });
    const cost = textField({
      id: `${prefix}-cost`,
      name: 'cost_points',
      label: 'Coût en points',
      type: 'number',
      inputmode: 'numeric',
      min: '1',
      max: '100000',
      step: '1',
      hint: 'Un client gagne en général 1 point par euro dépensé.',
      value: reward ? String(reward.cost_points) : '',
    });
    const stock = textField({
      id: `${prefix}-stock`,
      name: 'stock',
      label: 'Stock (facultatif)',
      type: 'number',
      inputmode: 'numeric',
      min: '0',
      step: '1',
      required: false,
      hint: 'Combien vous pouvez en offrir. Laissez vide pour un nombre illimité.',
      value: reward?.stock === null || reward?.stock === undefined ? '' : String(reward.stock),
    });
    const description = textField({
      id: `${prefix}-description`,
      name: 'description',
      label: 'Description (facultatif)',
      multiline: true,
      required: false,
      rows: '3',
      maxlength: '500',
      value: reward?.description ?? '',
    });
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    const { form } = submitForm({
      attributes: { method: 'dialog' },
      fields: [title, cost, stock, description],
      submitLabel: reward ? 'Enregistrer la récompense' : 'Publier la récompense',
      busyLabel: 'Enregistrement…',
      actions: (submit) => h('div', { class: 'dialog-actions' }, submit, cancel),
      action: async (values) => {
        const { body, fieldErrors } = rewardBody(values);
        if (fieldErrors) throw new ApiError('Certains champs sont à corriger.', { status: 422, fieldErrors });
        answer(await save(body));
      },
    });
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, reward ? 'Modifier la récompense' : 'Publier une récompense'),
      form,
    );
    const answer = (saved) => {
      close();
      resolve(saved);
    };
    const close = openModal(dialog, { onCancel: () => answer(null) });
    cancel.addEventListener('click', () => answer(null));
    title.input.focus();
  });
}
