// Reading a code at the counter: the rear camera (BarcodeDetector where it exists, jsQR on canvas frames
// elsewhere) or typing it, which always works and is the only way when the camera is refused or missing.
//
//   openScanner({ title, why, fieldLabel, read }) → { result, close() }
//     result: a Promise of the normalised code (« K7QM2XPA »), or null when the person closed the scanner;
//     `read(text)` turns what was scanned or typed into the code, or null when it is not one (by default the
//     8-character codes of the counter; the student card's checker reads VC1 codes).
//   normaliseCode(' k7qm-2xpa ') → 'K7QM2XPA'      looksLikeCode('K7QM2XPA') → true
//
// The camera is asked for only after the dialog has said why (DESIGN.md), unless it was already allowed;
// it stops when the scanner closes, when the page is hidden and on navigation.
import { h } from '../dom.js';
import { openModal } from './common.js';
import { textField } from './forms.js';
import './qr-scanner.css';

// The server's alphabet: no 0/O, 1/I/L to confuse.
const CODE_PATTERN = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;
const SCAN_INTERVAL_MS = 200;
// Frames are scaled down to this many pixels on their long side before jsQR reads them.
const FRAME_MAX_PX = 800;

export const CAMERA_WHY =
  'La caméra sert seulement à lire le code : aucune image n’est enregistrée ni envoyée. ' +
  'Vous pouvez aussi saisir le code à la main.';
export const CODE_FORMAT_ERROR =
  'Le code compte 8 caractères, chiffres et lettres (par exemple K7QM 2XPA). Vérifiez-le.';

/** Upper case, spaces and dashes away: « k7qm-2xpa » is « K7QM2XPA ». */
export function normaliseCode(text) {
  return String(text ?? '')
    .toUpperCase()
    .replace(/[\s\u00a0\u202f\-‐‑‒–—]/g, '');
}

export function looksLikeCode(code) {
  return CODE_PATTERN.test(code);
}

