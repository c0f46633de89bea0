// Compte: sign in or register; signed in, the profile and the spaces the person may enter.
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { icon } from '../../icons.js';
import { roleLabels } from '../../roles.js';
import { retryButton } from '../../ui/common.js';
import { downloadWithToken } from '../../ui/download.js';
import { showPasswordToggle, submitForm, textField } from '../../ui/forms.js';
import { pageFrame } from '../../ui/page.js';
import { statusLine } from '../../ui/signed-in.js';

const TABS = [
  { id: 'signin', label: 'Se connecter' },
  { id: 'register', label: 'Créer un compte' },
];

function emailField(id, autocomplete) {
  return textField({
    id,
    name: 'email',
    label: 'Adresse e-mail',
    type: 'email',
    autocomplete,
    inputmode: 'email',
    autocapitalize: 'none',
    spellcheck: 'false',
  });
}

function passwordField(id, autocomplete, attributes = {}) {
  return textField({ id, name: 'password', label: 'Mot de passe', type: 'password', autocomplete, ...attributes });
}

function signInForm(auth) {
  const email = emailField('signin-email', 'username');
  const password = passwordField('signin-password', 'current-password');
  return submitForm({
    attributes: { 'aria-label': 'Se connecter' },
    fields: [email, password],
    content: [email.wrapper, password.wrapper, showPasswordToggle(password)],
    submitLabel: 'Se connecter',
    busyLabel: 'Connexion…',
    action: (values) => auth.signIn(values.email.trim(), values.password),
  }).form;
}

function registerForm(auth) {
  const displayName = textField({
    id: 'register-name',
    name: 'display_name',
    label: 'Nom affiché',
    autocomplete: 'nickname',
    hint: 'Le nom que verront les commerçants, par exemple votre prénom.',
  });
  const email = emailField('register-email', 'email');
  const password = passwordField('register-password', 'new-password', {
    hint: '10 caractères minimum',
    minlength: '10',
  });
  return submitForm({
    attributes: { 'aria-label': 'Créer un compte' },
    fields: [displayName, email, password],
    content: [displayName.wrapper, email.wrapper, password.wrapper, showPasswordToggle(password)],
    submitLabel: 'Créer mon compte',
    busyLabel: 'Création du compte…',
    action: (values) =>
      auth.register({
        displayName: values.display_name.trim(),
        email: values.email.trim(),
        password: values.password,
      }),
  }).form;
}

function signedOutView(auth, state, view) {
  const tabs = [];
  const panels = [];
  const select = (id, { focus = false } = {}) => {
    view.tab = id;
    tabs.forEach((tab, index) => {
      const selected = TABS[index].id === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panels[index].hidden = !selected;
      if (selected && focus) tab.focus();
    });
  };
  TABS.forEach(({ id, label }, index) => {
    tabs.push(
      h(
        'button',
        {
          'type': 'button',
          'role': 'tab',
          'id': `tab-${id}`,
          'class': 'tab',
          'aria-controls': `panel-${id}`,
          'onclick': () => select(id),
          'onkeydown': (event) => {
            const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
            if (!(event.key in moves)) return;
            event.preventDefault();
            const next = (index + moves[event.key] + TABS.length) % TABS.length;
            select(TABS[next].id, { focus: true });
          },
        },
        label,
      ),
    );
    panels.push(
      h(
        'div',
        { 'role': 'tabpanel', 'id': `panel-${id}`, 'aria-labelledby': `tab-${id}`, 'class': 'tab-panel' },
        id === 'signin' ? signInForm(auth) : registerForm(auth),
      ),
    );
  });
  select(view.tab);
  return [
    state.notice ? h('p', { class: 'notice' }, state.notice) : null,
    h('p', { class: 'lead' }, 'Connectez-vous pour suivre vos commerces et cumuler vos points.'),
    h('div', { 'role': 'tablist', 'aria-label': 'Accès au compte', 'class': 'tabs' }, tabs),
    panels,
  ];
}

function signedInView(auth, user) {
  const labels = roleLabels(user);
  const memberSince = user.created_at ? new Date(user.created_at) : null;
  const signOut = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    icon('log-out'),
    h('span', {}, 'Se déconnecter'),
  );
  signOut.addEventListener('click', async () => {
    if (signOut.getAttribute('aria-disabled') === 'true') return;
    signOut.setAttribute('aria-disabled', 'true');
    await auth.signOut();
  });
  const initial = [...(user.display_name ?? '').trim()][0]?.toUpperCase() ?? '?';
  return h(
    'section',
    { 'class': 'card profile', 'aria-labelledby': 'profile-name' },
    h(
      'div',
      { class: 'profile-header' },
      h('span', { 'class': 'avatar', 'aria-hidden': 'true' }, initial),
      h('h2', { id: 'profile-name' }, user.display_name),
    ),
    h(
      'dl',
      { class: 'details' },
      h('div', {}, h('dt', {}, 'Adresse e-mail'), h('dd', { class: 'email' }, user.email)),
      h(
        'div',
        {},
        h('dt', {}, labels.length > 1 ? 'Rôles' : 'Rôle'),
        h('dd', {}, h('ul', { class: 'badges' }, labels.map((label) => h('li', { class: 'badge' }, label)))),
      ),
      memberSince && !Number.isNaN(memberSince.getTime())
        ? h('div', {}, h('dt', {}, 'Membre depuis le'), h('dd', {}, formatLongDate(memberSince)))
        : null,
    ),
    signOut,
  );
}

