import { Workbox } from 'workbox-window';

/** Registers the worker; a new version waits until the person chooses to update. */
export function registerServiceWorker({ showToast }) {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const workbox = new Workbox('/sw.js', { scope: '/' });
  let reloading = false;
  workbox.addEventListener('waiting', () => {
    showToast({
      message: 'Nouvelle version disponible',
      timeoutMs: 0,
      action: {
        label: 'Mettre à jour',
        dismiss: false,
        onClick: () => {
          workbox.addEventListener('controlling', () => {
            if (reloading) return;
            reloading = true;
            window.location.reload();
          });
          workbox.messageSkipWaiting();
        },
      },
    });
  });
  workbox.register().catch(() => {
    // Without a worker the app still works online; nothing to tell the person.
  });
}
