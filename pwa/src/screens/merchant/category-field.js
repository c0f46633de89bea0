// The trade of a shop: a select filled from /categories once they arrive.
import { h, setChildren } from '../../dom.js';
import { loadCategories } from '../../reference-data.js';
import { selectField } from '../../ui/forms.js';

/**
 * A new shop starts on « Choisissez une catégorie »; an existing `shop` starts on its own category, which
 * stays selected when the list arrives. `onError` hears when the list cannot be loaded.
 */
export function categoryField({ api, id, shop = null, onError = () => {} }) {
  const placeholder = shop ? [] : [['', 'Choisissez une catégorie']];
  const field = selectField({
    id,
    name: 'category',
    label: 'Catégorie',
    options: shop ? [[shop.category, shop.category_label]] : placeholder,
    value: shop?.category ?? '',
    required: true,
  });
  loadCategories(api)
    .then((categories) => {
      const current = field.input.value;
      setChildren(
        field.input,
        ...[...placeholder, ...categories].map(([value, label]) =>
          h('option', { value, selected: value === current }, label),
        ),
      );
    })
    .catch(onError);
  return field;
}
