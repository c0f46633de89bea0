// Administration › Cartes étudiantes: the student office issues a card (account, institution, number, validity,
// photo, services with their own end), and renews, suspends, restores or revokes the cards it issued.
import { h, setChildren } from '../../dom.js';
import { formatLongDate } from '../../format.js';
import { icon } from '../../icons.js';
import { serviceLabel } from '../../roles.js';
import { confirmDialog, emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { submitForm, textField } from '../../ui/forms.js';
import { pageFrame } from '../../ui/page.js';
import { statusLine, whenSignedIn } from '../../ui/signed-in.js';
import './cards.css';

export const ADMIN_CARDS_PATH = '/admin/cartes';
const TITLE = 'Cartes étudiantes';
const SERVICES = ['transport', 'library', 'sport'];
const PHOTO_MAX_BYTES = 200 * 1024;
const STATUS = {
  active: { label: 'Active', icon: 'open', className: 'status-open' },
  suspended: { label: 'Suspendue', icon: 'pending', className: 'status-pending' },
  revoked: { label: 'Révoquée', icon: 'ban', className: 'status-closed' },
};

function statusBadge(status) {
  const known = STATUS[status] ?? { label: status, icon: 'info', className: 'status-unknown' };
  return h('span', { class: `status-badge ${known.className}` }, icon(known.icon, 'icon icon-small'), h('span', {}, known.label));
}

/** 31 August of the academic year under way, as the default end of a card. */
export function academicYearEnd(today = new Date()) {
  const year = today.getMonth() >= 8 ? today.getFullYear() + 1 : today.getFullYear();
  return `${year}-08-31`;
}

function day(iso) {
  return formatLongDate(new Date(`${iso}T12:00:00Z`), { timeZone: 'Europe/Paris' });
}

function readPhoto(file) {
  return new Promise((resolve, reject) => {
    if (!['image/jpeg', 'image/png'].includes(file.type)) {
      reject(new Error('La photo doit être une image JPEG ou PNG.'));
      return;
    }
    if (file.size > PHOTO_MAX_BYTES) {
      reject(new Error('La photo dépasse 200 Ko : réduisez-la (une photo d’identité suffit).'));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error('La photo est illisible : choisissez-la de nouveau.'));
    reader.readAsDataURL(file);
  });
}

/** The link from the Administration page. */
export function adminCardsLink() {
  return h(
    'nav',
    { 'class': 'card spaces', 'aria-labelledby': 'admin-cards-link-title' },
    h('h2', { id: 'admin-cards-link-title' }, 'Carte étudiante'),
    h('p', { class: 'hint' }, 'Établir, prolonger, suspendre ou révoquer les cartes multiservices des étudiants.'),
    h(
      'ul',
      { class: 'space-links' },
      h(
        'li',
        {},
        h(
          'a',
          { class: 'space-link', href: ADMIN_CARDS_PATH },
          icon('id-card'),
          h('span', {}, TITLE),
          icon('chevron-right', 'icon icon-end'),
        ),
      ),
    ),
  );
}

function issueForm({ api, onIssued }) {
  const end = academicYearEnd();
  const email = textField({ id: 'card-email', name: 'email', label: 'Adresse e-mail du compte de l’étudiant', type: 'email', autocomplete: 'off' });
  const institution = textField({ id: 'card-institution', name: 'institution', label: 'Établissement', value: 'Université Grenoble Alpes — campus de Valence' });
  const number = textField({ id: 'card-number', name: 'student_number', label: 'Numéro d’étudiant', autocomplete: 'off' });
  const validUntil = textField({ id: 'card-until', name: 'valid_until', label: 'Fin de validité', type: 'date', value: end });
  const photoInput = h('input', { 'id': 'card-photo', 'type': 'file', 'accept': 'image/jpeg,image/png', 'aria-describedby': 'card-photo-hint' });
  const photo = h(
    'div',
    { class: 'field' },
    h('label', { for: 'card-photo' }, 'Photo (facultative)'),
    h('p', { id: 'card-photo-hint', class: 'hint' }, 'JPEG ou PNG, 200 Ko au plus. Les contrôleurs la voient en ligne.'),
    photoInput,
  );
  const rights = SERVICES.map((service) => {
    const box = h('input', { type: 'checkbox', id: `card-right-${service}`, checked: true });
    const until = textField({ id: `card-right-${service}-until`, name: `right_${service}`, label: `Fin du droit ${serviceLabel(service).toLowerCase()}`, type: 'date', value: end });
    box.addEventListener('change', () => {
      until.input.disabled = !box.checked;
    });
    return { service, box, until };
  });
  const rightsSet = h(
    'fieldset',
    { class: 'card-rights-fields' },
    h('legend', {}, 'Services ouverts'),
    rights.map(({ service, box, until }) =>
      h('div', { class: 'card-right' }, h('div', { class: 'check' }, box, h('label', { for: box.id }, serviceLabel(service))), until.wrapper),
    ),
  );
  const fields = [email, institution, number, validUntil, ...rights.map((right) => right.until)];
  const { form, alert } = submitForm({
    attributes: { 'aria-labelledby': 'card-issue-title' },
    fields,
    content: [email.wrapper, institution.wrapper, number.wrapper, validUntil.wrapper, photo, rightsSet],
    submitLabel: 'Établir la carte',
    busyLabel: 'Enregistrement…',
    async action(values) {
      const file = photoInput.files?.[0];
      const body = {
        email: values.email.trim(),
        institution: values.institution,
        student_number: values.student_number,
        valid_until: values.valid_until,
        entitlements: rights
          .filter((right) => right.box.checked)
          .map((right) => ({ service: right.service, valid_until: right.until.input.value })),
      };
      if (file) body.photo = await readPhoto(file);
      try {
        const card = await api.authed('/admin/student-cards', { method: 'POST', body });
        form.reset();
        for (const field of fields) field.setError(null);
        onIssued(card);
      } catch (error) {
        // « entitlements[1].valid_until » is the second service ticked.
        const placed = {};
        for (const [name, message] of Object.entries(error.fieldErrors ?? {})) {
          const match = /^entitlements\[(\d+)\]\.valid_until$/.exec(name);
          const ticked = rights.filter((right) => right.box.checked);
          placed[match ? ticked[Number(match[1])]?.until.name ?? name : name] = message;
        }
        error.fieldErrors = placed;
        throw error;
      }
    },
  });
  alert.id = 'card-issue-alert';
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'card-issue-title' },
    h('h2', { id: 'card-issue-title', tabindex: '-1' }, 'Établir une carte'),
    h('p', { class: 'hint' }, 'L’étudiant crée d’abord son compte Cœur de Valence ; sa carte s’affiche ensuite dans l’onglet « Carte » de son téléphone.'),
    form,
  );
}

