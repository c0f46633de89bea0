// The confirmation before a decision of the city, with the reason the merchant will read.
import { h } from '../../dom.js';
import { openModal } from '../../ui/common.js';
import { submitForm, textField } from '../../ui/forms.js';

let opened = 0;

/**
 * A modal « Refuser la demande de … ? »: `send(reason)` makes the decision; errors (a decision already taken)
 * stay in the dialog. Resolves what `send` returned, or null when cancelled (Escape, « Annuler »).
 * `reason` is null for no field, else { label, hint, required }.
 */
export function decisionDialog({ title, text, reason = null, confirmLabel, busyLabel, danger = true, send }) {
  opened += 1;
  const prefix = `decision-${opened}`;
  const titleId = `${prefix}-title`;
  const textId = `${prefix}-text`;
  return new Promise((resolve) => {
    const field = reason
      ? textField({
          id: `${prefix}-reason`,
          name: 'reason',
          label: reason.label,
          hint: reason.hint,
          multiline: true,
          required: reason.required,
          rows: '3',
          maxlength: '500',
        })
      : null;
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    const { form } = submitForm({
      attributes: { method: 'dialog' },
      fields: field ? [field] : [],
      submitLabel: confirmLabel,
      busyLabel,
      actions: (submit) => {
        if (danger) submit.className = 'button button-danger';
        return h('div', { class: 'dialog-actions' }, submit, cancel);
      },
      action: async (values) => {
        const written = values.reason?.trim() || null;
        answer(await send(written));
      },
    });
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog decision-dialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId }, title),
      h('p', { id: textId }, text),
      form,
    );
    const answer = (result) => {
      close();
      resolve(result);
    };
    const close = openModal(dialog, { onCancel: () => answer(null) });
    cancel.addEventListener('click', () => answer(null));
    (field?.input ?? cancel).focus();
  });
}
