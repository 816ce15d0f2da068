/** Minimal PNG output (RGBA, zlib from Node) and a scatter-plot rasteriser for `difflow sample --out x.png`. */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes an RGBA image [height·width·4] as PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8);
  const parts = [
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Point clouds [n·2] drawn as dots on white, sharing one square data window; returns PNG bytes. */
export function scatterPng(
  clouds: readonly { points: Float64Array; color: readonly [number, number, number] }[],
  size = 512,
  extent = 4,
): Uint8Array {
  const rgba = new Uint8Array(size * size * 4).fill(255);
  const px = (v: number) => Math.round(((v + extent) / (2 * extent)) * (size - 1));
  for (let i = 0; i < size; i++) {
    for (const [x, y] of [
      [i, size >> 1],
      [size >> 1, i],
    ])
      rgba.set([225, 225, 225, 255], (y * size + x) * 4);
  }
  for (const { points, color } of clouds) {
    for (let k = 0; k + 1 < points.length; k += 2) {
      const cx = px(points[k]);
      const cy = size - 1 - px(points[k + 1]);
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) continue;
          const o = (y * size + x) * 4;
          for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(0.6 * color[c] + 0.4 * rgba[o + c]);
        }
    }
  }
  return encodePng(size, size, rgba);
}

/**
 * Grey images [n·h·w] with values in [−1, 1] (clipped; −1 black, 1 white) tiled rows × cols on a white background with
 * `gap` pixels between tiles, each pixel drawn as scale × scale; returns PNG bytes. Row r, column c shows
 * image r·cols + c.
 */
export function imageGridPng(
  images: ArrayLike<number>,
  rows: number,
  cols: number,
  o: { height?: number; width?: number; scale?: number; gap?: number } = {},
): Uint8Array {
  const { height: h = 28, width: w = 28, scale = 2, gap = 2 } = o;
  if (images.length < rows * cols * h * w) throw new Error(`imageGridPng: ${images.length} values for ${rows}×${cols} images of ${h}×${w}`);
  const W = cols * (w * scale + gap) + gap;
  const H = rows * (h * scale + gap) + gap;
  const rgba = new Uint8Array(W * H * 4).fill(255);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const base = (r * cols + c) * h * w;
      for (let y = 0; y < h * scale; y++) {
        for (let x = 0; x < w * scale; x++) {
          const v = images[base + Math.floor(y / scale) * w + Math.floor(x / scale)];
          const grey = Math.round(255 * Math.min(1, Math.max(0, (v + 1) / 2)));
          const o4 = ((gap + r * (h * scale + gap) + y) * W + gap + c * (w * scale + gap) + x) * 4;
          rgba[o4] = rgba[o4 + 1] = rgba[o4 + 2] = grey;
          rgba[o4 + 3] = 255;
        }
      }
    }
  }
  return encodePng(W, H, rgba);
}
