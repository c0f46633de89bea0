// Contrôle (validators): read a student's code with the camera or paste it, and see a full-screen verdict.
// Online, the verify route answers (and shows the photo from the server, never one drawn by the student's
// phone); with no network, the code is checked here against the trust bundle kept from the last refresh,
// whose root-key signature was checked when it came. The bundle is refreshed hourly; after 24 hours the screen
// warns, and after 72 hours a good code is only « À VÉRIFIER ».
import { clear, createStore, get, set } from 'idb-keyval';
import { PREFIX } from '../../card/code.js';
import { openBundle, verifyOffline } from '../../card/verify.js';
import { h, setChildren } from '../../dom.js';
import { formatDayMonth, formatTime } from '../../format.js';
import { icon } from '../../icons.js';
import { serviceLabel } from '../../roles.js';
import { openModal } from '../../ui/common.js';
import { textField } from '../../ui/forms.js';
import { pageFrame } from '../../ui/page.js';
import { openScanner } from '../../ui/qr-scanner.js';
import { reasonText, verdictIcon, verdictWord } from './verdicts.js';

const store = createStore('valence-checker', 'trust');
const REFRESH_MS = 60 * 60 * 1000;
const WARN_AFTER_MS = 24 * 60 * 60 * 1000;
const AMBER_AFTER_MS = 72 * 60 * 60 * 1000;

function readVc1(text) {
  const code = String(text ?? '').replace(/^\s+/, '');
  return code.startsWith(PREFIX) ? code : null;
}

/** What the checker keeps (the bundle, the codes it accepted, its validator), for sign-out. */
export const checkerStore = { clear: () => clear(store) };

/** Codes accepted offline by this checker, kept until they could no longer be accepted. */
const replays = {
  async firstTime(key, keepUntilS) {
    const seen = (await get('seen', store)) ?? {};
    const now = Date.now() / 1000;
    for (const [known, until] of Object.entries(seen)) if (until < now) delete seen[known];
    if (key in seen) return false;
    seen[key] = keepUntilS;
    await set('seen', seen, store);
    return true;
  },
};

async function refreshBundle(api) {
  const kept = (await get('bundle', store)) ?? null;
  // The root key is learnt once, then kept: a bundle signed by another key is refused.
  const rootKey = kept?.rootKey ?? (await api.send('/student-cards/root-key')).public_key;
  const signed = await api.send('/student-cards/trust-bundle');
  const bundle = await openBundle(signed, rootKey);
  if (!bundle) throw new Error('La liste de confiance reçue n’est pas signée par la clé de la ville : elle est ignorée.');
  const record = { rootKey, bundle, fetchedAt: Date.now() };
  await set('bundle', record, store);
  return record;
}

function verdictDialog({ result, service, online, onNext }) {
  const word = verdictWord(result.verdict);
  const photo = result.photo_url
    ? h('img', { class: 'verdict-photo', src: result.photo_url, alt: 'Photo de l’étudiant enregistrée par la vie étudiante' })
    : h('p', { class: 'verdict-no-photo' }, online ? 'Pas de photo pour ce verdict.' : 'Photo disponible seulement en ligne.');
  const next = h('button', { type: 'button', class: 'button verdict-next' }, 'Contrôle suivant');
  const dialog = h(
    'dialog',
    { 'class': `verdict-screen verdict-${result.verdict}`, 'aria-labelledby': 'verdict-word', 'aria-describedby': 'verdict-reason' },
    h('div', { class: 'verdict-mark' }, icon(verdictIcon(result.verdict), 'icon verdict-icon')),
    h('p', { id: 'verdict-word', class: 'verdict-word', role: 'alert' }, word),
    h('p', { id: 'verdict-reason', class: 'verdict-reason' }, reasonText(result.reason)),
    h('p', { class: 'verdict-meta' }, `${serviceLabel(service)} · ${online ? 'vérifié en ligne' : 'vérifié hors ligne'}`),
    result.verdict === 'red' ? null : photo,
    next,
  );
  const close = openModal(dialog, { onCancel: () => done() });
  const done = () => {
    close();
    onNext();
  };
  next.addEventListener('click', done);
  next.focus();
  return close;
}

