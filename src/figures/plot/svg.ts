/** SVG string building: XML escaping, coordinate formatting, elements, text metrics, the palette. */

/**
 * A colour-blind-friendly categorical palette: Okabe & Ito (2008), "Color Universal Design", without its
 * yellow (too light on white) and with black last. Series i takes PALETTE[i % PALETTE.length].
 */
export const PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#000000', // black
];

/** Sans-serif fonts common to browsers and librsvg (via fontconfig). */
export const FONT_FAMILY = 'Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif';

/** Font sizes in px: tick labels and legend, axis labels, title. */
export const FONT = { tick: 12, label: 13, title: 14 } as const;

/** `text` with &, <, >, " and ' replaced by entities, safe in element content and attribute values. */
export function escapeXml(text: string): string {
  let out = '';
  for (const c of String(text)) {
    if (c === '&') out += '&amp;';
    else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"') out += '&quot;';
    else if (c === "'") out += '&apos;';
    else if (c < ' ' && c !== '\t' && c !== '\n' && c !== '\r')
      out += ' '; // control characters are not XML
    else out += c;
  }
  return out;
}

/** A pixel coordinate rounded to 0.01 px, never "-0"; callers pass finite numbers only. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** Attribute values: strings are escaped, numbers rounded with `px`, undefined attributes left out. */
export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** An element `<tag attrs…>children</tag>`, or `<tag attrs…/>` without children. Children are raw markup. */
export function el(tag: string, attrs: Attrs, children?: string): string {
  let open = `<${tag}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`attribute ${key} of <${tag}> is ${value}`);
    open += ` ${key}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`;
  }
  return children === undefined ? `${open}/>` : `${open}>${children}</${tag}>`;
}

/** A `<text>` element with escaped content. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/**
 * An estimate of the width in px of `content` at `fontSize`, generous enough for Arial, Helvetica and
 * DejaVu Sans (digits ≈ 0.64 em in DejaVu, 0.56 em in Arial).
 */
export function textWidth(content: string, fontSize: number): number {
  let em = 0;
  for (const c of content) {
    if (c === ' ' || c === '.' || c === ',' || c === 'i' || c === 'l' || c === 'j' || c === '|' || c === "'") em += 0.3;
    else if (c === 'm' || c === 'w' || c === 'M' || c === 'W' || c === '\u2212' || c === '—') em += 0.9;
    else if (c >= 'A' && c <= 'Z') em += 0.72;
    else em += 0.62;
  }
  return em * fontSize;
}

/** FNV-1a of `s` in base 36: a short deterministic id suffix. */
export function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** `content` broken at spaces into lines no wider than `maxWidth` (by `textWidth`); long words stay whole. */
export function wrapText(content: string, fontSize: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
