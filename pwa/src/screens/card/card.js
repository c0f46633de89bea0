// Carte: the student multiservice card. One tab per service the card opens, each with its QR code rebuilt
// every 10 seconds on the phone (no network needed), the photo, institution and validity, and « Qui a vérifié
// ma carte ». People without a card see what it is and how to get one; validators find the checker here.
import { clear, createStore, get, set } from 'idb-keyval';
import { forgetCredentials, keptCredentials, makeCode, RENEW_AFTER_MS, syncCredentials } from '../../card/device.js';
import { h, setChildren } from '../../dom.js';
import { formatDayMonth, formatLongDate, formatTime } from '../../format.js';
import { icon } from '../../icons.js';
import { serviceLabel } from '../../roles.js';
import { confirmDialog, errorBlock, skeletonList } from '../../ui/common.js';
import { pageFrame } from '../../ui/page.js';
import { fittedWidth, keepScreenOn, qrCodeSvg } from '../../ui/qr-code.js';
import { reasonText, verdictWord } from './verdicts.js';
import './card.css';

const kept = createStore('valence-card-view', 'card');
const STEP_MS = 10_000;

const ABOUT =
  'La carte multiservice des étudiants de Valence est à la fois votre titre de transport, votre carte de ' +
  'bibliothèque et votre carte de sport. Elle s’affiche sur votre téléphone, même sans réseau : le code change ' +
  'toutes les 10 secondes, une capture d’écran ne sert donc à rien.';
const HOW_TO_GET =
  'Elle est établie par le service de la vie étudiante de votre établissement : présentez-vous avec votre carte ' +
  'd’étudiant et votre photo. Votre compte Cœur de Valence reçoit alors la carte, et ce téléphone l’affiche.';

function parisDate(isoDay) {
  return formatLongDate(new Date(`${isoDay}T12:00:00Z`), { timeZone: 'Europe/Paris' });
}

async function photoDataUrl(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error('photo');
  const blob = await response.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function intro({ signedIn, validator }) {
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'card-about-title' },
    h('h2', { id: 'card-about-title' }, signedIn ? 'Vous n’avez pas de carte étudiante' : 'La carte étudiante'),
    h('p', {}, ABOUT),
    h('p', {}, HOW_TO_GET),
    signedIn ? null : h('a', { class: 'button button-primary', href: '/compte' }, 'Se connecter'),
    validator ? checkerLink() : null,
  );
}

function checkerLink() {
  return h(
    'a',
    { class: 'button button-primary checker-link', href: '/carte/controle' },
    icon('scan'),
    ' Contrôler une carte',
  );
}

/** The QR code of one service, rebuilt at each time step; `stop()` ends it. */
function codePanel({ user, record, service, onProblem }) {
  const holder = h('div', { class: 'qr-holder card-qr' });
  const caption = h('p', { class: 'hint card-code-caption' });
  const element = h('div', { class: 'card-code' }, holder, caption);
  let timer = null;
  let stopped = false;
  let svg = null;

  function fit() {
    if (!svg) return;
    const width = fittedWidth(Number(svg.dataset.modules), holder.clientWidth || 320, window.devicePixelRatio || 1);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(width));
  }

  async function draw() {
    if (stopped) return;
    try {
      const { text, t } = await makeCode(user.id, record, service);
      if (stopped) return;
      svg = qrCodeSvg(text, { label: `Code de la carte étudiante pour le service ${serviceLabel(service)}` });
      svg.dataset.code = text;
      holder.replaceChildren(svg);
      fit();
      caption.textContent = `Code ${serviceLabel(service).toLowerCase()} · change toutes les 10 secondes`;
      const serverNow = Date.now() + record.offsetMs;
      const next = (t + 1) * STEP_MS - serverNow;
      timer = setTimeout(draw, Math.max(200, next + 50));
    } catch {
      onProblem('Ce téléphone ne peut pas signer le code : ouvrez de nouveau la carte avec le réseau.');
    }
  }

  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fit()) : null;
  observer?.observe(holder);
  draw();
  return {
    element,
    stop() {
      stopped = true;
      clearTimeout(timer);
      observer?.disconnect();
    },
  };
}

