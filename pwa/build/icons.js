// Renders the committed SVG sources into the PNG/ICO icons at build time, so
// no generated image is committed.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const iconsDir = fileURLToPath(new URL('../icons/', import.meta.url));

// Top-level names on purpose: the server marks only sub-folders (/assets/) as immutable.
const PNG_ICONS = [
  { fileName: 'icon-192.png', source: 'icon.svg', size: 192 },
  { fileName: 'icon-512.png', source: 'icon.svg', size: 512 },
  { fileName: 'icon-maskable-512.png', source: 'icon-maskable.svg', size: 512 },
  // iOS rounds the corners itself and shows transparency as black: use the full-bleed square.
  { fileName: 'apple-touch-icon.png', source: 'icon-maskable.svg', size: 180 },
];
const FAVICON_SIZES = [16, 32, 48];

async function renderPng(source, size) {
  const svg = await readFile(iconsDir + source);
  return sharp(svg, { density: (72 * size) / 512 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

// ICO container holding PNG images (supported by every current browser).
export function pngsToIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2);
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

async function renderAll() {
  const files = new Map();
  for (const icon of PNG_ICONS) {
    files.set(icon.fileName, await renderPng(icon.source, icon.size));
  }
  const favicons = [];
  for (const size of FAVICON_SIZES) {
    favicons.push({ size, data: await renderPng('icon.svg', size) });
  }
  files.set('favicon.ico', pngsToIco(favicons));
  files.set('icon.svg', await readFile(iconsDir + 'icon.svg'));
  return files;
}

const CONTENT_TYPES = { png: 'image/png', ico: 'image/x-icon', svg: 'image/svg+xml' };

export function appIcons() {
  let rendered;
  const files = () => (rendered ??= renderAll());
  return {
    name: 'valence-app-icons',
    async generateBundle() {
      for (const [fileName, source] of await files()) {
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const fileName = (req.url ?? '').split('?')[0].replace(/^\//, '');
        const source = (await files()).get(fileName);
        if (!source) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[fileName.split('.').pop()]);
        res.end(source);
      });
    },
  };
}
