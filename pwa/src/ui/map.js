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

/** The tile server's credit, linked when /config gives an http(s) address for it. */
export function attributionHtml({ map_attribution: text, map_attribution_url: url }) {
  if (!text) return '';
  if (!url || !/^https?:\/\//i.test(url)) return escapeHtml(text);
  const link = document.createElement('a');
  link.href = url;
  link.textContent = text;
  return link.outerHTML;
}

const Notice = L.Control.extend({
  options: { position: 'topright' },
  onAdd() {
    // A polite live region rather than role=status: a map inside a form leaves the form its own status.
    return h('p', { 'class': 'map-notice', 'aria-live': 'polite' }, NO_TILES_MESSAGE);
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
  const credit = attributionHtml(config);
  if (credit) map.attributionControl.addAttribution(credit);

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
  const resize = new ResizeObserver(() => map.invalidateSize({ animate: false }));
  resize.observe(container);
  return {
    map,
    destroy() {
      resize.disconnect();
      // An animation still running after remove() reads panes that are gone (« _leaflet_pos »).
      map.stop();
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

/**
 * A small map where a tap places the shop's pin and a drag moves it. `onPick({ lat, lon })` follows each
 * move made on the map. Returns { setPin(lat, lon, { zoom }), destroy }.
 */
export function createPinPicker(container, config, { position, onPick }) {
  const centre = position ?? config.city_centre;
  const { map, destroy } = baseMap(container, config, { centre, zoom: position ? 17 : 15 });
  let marker = null;
  const rounded = (latlng) => ({
    lat: Math.round(latlng.lat * 1e6) / 1e6,
    lon: Math.round(latlng.lng * 1e6) / 1e6,
  });
  const setPin = (lat, lon, { pan = true, zoom = null } = {}) => {
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return;
    if (marker) marker.setLatLng([lat, lon]);
    else {
      // Dragged with a finger or a mouse; the keyboard way is the address list and the coordinate fields.
      marker = L.marker([lat, lon], {
        icon: pinIcon('is-chosen'),
        keyboard: false,
        draggable: true,
        autoPan: true,
        title: 'Emplacement du commerce (faites glisser pour ajuster)',
      }).addTo(map);
      marker.on('dragend', () => {
        const point = rounded(marker.getLatLng());
        onPick(point);
      });
    }
    // No animation: the screen may be left (the form saved) before one ends, and motion is not needed.
    if (zoom) map.setView([lat, lon], zoom, { animate: false });
    else if (pan) map.panTo([lat, lon], { animate: false });
  };
  if (position) setPin(position.lat, position.lon);
  map.on('click', (event) => {
    const point = rounded(event.latlng);
    setPin(point.lat, point.lon, { pan: false });
    onPick(point);
  });
  return { setPin, destroy };
}