function serviceTabs({ user, record, services, onProblem }) {
  const tabs = [];
  const panel = h('div', { 'class': 'card-panel', 'role': 'tabpanel', 'id': 'card-panel', 'tabindex': '0' });
  const list = h('div', { 'class': 'card-tabs', 'role': 'tablist', 'aria-label': 'Services de la carte' });
  let current = null;

  function select(index, { focus = false } = {}) {
    current?.stop();
    tabs.forEach((tab, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', tabs[index].id);
    current = codePanel({ user, record, service: services[index], onProblem });
    panel.replaceChildren(current.element);
    if (focus) tabs[index].focus();
  }

  services.forEach((service, index) => {
    const tab = h(
      'button',
      { 'type': 'button', 'role': 'tab', 'id': `card-tab-${service}`, 'aria-controls': 'card-panel', 'class': 'card-tab' },
      serviceLabel(service),
    );
    tab.addEventListener('click', () => select(index));
    tab.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: 1, ArrowLeft: -1 };
      if (event.key in moves) {
        event.preventDefault();
        select((index + moves[event.key] + services.length) % services.length, { focus: true });
      } else if (event.key === 'Home' || event.key === 'End') {
        event.preventDefault();
        select(event.key === 'Home' ? 0 : services.length - 1, { focus: true });
      }
    });
    tabs.push(tab);
    list.append(tab);
  });
  select(0);
  return { element: h('div', { class: 'card-services' }, list, panel), stop: () => current?.stop() };
}

function checksSection({ api, onNotMe }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(1, 'Chargement des contrôles…'));
  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'card-checks-title' },
    h('h2', { id: 'card-checks-title' }, 'Qui a vérifié ma carte'),
    h('p', { class: 'hint' }, 'Les contrôles des dernières 48 heures : le service, le résultat et l’heure.'),
    area,
  );

  async function load() {
    try {
      const page = await api.authed('/me/student-card/checks?limit=20');
      area.removeAttribute('aria-busy');
      if (!page.results.length) {
        setChildren(area, h('p', {}, 'Aucun contrôle ces dernières 48 heures.'));
        return;
      }
      setChildren(
        area,
        h(
          'ul',
          { class: 'check-list' },
          page.results.map((check) =>
            h(
              'li',
              { class: `check-line verdict-${check.verdict}` },
              h('span', { class: 'check-service' }, serviceLabel(check.service)),
              h('span', { class: 'check-verdict' }, `${verdictWord(check.verdict)} — ${reasonText(check.reason)}`),
              h(
                'span',
                { class: 'check-when' },
                `${formatDayMonth(new Date(check.checked_at))} à ${formatTime(new Date(check.checked_at))}`,
              ),
            ),
          ),
        ),
        h(
          'button',
          { type: 'button', class: 'button button-secondary', onclick: () => onNotMe() },
          'Un de ces contrôles n’est pas moi',
        ),
      );
    } catch (error) {
      area.removeAttribute('aria-busy');
      setChildren(
        area,
        error.isNetworkError ? h('p', { class: 'hint' }, 'Hors connexion : les contrôles s’affichent avec le réseau.') : errorBlock(error, load),
      );
    }
  }
  return { element, load };
}

