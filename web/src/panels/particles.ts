/**
 * The sampler panel's canvas: the data in grey behind, the particles in blue, a few particles' trails, and the
 * tween that moves the particles from one sampler step to the next.
 */

/** Half-width of the drawn square, in data units. */
const VIEW = 3.6;
/** Particles whose paths are drawn. */
const TRAILS = 40;

export /** Hands the main thread back for a moment (a macrotask, not clamped like setTimeout). */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

/** The canvas: data in grey behind, particles in blue, a few particles' trails. */
export class ParticleCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private background: HTMLCanvasElement | undefined;
  private points: Float64Array = new Float64Array(0);
  private trails: number[][] = [];
  private size = 0;

  constructor(parent: HTMLElement, private readonly data: Float64Array) {
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.testid = 'samplers-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Particles of the sampler moving from noise to the 8-Gaussian ring');
    parent.append(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas context');
    this.ctx = ctx;
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.canvas);
    this.resize();
  }

  private resize(): void {
    const css = Math.round(this.canvas.clientWidth || 480);
    const size = Math.round(css * Math.min(2, window.devicePixelRatio || 1));
    if (size === this.size || size === 0) return;
    this.size = size;
    this.canvas.width = size;
    this.canvas.height = size;
    this.background = undefined;
    this.draw(this.points);
  }

  private toPx(v: number, flip: boolean): number {
    const u = (v + VIEW) / (2 * VIEW);
    return (flip ? 1 - u : u) * this.size;
  }

  private drawBackground(): HTMLCanvasElement {
    const bg = document.createElement('canvas');
    bg.width = bg.height = this.size;
    const c = bg.getContext('2d');
    if (!c) return bg;
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, this.size, this.size);
    c.strokeStyle = '#eeeeee';
    c.lineWidth = 1;
    for (let g = -3; g <= 3; g++) {
      c.beginPath();
      c.moveTo(this.toPx(g, false), 0);
      c.lineTo(this.toPx(g, false), this.size);
      c.moveTo(0, this.toPx(g, true));
      c.lineTo(this.size, this.toPx(g, true));
      c.stroke();
    }
    const r = Math.max(1, this.size / 400);
    c.fillStyle = 'rgba(120, 120, 120, 0.35)';
    for (let i = 0; i < this.data.length; i += 2) c.fillRect(this.toPx(this.data[i], false) - r, this.toPx(this.data[i + 1], true) - r, 2 * r, 2 * r);
    return bg;
  }

  /** Starts new trails at `points`. */
  resetTrails(points: Float64Array): void {
    this.trails = Array.from({ length: TRAILS }, (_, k) => [points[2 * k], points[2 * k + 1]]);
  }

  /** Appends the particles' current positions to their trails. */
  extendTrails(points: Float64Array): void {
    this.trails.forEach((trail, k) => trail.push(points[2 * k], points[2 * k + 1]));
  }

  /** Draws `points` [N·2] (display coordinates) with the trails, plus an optional tail for the step in progress. */
  draw(points: Float64Array): void {
    this.points = points;
    if (this.size === 0) return;
    this.background ??= this.drawBackground();
    const c = this.ctx;
    c.drawImage(this.background, 0, 0);
    c.lineWidth = Math.max(1, this.size / 500);
    c.strokeStyle = 'rgba(213, 94, 0, 0.75)';
    this.trails.forEach((trail, k) => {
      c.beginPath();
      c.moveTo(this.toPx(trail[0], false), this.toPx(trail[1], true));
      for (let i = 2; i < trail.length; i += 2) c.lineTo(this.toPx(trail[i], false), this.toPx(trail[i + 1], true));
      if (points.length > 2 * k + 1) c.lineTo(this.toPx(points[2 * k], false), this.toPx(points[2 * k + 1], true));
      c.stroke();
    });
    const r = Math.max(1.2, this.size / 300);
    c.fillStyle = 'rgba(0, 114, 178, 0.7)';
    for (let i = 0; i < points.length; i += 2) c.fillRect(this.toPx(points[i], false) - r, this.toPx(points[i + 1], true) - r, 2 * r, 2 * r);
  }
}

/** Resolves after the particles have moved from `from` to `to` over `ms` (at once when hidden or reduced motion). */
export function tween(canvas: ParticleCanvas, from: Float64Array, to: Float64Array, ms: number, alive: () => boolean): Promise<void> {
  if (!alive()) return Promise.resolve();
  const still = document.hidden || window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (still || ms <= 0 || from.length !== to.length) {
    canvas.draw(to);
    return still ? yieldToBrowser() : new Promise((resolve) => requestAnimationFrame(() => resolve()));
  }
  return new Promise((resolve) => {
    const start = performance.now();
    const between = new Float64Array(to.length);
    const frame = (now: number) => {
      if (!alive()) return resolve();
      const a = Math.min(1, (now - start) / ms);
      const e = a * a * (3 - 2 * a);
      for (let i = 0; i < to.length; i++) between[i] = from[i] + e * (to[i] - from[i]);
      canvas.draw(a < 1 ? between : to);
      if (a < 1 && !document.hidden) requestAnimationFrame(frame);
      else {
        canvas.draw(to);
        resolve();
      }
    };
    requestAnimationFrame(frame);
  });
}
