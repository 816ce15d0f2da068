/**
 * How good a 2-D sample is, in one number a reader can check by eye: for the checkerboard, the fraction of
 * samples that land on its black squares (uniform data scores 1, a Gaussian blob about 0.5 inside the board).
 */

/** The fraction of points [n·2] on the 8 black squares of the 4 × 4 board on [−2, 2)² (⌊x⌋ + ⌊y⌋ even). */
export function checkerboardScore(points: ArrayLike<number>): number {
  const n = Math.floor(points.length / 2);
  if (n === 0) return NaN;
  let on = 0;
  for (let i = 0; i < n; i++) {
    const [x, y] = [points[2 * i], points[2 * i + 1]];
    if (x >= -2 && x < 2 && y >= -2 && y < 2 && (Math.floor(x) + Math.floor(y)) % 2 === 0) on++;
  }
  return on / n;
}
