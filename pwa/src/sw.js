/// <reference lib="webworker" />
import { cacheNames, clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

// The build injects the shell's file list with a revision per file.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The very first install takes control at once; later versions wait for « Mettre à jour ».
clientsClaim();

// Any route of the app opens the shell, online or not. /api/ is never answered
// from a cache: no route matches it, so those requests go straight to the network.
// Offline, the page itself shows the public answers it kept, dated (src/offline-store.js).
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/'), {
    denylist: [/^\/api(\/|$)/],
  }),
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((key) => key !== cacheNames.precache).map((key) => caches.delete(key))),
      ),
  );
});
