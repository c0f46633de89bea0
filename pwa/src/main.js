import './styles.css';
import { del, get, set } from 'idb-keyval';
import { createApiClient } from './api.js';
import { createAuth, SESSION_EXPIRED_MESSAGE } from './auth.js';
import { icon } from './icons.js';
import { cardStore } from './card/device.js';
import { setupLoyaltyQueue } from './loyalty-queue.js';
import { forgetOnSignOut } from './offline-store.js';
import { createRouter } from './router.js';
import { accountScreen } from './screens/account/account.js';
import { adminScreen } from './screens/admin/admin.js';
import { cardViewStore, studentCardScreen } from './screens/card/card.js';
import { checkerScreen, checkerStore } from './screens/card/checker.js';
import { loyaltyScreen } from './screens/loyalty/loyalty.js';
import { merchantClaimScreen } from './screens/merchant/claim.js';
import { merchantCounterScreen } from './screens/merchant/counter.js';
import { merchantHomeScreen } from './screens/merchant/home.js';
import { merchantNewScreen } from './screens/merchant/new.js';
import { merchantShopScreen } from './screens/merchant/shop.js';
import notFound from './screens/not-found.js';
import offers from './screens/offers/offers.js';
import { searchScreen } from './screens/search/screen.js';
import { shopScreen } from './screens/shops/shop.js';
import { registerServiceWorker } from './sw-register.js';
import { setupOfflineBanner } from './ui/offline-banner.js';
import { setupSessionDialog } from './ui/session-dialog.js';
import { setupTabBar } from './ui/tab-bar.js';
import { createToasts } from './ui/toasts.js';

const APP_NAME = 'Cœur de Valence';

const announcer = document.createElement('div');
announcer.className = 'visually-hidden';
announcer.setAttribute('role', 'status');
document.body.append(announcer);
function announce(message) {
  announcer.textContent = '';
  // A fresh text node after clearing makes screen readers read a repeated message again.
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

const api = createApiClient();
const auth = createAuth({
  api,
  store: { get, set, del },
  channel: 'BroadcastChannel' in window ? new BroadcastChannel('valence-auth') : null,
});
api.setTokenProvider(auth);
// The counter's actions made offline, sent when the network is back.
const { queue: loyaltyQueue } = setupLoyaltyQueue({ api, auth });

const navLinks = [...document.querySelectorAll('.tab-bar a')];
for (const link of navLinks) {
  const pill = document.createElement('span');
  pill.className = 'tab-icon';
  pill.append(icon(link.dataset.icon));
  link.prepend(pill);
}

const showToast = createToasts(document.getElementById('toasts'));
const router = createRouter({
  outlet: document.getElementById('main'),
  navLinks,
  screens: [
    searchScreen({ api }),
    offers,
    loyaltyScreen({ api, auth }),
    studentCardScreen({ api, auth }),
    checkerScreen({ api, auth }),
    accountScreen({ auth, announce }),
    shopScreen({ api, auth }),
    merchantHomeScreen({ api, auth }),
    // Fixed paths before the /commerce/<id> pattern.
    merchantNewScreen({ api, auth }),
    merchantClaimScreen({ api, auth }),
    merchantCounterScreen({ api, auth, queue: loyaltyQueue }),
    merchantShopScreen({ api, auth }),
    adminScreen({ api, auth }),
  ],
  notFound,
  appName: APP_NAME,
});

setupOfflineBanner(document.getElementById('offline-banner'), { api });
setupTabBar(document.querySelector('.tab-bar'));
setupSessionDialog(auth);
// A shared phone keeps nobody's card, key or checks after sign-out.
forgetOnSignOut(auth, undefined, [loyaltyQueue, cardStore, cardViewStore, checkerStore]);

let previousStatus = auth.state.status;
auth.subscribe((state) => {
  const expired = previousStatus === 'signed-in' && state.status === 'signed-out';
  previousStatus = state.status;
  if (expired && state.notice === SESSION_EXPIRED_MESSAGE && router.path !== '/compte') {
    showToast({
      message: SESSION_EXPIRED_MESSAGE,
      timeoutMs: 15_000,
      action: { label: 'Se connecter', onClick: () => router.navigate('/compte') },
    });
  }
});

for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, () => auth.noteInteraction(), { passive: true, capture: true });
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') auth.recheck();
});
window.addEventListener('online', () => {
  if (auth.state.status === 'unavailable') auth.start();
});

router.start();
auth.start();
registerServiceWorker({ showToast });