function showCard(body, { api, user, card, record, offline, refresh }) {
  const stops = [];
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const photo = card.photo
    ? h('img', { class: 'card-photo', src: card.photo, alt: 'Votre photo', width: 96, height: 120 })
    : h('div', { class: 'card-photo card-photo-missing' }, 'Pas de photo');
  const identity = h(
    'section',
    { 'class': `card card-identity status-${card.status}`, 'aria-labelledby': 'card-identity-title' },
    photo,
    h(
      'div',
      {},
      h('h2', { id: 'card-identity-title' }, card.institution),
      h('p', {}, `Valable jusqu’au ${parisDate(card.valid_until)}`),
      h(
        'ul',
        { class: 'card-rights' },
        card.entitlements.map((right) => h('li', {}, `${serviceLabel(right.service)} : jusqu’au ${parisDate(right.valid_until)}`)),
      ),
    ),
  );
  const syncLine = h(
    'p',
    { class: 'hint card-sync' },
    offline
      ? `Hors connexion : la carte fonctionne, synchronisée le ${formatDayMonth(new Date(record.syncedAt))} à ${formatTime(new Date(record.syncedAt))}.`
      : `Synchronisée le ${formatDayMonth(new Date(record.syncedAt))} à ${formatTime(new Date(record.syncedAt))}.`,
  );

  async function revoke(reason) {
    const lost = reason === 'lost';
    const confirmed = await confirmDialog({
      title: lost ? 'Désactiver la carte sur vos téléphones ?' : 'Signaler un contrôle qui n’est pas vous ?',
      message:
        'Les codes de tous les téléphones où la carte est installée cesseront d’être acceptés. ' +
        'Vous pourrez la réinstaller ensuite sur votre téléphone, connecté.',
      confirmLabel: 'Désactiver',
    });
    if (!confirmed) return;
    try {
      await api.authed('/me/student-card/devices/revoke', { method: 'POST', body: { reason } });
      refresh({ notice: 'La carte est désactivée sur tous les téléphones. « Installer sur ce téléphone » la remet en service ici.', forget: true });
    } catch (error) {
      problem.textContent = error.message;
    }
  }

  const checks = checksSection({ api, onNotMe: () => revoke('not_me') });
  const active = card.status === 'active' && record;
  let tabs = null;
  if (active) {
    const services = card.entitlements.map((right) => right.service).filter((service) => record.credentials[service]);
    tabs = serviceTabs({ user, record, services, onProblem: (text) => (problem.textContent = text) });
    stops.push(tabs.stop);
    const screen = keepScreenOn();
    stops.push(() => screen.release());
  }
  const inactive =
    card.status !== 'active'
      ? h('p', { class: 'notice notice-danger' }, card.status === 'suspended' ? 'Votre carte est suspendue : adressez-vous au service de la vie étudiante.' : 'Cette carte est révoquée.')
      : null;

  // The code first: at the bus door the card is shown the moment the tab opens, with no scrolling.
  setChildren(
    body,
    inactive,
    tabs?.element ?? null,
    active ? syncLine : null,
    problem,
    identity,
    user.roles?.includes('validator') ? checkerLink() : null,
    checks.element,
    h(
      'section',
      { 'class': 'card', 'aria-labelledby': 'card-lost-title' },
      h('h2', { id: 'card-lost-title' }, 'Téléphone perdu ou volé ?'),
      h(
        'p',
        {},
        'Installez la carte sur votre nouveau téléphone : l’ancien est désactivé aussitôt. Sans nouveau téléphone, ' +
          'désactivez-la d’ici.',
      ),
      h('button', { type: 'button', class: 'button button-danger', onclick: () => revoke('lost') }, 'Désactiver la carte sur mes téléphones'),
    ),
  );
  if (!offline) checks.load();
  else checks.element.querySelector('[aria-busy]')?.replaceChildren(h('p', { class: 'hint' }, 'Hors connexion : les contrôles s’affichent avec le réseau.'));
  return () => stops.forEach((stop) => stop());
}

