/**
 * KaTeX helpers for the explorer: a formula as HTML, and a panel's "the math" box (a list of labelled
 * display formulas). Formulas are plain LaTeX (no Unicode inside math), so KaTeX's strict mode stays quiet.
 */
import katex from 'katex';

/**
 * A labelled formula shown next to a panel. `tex` may be split into parts: each is set in display style and
 * the parts wrap onto new lines on narrow screens.
 */
export interface Formula {
  readonly label: string;
  readonly tex: string | readonly string[];
}

/** `latex` rendered to HTML (inline unless `display`). */
export function tex(latex: string, display = false): string {
  return katex.renderToString(latex, { displayMode: display, throwOnError: false, strict: 'warn', output: 'htmlAndMathml' });
}

/** A formula's parts, each in display style, as HTML. */
export function formulaHtml(parts: string | readonly string[]): string {
  return (typeof parts === 'string' ? [parts] : parts).map((part) => `<span class="part">${tex(`\\displaystyle ${part}`)}</span>`).join('');
}

/** The math box of a panel: a heading and, per formula, its label and the formula. */
export function mathBox(formulas: readonly Formula[], title = 'The math'): HTMLElement {
  const box = document.createElement('aside');
  box.className = 'math';
  const heading = document.createElement('h3');
  heading.textContent = title;
  box.append(heading);
  const list = document.createElement('dl');
  for (const f of formulas) {
    const item = document.createElement('div');
    const dt = document.createElement('dt');
    dt.innerHTML = inlineTex(f.label);
    const dd = document.createElement('dd');
    dd.innerHTML = formulaHtml(f.tex);
    item.append(dt, dd);
    list.append(item);
  }
  box.append(list);
  return box;
}

/** Text with inline math between `$…$` rendered by KaTeX; the rest is escaped. */
export function inlineTex(text: string): string {
  return text
    .split('$')
    .map((part, i) => (i % 2 === 1 ? tex(part) : escapeHtml(part)))
    .join('');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