function cardItem(card, { api, said, reload }) {
  const act = async (path, message, confirmation = null) => {
    if (confirmation && !(await confirmDialog(confirmation))) return;
    try {
      await api.authed(`/admin/student-cards/${card.id}/${path}`, path === 'renew' ? { method: 'POST', body: renewal(card) } : { method: 'POST' });
      said.say(message);
      reload();
    } catch (error) {
      said.say(error.message);
    }
  };
  const buttons = [];
  if (card.status !== 'revoked') {
    buttons.push(h('button', { type: 'button', class: 'button button-secondary', onclick: () => act('renew', `Carte de ${card.display_name} prolongée d’un an.`) }, 'Prolonger d’un an'));
    buttons.push(
      card.status === 'active'
        ? h('button', { type: 'button', class: 'button button-secondary', onclick: () => act('suspend', `Carte de ${card.display_name} suspendue.`) }, 'Suspendre')
        : h('button', { type: 'button', class: 'button button-secondary', onclick: () => act('resume', `Carte de ${card.display_name} rétablie.`) }, 'Rétablir'),
    );
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          class: 'button button-danger',
          onclick: () =>
            act('revoke', `Carte de ${card.display_name} révoquée.`, {
              title: `Révoquer la carte de ${card.display_name} ?`,
              message: 'La carte cesse de valoir partout, pour de bon. Une nouvelle carte pourra être établie ensuite.',
              confirmLabel: 'Révoquer',
            }),
        },
        'Révoquer',
      ),
    );
  }
  return h(
    'li',
    { class: 'card admin-card' },
    h('h3', {}, `${card.display_name} · ${card.student_number}`),
    h('p', {}, `${card.email} · ${card.institution}`),
    h('p', {}, statusBadge(card.status), ` jusqu’au ${day(card.valid_until)}`),
    h('p', { class: 'hint' }, card.entitlements.map((right) => `${serviceLabel(right.service)} jusqu’au ${day(right.valid_until)}`).join(' · ') || 'Aucun service'),
    buttons.length ? h('div', { class: 'button-row' }, buttons) : null,
  );
}

/** One more year for the card and each of its services. */
export function renewal(card) {
  const later = (iso) => {
    const [year, month, date] = iso.split('-').map(Number);
    return `${year + 1}-${String(month).padStart(2, '0')}-${String(date === 29 && month === 2 ? 28 : date).padStart(2, '0')}`;
  };
  return {
    valid_until: later(card.valid_until),
    entitlements: card.entitlements.map((right) => ({ service: right.service, valid_until: later(right.valid_until) })),
  };
}

function cardsList({ api }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement des cartes…'));
  const said = statusLine();
  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'cards-list-title' },
    h('h2', { id: 'cards-list-title', tabindex: '-1' }, 'Cartes établies'),
    said.element,
    area,
  );
  async function load() {
    try {
      const cards = await api.authed('/admin/student-cards');
      area.removeAttribute('aria-busy');
      setChildren(
        area,
        cards.length
          ? h('ul', { class: 'card-list' }, cards.map((card) => cardItem(card, { api, said, reload: load })))
          : emptyState({ title: 'Aucune carte', text: 'Les cartes établies apparaîtront ici.', level: 3 }),
      );
    } catch (error) {
      area.removeAttribute('aria-busy');
      setChildren(area, errorBlock(error, load));
    }
  }
  return { element, load, said };
}

export function mountAdminCards(outlet, { api, auth }) {
  const { body } = pageFrame(outlet, { title: TITLE, back: { href: '/admin', label: 'Administration' } });
  return whenSignedIn(auth, body, {
    signedOutText: 'Connectez-vous avec un compte de la ville pour gérer les cartes étudiantes.',
    render(user) {
      if (!user.roles.includes('admin')) {
        setChildren(body, h('div', { class: 'card' }, h('p', {}, 'Cette page est réservée à l’administration de la ville.')));
        return null;
      }
      const list = cardsList({ api });
      const form = issueForm({
        api,
        onIssued: (card) => {
          list.said.say(`Carte établie pour ${card.display_name}.`);
          list.load();
        },
      });
      setChildren(body, form, list.element);
      list.load();
      return null;
    },
  });
}
