// Leaflet maps, loaded only when a map is first shown. Markers are CSS-drawn (no image, no inline style
// attribute); Leaflet itself positions elements through element.style, which the CSP allows.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { h } from '../dom.js';

export const NO_TILES_MESSAGE = 'Fond de carte indisponible';
const DEFAULT_ZOOM = 16;

function escapeHtml(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return span.innerHTML;
}

const Notice = L.Control.extend({
  options: { position: 'topright' },
  onAdd() {
    return h('p', { class: 'map-notice', role: 'status' }, NO_TILES_MESSAGE);
  },
});

/** A Leaflet map with the tiles from /config, or a plain background and « Fond de carte indisponible ». */
function baseMap(container, config, { centre, zoom = DEFAULT_ZOOM }) {
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const map = L.map(container, {
    center: [centre.lat, centre.lon],
    zoom,
    zoomSnap: 0.5,
    attributionControl: true,
    zoomAnimation: !still,
    fadeAnimation: !still,
    markerZoomAnimation: !still,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (config.map_attribution) map.attributionControl.addAttribution(escapeHtml(config.map_attribution));

  const notice = new Notice();
  let noticeShown = false;
  const showNotice = (show) => {
    if (show === noticeShown) return;
    noticeShown = show;
    container.classList.toggle('map-no-tiles', show);
    if (show) notice.addTo(map);
    else notice.remove();
  };

  if (config.map_tile_url) {
    let loaded = 0;
    const tiles = L.tileLayer(config.map_tile_url, { maxZoom: 19, crossOrigin: false });
    tiles.on('tileload', () => {
      loaded += 1;
      showNotice(false);
    });
    tiles.on('tileerror', () => {
      if (!loaded) showNotice(true);
    });
    tiles.addTo(map);
  } else {
    showNotice(true);
  }
  // The container may have been hidden while the map was built.
  const resize = new ResizeObserver(() => map.invalidateSize());
  resize.observe(container);
  return {
    map,
    destroy() {
      resize.disconnect();
      map.remove();
    },
  };
}

function pinIcon(className) {
  return L.divIcon({
    className: `map-pin ${className}`,
    html: '',
    iconSize: [28, 28],
    iconAnchor: [14, 28],
    popupAnchor: [0, -26],
  });
}

/**
 * The search results on a map. `popupFor(result)` builds the popup's DOM (a link to the shop page).
 * Returns { show(results, origin), destroy }.
 */
export function createResultsMap(container, config, { popupFor }) {
  const { map, destroy } = baseMap(container, config, { centre: config.city_centre });
  const layer = L.layerGroup().addTo(map);

  return {
    show(results, origin) {
      layer.clearLayers();
      const points = [];
      if (origin) {
        L.circleMarker([origin.lat, origin.lon], {
          radius: 8,
          weight: 3,
          className: 'map-origin',
          interactive: false,
        }).addTo(layer);
        points.push([origin.lat, origin.lon]);
      }
      for (const result of results) {
        const { shop } = result;
        const [stateClass, stateLabel] =
          shop.open_now === true
            ? ['is-open', 'ouvert']
            : shop.open_now === false
              ? ['is-closed', 'fermé']
              : ['is-unknown', 'horaires non renseignés'];
        L.marker([shop.lat, shop.lon], {
          icon: pinIcon(stateClass),
          title: `${shop.name} (${stateLabel})`,
          keyboard: true,
        })
          .bindPopup(() => popupFor(result), { maxWidth: 260, autoPanPadding: [60, 60] })
          .addTo(layer);
        points.push([shop.lat, shop.lon]);
      }
      // Room above for the pins' height and the « Fond de carte indisponible » notice.
      if (points.length > 1)
        map.fitBounds(points, { paddingTopLeft: [24, 72], paddingBottomRight: [24, 32], maxZoom: 17 });
      else if (points.length === 1) map.setView(points[0], DEFAULT_ZOOM);
      else map.setView([config.city_centre.lat, config.city_centre.lon], DEFAULT_ZOOM - 1);
    },
    markerCount() {
      return layer.getLayers().filter((item) => item instanceof L.Marker).length;
    },
    destroy,
  };
}

/** A small map where a tap places the shop's pin. Returns { setPin(lat, lon), destroy }. */
export function createPinPicker(container, config, { position, onPick }) {
  const centre = position ?? config.city_centre;
  const { map, destroy } = baseMap(container, config, { centre, zoom: position ? 17 : 15 });
  let marker = null;
  const setPin = (lat, lon, { pan = true } = {}) => {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
    if (marker) marker.setLatLng([lat, lon]);
    else {
      marker = L.marker([lat, lon], {
        icon: pinIcon('is-chosen'),
        keyboard: false,
        interactive: false,
      }).addTo(map);
    }
    if (pan) map.panTo([lat, lon]);
  };
  if (position) setPin(position.lat, position.lon);
  map.on('click', (event) => {
    const lat = Math.round(event.latlng.lat * 1e6) / 1e6;
    const lon = Math.round(event.latlng.lng * 1e6) / 1e6;
    setPin(lat, lon, { pan: false });
    onPick({ lat, lon });
  });
  return { setPin, destroy };
}