/** A function reading one frame of `video` → the text of a QR code in it, or null. */
async function createDecoder() {
  if (typeof globalThis.BarcodeDetector === 'function') {
    try {
      const formats = await globalThis.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new globalThis.BarcodeDetector({ formats: ['qr_code'] });
        return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
      }
    } catch {
      // Falls through to jsQR.
    }
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return null;
    const scale = Math.min(1, FRAME_MAX_PX / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

async function cameraAllowed() {
  try {
    return (await navigator.permissions.query({ name: 'camera' })).state === 'granted';
  } catch {
    return false;
  }
}

let scanners = 0;

function readCounterCode(text) {
  const code = normaliseCode(text);
  return looksLikeCode(code) ? code : null;
}

export function openScanner({
  title,
  why = CAMERA_WHY,
  fieldLabel = 'Code',
  fieldHint = null,
  read = readCounterCode,
  formatError = CODE_FORMAT_ERROR,
  maxLength = 20,
}) {
  scanners += 1;
  const id = `scanner-${scanners}`;
  let resolveResult;
  const result = new Promise((resolve) => {
    resolveResult = resolve;
  });

  const video = h('video', { 'class': 'scanner-video', 'aria-hidden': 'true', 'playsinline': true, 'muted': true });
  video.muted = true;
  video.playsInline = true;
  const status = h('p', { class: 'scanner-status', role: 'status' });
  const startButton = h(
    'button',
    { type: 'button', class: 'button button-primary' },
    'Activer la caméra',
  );
  const camera = h('div', { class: 'scanner-camera' }, video, status, startButton);
  const field = textField({
    id: `${id}-code`,
    name: 'code',
    label: fieldLabel,
    hint: fieldHint ?? 'Les 8 caractères écrits sous le code, avec ou sans espace.',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: String(maxLength),
    enterkeyhint: 'done',
  });
  const typedForm = h(
    'form',
    { 'class': 'scanner-typed', 'novalidate': true, 'aria-label': 'Saisir le code' },
    field.wrapper,
    h('button', { type: 'submit', class: 'button button-secondary' }, 'Valider le code'),
  );
  const closeButton = h('button', { type: 'button', class: 'button button-secondary' }, 'Fermer');
  const heading = h('h2', { id: `${id}-title`, tabindex: '-1' }, title);
  const dialog = h(
    'dialog',
    {
      'class': 'app-dialog scanner-dialog',
      'aria-labelledby': `${id}-title`,
      'aria-describedby': `${id}-why`,
    },
    heading,
    h('p', { id: `${id}-why`, class: 'hint' }, why),
    camera,
    typedForm,
    h('div', { class: 'dialog-actions' }, closeButton),
  );

  let stream = null;
  let timer = null;
  let decoder = null;
  let finished = false;
  let resumeWhenVisible = false;

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function stopCamera() {
    clearTimeout(timer);
    timer = null;
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = null;
    video.srcObject = null;
    camera.classList.remove('is-live');
  }

  async function tick() {
    if (finished || !stream) return;
    let text = null;
    try {
      if (video.readyState >= 2) text = await decoder(video);
    } catch {
      text = null;
    }
    if (finished || !stream) return;
    if (text !== null) {
      const code = read(text);
      if (code !== null) {
        finish(code);
        return;
      }
      say('Ce code n’est pas un code Cœur de Valence. Visez le bon code ou saisissez-le.');
    }
    timer = setTimeout(tick, SCAN_INTERVAL_MS);
  }

  async function startCamera() {
    if (stream || finished) return;
    startButton.hidden = true;
    if (!navigator.mediaDevices?.getUserMedia) {
      say('Aucune caméra n’est disponible ici : saisissez le code ci-dessous.');
      return;
    }
    say('Ouverture de la caméra…');
    try {
      const [opened, decode] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
        decoder ? Promise.resolve(decoder) : createDecoder(),
      ]);
      decoder = decode;
      if (finished) {
        for (const track of opened.getTracks()) track.stop();
        return;
      }
      stream = opened;
      video.srcObject = stream;
      await video.play().catch(() => {});
      camera.classList.add('is-live');
      say('Visez le code avec la caméra : il est lu tout seul.');
      tick();
    } catch (error) {
      stopCamera();
      if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') {
        say(
          'La caméra n’est pas autorisée : saisissez le code ci-dessous. Pour scanner, autorisez la caméra ' +
            'pour ce site dans les réglages du navigateur.',
        );
      } else {
        say('Aucune caméra n’est disponible ici : saisissez le code ci-dessous.');
      }
      startButton.hidden = false;
      startButton.textContent = 'Réessayer la caméra';
    }
  }

  function onVisibility() {
    if (document.visibilityState === 'hidden' && stream) {
      resumeWhenVisible = true;
      stopCamera();
    } else if (document.visibilityState === 'visible' && resumeWhenVisible) {
      resumeWhenVisible = false;
      startCamera();
    }
  }

  function finish(code) {
    if (finished) return;
    finished = true;
    stopCamera();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('popstate', onNavigate);
    window.removeEventListener('pagehide', onNavigate);
    closeModal();
    resolveResult(code);
  }

  const close = () => finish(null);
  const onNavigate = () => close();

  startButton.addEventListener('click', () => startCamera());
  closeButton.addEventListener('click', close);
  typedForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = field.input.value;
    if (!typed.trim()) {
      field.setError('Saisissez le code.');
      field.input.focus();
      return;
    }
    const code = read(typed);
    if (code === null) {
      field.setError(formatError);
      field.input.focus();
      return;
    }
    field.setError(null);
    finish(code);
  });
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('popstate', onNavigate);
  window.addEventListener('pagehide', onNavigate);

  const closeModal = openModal(dialog, { onCancel: close });
  heading.focus();
  say('Touchez « Activer la caméra » pour scanner, ou saisissez le code.');
  cameraAllowed().then((allowed) => {
    if (allowed) startCamera();
  });
  return { result, close };
}