function checker(body, { api, user }) {
  const service = user.service;
  const trustLine = h('p', { class: 'hint trust-line', role: 'status' });
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const scan = h('button', { type: 'button', class: 'button button-primary button-large' }, icon('scan'), ' Scanner une carte');
  const field = textField({
    id: 'checker-code',
    name: 'code',
    label: 'Ou collez le code',
    hint: 'Le texte du code, qui commence par VC1:',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '400',
  });
  const pasteForm = h(
    'form',
    { 'class': 'checker-paste', 'novalidate': true, 'aria-label': 'Coller un code' },
    field.wrapper,
    h('button', { type: 'submit', class: 'button button-secondary' }, 'Vérifier ce code'),
  );
  let trust = null;
  let unmounted = false;
  let closeVerdict = null;
  let scanner = null;

  function describeTrust() {
    if (!trust) {
      trustLine.textContent = navigator.onLine
        ? 'Chargement de la liste de confiance…'
        : 'Aucune liste de confiance sur ce téléphone : connectez-le une fois pour contrôler hors ligne.';
      return;
    }
    const at = new Date(trust.fetchedAt);
    const age = Date.now() - trust.fetchedAt;
    const when = `${formatDayMonth(at)} à ${formatTime(at)}`;
    trustLine.classList.toggle('is-warning', age > WARN_AFTER_MS);
    trustLine.textContent =
      age > AMBER_AFTER_MS
        ? `Liste de confiance du ${when}, trop ancienne : hors ligne, une carte valide s’affiche « À VÉRIFIER ».`
        : age > WARN_AFTER_MS
          ? `Attention : liste de confiance du ${when}. Connectez ce téléphone pour la mettre à jour.`
          : `Liste de confiance du ${when}.`;
  }

  async function loadTrust() {
    trust = (await get('bundle', store)) ?? null;
    if (!trust || Date.now() - trust.fetchedAt > REFRESH_MS) {
      try {
        trust = await refreshBundle(api);
      } catch (error) {
        if (!error.isNetworkError) problem.textContent = error.message;
      }
    }
    if (unmounted) return;
    if (!trust) {
      trustLine.textContent = 'Aucune liste de confiance sur ce téléphone : connectez-le une fois pour contrôler hors ligne.';
    } else describeTrust();
  }

  async function check(text) {
    problem.textContent = '';
    let result = null;
    let online = false;
    try {
      result = await api.authed('/student-cards/verify', { method: 'POST', body: { qr: text } });
      online = true;
    } catch (error) {
      // A problem answer is the server's word; anything else (no network, no session to refresh) is offline.
      if (error.status && !error.isNetworkError) {
        problem.textContent = error.message;
        return;
      }
    }
    if (!result) {
      if (!trust) {
        problem.textContent = 'Hors connexion et sans liste de confiance : impossible de vérifier cette carte.';
        return;
      }
      result = await verifyOffline(text, { bundle: trust.bundle, service, nowMs: Date.now(), replays });
      if (result.verdict === 'green' && Date.now() - trust.fetchedAt > AMBER_AFTER_MS) {
        result = { ...result, verdict: 'amber', reason: 'old_bundle' };
      }
    }
    if (unmounted) return;
    closeVerdict = verdictDialog({ result, service, online, onNext: () => (closeVerdict = null) });
  }

  scan.addEventListener('click', async () => {
    scanner = openScanner({
      title: 'Scanner une carte étudiante',
      fieldLabel: 'Code de la carte',
      fieldHint: 'Le texte du code, qui commence par VC1:',
      read: readVc1,
      formatError: 'Ce n’est pas un code de carte étudiante : il commence par VC1:.',
      maxLength: 400,
      why:
        'La caméra sert seulement à lire le code de la carte : aucune image n’est enregistrée ni envoyée. ' +
        'Vous pouvez aussi coller le code.',
    });
    const code = await scanner.result;
    scanner = null;
    if (code && !unmounted) check(code);
  });
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = readVc1(field.input.value);
    if (!code) {
      field.setError('Ce n’est pas un code de carte étudiante : il commence par VC1:.');
      field.input.focus();
      return;
    }
    field.setError(null);
    field.input.value = '';
    check(code);
  });

  setChildren(
    body,
    h(
      'section',
      { 'class': 'card checker-card', 'aria-labelledby': 'checker-title' },
      h('h2', { id: 'checker-title' }, `Service : ${serviceLabel(service)}`),
      h('p', {}, 'Scannez le code affiché sur le téléphone de l’étudiant : il change toutes les 10 secondes.'),
      scan,
      pasteForm,
      problem,
      trustLine,
    ),
  );
  describeTrust();
  loadTrust();
  const onOnline = () => loadTrust();
  window.addEventListener('online', onOnline);
  const timer = setInterval(() => loadTrust(), REFRESH_MS);
  return () => {
    unmounted = true;
    clearInterval(timer);
    window.removeEventListener('online', onOnline);
    scanner?.close();
    closeVerdict?.();
  };
}

export function checkerScreen({ api, auth }) {
  return {
    path: '/carte/controle',
    title: 'Contrôle des cartes',
    mount(outlet) {
      const { body } = pageFrame(outlet, {
        title: 'Contrôle des cartes',
        back: { href: '/carte', label: 'Carte' },
      });
      let renderedKey = null;
      let cleanup = null;
      const update = (state) => {
        const key = `${state.status}|${state.user?.id ?? ''}`;
        if (key === renderedKey) return;
        renderedKey = key;
        cleanup?.();
        cleanup = null;
        if (state.status === 'signed-in' && state.user.roles?.includes('validator') && state.user.service) {
          set('last-validator', { id: state.user.id, roles: state.user.roles, service: state.user.service }, store).catch(() => {});
          cleanup = checker(body, { api, user: state.user });
        } else if (state.status === 'unavailable') {
          // No network at launch: the last validator of this phone checks offline with the kept bundle.
          let gone = false;
          let inner = null;
          get('last-validator', store).then((user) => {
            if (gone) return;
            if (user) inner = checker(body, { api, user });
            else setChildren(body, h('p', { class: 'form-error' }, state.error));
          });
          cleanup = () => {
            gone = true;
            inner?.();
          };
        } else if (state.status === 'signed-in' || state.status === 'signed-out') {
          setChildren(
            body,
            h(
              'div',
              { class: 'card' },
              h('p', {}, 'Le contrôle des cartes est réservé aux agents des transports, de la bibliothèque et du sport.'),
              state.status === 'signed-out' ? h('a', { class: 'button button-primary', href: '/compte' }, 'Se connecter') : null,
            ),
          );
        } else {
          setChildren(body, h('p', { 'aria-busy': 'true' }, 'Chargement de votre session…'));
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
