// A shop's part in the programme, set by the city: its rate, its daily cap per member, or taking it out.
import { ApiError, queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatLongDate, formatTime } from '../../format.js';
import { actionButton, confirmDialog, emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { submitForm, textField } from '../../ui/forms.js';
import { formatPoints, formatRate } from '../../ui/points-text.js';
import { statusLine } from '../../ui/signed-in.js';

const FOUND_SHOWN = 8;

/** "3" → 3; "", "2,5" or "abc" → NaN: the rate and the cap are whole numbers. */
export function wholeNumber(text) {
  const cleaned = String(text ?? '').replace(/[\s\u00a0\u202f]/g, '');
  return /^\d+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

/** The body of the PATCH, or the fields to correct (French messages, as the server would say). */
export function settingsBody({ points_per_euro: rate, daily_cap_points: cap }, enabled) {
  const fieldErrors = {};
  const pointsPerEuro = wholeNumber(rate);
  const dailyCap = wholeNumber(cap);
  if (Number.isNaN(pointsPerEuro) || pointsPerEuro < 1 || pointsPerEuro > 10) {
    fieldErrors.points_per_euro = 'Indiquez un nombre entier de 1 à 10.';
  }
  if (Number.isNaN(dailyCap) || dailyCap < 1) {
    fieldErrors.daily_cap_points = 'Indiquez un nombre entier de points, au moins 1.';
  }
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  return { body: { points_per_euro: pointsPerEuro, daily_cap_points: dailyCap, enabled } };
}

function settingsSummary(settings) {
  if (!settings.enabled) return 'Ce commerce ne participe plus au programme Points Cœur de Ville.';
  return `${formatRate(settings.points_per_euro)}, au plus ${formatPoints(settings.daily_cap_points)} par client et par jour.`;
}

function updatedLine(settings) {
  if (!settings.updated_at) return 'Réglages par défaut : jamais modifiés par la ville.';
  const at = new Date(settings.updated_at);
  return `Modifié le ${formatLongDate(at)} à\u00a0${formatTime(at)}.`;
}

function settingsForm({ api, shop, settings, onSaved }) {
  const path = `/admin/shops/${encodeURIComponent(shop.id)}/loyalty`;
  const saved = statusLine();
  const current = { ...settings };
  const summary = h('p', { class: 'settings-summary' }, settingsSummary(current));
  const updated = h('p', { class: 'hint' }, updatedLine(current));
  const rate = textField({
    id: 'loyalty-rate',
    name: 'points_per_euro',
    label: 'Points par euro dépensé',
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    max: '10',
    step: '1',
    hint: 'Un nombre entier de 1 à 10. Par défaut, 1 point par euro entier.',
    value: String(current.points_per_euro),
  });
  const cap = textField({
    id: 'loyalty-cap',
    name: 'daily_cap_points',
    label: 'Plafond par client et par jour (en points)',
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    step: '1',
    hint: 'Au-delà, ce commerce ne peut plus donner de points à ce client ce jour-là.',
    value: String(current.daily_cap_points),
  });
  const enabled = h('input', { type: 'checkbox', id: 'loyalty-enabled', checked: current.enabled });
  const { form } = submitForm({
    attributes: { 'aria-labelledby': 'loyalty-shop-name' },
    fields: [rate, cap],
    content: [
      rate.wrapper,
      cap.wrapper,
      h(
        'div',
        { class: 'check' },
        enabled,
        h('label', { for: enabled.id }, 'Ce commerce participe au programme Points Cœur de Ville'),
      ),
      h(
        'p',
        { class: 'hint' },
        'Décoché, il ne peut plus donner de points ni en faire utiliser, et sa fiche ne les annonce plus. Les points déjà gagnés chez lui restent valables ailleurs.',
      ),
    ],
    submitLabel: 'Enregistrer les réglages',
    busyLabel: 'Enregistrement…',
    after: saved.element,
    action: async (values) => {
      const { body, fieldErrors } = settingsBody(values, enabled.checked);
      if (fieldErrors) {
        throw new ApiError('Certains champs sont à corriger.', { status: 422, fieldErrors });
      }
      if (current.enabled && !body.enabled) {
        const confirmed = await confirmDialog({
          title: `Retirer « ${shop.name} » du programme ?`,
          message:
            'Ce commerce ne pourra plus donner de points ni en faire utiliser, et sa fiche ne les annoncera plus. Vous pourrez l’y remettre plus tard.',
          confirmLabel: 'Retirer du programme',
        });
        if (!confirmed) return;
      }
      const result = await api.authed(path, { method: 'PATCH', body });
      Object.assign(current, result);
      summary.textContent = settingsSummary(current);
      updated.textContent = updatedLine(current);
      saved.say(`Réglages de « ${shop.name} » enregistrés. ${settingsSummary(current)}`);
      onSaved?.(current);
    },
  });
  return h('div', { class: 'stack' }, summary, updated, form);
}

/** Find a shop by name, then its form. `open(shop)` is also called from elsewhere (unusual activity). */
export function settingsSection({ api, initialShopId = null, onShop = () => {} }) {
  const found = h('div', {});
  const editor = h('div', { class: 'loyalty-editor' });
  let unmounted = false;
  let opened = 0;

  const search = textField({
    id: 'loyalty-shop-search',
    name: 'q',
    label: 'Nom du commerce',
    type: 'search',
    autocomplete: 'off',
    hint: 'Seuls les commerces actifs sont proposés.',
    maxlength: '200',
  });
  const { form } = submitForm({
    attributes: { 'class': 'shop-finder', 'role': 'search', 'aria-label': 'Chercher un commerce à régler' },
    fields: [search],
    submitLabel: 'Chercher',
    busyLabel: 'Recherche…',
    action: async (values) => {
      const page = await api.authed(`/search${queryString({ q: values.q.trim(), limit: FOUND_SHOWN })}`);
      if (unmounted) return;
      const shops = page.results.map((result) => result.shop);
      setChildren(
        found,
        shops.length
          ? h(
              'ul',
              { 'class': 'found-shops', 'aria-label': 'Commerces trouvés' },
              shops.map((shop) => {
                const choose = actionButton('Régler', 'sliders', 'button-secondary', shop.name);
                choose.addEventListener('click', () => open(shop));
                return h(
                  'li',
                  {},
                  h('div', {}, h('p', { class: 'found-name' }, shop.name), h('p', { class: 'hint' }, shop.address)),
                  choose,
                );
              }),
            )
          : emptyState({
              title: 'Aucun commerce actif ne correspond',
              text: 'Vérifiez l’orthographe, ou cherchez un mot de son nom.',
              level: 3,
            }),
      );
    },
  });

  async function open(shop) {
    opened += 1;
    const mine = opened;
    onShop(shop.id);
    editor.setAttribute('aria-busy', 'true');
    setChildren(editor, skeletonList(1, `Chargement des réglages de « ${shop.name ?? 'ce commerce'} »…`));
    editor.scrollIntoView?.({ block: 'start' });
    try {
      const [settings, named] = await Promise.all([
        api.authed(`/admin/shops/${encodeURIComponent(shop.id)}/loyalty`),
        shop.name ? Promise.resolve(shop) : api.authed(`/shops/${encodeURIComponent(shop.id)}`),
      ]);
      if (unmounted || mine !== opened) return;
      const heading = h('h3', { id: 'loyalty-shop-name', tabindex: '-1' }, named.name);
      setChildren(editor, h('div', { class: 'card settings-card' }, heading, settingsForm({ api, shop: named, settings })));
      heading.focus();
    } catch (error) {
      if (unmounted || mine !== opened) return;
      setChildren(editor, errorBlock(error, error.status === 404 ? null : () => open(shop)));
    } finally {
      if (mine === opened) editor.removeAttribute('aria-busy');
    }
  }

  if (initialShopId) open({ id: initialShopId });
  return {
    element: h(
      'div',
      { class: 'stack' },
      h(
        'p',
        { class: 'hint' },
        'Par défaut, un commerce actif donne 1 point par euro entier. Cherchez-le pour changer son taux, son plafond journalier par client, ou le retirer du programme.',
      ),
      form,
      found,
      editor,
    ),
    open,
    destroy() {
      unmounted = true;
    },
  };
}
