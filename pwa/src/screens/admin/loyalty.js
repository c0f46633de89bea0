// Administration › Points Cœur de Ville: the ledger's audit, the monthly statement to settle between shops,
// unusual activity, and each shop's rate and daily cap.
import { h, setChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { pageFrame } from '../../ui/page.js';
import { whenSignedIn } from '../../ui/signed-in.js';
import { auditSection } from './loyalty-audit.js';
import { isMonth, previousMonth } from './loyalty-month.js';
import { settingsSection } from './loyalty-settings.js';
import { statementSection } from './loyalty-statement.js';
import { unusualSection } from './loyalty-unusual.js';
import './loyalty.css';

export const ADMIN_LOYALTY_PATH = '/admin/fidelite';
const TITLE = 'Points Cœur de Ville';

const SECTIONS = [
  ['audit-title', 'Contrôle du registre'],
  ['statement-title', 'Relevé mensuel'],
  ['unusual-title', 'Activité inhabituelle'],
  ['settings-title', 'Réglages par commerce'],
];

/** The month and the shop being looked at stay in the address, so a reload shows them again. */
function keepInAddress(name, value) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

function card(id, title, content) {
  return h(
    'section',
    { 'class': 'card', 'aria-labelledby': id },
    h('h2', { id, tabindex: '-1' }, title),
    content,
  );
}

/** The link from the Administration page. */
export function adminLoyaltyLink() {
  return h(
    'nav',
    { 'class': 'card spaces', 'aria-labelledby': 'admin-loyalty-link-title' },
    h('h2', { id: 'admin-loyalty-link-title' }, 'Fidélité'),
    h(
      'p',
      { class: 'hint' },
      'Le contrôle du registre des points, le relevé mensuel par commerce, l’activité inhabituelle et les réglages de chaque commerce.',
    ),
    h(
      'ul',
      { class: 'space-links' },
      h('li', {}, h(
          'a',
          { class: 'space-link', href: ADMIN_LOYALTY_PATH },
          icon('gift'),
          h('span', {}, TITLE),
          icon('chevron-right', 'icon icon-end'),
        )),
    ),
  );
}

/** Mounted by the Administration screen for /admin/fidelite. */
export function mountAdminLoyalty(outlet, { api, auth, query, setTitle }) {
  setTitle(`${TITLE} · Administration`);
  const { body } = pageFrame(outlet, {
    title: TITLE,
    back: { href: '/admin', label: '← Administration' },
  });
  return whenSignedIn(auth, body, {
    signedOutText: 'Connectez-vous avec un compte de la ville pour accéder à l’administration.',
    render(user) {
      if (!user.roles.includes('admin')) {
        setChildren(
          body,
          h(
            'div',
            { class: 'card' },
            h('p', {}, 'Cette page est réservée à l’administration de la ville.'),
            h('a', { href: '/' }, 'Revenir à la recherche'),
          ),
        );
        return null;
      }
      const askedMonth = query.get('mois');
      const audit = auditSection({ api });
      const statement = statementSection({
        api,
        auth,
        month: isMonth(askedMonth) ? askedMonth : previousMonth(),
        onMonth: (month) => keepInAddress('mois', month === previousMonth() ? null : month),
      });
      const settings = settingsSection({
        api,
        initialShopId: query.get('commerce'),
        onShop: (shopId) => keepInAddress('commerce', shopId),
      });
      const unusual = unusualSection({ api, onSettings: (shop) => settings.open(shop) });
      setChildren(
        body,
        h(
          'nav',
          { 'class': 'section-nav', 'aria-label': 'Sections de la page' },
          h(
            'ul',
            {},
            SECTIONS.map(([id, label]) => h('li', {}, h('a', { href: `#${id}` }, label))),
          ),
        ),
        card('audit-title', 'Contrôle du registre', audit.element),
        card('statement-title', 'Relevé mensuel', statement.element),
        card('unusual-title', 'Activité inhabituelle', unusual.element),
        card('settings-title', 'Réglages par commerce', settings.element),
      );
      return () => {
        audit.destroy();
        statement.destroy();
        unusual.destroy();
        settings.destroy();
      };
    },
  });
}