function signedIn(body, { api, user }) {
  let cleanup = null;
  let unmounted = false;
  const validator = user.roles?.includes('validator');

  async function load({ notice = null, forget = false } = {}) {
    cleanup?.();
    cleanup = null;
    body.setAttribute('aria-busy', 'true');
    setChildren(body, skeletonList(2, 'Chargement de votre carte…'));
    let card;
    let offline = false;
    try {
      const answer = await api.authed('/me/student-card');
      card = { ...answer, photo: null };
      if (answer.photo_url) card.photo = await photoDataUrl(answer.photo_url).catch(() => null);
      await set(`card:${user.id}`, card, kept);
    } catch (error) {
      if (unmounted) return;
      if (error.status === 404) {
        body.removeAttribute('aria-busy');
        setChildren(body, intro({ signedIn: true, validator }));
        return;
      }
      if (!error.isNetworkError) {
        body.removeAttribute('aria-busy');
        setChildren(body, errorBlock(error, () => load()));
        return;
      }
      offline = true;
      card = await get(`card:${user.id}`, kept);
      if (!card) {
        body.removeAttribute('aria-busy');
        setChildren(body, errorBlock(error, () => load()));
        return;
      }
    }
    if (forget) await forgetCredentials(user.id);
    let record = forget ? null : await keptCredentials(user.id);
    const due = !record || Date.now() - record.syncedAt > RENEW_AFTER_MS || record.expiresAt - Date.now() < 7 * 86_400_000;
    if (!offline && card.status === 'active' && due && !forget) {
      try {
        record = await syncCredentials(api, user.id);
      } catch (error) {
        if (!record || !error.isNetworkError) {
          if (unmounted) return;
          body.removeAttribute('aria-busy');
          setChildren(body, errorBlock(error, () => load()));
          return;
        }
      }
    }
    if (unmounted) return;
    body.removeAttribute('aria-busy');
    if (forget || !record) {
      setChildren(
        body,
        h(
          'section',
          { class: 'card' },
          notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
          h('p', {}, 'La carte n’est pas installée sur ce téléphone.'),
          h('button', { type: 'button', class: 'button button-primary', onclick: () => install() }, 'Installer sur ce téléphone'),
        ),
      );
      return;
    }
    cleanup = showCard(body, { api, user, card, record, offline, refresh: (options) => load(options) });
  }

  async function install() {
    try {
      await syncCredentials(api, user.id);
      load();
    } catch (error) {
      setChildren(body, errorBlock(error, () => install()));
    }
  }

  load();
  return () => {
    unmounted = true;
    cleanup?.();
  };
}

/** No session can be opened (no network at launch): the card kept on this phone still shows its codes. */
function unavailable(body, { api, auth, error }) {
  let cleanup = null;
  let gone = false;
  get('last-user', kept)
    .then((user) => {
      if (gone) return;
      if (user) cleanup = signedIn(body, { api, user });
      else setChildren(body, errorBlock({ message: error }, () => auth.start()));
    })
    .catch(() => setChildren(body, errorBlock({ message: error }, () => auth.start())));
  return () => {
    gone = true;
    cleanup?.();
  };
}

/** Everything the card screen keeps (the card, its photo, who last showed it), for sign-out. */
export const cardViewStore = { clear: () => clear(kept) };

export function studentCardScreen({ api, auth }) {
  return {
    path: '/carte',
    title: 'Carte étudiante',
    mount(outlet) {
      const { body } = pageFrame(outlet, {
        title: 'Carte étudiante',
        lead: 'Bus, bibliothèque et sport : une seule carte, sur votre téléphone.',
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
        if (state.status === 'signed-in') {
          set('last-user', { id: state.user.id, roles: state.user.roles }, kept).catch(() => {});
          cleanup = signedIn(body, { api, user: state.user });
        } else if (state.status === 'signed-out') setChildren(body, intro({ signedIn: false, validator: false }));
        else if (state.status === 'unavailable') cleanup = unavailable(body, { api, auth, error: state.error });
        else {
          body.setAttribute('aria-busy', 'true');
          setChildren(body, skeletonList(2, 'Chargement de votre session…'));
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

