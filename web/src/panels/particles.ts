/**
 * One sampler's canvas in the comparison: axes with ticks, the data in grey behind, the particles in blue at
 * the scrubber's time (between two steps: linearly between the two states), a few particles' paths up to
 * that time in orange, and a legend. Coordinates are display units: z / max(1, √(α² + σ²)), so that σ-only
 * schedules (VE, EDM, σ up to 80) stay in view.
 */

/** Half-width of the drawn square, in data units. */
const VIEW = 3.6;
/** Particles whose paths are drawn. */
const TRAILS = 40;
/** Margins (CSS px) for the tick labels: left, bottom. */
const LEFT = 26;
const BOTTOM = 20;
const COLORS = { data: 'rgba(120, 120, 120, 0.35)', particles: 'rgba(0, 114, 178, 0.7)', paths: 'rgba(213, 94, 0, 0.75)' };

/** Hands the main thread back for a moment (a macrotask, not clamped like setTimeout). */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

export class ParticleCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private background: HTMLCanvasElement | undefined;
  private states: readonly Float64Array[] = [];
  private progress = 0;
  private size = 0;
  private scale = 1;

  constructor(
    parent: HTMLElement,
    private readonly data: Float64Array,
    label: string,
    testid: string,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.testid = testid;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    parent.append(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas context');
    this.ctx = ctx;
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.canvas);
    this.resize();
  }

  private resize(): void {
    const css = Math.round(this.canvas.clientWidth || 320);
    this.scale = Math.min(2, window.devicePixelRatio || 1);
    const size = Math.round(css * this.scale);
    if (size === this.size || size === 0) return;
    this.size = size;
    this.canvas.width = size;
    this.canvas.height = size;
    this.background = undefined;
    this.draw();
  }

  /** Device px of a data coordinate (y flipped). */
  private toPx(v: number, vertical: boolean): number {
    const [left, bottom] = [LEFT * this.scale, BOTTOM * this.scale];
    const u = (v + VIEW) / (2 * VIEW);
    return vertical ? (1 - u) * (this.size - bottom) : left + u * (this.size - left);
  }

  private drawBackground(): HTMLCanvasElement {
    const bg = document.createElement('canvas');
    bg.width = bg.height = this.size;
    const c = bg.getContext('2d');
    if (!c) return bg;
    const k = this.scale;
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, this.size, this.size);
    c.font = `${11 * k}px system-ui, sans-serif`;
    c.fillStyle = '#5b6475';
    c.lineWidth = 1;
    for (let g = -3; g <= 3; g++) {
      const [x, y] = [this.toPx(g, false), this.toPx(g, true)];
      c.strokeStyle = g === 0 ? '#d5d9e0' : '#eeeeee';
      c.beginPath();
      c.moveTo(x, 0);
      c.lineTo(x, this.size - BOTTOM * k);
      c.moveTo(LEFT * k, y);
      c.lineTo(this.size, y);
      c.stroke();
      const label = String(g).replace('-', '−');
      c.textAlign = 'center';
      c.fillText(label, x, this.size - 6 * k);
      c.textAlign = 'right';
      c.fillText(label, (LEFT - 5) * k, y + 4 * k);
    }
    c.strokeStyle = '#8a93a3';
    c.strokeRect(LEFT * k, 0, this.size - LEFT * k, this.size - BOTTOM * k);
    const r = Math.max(1, this.size / 400);
    c.fillStyle = COLORS.data;
    for (let i = 0; i < this.data.length; i += 2)
      c.fillRect(this.toPx(this.data[i], false) - r, this.toPx(this.data[i + 1], true) - r, 2 * r, 2 * r);
    this.drawLegend(c);
    return bg;
  }

  private drawLegend(c: CanvasRenderingContext2D): void {
    // Smaller on small canvases (two to a row on a phone), so that it stays in the empty top-right corner.
    const k = this.scale * Math.min(1, Math.max(0.7, this.size / this.scale / 320));
    const entries: [string, string, 'dot' | 'line'][] = [
      ['data', COLORS.data, 'dot'],
      ['particles', COLORS.particles, 'dot'],
      ['paths', COLORS.paths, 'line'],
    ];
    c.font = `${11 * k}px system-ui, sans-serif`;
    c.textAlign = 'left';
    const width = 72 * k;
    const [x0, y0] = [this.size - width - 4 * k, 4 * k];
    c.fillStyle = 'rgba(255, 255, 255, 0.88)';
    c.fillRect(x0, y0, width, 50 * k);
    entries.forEach(([name, color, mark], i) => {
      const y = y0 + (10 + 15 * i) * k;
      c.fillStyle = color.replace(/[\d.]+\)$/, '1)');
      c.strokeStyle = c.fillStyle;
      if (mark === 'dot') c.fillRect(x0 + 6 * k, y - 3 * k, 6 * k, 6 * k);
      else {
        c.lineWidth = 2 * k;
        c.beginPath();
        c.moveTo(x0 + 3 * k, y);
        c.lineTo(x0 + 15 * k, y);
        c.stroke();
      }
      c.fillStyle = '#333b4a';
      c.fillText(name, x0 + 20 * k, y + 4 * k);
    });
  }

  /** Shows a run: its particles at every grid time [n + 1][N·2], display coordinates. */
  setStates(states: readonly Float64Array[]): void {
    this.states = states;
    this.draw();
  }

  /** Moves to `progress` ∈ [0, 1] of the run (0: the noise, 1: the samples). */
  setProgress(progress: number): void {
    this.progress = progress;
    this.draw();
  }

  private draw(): void {
    if (this.size === 0) return;
    this.background ??= this.drawBackground();
    const c = this.ctx;
    c.drawImage(this.background, 0, 0);
    const n = this.states.length - 1;
    if (n < 0) return;
    const position = this.progress * n;
    const k = Math.min(n, Math.floor(position));
    const a = position - k;
    const [from, to] = [this.states[k], this.states[Math.min(n, k + 1)]];
    const at = (i: number) => from[i] + a * (to[i] - from[i]);
    c.lineWidth = Math.max(1, this.size / 500);
    c.strokeStyle = COLORS.paths;
    for (let p = 0; p < TRAILS; p++) {
      c.beginPath();
      for (let j = 0; j <= k; j++) c.lineTo(this.toPx(this.states[j][2 * p], false), this.toPx(this.states[j][2 * p + 1], true));
      c.lineTo(this.toPx(at(2 * p), false), this.toPx(at(2 * p + 1), true));
      c.stroke();
    }
    const r = Math.max(1.2, this.size / 300);
    c.fillStyle = COLORS.particles;
    for (let i = 0; i < from.length; i += 2) c.fillRect(this.toPx(at(i), false) - r, this.toPx(at(i + 1), true) - r, 2 * r, 2 * r);
  }
}
