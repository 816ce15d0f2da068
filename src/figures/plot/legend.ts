/** Chart legends: a column of entries in a corner of the plot area or to its right, or rows below it. */
import type { MarkStyle } from './marks.js';
import { FONT, el, text, textWidth } from './svg.js';

/** Where a legend goes: a corner inside the plot area, or outside it, to the right or below. */
export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'right' | 'bottom';

/** The corners tried, in order of preference, when the position is automatic. */
export const CORNERS: readonly LegendPosition[] = ['top-right', 'top-left', 'bottom-right', 'bottom-left'];

const PAD = 6;
const ROW = 18;
const SAMPLE = 22;
const GAP = 6;
const COLUMN_GAP = 16;

/** Entries placed relative to the legend's top-left corner. */
export interface LegendLayout {
  readonly width: number;
  readonly height: number;
  readonly items: readonly { readonly dx: number; readonly dy: number; readonly style: MarkStyle }[];
}

/**
 * Lays out the named entries in one column, or for `rows` in rows that wrap at `maxWidth`;
 * undefined when there is nothing to show.
 */
export function legendLayout(entries: readonly MarkStyle[], rows: boolean, maxWidth: number): LegendLayout | undefined {
  const named = entries.filter((e) => e.name !== undefined && e.name !== '');
  if (named.length === 0) return undefined;
  const entryWidth = (e: MarkStyle) => SAMPLE + GAP + textWidth(e.name ?? '', FONT.tick);
  const items: { dx: number; dy: number; style: MarkStyle }[] = [];
  if (!rows) {
    named.forEach((style, i) => items.push({ dx: PAD, dy: PAD + i * ROW, style }));
    return { width: 2 * PAD + Math.max(...named.map(entryWidth)), height: 2 * PAD + named.length * ROW - 2, items };
  }
  let dx = PAD;
  let dy = PAD;
  let width = 0;
  for (const style of named) {
    const w = entryWidth(style);
    if (dx > PAD && dx + w + PAD > maxWidth) {
      dx = PAD;
      dy += ROW;
    }
    items.push({ dx, dy, style });
    width = Math.max(width, dx + w + PAD);
    dx += w + COLUMN_GAP;
  }
  return { width, height: dy + ROW + PAD - 2, items };
}

function sample(style: MarkStyle, x: number, y: number): string {
  if (style.kind === 'point') {
    return el('circle', { cx: x + SAMPLE / 2, cy: y, r: Math.min(style.radius, 5), fill: style.color, 'fill-opacity': style.opacity });
  }
  const line = el('line', {
    x1: x,
    y1: y,
    x2: x + SAMPLE,
    y2: y,
    stroke: style.color,
    'stroke-width': Math.min(style.width, 4),
    'stroke-dasharray': style.dash,
    opacity: style.opacity === 1 ? undefined : Math.max(style.opacity, 0.5),
  });
  return style.markers ? line + el('circle', { cx: x + SAMPLE / 2, cy: y, r: Math.min(style.radius, 4), fill: style.color }) : line;
}

/** The legend drawn with its top-left corner at (x, y); `boxed` puts it on a white, outlined box. */
export function renderLegend(layout: LegendLayout, x: number, y: number, boxed: boolean): string {
  let out = boxed
    ? el('rect', { x, y, width: layout.width, height: layout.height, rx: 3, fill: '#ffffff', 'fill-opacity': 0.9, stroke: '#cccccc' })
    : '';
  for (const { dx, dy, style } of layout.items) {
    const cy = y + dy + ROW / 2 - 1;
    out += sample(style, x + dx, cy);
    out += text(x + dx + SAMPLE + GAP, cy + FONT.tick * 0.35, style.name ?? '', { 'font-size': FONT.tick, fill: '#222222' });
  }
  return el('g', { class: 'legend' }, out);
}
