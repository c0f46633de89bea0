import { formatOfflineMessage } from '../format.js';

const LAST_DATA_KEY = 'valence.lastDataAt';
const PROBE_INTERVAL_MS = 30_000;

function readLastDataAt(storage) {
  const stored = Number(storage.getItem(LAST_DATA_KEY));
  return stored ? new Date(stored) : null;
}

/** Offline is a state: shown when the browser says so or the API cannot be reached. */
export function setupOfflineBanner(element, { api, storage = window.localStorage }) {
  let apiUnreachable = false;
  let probe = null;
  let lastDataAt = readLastDataAt(storage);

  function update() {
    const offline = !navigator.onLine || apiUnreachable;
    const text = offline ? formatOfflineMessage(lastDataAt) : '';
    // Rewriting identical text would make screen readers repeat it.
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle('is-offline', offline);
    document.documentElement.classList.toggle('is-offline', offline);
    if (apiUnreachable && navigator.onLine && !probe) {
      probe = setInterval(() => api.send('/health').catch(() => {}), PROBE_INTERVAL_MS);
    } else if ((!apiUnreachable || !navigator.onLine) && probe) {
      clearInterval(probe);
      probe = null;
    }
  }

  api.events.addEventListener('response', (event) => {
    apiUnreachable = false;
    if (event.detail.ok) {
      lastDataAt = event.detail.at;
      storage.setItem(LAST_DATA_KEY, String(lastDataAt.getTime()));
    }
    update();
  });
  api.events.addEventListener('network-error', () => {
    apiUnreachable = true;
    update();
  });
  window.addEventListener('online', () => {
    apiUnreachable = false;
    update();
  });
  window.addEventListener('offline', update);
  update();
}
