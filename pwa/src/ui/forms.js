import { h } from '../dom.js';
import { icon } from '../icons.js';

let passwordToggles = 0;

/** A labelled input with an optional hint and an error slot wired through aria-describedby. */
export function textField({
  id,
  name,
  label,
  type = 'text',
  autocomplete,
  hint,
  multiline = false,
  ...attributes
}) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h(multiline ? 'textarea' : 'input', {
    id,
    name,
    'type': multiline ? null : type,
    autocomplete,
    'required': true,
    'aria-describedby': hintId,
    ...attributes,
  });
  const errorText = h('span');
  const error = h(
    'p',
    { id: errorId, class: 'field-error', hidden: true },
    icon('alert', 'icon icon-small'),
    errorText,
  );
  const wrapper = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    input,
    error,
  );
  return {
    name,
    input,
    wrapper,
    setError(message) {
      const describedBy = [hintId, message ? errorId : null].filter(Boolean).join(' ');
      errorText.textContent = message ?? '';
      error.hidden = !message;
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (describedBy) input.setAttribute('aria-describedby', describedBy);
      else input.removeAttribute('aria-describedby');
    },
  };
}

export function showPasswordToggle(passwordField) {
  passwordToggles += 1;
  const id = `show-password-${passwordToggles}`;
  const checkbox = h('input', {
    id,
    type: 'checkbox',
    onchange: () => {
      passwordField.input.type = checkbox.checked ? 'text' : 'password';
    },
  });
  return h('div', { class: 'check' }, checkbox, h('label', { for: id }, 'Afficher le mot de passe'));
}

/**
 * Submits with one request at a time; shows problem+json errors next to their
 * fields and everything else in the form's alert region.
 */
export function handleSubmit(form, { fields, alert, submit, busyLabel, action }) {
  const idleLabel = submit.textContent;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = busyLabel;
    alert.textContent = '';
    for (const field of fields) field.setError(null);
    const values = Object.fromEntries(fields.map((field) => [field.name, field.input.value]));
    try {
      await action(values);
    } catch (error) {
      const unplaced = [];
      let firstInvalid = null;
      for (const [name, message] of Object.entries(error.fieldErrors ?? {})) {
        const field = fields.find((candidate) => candidate.name === name);
        if (!field) {
          unplaced.push(message);
          continue;
        }
        field.setError(message);
        firstInvalid ??= field;
      }
      alert.textContent = [error.message ?? String(error), ...unplaced].join(' ');
      firstInvalid?.input.focus();
    } finally {
      busy = false;
      if (submit.isConnected) {
        submit.removeAttribute('aria-disabled');
        submit.textContent = idleLabel;
      }
    }
  });
}
