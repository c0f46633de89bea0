// The counter's three actions: « Encaisser des points » and « Utiliser une récompense » (after scanning or
// typing the member code), and « Code de caisse » for a shopper to scan.
import { ApiError } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatCountdown, formatPrice, parseEuros } from '../../format.js';
import { newIdempotencyKey } from '../../loyalty-queue.js';
import { emptyState } from '../../ui/common.js';
import { selectField, submitForm, textField } from '../../ui/forms.js';
import { codeStage, keepScreenOn } from '../../ui/qr-code.js';
import { openScanner } from '../../ui/qr-scanner.js';
import { formatPoints } from '../loyalty/points.js';
import { doneText, sendOrQueue } from './counter-send.js';

// The server's own limit on one purchase.
const MAX_AMOUNT_CENTS = 10_000_000;

/** Cents from what the merchant typed (« 23,50 », « 23.5 », « 23 € »), or an ApiError on the amount field. */
export function readAmount(text) {
  const cents = parseEuros(text);
  const problem =
    cents === null
      ? 'Indiquez le montant de l’achat.'
      : Number.isNaN(cents)
        ? 'Montant illisible : écrivez-le en euros, par exemple 23,50.'
        : cents <= 0
          ? 'Le montant doit être supérieur à zéro.'
          : cents > MAX_AMOUNT_CENTS
            ? 'Ce montant est trop élevé pour un seul achat.'
            : null;
  if (problem) {
    throw new ApiError('Le montant n’est pas valable.', { status: 422, fieldErrors: { amount_cents: problem } });
  }
  return cents;
}

/** The points a purchase gives at `pointsPerEuro` per whole euro, as the server counts them. */
export function pointsFor(amountCents, pointsPerEuro = 1) {
  return Math.floor(amountCents / 100) * pointsPerEuro;
}

function amountField(id) {
  return textField({
    id,
    name: 'amount_cents',
    label: 'Montant de l’achat (€)',
    hint: 'Par exemple 23,50',
    inputmode: 'decimal',
    autocomplete: 'off',
    maxlength: '12',
    enterkeyhint: 'next',
  });
}

function scanMemberCode(title) {
  return openScanner({
    title,
    fieldLabel: 'Code du client',
    why:
      'Scannez le code que le client affiche dans son application (Fidélité, « Mon code »). La caméra sert ' +
      'seulement à le lire : aucune image n’est enregistrée ni envoyée. Vous pouvez aussi saisir le code.',
  });
}

function outcome(result, { kind, queuedText }) {
  if (result.queued) {
    return h('p', { class: 'notice notice-pending' }, queuedText);
  }
  return h(
    'div',
    { class: 'notice notice-success counter-done' },
    h('p', { class: 'counter-done-title' }, doneText(kind, result.answer)),
    result.answer.reason ? h('p', {}, result.answer.reason) : null,
  );
}

const QUEUED =
  'Pas de réseau : l’opération est gardée sur cet appareil et partira dès le retour du réseau (voir « En attente d’envoi »).';

/** « Encaisser des points »: an amount, then the member code. */
export function earnSection({ api, queue, shop, user, settings, onDone, track }) {
  const amount = amountField('earn-amount');
  const preview = h('p', { 'class': 'hint', 'aria-live': 'polite' });
  const result = h('div', { 'class': 'counter-result', 'role': 'status' });
  amount.input.addEventListener('input', () => {
    const cents = parseEuros(amount.input.value);
    preview.textContent =
      cents > 0 ? `Le client recevra ${formatPoints(pointsFor(cents, settings.points_per_euro))}.` : '';
  });
  const { form } = submitForm({
    attributes: { 'aria-labelledby': 'earn-title' },
    fields: [amount],
    content: [amount.wrapper, preview],
    submitLabel: 'Scanner le code du client',
    busyLabel: 'Lecture du code…',
    action: async (values) => {
      const cents = readAmount(values.amount_cents);
      result.replaceChildren();
      const scanner = scanMemberCode('Scanner le code du client');
      track(scanner.close);
      const code = await scanner.result;
      if (!code) return;
      const sent = await sendOrQueue({
        api,
        queue,
        userId: user.id,
        shopId: shop.id,
        kind: 'earn',
        path: '/loyalty/earn',
        body: { shop_id: shop.id, member_code: code, amount_cents: cents },
        label: `Points pour un achat de ${formatPrice(cents)}`,
      });
      setChildren(result, outcome(sent, { kind: 'earn', queuedText: QUEUED }));
      amount.input.value = '';
      preview.textContent = '';
      onDone();
    },
  });
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'earn-title' },
    h('h2', { id: 'earn-title', tabindex: '-1' }, 'Encaisser des points'),
    h(
      'p',
      { class: 'hint' },
      `${formatPoints(settings.points_per_euro)} par euro entier dépensé. Saisissez le montant, puis scannez le code du client.`,
    ),
    form,
    result,
  );
}

function rewardLabel(reward) {
  const stock = reward.stock === null || reward.stock === undefined ? '' : ` (reste ${reward.stock})`;
  return `${reward.title} — ${formatPoints(reward.cost_points)}${stock}`;
}

/**
 * « Utiliser une récompense »: one of the shop's rewards, then the member code. `setRewards(rewards)` updates
 * the choice in place, so that what the counter just said and where the focus is stay put.
 */
