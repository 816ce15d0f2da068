/**
 * A canvas on which the user draws a 2-D data set: a click adds a point, a drag adds one every few pixels.
 * The canvas spans [−RANGE, RANGE]² (the built-in sets live in about [−3, 3]²).
 */
export const RANGE = 3;

export interface DrawPad {
  readonly root: HTMLElement;
  /** The drawn points [N·2] in data coordinates. */
  points(): Float64Array;
  onChange(listener: () => void): void;
}

export function drawPad(size = 260): DrawPad {
  const root = document.createElement('div');
  root.className = 'train-draw';
  const canvas = document.createElement('canvas');
  canvas.dataset.testid = 'train-draw';
  canvas.setAttribute('aria-label', 'drawing area: click or drag to add data points');
  canvas.width = size;
  canvas.height = size;
  const bar = document.createElement('div');
  bar.className = 'train-draw-bar';
  const count = document.createElement('span');
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.textContent = 'Clear';
  clear.dataset.testid = 'train-draw-clear';
  bar.append(count, clear);
  root.append(canvas, bar);

  const xs: number[] = [];
  const ys: number[] = [];
  const listeners: (() => void)[] = [];
  const ctx = canvas.getContext('2d');
  /** Canvas pixels → data coordinates (y up). */
  const toData = (px: number, py: number): [number, number] => [(px / size) * 2 * RANGE - RANGE, RANGE - (py / size) * 2 * RANGE];
  const toPixel = (x: number, y: number): [number, number] => [((x + RANGE) / (2 * RANGE)) * size, ((RANGE - y) / (2 * RANGE)) * size];

  const render = () => {
    count.textContent = `${xs.length} point${xs.length === 1 ? '' : 's'}${xs.length < 2 ? ' — click or drag to draw' : ''}`;
    if (!ctx) return;
    ctx.clearRect(0, 0, size, size);
    ctx.strokeStyle = '#e3e3e3';
    ctx.lineWidth = 1;
    for (let k = -RANGE; k <= RANGE; k++) {
      const [p] = toPixel(k, 0);
      ctx.beginPath();
      ctx.moveTo(p + 0.5, 0);
      ctx.lineTo(p + 0.5, size);
      ctx.moveTo(0, p + 0.5);
      ctx.lineTo(size, p + 0.5);
      ctx.stroke();
    }
    ctx.fillStyle = '#0072B2';
    for (let i = 0; i < xs.length; i++) {
      const [px, py] = toPixel(xs[i], ys[i]);
      ctx.beginPath();
      ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  };
  const changed = () => {
    render();
    for (const l of listeners) l();
  };

  let drawing = false;
  let last: [number, number] | undefined;
  const add = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * size;
    const py = ((event.clientY - rect.top) / rect.height) * size;
    if (last && Math.hypot(px - last[0], py - last[1]) < 5) return;
    last = [px, py];
    const [x, y] = toData(px, py);
    xs.push(x);
    ys.push(y);
    changed();
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    last = undefined;
    canvas.setPointerCapture(event.pointerId);
    add(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drawing) add(event);
  });
  const end = () => {
    drawing = false;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear.addEventListener('click', () => {
    xs.length = 0;
    ys.length = 0;
    changed();
  });
  render();

  return {
    root,
    points: () => {
      const out = new Float64Array(2 * xs.length);
      for (let i = 0; i < xs.length; i++) {
        out[2 * i] = xs[i];
        out[2 * i + 1] = ys[i];
      }
      return out;
    },
    onChange: (listener) => listeners.push(listener),
  };
}
