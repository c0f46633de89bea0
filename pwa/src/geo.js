// The person's position: asked only after the screen has said why, kept in memory for a few minutes.
const REUSE_MS = 5 * 60_000;
let last = null;

export const POSITION_WHY =
  'Pour trouver les commerces les plus proches, l’application peut utiliser votre position. ' +
  'Elle reste sur votre téléphone : seules sa latitude et sa longitude partent avec la recherche, ' +
  'et elles ne sont pas enregistrées.';

/** 'granted', 'denied' or 'prompt' (also when the browser cannot tell). */
export async function permissionState() {
  try {
    const status = await navigator.permissions.query({ name: 'geolocation' });
    return status.state;
  } catch {
    return 'prompt';
  }
}

/** Resolves { lat, lon }; rejects with an Error whose `reason` is 'denied' or 'unavailable'. */
export function locate({ timeoutMs = 10_000 } = {}) {
  if (last && Date.now() - last.at < REUSE_MS) return Promise.resolve(last.position);
  return new Promise((resolve, reject) => {
    const fail = (reason) => reject(Object.assign(new Error(reason), { reason }));
    if (!('geolocation' in navigator)) {
      fail('unavailable');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        const position = { lat: coords.latitude, lon: coords.longitude };
        last = { position, at: Date.now() };
        resolve(position);
      },
      (error) => fail(error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: false, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

/** Rounded to about 10 m: enough for a search, and no more precise than needed. */
export function roundPosition({ lat, lon }) {
  return { lat: Math.round(lat * 10_000) / 10_000, lon: Math.round(lon * 10_000) / 10_000 };
}
