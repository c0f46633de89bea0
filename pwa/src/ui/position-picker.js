// Where a shop stands: its address looked up and chosen in a list, then the pin dragged or the map tapped to
// adjust it; « Utiliser ma position », or the latitude and longitude typed in.
import { ApiError } from '../api.js';
import { h, setChildren } from '../dom.js';
import { locate } from '../geo.js';
import { icon } from '../icons.js';
import { loadConfig } from '../reference-data.js';
import { addressSearch } from './address-search.js';
import { textField } from './forms.js';

const POSITION_MISSING =
  'Indiquez la position : cherchez l’adresse, touchez la carte, utilisez votre position ou saisissez-la.';
const PICK_ZOOM = 18;

/** "44,9334" or "44.9334" → 44.9334; NaN when unreadable. */
export function parseCoordinate(text) {
  const cleaned = String(text ?? '')
    .trim()
    .replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

/**
 * The position block: the address (`addressField`, shown above it) looked up in the national address base,
 * « Utiliser ma position », a map where a tap or a drag places the pin, and lat/lon fields.
 */
export function positionPicker({ api, idPrefix, initial = null, addressField = null }) {
  const [lat, lon] = [
    ['lat', 'Latitude'],
    ['lon', 'Longitude'],
  ].map(([name, label]) =>
    textField({
      id: `${idPrefix}-${name}`,
      name,
      label,
      inputmode: 'decimal',
      autocomplete: 'off',
      value: initial ? String(initial[name]) : '',
    }),
  );
  // Polite live regions, not role=status: the form's own « … enregistré » line is the status of the form.
  const status = h('p', { 'class': 'hint position-status', 'aria-live': 'polite' });
  const mapContainer = h('div', {
    'class': 'map picker-map',
    'role': 'region',
    'aria-label': 'Carte : touchez l’emplacement du commerce ou faites glisser le repère',
  });
  let picker = null;
  let territory = null; // [min_lon, min_lat, max_lon, max_lat]
  let destroyed = false;

  const setFields = ({ lat: latitude, lon: longitude }) => {
    lat.input.value = String(latitude);
    lon.input.value = String(longitude);
    lat.setError(null);
    lon.setError(null);
  };

  const search = addressField
    ? addressSearch({
        api,
        idPrefix,
        addressField,
        onPick: (point) => {
          setFields(point);
          picker?.setPin(point.lat, point.lon, { zoom: PICK_ZOOM });
          status.textContent =
            'Repère placé à cette adresse. Faites-le glisser ou touchez la carte pour l’ajuster.';
        },
      })
    : null;

  // The look-up and its list sit right under the address they come from.
  if (search) addressField.wrapper.append(search.element);

  const useMine = h(
    'button',
    { type: 'button', class: 'button button-secondary button-compact' },
    icon('locate'),
    h('span', {}, 'Utiliser ma position'),
  );
  useMine.addEventListener('click', async () => {
    if (useMine.getAttribute('aria-disabled') === 'true') return;
    useMine.setAttribute('aria-disabled', 'true');
    status.textContent = 'Localisation…';
    try {
      const position = await locate();
      const rounded = {
        lat: Math.round(position.lat * 1e6) / 1e6,
        lon: Math.round(position.lon * 1e6) / 1e6,
      };
      setFields(rounded);
      picker?.setPin(rounded.lat, rounded.lon);
      status.textContent = 'Position trouvée : vérifiez le repère sur la carte.';
    } catch {
      status.textContent =
        'Votre position n’est pas disponible : touchez la carte ou saisissez la latitude et la longitude.';
    } finally {
      useMine.removeAttribute('aria-disabled');
    }
  });

  const onTyped = () => {
    const latitude = parseCoordinate(lat.input.value);
    const longitude = parseCoordinate(lon.input.value);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return;
    // A point outside the territory is for the server to refuse; the map stays on Valence.
    if (territory) {
      const [minLon, minLat, maxLon, maxLat] = territory;
      if (longitude < minLon || longitude > maxLon || latitude < minLat || latitude > maxLat) return;
    }
    picker?.setPin(latitude, longitude);
  };
  lat.input.addEventListener('change', onTyped);
  lon.input.addEventListener('change', onTyped);

  Promise.all([import('./map.js'), loadConfig(api)])
    .then(([{ createPinPicker }, config]) => {
      if (destroyed) return;
      territory = config.territory_bbox;
      // A position chosen while the map was loading counts more than the initial one.
      const chosen = { lat: parseCoordinate(lat.input.value), lon: parseCoordinate(lon.input.value) };
      picker = createPinPicker(mapContainer, config, {
        position: Number.isFinite(chosen.lat) && Number.isFinite(chosen.lon) ? chosen : initial,
        onPick: (point) => {
          setFields(point);
          status.textContent = 'Repère placé. Faites-le glisser ou touchez ailleurs pour le déplacer.';
        },
      });
    })
    .catch(() => {
      setChildren(
        mapContainer,
        h('p', { class: 'hint' }, 'La carte n’a pas pu se charger : saisissez la latitude et la longitude.'),
      );
    });

  const wrapper = h(
    'fieldset',
    { 'class': 'position-fieldset', 'aria-describedby': `${idPrefix}-position-hint` },
    h('legend', {}, 'Position du commerce'),
    h(
      'p',
      { id: `${idPrefix}-position-hint`, class: 'hint' },
      addressField
        ? 'Choisissez l’adresse dans la liste des adresses trouvées : le repère se place sur la carte. Faites-le glisser ou touchez la carte pour l’ajuster au pas de votre porte.'
        : 'Touchez la carte à l’endroit de votre vitrine, ou utilisez votre position si vous êtes dans le commerce.',
    ),
    useMine,
    status,
    mapContainer,
    h('div', { class: 'field-pair' }, lat.wrapper, lon.wrapper),
  );
  return {
    wrapper,
    fields: [lat, lon],
    /** { lat, lon } as numbers, or throws an ApiError shown next to the fields. */
    read() {
      const latitude = parseCoordinate(lat.input.value);
      const longitude = parseCoordinate(lon.input.value);
      if (Number.isFinite(latitude) && Number.isFinite(longitude)) return { lat: latitude, lon: longitude };
      throw new ApiError(POSITION_MISSING, {
        status: 422,
        fieldErrors: {
          ...(Number.isFinite(latitude)
            ? {}
            : { lat: 'Latitude manquante ou illisible, par exemple 44,9334.' }),
          ...(Number.isFinite(longitude)
            ? {}
            : { lon: 'Longitude manquante ou illisible, par exemple 4,8924.' }),
        },
      });
    },
    destroy() {
      destroyed = true;
      search?.destroy();
      picker?.destroy();
    },
  };
}
