import { h } from '../dom.js';
import { icon } from '../icons.js';

let passwordToggles = 0;

/**
 * The one field builder: `control` with its label, an optional hint and an error slot, all wired through
 * aria-describedby. `name` is the key of the field's value when the form is sent.
 */
function field({ id, name, label, hint, control }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
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
    control,
    error,
  );
  return {
    name,
    label,
    input: control,
    wrapper,
    setError(message) {
      const describedBy = [hintId, message ? errorId : null].filter(Boolean).join(' ');
      errorText.textContent = message ?? '';
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      if (describedBy) control.setAttribute('aria-describedby', describedBy);
      else control.removeAttribute('aria-describedby');
    },
  };
}

/** A labelled input (or textarea, `multiline`), required unless told otherwise. */
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
  // A textarea has no value attribute: its text is set once it exists.
  const { value, ...textareaAttributes } = attributes;
  const input = h(multiline ? 'textarea' : 'input', {
    id,
    name,
    'type': multiline ? null : type,
    autocomplete,
    'required': true,
    'aria-describedby': hint ? `${id}-hint` : null,
    ...(multiline ? textareaAttributes : attributes),
  });
  if (multiline && value !== undefined) input.value = value;
  return field({ id, name, label, hint, control: input });
}

/** A select with a label; `options` is a list of [value, label]. */
export function selectField({ id, name = id, label, options, value = '', hint, required = false }) {
  const select = h(
    'select',
    { id, 'name': id, 'aria-describedby': hint ? `${id}-hint` : null, required },
    options.map(([optionValue, optionLabel]) =>
      h('option', { value: optionValue, selected: optionValue === value }, optionLabel),
    ),
  );
  return field({ id, name, label, hint, control: select });
}

/** Segmented radio buttons; `options` is a list of [value, label], '' standing for « all ». */
export function radioGroup({ name, legend, options, value, onChange }) {
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', {}, legend),
    h(
      'div',
      { class: 'segmented-options' },
      options.map(([optionValue, label]) => {
        const id = `${name}-${optionValue || 'all'}`;
        return h(
          'span',
          { class: 'segmented-option' },
          h('input', {
            type: 'radio',
            id,
            name,
            value: optionValue,
            checked: optionValue === value,
            onchange: () => onChange(optionValue),
          }),
          h('label', { for: id }, label),
        );
      }),
    ),
  );
}

/** A search box's input: described by the hint `${id}-hint`, no autocompletion, « Rechercher » on the keyboard. */
export function searchInput({ id, ...attributes }) {
  return h('input', {
    id,
    'type': 'search',
    ...attributes,
    'autocomplete': 'off',
    'enterkeyhint': 'search',
    'maxlength': '200',
    'aria-describedby': `${id}-hint`,
  });
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
 * The one form scaffold: the alert region first, then `content` (the fields' wrappers unless told), the
 * submit button laid out by `actions`, then `after`; sent through handleSubmit.
 */
export function submitForm({
  attributes,
  fields,
  content = fields.map((field) => field.wrapper),
  submitLabel,
  busyLabel,
  actions = (submit) => submit,
  after = null,
  action,
}) {
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, submitLabel);
  const form = h('form', { novalidate: true, ...attributes }, alert, content, actions(submit), after);
  handleSubmit(form, { fields, alert, submit, busyLabel, action });
  return { form, alert };
}

/**
 * Required fields left empty are said before anything is sent: which ones, next to each, focus on the
 * first (rather than a server answer naming a field by its API key).
 */
function reportEmptyFields(fields, alert) {
  const empty = fields.filter(
    (field) => field.input.required && !field.input.disabled && field.input.value.trim() === '',
  );
  for (const field of fields) field.setError(empty.includes(field) ? 'Ce champ est à remplir.' : null);
  if (!empty.length) return false;
  const labels = empty.map((field) => `« ${field.label} »`).join(', ');
  alert.textContent =
    empty.length === 1 ? `Remplissez le champ ${labels}.` : `Remplissez les champs ${labels}.`;
  empty[0].input.focus();
  return true;
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
    if (reportEmptyFields(fields, alert)) return;
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
