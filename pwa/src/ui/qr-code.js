// QR codes on screen (DESIGN.md): black on white, a quiet zone of four modules, whole device pixels per
// module, at least 45 mm wide, and the screen kept on while one is shown. Shared by the shopper's « Mon code »
// and the merchant's « Code de caisse »; the scanner that reads them is ui/qr-scanner.js.
//
//   codeStage(code, { label })  → { element, update(code), destroy() }: the QR and its typed form, sized to fit
//   qrCodeSvg(text, { label })  → an <svg> of the code (sized by CSS until fitted)
//   formatCode('K7QM2XPA')      → « K7QM 2XPA », for reading aloud or typing
//   keepScreenOn()              → { release() }: Screen Wake Lock while a code is shown (skipped where missing)
import QRCode from 'qrcode';
import { h } from '../dom.js';
import './qr-code.css';

const SVG_NS = 'http://www.w3.org/2000/svg';
export const QUIET_ZONE_MODULES = 4;
// 45 mm in CSS pixels (96 per inch), the smallest a code may be drawn.
const MIN_WIDTH_PX = Math.ceil((45 / 25.4) * 96);
const MAX_WIDTH_PX = 360;

/** The code's modules, rows of booleans (true = dark), without the quiet zone. */
export function qrMatrix(text, { errorCorrectionLevel = 'M' } = {}) {
  const { modules } = QRCode.create(String(text), { errorCorrectionLevel });
  return Array.from({ length: modules.size }, (_, row) =>
    Array.from({ length: modules.size }, (_, column) => Boolean(modules.get(row, column))),
  );
}

/** SVG path data drawing the dark modules, one rectangle per horizontal run, offset by the quiet zone. */
export function qrPath(matrix, quiet = QUIET_ZONE_MODULES) {
  const parts = [];
  matrix.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      const run = x - start;
      parts.push(`M${start + quiet} ${y + quiet}h${run}v1h-${run}z`);
    }
  });
  return parts.join('');
}

function svgElement(tag, attributes) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** An <svg role="img"> of `text` with `label` for screen readers; `data-modules` is its width in modules. */
export function qrCodeSvg(text, { label }) {
  const matrix = qrMatrix(text);
  const modules = matrix.length + 2 * QUIET_ZONE_MODULES;
  const svg = svgElement('svg', {
    'class': 'qr-code',
    'viewBox': `0 0 ${modules} ${modules}`,
    'role': 'img',
    'aria-label': label,
    'shape-rendering': 'crispEdges',
    'data-modules': modules,
  });
  svg.append(
    svgElement('rect', { width: modules, height: modules, fill: '#ffffff' }),
    svgElement('path', { d: qrPath(matrix), fill: '#000000' }),
  );
  return svg;
}

/**
 * The drawn width in CSS pixels: as wide as `available` allows (up to MAX_WIDTH_PX, never under 45 mm),
 * rounded down so that each module covers a whole number of device pixels.
 */
export function fittedWidth(modules, available, devicePixelRatio = 1) {
  const target = Math.max(MIN_WIDTH_PX, Math.min(available, MAX_WIDTH_PX));
  const perModule = Math.max(1, Math.floor((target * devicePixelRatio) / modules));
  const width = (perModule * modules) / devicePixelRatio;
  if (width >= MIN_WIDTH_PX) return width;
  // Rounding down must not take the code under its minimum size.
  return (Math.ceil((MIN_WIDTH_PX * devicePixelRatio) / modules) * modules) / devicePixelRatio;
}

/** « K7QM 2XPA »: the code in groups of four, easier to read out and to type. */
export function formatCode(code) {
  const clean = String(code ?? '')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
  return clean.replace(/(.{4})(?=.)/g, '$1 ');
}

/** What a screen reader says of the typed form: one character at a time (« K 7 Q M … »). */
function spelled(code) {
  return [...String(code)].join(' ');
}

/**
 * The code as the person holds it up: the QR (white, large, crisp) and below it the typed form. `label` is
 * what the QR is called for screen readers (« Votre code de membre »). `update(code)` swaps the code in place.
 */
export function codeStage(code, { label }) {
  const holder = h('div', { class: 'qr-holder' });
  const typed = h('p', { 'class': 'qr-typed', 'aria-hidden': 'true' });
  const spoken = h('p', { class: 'visually-hidden' });
  const element = h('div', { class: 'qr-stage' }, holder, typed, spoken);
  let svg = null;

  function fit() {
    if (!svg) return;
    const available = holder.clientWidth || element.clientWidth || MAX_WIDTH_PX;
    const width = fittedWidth(Number(svg.dataset.modules), available, window.devicePixelRatio || 1);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(width));
  }

  function update(next) {
    svg = qrCodeSvg(next, { label });
    holder.replaceChildren(svg);
    typed.textContent = formatCode(next);
    spoken.textContent = `Code à saisir : ${spelled(next)}`;
    fit();
  }

  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => fit()) : null;
  observer?.observe(holder);
  update(code);
  return {
    element,
    update,
    destroy: () => observer?.disconnect(),
  };
}

/**
 * Keeps the screen on while a code is shown. The lock goes when the page is hidden (the browser drops it) and
 * is taken again when it is visible; `release()` ends it. Where the API is missing or refused, nothing happens.
 */
export function keepScreenOn({ wakeLock = globalThis.navigator?.wakeLock } = {}) {
  let sentinel = null;
  let released = false;

  async function acquire() {
    if (!wakeLock || released || document.visibilityState !== 'visible') return;
    try {
      const lock = await wakeLock.request('screen');
      if (released) lock.release().catch(() => {});
      else sentinel = lock;
    } catch {
      // Refused (battery saver, no user gesture): the code still shows, the screen may dim.
    }
  }

  function onVisibility() {
    if (document.visibilityState === 'visible' && (!sentinel || sentinel.released)) acquire();
  }

  document.addEventListener('visibilitychange', onVisibility);
  acquire();
  return {
    release() {
      released = true;
      document.removeEventListener('visibilitychange', onVisibility);
      sentinel?.release().catch(() => {});
      sentinel = null;
    },
  };
}
