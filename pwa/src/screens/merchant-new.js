// Inscrire un commerce: name, trade, address and where it stands (a tap on the map, or the phone's position).
import { ApiError } from '../api.js';
import { h, setChildren } from '../dom.js';
import { locate } from '../geo.js';
import { icon } from '../icons.js';
import { loadCategories, loadConfig } from '../reference-data.js';
import { selectField } from '../ui/common.js';
import { handleSubmit, textField } from '../ui/forms.js';
import { whenSignedIn } from '../ui/signed-in.js';

const POSITION_MISSING = 'Indiquez la position : touchez la carte, utilisez votre position ou saisissez-la.';

/** "44,9334" or "44.9334" → 44.9334; NaN when unreadable. */
export function parseCoordinate(text) {
  const cleaned = String(text ?? '')
    .trim()
    .replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

/** The position block: « Utiliser ma position », a map where a tap places the pin, and lat/lon fields. */
export function positionPicker({ api, idPrefix, initial = null }) {
  const lat = textField({
    id: `${idPrefix}-lat`,
    name: 'lat',
    label: 'Latitude',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: initial ? String(initial.lat) : '',
  });
  const lon = textField({
    id: `${idPrefix}-lon`,
    name: 'lon',
    label: 'Longitude',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: initial ? String(initial.lon) : '',
  });
  const status = h('p', { class: 'hint', role: 'status' });
  const mapContainer = h('div', {
    'class': 'map picker-map',
    'role': 'region',
    'aria-label': 'Carte : touchez l’emplacement du commerce',
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

  Promise.all([import('./../ui/map.js'), loadConfig(api)])
    .then(([{ createPinPicker }, config]) => {
      if (destroyed) return;
      territory = config.territory_bbox;
      picker = createPinPicker(mapContainer, config, {
        position: initial,
        onPick: (point) => {
          setFields(point);
          status.textContent = 'Repère placé. Vous pouvez toucher ailleurs pour le déplacer.';
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
      'Touchez la carte à l’endroit de votre vitrine, ou utilisez votre position si vous êtes dans le commerce.',
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
      picker?.destroy();
    },
  };
}

export function categoryOptions(categories) {
  return [['', 'Choisissez une catégorie'], ...categories];
}

export function merchantNewScreen({ api, auth }) {
  return {
    path: '/commerce/nouveau',
    title: 'Inscrire un commerce',
    mount(outlet, { navigate }) {
      const body = h('div', { class: 'stack' });
      outlet.append(
        h('a', { class: 'back-link', href: '/commerce' }, '← Espace commerçant'),
        h('h1', { tabindex: '-1' }, 'Inscrire un commerce'),
        h(
          'p',
          { class: 'lead' },
          'La ville vérifie chaque inscription avant que le commerce apparaisse dans la recherche. Vous compléterez ensuite ses horaires et son catalogue.',
        ),
        body,
      );
      return whenSignedIn(auth, body, {
        signedOutText: 'Connectez-vous pour inscrire votre commerce.',
        render() {
          const name = textField({
            id: 'shop-name',
            name: 'name',
            label: 'Nom du commerce',
            autocomplete: 'organization',
            maxlength: '120',
          });
          const category = selectField({
            id: 'shop-category',
            label: 'Catégorie',
            options: categoryOptions([]),
            required: true,
          });
          category.name = 'category';
          const address = textField({
            id: 'shop-address',
            name: 'address',
            label: 'Adresse',
            hint: 'Numéro, rue et code postal, par exemple « 12 Grande Rue, 26000 Valence ».',
            autocomplete: 'street-address',
            maxlength: '200',
          });
          const position = positionPicker({ api, idPrefix: 'shop' });
          const alert = h('div', { class: 'form-error', role: 'alert' });
          const submit = h(
            'button',
            { type: 'submit', class: 'button button-primary' },
            'Inscrire mon commerce',
          );
          const form = h(
            'form',
            { 'novalidate': true, 'aria-label': 'Inscrire un commerce' },
            alert,
            name.wrapper,
            category.wrapper,
            address.wrapper,
            position.wrapper,
            submit,
          );
          loadCategories(api)
            .then((categories) => {
              const current = category.input.value;
              setChildren(
                category.input,
                ...categoryOptions([...categories]).map(([value, label]) =>
                  h('option', { value, selected: value === current }, label),
                ),
              );
            })
            .catch((error) => {
              alert.textContent = error.message;
            });
          handleSubmit(form, {
            fields: [name, category, address, ...position.fields],
            alert,
            submit,
            busyLabel: 'Inscription…',
            action: async (values) => {
              const missing = {};
              if (!values.name.trim()) missing.name = 'Indiquez le nom du commerce.';
              if (!values.category) missing.category = 'Choisissez une catégorie.';
              if (!values.address.trim()) missing.address = 'Indiquez l’adresse du commerce.';
              let point = null;
              try {
                point = position.read();
              } catch (error) {
                Object.assign(missing, error.fieldErrors);
              }
              if (Object.keys(missing).length) {
                throw new ApiError('Certains champs sont à compléter.', {
                  status: 422,
                  fieldErrors: missing,
                });
              }
              const shop = await api.authed('/shops', {
                method: 'POST',
                body: {
                  name: values.name.trim(),
                  category: values.category,
                  address: values.address.trim(),
                  ...point,
                },
              });
              navigate(`/commerce/${encodeURIComponent(shop.id)}?nouveau=1`);
            },
          });
          setChildren(body, form);
          return () => position.destroy();
        },
      });
    },
  };
}
