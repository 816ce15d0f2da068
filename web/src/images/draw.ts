/**
 * The images panel's picture: the ten z_t and, under each, the network's guess x̂ of the clean image at that
 * step, as grey 28×28 tiles on one canvas (pixels in [−1, 1] → black … white; z_t is clipped to that range, its
 * noise reaches beyond). Ten columns on a wide screen, five on a phone.
 */
import { IMAGE_SIDE as SIDE } from '../../../src/models/image.js';
import { IMAGES } from './model.js';

const GAP = 3;

/** Columns that keep each tile at least ~44 CSS px wide in a box `width` px wide. */
export function columnsFor(width: number): number {
  return width >= IMAGES * 44 ? IMAGES : IMAGES / 2;
}

/** Paints tile `k` (28×28 values in [−1, 1] from `values` at offset k·784) into `image` at (x, y). */
function paint(image: ImageData, values: ArrayLike<number>, k: number, x: number, y: number): void {
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const v = values[k * SIDE * SIDE + r * SIDE + c];
      const grey = Math.round(255 * Math.min(1, Math.max(0, (v + 1) / 2)));
      const o = 4 * ((y + r) * image.width + x + c);
      image.data[o] = image.data[o + 1] = image.data[o + 2] = grey;
      image.data[o + 3] = 255;
    }
  }
}

/**
 * Draws z [IMAGES·784] and x̂ [IMAGES·784] on `canvas` in `columns` columns: for each row of images, a row of
 * z_t tiles with the row of their x̂ tiles under it.
 */
export function drawFrame(canvas: HTMLCanvasElement, z: ArrayLike<number>, xHat: ArrayLike<number>, columns: number): void {
  const rows = IMAGES / columns;
  const width = columns * SIDE + (columns - 1) * GAP;
  const height = rows * (2 * SIDE + GAP) + (rows - 1) * 2 * GAP;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  for (let o = 3; o < image.data.length; o += 4) image.data[o] = 0; // gaps transparent
  for (let k = 0; k < IMAGES; k++) {
    const row = Math.floor(k / columns);
    const x = (k % columns) * (SIDE + GAP);
    const y = row * (2 * SIDE + 3 * GAP);
    paint(image, z, k, x, y);
    paint(image, xHat, k, x, y + SIDE + GAP);
  }
  ctx.putImageData(image, 0, 0);
}
