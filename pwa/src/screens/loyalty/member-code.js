// « Mon code »: the member code, large and bright, renewed before it runs out (it lives 120 s), with a
// countdown; the balance is read every few seconds so that the points the merchant gives show at once.
import { h } from '../../dom.js';
import { formatCountdown } from '../../format.js';
import { openModal } from '../../ui/common.js';
import { codeStage, keepScreenOn } from '../../ui/qr-code.js';
import { balanceChange, formatPoints } from './points.js';

const RENEW_BEFORE_END_MS = 20_000;
const RETRY_MS = 5_000;
const POLL_MS = 3_000;

/** When to ask for the next code: 20 s before this one ends, counted on this device's clock. */
export function renewalAt(code, receivedAt) {
  const lifetimeMs = (code.valid_seconds ?? 120) * 1000;
  return receivedAt + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_BEFORE_END_MS);
}

/** Opens the dialog; `onBalance(balanceAnswer)` hears every balance read. Returns `close()`. */
export function openMemberCode({ api, balance, onBalance }) {
  const countdown = h('p', { class: 'countdown code-countdown', role: 'timer' });
  const gained = h('p', { class: 'code-gain', role: 'status' });
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const balanceLine = h('p', { class: 'code-balance' });
  const stageSlot = h('div', { 'class': 'code-slot', 'aria-busy': 'true' }, h('p', {}, 'Création de votre code…'));
  const closeButton = h('button', { type: 'button', class: 'button button-secondary' }, 'Fermer');
  const dialog = h(
    'dialog',
    { 'class': 'app-dialog code-dialog', 'aria-labelledby': 'member-code-title', 'aria-describedby': 'member-code-how' },
    h('h2', { id: 'member-code-title', tabindex: '-1' }, 'Mon code'),
    h(
      'p',
      { id: 'member-code-how', class: 'hint' },
      'Présentez ce code au commerçant : il le scanne pour vous donner vos points ou vous remettre une récompense. ' +
        'Il change toutes les deux minutes.',
    ),
    stageSlot,
    countdown,
    gained,
    problem,
    balanceLine,
    h('div', { class: 'dialog-actions' }, closeButton),
  );

  let stage = null;
  let closed = false;
  let renewTimer = null;
  let tickTimer = null;
  let pollTimer = null;
  let current = null;
  let known = Number.isInteger(balance) ? balance : null;
  const screen = keepScreenOn();

  function showBalance() {
    balanceLine.textContent = known === null ? '' : `Votre solde : ${formatPoints(known)}`;
  }

  function tick() {
    clearTimeout(tickTimer);
    if (closed || !current) return;
    const now = Date.now();
    if (now >= current.endsAt) {
      countdown.textContent = 'Ce code a expiré.';
      stageSlot.classList.add('is-expired');
      return;
    }
    const renewIn = (current.renewAt - now) / 1000;
    countdown.textContent =
      renewIn > 0
        ? `Nouveau code dans ${formatCountdown(renewIn)}`
        : `Code valable encore ${formatCountdown((current.endsAt - now) / 1000)}`;
    tickTimer = setTimeout(tick, 1000 - (now % 1000) + 5);
  }

  async function renew() {
    clearTimeout(renewTimer);
    if (closed) return;
    try {
      const code = await api.authed('/loyalty/me/member-code', { method: 'POST' });
      if (closed) return;
      const receivedAt = Date.now();
      current = {
        code: code.member_code,
        renewAt: renewalAt(code, receivedAt),
        endsAt: receivedAt + (code.valid_seconds ?? 120) * 1000,
      };
      problem.textContent = '';
      if (stage) stage.update(current.code);
      else {
        stage = codeStage(current.code, { label: 'Votre code de membre, à scanner par le commerçant' });
        stageSlot.replaceChildren(stage.element);
        stageSlot.removeAttribute('aria-busy');
      }
      stageSlot.classList.remove('is-expired');
      renewTimer = setTimeout(renew, Math.max(1000, current.renewAt - receivedAt));
    } catch (error) {
      if (closed) return;
      problem.textContent = error.isNetworkError
        ? 'Hors connexion : impossible d’obtenir un nouveau code. Nouvel essai dans quelques secondes.'
        : error.message;
      if (!stage) stageSlot.replaceChildren();
      renewTimer = setTimeout(renew, RETRY_MS);
    }
    tick();
  }

  async function poll() {
    clearTimeout(pollTimer);
    if (closed) return;
    try {
      const answer = await api.authed('/loyalty/me');
      if (closed) return;
      const change = balanceChange(known, answer.balance);
      const rose = known !== null && answer.balance > known;
      known = answer.balance;
      showBalance();
      onBalance?.(answer);
      if (change) gained.textContent = change;
      // A code gives points once: the next purchase needs a fresh one.
      if (rose) renew();
    } catch {
      // Offline for a moment: the next read will tell.
    }
    pollTimer = setTimeout(poll, POLL_MS);
  }

  function close() {
    if (closed) return;
    closed = true;
    clearTimeout(renewTimer);
    clearTimeout(tickTimer);
    clearTimeout(pollTimer);
    stage?.destroy();
    screen.release();
    window.removeEventListener('popstate', close);
    closeModal();
  }

  closeButton.addEventListener('click', close);
  window.addEventListener('popstate', close);
  const closeModal = openModal(dialog, { onCancel: close });
  dialog.querySelector('h2').focus();
  showBalance();
  renew();
  pollTimer = setTimeout(poll, POLL_MS);
  return close;
}
