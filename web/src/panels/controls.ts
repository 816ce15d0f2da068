/**
 * The small DOM kit the panels share: labelled sliders and selects (each with a data-testid), a panel's
 * skeleton, a chart box that re-renders its SVG at the box's width, and number formatting. Every control's
 * value is part of the shareable settings in the URL (urlState.ts).
 */
import { shareable } from '../urlState.js';

/** A control whose value the panel reads; `onChange` fires on 'input' and 'change' (once per new value). */
export interface Control<T> {
  readonly root: HTMLElement;
  readonly input: HTMLInputElement | HTMLSelectElement;
  value(): T;
  onChange(listener: () => void): void;
  setEnabled(enabled: boolean): void;
}

function listen<T>(input: HTMLInputElement | HTMLSelectElement, read: () => T, show: () => void): (listener: () => void) => void {
  const listeners: (() => void)[] = [];
  let last = String(read());
  const fire = () => {
    show();
    const now = String(read());
    if (now === last) return;
    last = now;
    for (const l of listeners) l();
  };
  input.addEventListener('input', fire);
  input.addEventListener('change', fire);
  return (listener) => listeners.push(listener);
}

interface NumericSpec {
  testid: string;
  label: string;
  min: number;
  max: number;
  step: number | 'any';
  value: number;
  title?: string;
}

/** A labelled numeric <input> of `type`; `show` (if any) prints the value beside it. */
function numeric(type: 'range' | 'number', spec: NumericSpec, format?: (v: number) => string): Control<number> {
  const root = document.createElement('label');
  root.className = 'control';
  if (spec.title) root.title = spec.title;
  const name = document.createElement('span');
  name.className = 'control-name';
  name.innerHTML = spec.label;
  const input = document.createElement('input');
  input.type = type;
  input.min = String(spec.min);
  input.max = String(spec.max);
  input.step = String(spec.step);
  input.value = String(spec.value);
  input.dataset.testid = spec.testid;
  shareable(input);
  const read = () => Number(input.value);
  root.append(name, input);
  let show = () => {};
  if (format) {
    const out = document.createElement('output');
    show = () => {
      out.textContent = format(read());
    };
    show();
    root.append(out);
  }
  return {
    root,
    input,
    value: read,
    // A number field reports only committed values ('change'); a slider also while it moves.
    onChange: type === 'number' ? (l) => input.addEventListener('change', l) : listen(input, read, show),
    setEnabled: (enabled) => {
      input.disabled = !enabled;
      root.classList.toggle('disabled', !enabled);
    },
  };
}

/** A range slider with its label and current value. `format` prints the value (default: as typed). */
export function slider(spec: NumericSpec & { step: number; format?: (v: number) => string }): Control<number> {
  return numeric('range', spec, spec.format ?? ((v: number) => String(v)));
}

/** A labelled number field. */
export function numberField(spec: NumericSpec): Control<number> {
  return numeric('number', spec);
}

/** A select over `options` (value → label). */
export function select<T extends string>(spec: {
  testid: string;
  label: string;
  options: readonly T[];
  value: T;
  labels?: Partial<Record<T, string>>;
}): Control<T> {
  const root = document.createElement('label');
  root.className = 'control';
  const name = document.createElement('span');
  name.className = 'control-name';
  name.innerHTML = spec.label;
  const input = document.createElement('select');
  input.dataset.testid = spec.testid;
  for (const option of spec.options) {
    const el = document.createElement('option');
    el.value = option;
    el.textContent = spec.labels?.[option] ?? option;
    input.append(el);
  }
  input.value = spec.value;
  shareable(input);
  const read = () => input.value as T;
  root.append(name, input);
  return {
    root,
    input,
    value: read,
    onChange: listen(input, read, () => undefined),
    setEnabled: (enabled) => {
      input.disabled = !enabled;
      root.classList.toggle('disabled', !enabled);
    },
  };
}

/**
 * The parts of a panel: the figure column (`figure`), the side column (`side`: `controls`, `readout`) and,
 * appended to `body`, the math below both.
 */
export interface PanelParts {
  readonly body: HTMLElement;
  readonly figure: HTMLElement;
  readonly controls: HTMLElement;
  readonly readout: HTMLElement;
  readonly side: HTMLElement;
}

/** Fills `section` with a heading, an introduction (HTML) and the two columns of a panel. */
export function panelSkeleton(section: HTMLElement, title: string, intro: string): PanelParts {
  section.classList.add('panel');
  section.replaceChildren();
  const header = document.createElement('header');
  const h2 = document.createElement('h2');
  h2.textContent = title;
  const p = document.createElement('p');
  p.className = 'intro';
  p.innerHTML = intro;
  header.append(h2, p);
  const body = document.createElement('div');
  body.className = 'panel-body';
  const figure = document.createElement('div');
  figure.className = 'figure';
  const side = document.createElement('div');
  side.className = 'side';
  const controls = document.createElement('div');
  controls.className = 'controls';
  const readout = document.createElement('div');
  readout.className = 'readout';
  readout.setAttribute('aria-live', 'polite');
  side.append(controls, readout);
  body.append(figure, side);
  section.append(header, body);
  return { body, figure, controls, readout, side };
}

/**
 * A box holding one SVG chart, drawn by `draw(width)` at the box's width (clamped to [minWidth, maxWidth])
 * and drawn again when that width changes; the SVG's viewBox scales it between redraws.
 */
export class ChartBox {
  readonly el: HTMLDivElement;
  private draw: ((width: number) => string) | undefined;
  private width = 0;
  private frame = 0;

  constructor(
    parent: HTMLElement,
    private readonly range: { minWidth: number; maxWidth: number } = { minWidth: 300, maxWidth: 760 },
  ) {
    this.el = document.createElement('div');
    this.el.className = 'chart';
    parent.append(this.el);
    new ResizeObserver(() => {
      cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        if (Math.abs(this.measure() - this.width) >= 8) this.redraw();
      });
    }).observe(this.el);
  }

  private measure(): number {
    const w = this.el.clientWidth || this.range.maxWidth;
    return Math.round(Math.min(this.range.maxWidth, Math.max(this.range.minWidth, w)));
  }

  /** Sets what the box shows and draws it now. */
  show(draw: (width: number) => string): void {
    this.draw = draw;
    this.redraw();
  }

  private redraw(): void {
    if (!this.draw) return;
    const boxWidth = this.el.clientWidth;
    this.width = this.measure();
    this.el.innerHTML = this.draw(this.width);
    // Pin the box to the height its SVG will take (width 100%, aspect from the SVG's own size), so that with
    // `contain: strict` a redraw never makes the browser lay out anything outside the box.
    const svg = this.el.firstElementChild;
    const h = Number(svg?.getAttribute('height'));
    const w = Number(svg?.getAttribute('width'));
    if (h > 0 && w > 0) this.el.style.height = `${((boxWidth || w) * h) / w}px`;
  }
}

/** A number in 3 significant digits, as 1.23·10⁻⁴ when small or large. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    const [mantissa, exponent] = v.toExponential(2).split('e');
    const sup = String(Number(exponent)).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
    return `${mantissa.replace('-', '−')}·10${sup}`;
  }
  return Number(v.toPrecision(3)).toString().replace('-', '−');
}

/** A signed fixed-point number for tables (e.g. −0.200). */
export function fixed(v: number, digits = 3): string {
  return v.toFixed(digits).replace('-', '−');
}

/** An element with text content. */
export function textEl(tag: string, className: string, text: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}
