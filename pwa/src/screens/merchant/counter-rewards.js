// « Récompenses du commerce »: what the shop offers for points, published, withdrawn or put back by its merchant.
import { h, setChildren } from '../../dom.js';
import { submitForm, textField } from '../../ui/forms.js';
import { statusLine } from '../../ui/signed-in.js';
import { formatPoints } from '../loyalty/points.js';

function wholeNumber(text, { optional = false } = {}) {
  const cleaned = String(text ?? '').replace(/[\s\u00a0\u202f]/g, '');
  if (!cleaned && optional) return null;
  return /^\d+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

export function rewardsSection({ api, shop, onChanged }) {
  const said = statusLine();
  const list = h('ul', { 'class': 'counter-rewards', 'aria-label': 'Récompenses publiées' });

  async function setActive(reward, active) {
    try {
      await api.authed(`/rewards/${encodeURIComponent(reward.id)}`, { method: 'PATCH', body: { active } });
      said.say(active ? `« ${reward.title} » est de nouveau proposée.` : `« ${reward.title} » est retirée.`);
      onChanged();
    } catch (error) {
      said.say(error.message);
    }
  }

  const listSlot = h('div', {});

  function setRewards(rewards) {
    if (!rewards.length) {
      setChildren(listSlot, h('p', { class: 'hint' }, 'Aucune récompense publiée pour l’instant.'));
      return;
    }
    setChildren(listSlot, list);
    setChildren(
      list,
      rewards.map((reward) =>
        h(
          'li',
          { class: `counter-reward${reward.active ? '' : ' is-withdrawn'}` },
          h(
            'p',
            {},
            h('strong', {}, reward.title),
            ` · ${formatPoints(reward.cost_points)}`,
            reward.stock === null || reward.stock === undefined ? '' : ` · stock ${reward.stock}`,
            reward.active ? '' : ' · retirée',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'button button-secondary button-compact',
              onclick: () => setActive(reward, !reward.active),
            },
            reward.active ? 'Retirer' : 'Proposer de nouveau',
            h('span', { class: 'visually-hidden' }, ` « ${reward.title} »`),
          ),
        ),
      ),
    );
  }

  const title = textField({ id: 'reward-title', name: 'title', label: 'Récompense', maxlength: '120', hint: 'Par exemple « Un café offert »' });
  const cost = textField({ id: 'reward-cost', name: 'cost_points', label: 'Coût en points', inputmode: 'numeric', maxlength: '6' });
  const stock = textField({
    id: 'reward-stock',
    name: 'stock',
    label: 'Stock (facultatif)',
    hint: 'Laissez vide si la récompense ne s’épuise pas.',
    inputmode: 'numeric',
    maxlength: '6',
    required: false,
  });
  const { form } = submitForm({
    attributes: { 'aria-labelledby': 'new-reward-title' },
    fields: [title, cost, stock],
    submitLabel: 'Publier la récompense',
    busyLabel: 'Publication…',
    after: said.element,
    action: async (values) => {
      const body = {
        title: values.title.trim(),
        cost_points: wholeNumber(values.cost_points),
        stock: wholeNumber(values.stock, { optional: true }),
      };
      const bad = {};
      if (!Number.isInteger(body.cost_points) || body.cost_points < 1) bad.cost_points = 'Indiquez un nombre entier de points, au moins 1.';
      if (Number.isNaN(body.stock)) bad.stock = 'Indiquez un nombre entier, ou laissez vide.';
      if (Object.keys(bad).length) {
        const error = new Error('Certaines informations sont invalides. Vérifiez les champs signalés.');
        error.fieldErrors = bad;
        throw error;
      }
      if (body.stock === null) delete body.stock;
      const created = await api.authed(`/shops/${encodeURIComponent(shop.id)}/rewards`, { method: 'POST', body });
      for (const field of [title, cost, stock]) field.input.value = '';
      said.say(`« ${created.title} » est publiée.`);
      onChanged();
    },
  });

  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'shop-rewards-title' },
    h('h2', { id: 'shop-rewards-title', tabindex: '-1' }, 'Récompenses du commerce'),
    listSlot,
    h('h3', { id: 'new-reward-title' }, 'Publier une récompense'),
    form,
  );
  return { element, setRewards };
}