export function redeemSection({ api, queue, shop, user, onDone, track }) {
  let available = [];
  const body = h('div', {});
  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'redeem-title' },
    h('h2', { id: 'redeem-title', tabindex: '-1' }, 'Utiliser une récompense'),
    body,
  );
  // The shop's page holds its rewards (« Récompenses »).
  const manage = `/commerce/${encodeURIComponent(shop.id)}`;
  const empty = emptyState({
    title: 'Aucune récompense à remettre',
    text: 'Publiez une récompense depuis la page de gestion du commerce : vos clients pourront l’obtenir avec leurs points.',
    actions: [h('a', { class: 'button button-secondary', href: manage }, 'Gérer les récompenses')],
    level: 3,
  });
  const result = h('div', { 'class': 'counter-result', 'role': 'status' });
  const choice = selectField({
    id: 'redeem-reward',
    name: 'reward_id',
    label: 'Récompense',
    options: [],
    required: true,
  });
  const { form } = submitForm({
    attributes: { 'aria-labelledby': 'redeem-title' },
    fields: [choice],
    submitLabel: 'Scanner le code du client',
    busyLabel: 'Lecture du code…',
    action: async (values) => {
      const reward = available.find((candidate) => candidate.id === values.reward_id);
      if (!reward) return;
      result.replaceChildren();
      const scanner = scanMemberCode('Scanner le code du client');
      track(scanner.close);
      const code = await scanner.result;
      if (!code) return;
      const sent = await sendOrQueue({
        api,
        queue,
        userId: user.id,
        shopId: shop.id,
        kind: 'redeem',
        path: '/loyalty/redeem',
        body: { shop_id: shop.id, member_code: code, reward_id: reward.id },
        label: `Récompense « ${reward.title} »`,
      });
      setChildren(result, outcome(sent, { kind: 'redeem', queuedText: QUEUED }));
      onDone({ rewardsChanged: true });
    },
  });
  const filled = [
    h('p', { class: 'hint' }, 'Choisissez la récompense, puis scannez le code du client : ses points sont débités.'),
    form,
    h('p', { class: 'counter-manage' }, h('a', { href: manage }, 'Gérer les récompenses du commerce')),
  ];

  function setRewards(rewards) {
    available = rewards.filter((reward) => reward.active && reward.stock !== 0);
    const select = choice.input;
    const kept = select.value;
    setChildren(
      select,
      available.map((reward) => h('option', { value: reward.id }, rewardLabel(reward))),
    );
    if (available.some((reward) => reward.id === kept)) select.value = kept;
    const showing = body.firstChild;
    if (!available.length && showing !== empty) setChildren(body, empty, result);
    else if (available.length && showing !== filled[0]) setChildren(body, ...filled, result);
  }

  return { element, setRewards };
}

/** « Code de caisse »: a one-time code for this purchase, for the shopper to scan (10 minutes). */
export function claimCodeSection({ api, shop, settings, track }) {
  const amount = amountField('claim-amount');
  const shown = h('div', { class: 'claim-code-area' });
  let stop = null;

  function clearShown() {
    stop?.();
    stop = null;
    shown.replaceChildren();
  }
  track(clearShown);

  function show(answer) {
    clearShown();
    const endsAt = Date.now() + Math.max(0, new Date(answer.expires_at) - new Date());
    const stage = codeStage(answer.code, { label: 'Code de caisse, à scanner par le client' });
    const countdown = h('p', { class: 'countdown claim-countdown', role: 'timer' });
    const screen = keepScreenOn();
    let timer = null;
    const tick = () => {
      const left = (endsAt - Date.now()) / 1000;
      if (left <= 0) {
        countdown.textContent = 'Ce code a expiré : créez-en un autre si besoin.';
        stage.element.classList.add('is-expired');
        screen.release();
        return;
      }
      countdown.textContent = `Valable encore ${formatCountdown(left)}`;
      timer = setTimeout(tick, 1000);
    };
    stop = () => {
      clearTimeout(timer);
      stage.destroy();
      screen.release();
    };
    const closeButton = h(
      'button',
      { type: 'button', class: 'button button-secondary', onclick: () => { clearShown(); amount.input.focus(); } },
      'Fermer le code',
    );
    setChildren(
      shown,
      h(
        'div',
        { class: 'claim-code-shown', role: 'group', 'aria-label': 'Code de caisse à montrer au client' },
        h(
          'p',
          { class: 'claim-code-points' },
          `${formatPoints(answer.points)} pour un achat de ${formatPrice(answer.amount_cents)}`,
        ),
        stage.element,
        countdown,
        closeButton,
      ),
    );
    tick();
    stage.element.scrollIntoView?.({ block: 'center' });
  }

  const { form } = submitForm({
    attributes: { 'aria-labelledby': 'claim-code-title' },
    fields: [amount],
    submitLabel: 'Créer le code',
    busyLabel: 'Création du code…',
    action: async (values) => {
      const cents = readAmount(values.amount_cents);
      try {
        const answer = await api.authed('/loyalty/claim-codes', {
          method: 'POST',
          body: { shop_id: shop.id, amount_cents: cents },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        });
        amount.input.value = '';
        show(answer);
      } catch (error) {
        if (error.isNetworkError) {
          throw new ApiError('Pas de réseau : un code de caisse ne peut être créé qu’en ligne. Encaissez avec le code du client, ou réessayez au retour du réseau.', { isNetworkError: true });
        }
        throw error;
      }
    },
  });
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'claim-code-title' },
    h('h2', { id: 'claim-code-title', tabindex: '-1' }, 'Code de caisse'),
    h(
      'p',
      { class: 'hint' },
      `Le client scanne lui-même ce code avec son application pour recevoir ses points (${formatPoints(settings.points_per_euro)} par euro). Il sert une fois et vaut 10 minutes.`,
    ),
    form,
    shown,
  );
}
