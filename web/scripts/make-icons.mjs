// Draws FinCloud's app icons (an emerald tile with three rising white bars) as PNG files in public/icons/, with
// nothing but node:zlib. Run again after changing the drawing: `node scripts/make-icons.mjs`.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const EMERALD = [4, 120, 87];
const WHITE = [255, 255, 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG of `size`² pixels; `maskable` fills the whole square (the platform cuts its own shape). */
function icon(size, { maskable = false } = {}) {
  const radius = maskable ? 0 : size * 0.22;
  // Maskable icons keep their drawing inside the central 80% "safe zone".
  const inset = maskable ? size * 0.2 : size * 0.12;
  const bars = [0.45, 0.65, 0.9];
  const area = size - 2 * inset;
  const gap = area * 0.1;
  const barWidth = (area - gap * (bars.length - 1)) / bars.length;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const cx = Math.min(Math.max(x + 0.5, radius), size - radius);
      const cy = Math.min(Math.max(y + 0.5, radius), size - radius);
      const inside = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius;
      let colour = inside ? EMERALD : null;
      const bx = x - inset;
      const bar = Math.floor(bx / (barWidth + gap));
      if (inside && bx >= 0 && bar < bars.length && bx - bar * (barWidth + gap) < barWidth) {
        const top = size - inset - area * bars[bar];
        if (y >= top && y < size - inset) colour = WHITE;
      }
      const at = y * (size * 4 + 1) + 1 + x * 4;
      if (colour) raw.set([...colour, 255], at);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = new URL("../public/icons/", import.meta.url);
writeFileSync(new URL("icon-192.png", out), icon(192));
writeFileSync(new URL("icon-512.png", out), icon(512));
writeFileSync(new URL("maskable-512.png", out), icon(512, { maskable: true }));
writeFileSync(new URL("apple-touch-icon.png", out), icon(180, { maskable: true }));