function spaceLink(href, iconName, label) {
  return h(
    'li',
    {},
    h(
      'a',
      { class: 'space-link', href },
      icon(iconName),
      h('span', {}, label),
      icon('chevron-right', 'icon icon-end'),
    ),
  );
}

/** Espace commerçant for everyone signed in, Administration for the city's staff. */
function spacesView(user) {
  const links = [spaceLink('/commerce', 'store', 'Espace commerçant')];
  if (user.roles?.includes('admin')) links.push(spaceLink('/admin', 'shield', 'Administration'));
  return h(
    'nav',
    { 'class': 'card spaces', 'aria-labelledby': 'spaces-title' },
    h('h2', { id: 'spaces-title' }, 'Vos espaces'),
    h(
      'p',
      { class: 'hint' },
      'Vous tenez un commerce ? Inscrivez-le ou réclamez-le, puis gérez ses horaires et son catalogue.',
    ),
    h('ul', { class: 'space-links' }, links),
  );
}

/** The person's loyalty data as a file (RGPD, right to data portability). */
function loyaltyDataView(auth) {
  const said = statusLine();
  const failed = h('p', { class: 'form-error', role: 'alert' });
  const download = h(
    'button',
    { type: 'button', class: 'button button-secondary' },
    icon('download'),
    h('span', {}, 'Télécharger mes données de fidélité'),
  );
  download.addEventListener('click', async () => {
    if (download.getAttribute('aria-disabled') === 'true') return;
    download.setAttribute('aria-disabled', 'true');
    failed.textContent = '';
    try {
      const name = await downloadWithToken(auth, '/loyalty/me/export', {
        fallbackName: 'points-coeur-de-ville.json',
      });
      said.say(`Vos données sont téléchargées : ${name}.`);
    } catch (error) {
      failed.textContent = error.message ?? String(error);
    } finally {
      download.removeAttribute('aria-disabled');
    }
  });
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'loyalty-data-title' },
    h('h2', { id: 'loyalty-data-title' }, 'Vos données de fidélité'),
    h(
      'p',
      {},
      'Un fichier JSON avec votre solde de points Cœur de Ville, les points qui vont expirer et chacun de vos mouvements de points : quand, dans quel commerce et pourquoi.',
    ),
    download,
    said.element,
    failed,
  );
}

function unavailableView(auth, state) {
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'unavailable-title' },
    h('h2', { id: 'unavailable-title' }, 'Session non vérifiée'),
    h('p', {}, state.error ?? ''),
    h('p', {}, 'Votre session sera rétablie dès que le service répondra à nouveau.'),
    retryButton(() => auth.start()),
  );
}

function startingView() {
  return h(
    'div',
    { 'class': 'card skeleton-card', 'aria-busy': 'true' },
    h('span', { class: 'visually-hidden' }, 'Chargement de votre compte…'),
    h('span', { 'class': 'skeleton skeleton-title', 'aria-hidden': 'true' }),
    h('span', { 'class': 'skeleton skeleton-line', 'aria-hidden': 'true' }),
    h('span', { 'class': 'skeleton skeleton-line', 'aria-hidden': 'true' }),
  );
}

export function accountScreen({ auth, announce }) {
  // Remembered while the app runs, so returning to Compte keeps the chosen tab.
  const view = { tab: 'signin' };
  return {
    path: '/compte',
    title: 'Compte',
    mount(outlet) {
      const { heading, body } = pageFrame(outlet, { title: 'Compte' });
      let renderedKey = null;
      let renderedStatus = null;
      const render = (state) => {
        const key = [state.status, state.user?.id, state.notice, state.error].join('|');
        if (key === renderedKey) return;
        // Only a sign-in or a sign-out moves focus; the first render at launch does not.
        const signedInOrOut =
          (renderedStatus === 'signed-out' && state.status === 'signed-in') ||
          (renderedStatus === 'signed-in' && state.status === 'signed-out');
        renderedKey = key;
        renderedStatus = state.status;
        let content;
        if (state.status === 'signed-in') {
          // Whoever signs out next will want to sign in, not register.
          view.tab = 'signin';
          content = [signedInView(auth, state.user), spacesView(state.user), loyaltyDataView(auth)];
        }
        else if (state.status === 'signed-out') content = signedOutView(auth, state, view);
        else if (state.status === 'unavailable') content = unavailableView(auth, state);
        else content = startingView();
        setChildren(body, ...[content].flat(2).filter(Boolean));
        if (!signedInOrOut) return;
        if (state.status === 'signed-in') {
          heading.focus();
          announce(`Vous êtes connecté en tant que ${state.user.display_name}.`);
        } else if (state.status === 'signed-out') {
          heading.focus();
          if (state.notice) announce(state.notice);
        }
      };
      render(auth.state);
      return auth.subscribe(render);
    },
  };
}
