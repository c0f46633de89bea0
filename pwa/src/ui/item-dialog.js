// Add or edit one item of the catalogue, in a modal dialog.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { centsToInput, parseEuros } from '../format.js';
import { openModal } from './common.js';
import { radioGroup, submitForm, textField } from './forms.js';

const KINDS = [
  ['product', 'Produit'],
  ['service', 'Service'],
];

let opened = 0;

/** Resolves the saved item, or null when cancelled. `save(body)` sends it to the API. */
export function itemDialog({ item = null, save }) {
  opened += 1;
  const prefix = `item-${opened}`;
  const titleId = `${prefix}-title`;
  return new Promise((resolve) => {
    let kind = item?.kind ?? 'product';
    const kinds = radioGroup({
      name: `${prefix}-kind`,
      legend: 'Type',
      options: KINDS,
      value: kind,
      onChange: (value) => {
        kind = value;
      },
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
      value: item?.description ?? '',
    });
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
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    const { form } = submitForm({
      attributes: { method: 'dialog' },
      fields: [name, description, category, price],
      content: [
        kinds,
        name.wrapper,
        description.wrapper,
        category.wrapper,
        price.wrapper,
        h('div', { class: 'check' }, inStock, h('label', { for: inStock.id }, 'En stock')),
      ],
      submitLabel: item ? 'Enregistrer l’article' : 'Ajouter l’article',
      busyLabel: 'Enregistrement…',
      actions: (submit) => h('div', { class: 'dialog-actions' }, submit, cancel),
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
          kind,
          name: values.name.trim(),
          description: values.description.trim() || null,
          category: values.category.trim() || null,
          price_cents: cents,
          in_stock: inStock.checked,
        });
        answer(saved);
      },
    });
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, item ? 'Modifier l’article' : 'Ajouter un article'),
      form,
    );
    const answer = (saved) => {
      close();
      resolve(saved);
    };
    const close = openModal(dialog, { onCancel: () => answer(null) });
    cancel.addEventListener('click', () => answer(null));
    name.input.focus();
  });
}
