// Fidélité: the balance, what expires when, the history, rewards near me, « Mon code » for the merchant to
// scan and « Scanner un code de caisse » for the codes a merchant shows. Offline: the last known state, dated.
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { icon } from '../../icons.js';
import { newIdempotencyKey } from '../../loyalty-queue.js';
import { keptAnswers, keptPolicy } from '../../offline-store.js';
import { errorBlock, retryButton, skeletonList } from '../../ui/common.js';
import { savedWhen } from '../../ui/kept-answers.js';
import { pageFrame } from '../../ui/page.js';
import { openScanner } from '../../ui/qr-scanner.js';
import { historySection } from './history.js';
import { openMemberCode } from './member-code.js';
import { formatNumber, formatPoints, signedPoints } from './points.js';
import { rewardsSection } from './rewards.js';
import './loyalty.css';

const PROGRAMME =
  'Avec les points Cœur de Ville, vos achats dans les commerces indépendants du centre-ville vous rapportent ' +
  'des points (un point par euro en général), valables dans tous les commerces participants pendant 12 mois, ' +
  'à échanger contre des récompenses.';

/** « 12 points le 3 décembre 2026 » for each lot, or the sentence saying nothing expires soon. */
export function expiringLines(expiring) {
  if (!expiring?.length) return [];
  return expiring.map((lot) => `${formatPoints(lot.points)} le ${formatLongDate(new Date(lot.expires_at))}`);
}

const NOTHING_EXPIRES = 'Aucun point n’expire dans les 60 prochains jours.';

function keptFor(path) {
  return keptAnswers.read(keptPolicy(path, { token: 'kept' })).catch(() => null);
}

function signedOut(body, { api }) {
  const rewards = rewardsSection({ api });
  setChildren(
    body,
    h(
      'section',
      { 'class': 'card loyalty-intro', 'aria-labelledby': 'programme-title' },
      h('h2', { id: 'programme-title' }, 'Points Cœur de Ville'),
      h('p', {}, PROGRAMME),
      h(
        'p',
        {},
        'En caisse, montrez votre code ou scannez celui du commerçant : les points arrivent aussitôt sur votre compte.',
      ),
      h('a', { class: 'button button-primary', href: '/compte' }, 'Se connecter ou créer un compte'),
    ),
    rewards.element,
  );
  rewards.load();
}

function signedIn(body, { api }) {
  const figure = h('span', { class: 'balance-number' }, '…');
  const unit = h('span', { class: 'balance-unit' }, ' points');
  const balanceNote = h('div', { class: 'balance-note' });
  const claimResult = h('div', { 'class': 'claim-result', 'role': 'status', 'aria-live': 'polite' });
  const expiringArea = h('div', {});
  const history = historySection({ api });
  const rewards = rewardsSection({ api });
  let known = null;
  let unmounted = false;
  const cleanups = [];
  // One key per code: a claim retried after a lost answer is the same claim.
  const claimKeys = new Map();

  const codeButton = h(
    'button',
    { type: 'button', class: 'button button-primary', onclick: () => showCode() },
    'Mon code',
  );
  const scanButton = h(
    'button',
    { type: 'button', class: 'button button-secondary', onclick: () => scanClaimCode() },
    'Scanner un code de caisse',
  );

  setChildren(
    body,
    h(
      'section',
      { 'class': 'card loyalty-balance', 'aria-labelledby': 'balance-title' },
      h('h2', { id: 'balance-title' }, 'Votre solde'),
      h('p', { class: 'balance-figure' }, figure, unit),
      balanceNote,
      h('div', { class: 'button-stack' }, codeButton, scanButton),
      claimResult,
    ),
    h(
      'section',
      { 'class': 'card', 'aria-labelledby': 'expiring-title' },
      h('h2', { id: 'expiring-title' }, 'Ce qui expire quand'),
      expiringArea,
    ),
    history.element,
    rewards.element,
    h('section', { 'class': 'card loyalty-intro', 'aria-labelledby': 'programme-title' },
      h('h2', { id: 'programme-title' }, 'Comment ça marche'),
      h('p', {}, PROGRAMME),
    ),
  );

  function renderBalance(answer, { kept = null } = {}) {
    known = answer.balance;
    figure.textContent = formatNumber(answer.balance);
    unit.textContent = Math.abs(answer.balance) >= 2 ? ' points' : ' point';
    const lines = expiringLines(answer.expiring);
    setChildren(
      expiringArea,
      lines.length ? h('ul', { class: 'expiring-list' }, lines.map((text) => h('li', {}, text))) : h('p', {}, NOTHING_EXPIRES),
    );
    setChildren(
      balanceNote,
      kept
        ? h(
            'div',
            { class: 'kept-note' },
            icon('wifi-off', 'icon icon-small'),
            h('p', {}, `Solde du ${savedWhen(new Date(answer.as_of ?? kept.savedAt))} — vous êtes hors connexion.`),
            retryButton(() => loadAll()),
          )
        : h('p', { class: 'hint' }, 'Valables dans tous les commerces participants.'),
    );
  }

  async function loadBalance() {
    try {
      renderBalance(await api.authed('/loyalty/me'));
    } catch (error) {
      if (unmounted) return;
      if (error.isNetworkError && error.kept) {
        renderBalance(error.kept.data, { kept: error.kept });
        return;
      }
      figure.textContent = '–';
      setChildren(balanceNote, errorBlock(error, () => loadBalance()));
    }
  }

  function loadAll() {
    loadBalance();
    history.load();
    rewards.load();
  }

  function showCode() {
    const close = openMemberCode({
      api,
      balance: known,
      onBalance: (answer) => {
        if (answer.balance !== known) {
          renderBalance(answer);
          history.load();
        }
      },
    });
    cleanups.push(close);
  }

  async function scanClaimCode() {
    const scanner = openScanner({
      title: 'Scanner un code de caisse',
      fieldLabel: 'Code de caisse',
      why:
        'Le commerçant vous montre un code pour les points de votre achat. La caméra sert seulement à le lire : ' +
        'aucune image n’est enregistrée ni envoyée. Vous pouvez aussi saisir le code à la main.',
    });
    cleanups.push(scanner.close);
    const code = await scanner.result;
    if (!code || unmounted) return;
    if (!claimKeys.has(code)) claimKeys.set(code, newIdempotencyKey());
    setChildren(claimResult, h('p', {}, 'Envoi du code…'));
    try {
      const result = await api.authed('/loyalty/claim', {
        method: 'POST',
        body: { code },
        headers: { 'Idempotency-Key': claimKeys.get(code) },
      });
      if (unmounted) return;
      setChildren(
        claimResult,
        h(
          'p',
          { class: 'notice notice-success' },
          `${signedPoints(result.points)}${result.shop ? ` chez ${result.shop.name}` : ''}. ` +
            `Nouveau solde : ${formatPoints(result.balance)}.`,
        ),
      );
      loadBalance();
      history.load();
    } catch (error) {
      if (unmounted) return;
      setChildren(
        claimResult,
        h(
          'p',
          { class: 'form-error' },
          error.isNetworkError ? 'Hors connexion : le code n’a pas pu être envoyé. Réessayez au retour du réseau.' : error.message,
        ),
      );
    }
  }

  loadAll();
  return () => {
    unmounted = true;
    for (const cleanup of cleanups) cleanup();
  };
}

