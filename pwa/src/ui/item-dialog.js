// Add or edit one item of the catalogue, in a modal dialog.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { centsToInput, parseEuros } from '../format.js';
import { handleSubmit, textField } from './forms.js';

let opened = 0;

/** Resolves the saved item, or null when cancelled. `save(body)` sends it to the API. */
export function itemDialog({ item = null, save }) {
  opened += 1;
  const prefix = `item-${opened}`;
  const titleId = `${prefix}-title`;
  const returnFocus = document.activeElement;
  return new Promise((resolve) => {
    const kinds = [
      ['product', 'Produit'],
      ['service', 'Service'],
    ].map(([value, label]) => {
      const input = h('input', {
        type: 'radio',
        id: `${prefix}-kind-${value}`,
        name: `${prefix}-kind`,
        value,
        checked: (item?.kind ?? 'product') === value,
      });
      return {
        input,
        element: h('span', { class: 'segmented-option' }, input, h('label', { for: input.id }, label)),
      };
    });
    const name = textField({
      id: `${prefix}-name`,
      name: 'name',
      label: 'Nom',
      maxlength: '120',
      value: item?.name ?? '',
    });
    const description = textField({
      id: `${prefix}-description`,
      name: 'description',
      label: 'Description (facultatif)',
      multiline: true,
      required: false,
      rows: '3',
      maxlength: '2000',
    });
    description.input.value = item?.description ?? '';
    const category = textField({
      id: `${prefix}-category`,
      name: 'category',
      label: 'Rayon (facultatif)',
      hint: 'Par exemple « Viennoiseries » ou « Atelier ».',
      required: false,
      maxlength: '80',
      value: item?.category ?? '',
    });
    const price = textField({
      id: `${prefix}-price`,
      name: 'price_cents',
      label: 'Prix en euros (facultatif)',
      hint: 'Par exemple 1,20. Laissez vide si le prix varie.',
      required: false,
      inputmode: 'decimal',
      autocomplete: 'off',
      value: centsToInput(item?.price_cents),
    });
    const inStock = h('input', {
      type: 'checkbox',
      id: `${prefix}-stock`,
      checked: item ? item.in_stock : true,
    });
    const alert = h('div', { class: 'form-error', role: 'alert' });
    const submit = h(
      'button',
      { type: 'submit', class: 'button button-primary' },
      item ? 'Enregistrer l’article' : 'Ajouter l’article',
    );
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    const form = h(
      'form',
      { novalidate: true, method: 'dialog' },
      alert,
      h(
        'fieldset',
        { class: 'segmented' },
        h('legend', {}, 'Type'),
        h(
          'div',
          { class: 'segmented-options' },
          kinds.map((kind) => kind.element),
        ),
      ),
      name.wrapper,
      description.wrapper,
      category.wrapper,
      price.wrapper,
      h('div', { class: 'check' }, inStock, h('label', { for: inStock.id }, 'En stock')),
      h('div', { class: 'dialog-actions' }, submit, cancel),
    );
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, item ? 'Modifier l’article' : 'Ajouter un article'),
      form,
    );
    const close = (saved) => {
      dialog.close();
      dialog.remove();
      if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
      resolve(saved);
    };
    cancel.addEventListener('click', () => close(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(null);
    });
    handleSubmit(form, {
      fields: [name, description, category, price],
      alert,
      submit,
      busyLabel: 'Enregistrement…',
      action: async (values) => {
        const cents = parseEuros(values.price_cents);
        if (!values.name.trim() || Number.isNaN(cents)) {
          throw new ApiError('Certains champs sont à corriger.', {
            status: 422,
            fieldErrors: {
              ...(values.name.trim() ? {} : { name: 'Indiquez le nom de l’article.' }),
              ...(Number.isNaN(cents) ? { price_cents: 'Prix illisible : écrivez par exemple 1,20.' } : {}),
            },
          });
        }
        const saved = await save({
          kind: kinds.find((kind) => kind.input.checked)?.input.value ?? 'product',
          name: values.name.trim(),
          description: values.description.trim() || null,
          category: values.category.trim() || null,
          price_cents: cents,
          in_stock: inStock.checked,
        });
        close(saved);
      },
    });
    document.body.append(dialog);
    dialog.showModal();
    name.input.focus();
  });
}