/** Offline at start-up (the session could not be checked): what was kept, dated, and nothing that needs the server. */
async function unavailable(body, { retry }) {
  const [balance, history] = await Promise.all([keptFor('/loyalty/me'), keptFor('/loyalty/me/history')]);
  if (!body.isConnected) return;
  if (!balance) {
    setChildren(
      body,
      h(
        'div',
        { class: 'card kept-missing' },
        h('p', {}, 'Vous êtes hors connexion : votre solde s’affichera au retour du réseau.'),
        retryButton(retry),
      ),
    );
    return;
  }
  const section = historySection({ api: null });
  setChildren(
    body,
    h(
      'section',
      { 'class': 'card loyalty-balance', 'aria-labelledby': 'balance-title' },
      h('h2', { id: 'balance-title' }, 'Votre solde'),
      h(
        'p',
        { class: 'balance-figure' },
        h('span', { class: 'balance-number' }, formatNumber(balance.data.balance)),
        h('span', { class: 'balance-unit' }, Math.abs(balance.data.balance) >= 2 ? ' points' : ' point'),
      ),
      h(
        'div',
        { class: 'kept-note' },
        icon('wifi-off', 'icon icon-small'),
        h('p', {}, `Solde du ${savedWhen(new Date(balance.data.as_of ?? balance.savedAt))} — vous êtes hors connexion.`),
        retryButton(retry),
      ),
    ),
    h(
      'section',
      { 'class': 'card', 'aria-labelledby': 'expiring-title' },
      h('h2', { id: 'expiring-title' }, 'Ce qui expire quand'),
      expiringLines(balance.data.expiring).length
        ? h('ul', { class: 'expiring-list' }, expiringLines(balance.data.expiring).map((text) => h('li', {}, text)))
        : h('p', {}, NOTHING_EXPIRES),
    ),
    section.element,
  );
  section.showKept(history);
}

export function loyaltyScreen({ api, auth }) {
  return {
    path: '/fidelite',
    title: 'Fidélité',
    mount(outlet) {
      const { body } = pageFrame(outlet, {
        title: 'Fidélité',
        lead: 'Vos points Cœur de Ville : cumulés dans tous les commerces participants, échangés contre des récompenses.',
      });
      let renderedKey = null;
      let cleanup = null;
      const update = (state) => {
        const key = `${state.status}|${state.user?.id ?? ''}`;
        if (key === renderedKey) return;
        renderedKey = key;
        cleanup?.();
        cleanup = null;
        body.removeAttribute('aria-busy');
        if (state.status === 'signed-in') cleanup = signedIn(body, { api });
        else if (state.status === 'signed-out') signedOut(body, { api });
        else if (state.status === 'unavailable') unavailable(body, { retry: () => auth.start() });
        else {
          body.setAttribute('aria-busy', 'true');
          setChildren(body, skeletonList(2, 'Chargement de vos points…'));
        }
      };
      update(auth.state);
      const unsubscribe = auth.subscribe(update);
      return () => {
        unsubscribe();
        cleanup?.();
      };
    },
  };
}
