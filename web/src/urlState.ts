/**
 * Settings in the URL, so that a view can be shared: every control of the explorer is keyed by its
 * data-testid (e.g. `?samplers-sampler=heun&samplers-steps=8`). A control takes its value from the URL when it
 * is built (before its panel first computes, so no extra redraw), and a committed change ('change' event)
 * writes the query string again: only values that differ from the defaults, with history.replaceState (no
 * new history entries). Values that the control cannot hold (an unknown option, a number out of range) are
 * ignored.
 */

type Shareable = HTMLInputElement | HTMLSelectElement;

/** The controls registered so far with their default values, in the order they were built. */
const controls: { readonly key: string; readonly input: Shareable; readonly initial: string }[] = [];

function read(input: Shareable): string {
  return input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
}

/** Sets `input` to `text` when it is a value the control can hold; returns whether it did. */
function apply(input: Shareable, text: string): boolean {
  if (input instanceof HTMLSelectElement) {
    if (![...input.options].some((o) => o.value === text)) return false;
    input.value = text;
    return true;
  }
  if (input.type === 'checkbox') {
    if (text !== 'true' && text !== 'false') return false;
    input.checked = text === 'true';
    return true;
  }
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return false;
  if ((input.min !== '' && v < Number(input.min)) || (input.max !== '' && v > Number(input.max))) return false;
  input.value = text;
  return true;
}

/** The query string of the current settings: the controls whose values differ from their defaults. */
export function settingsQuery(): string {
  const params = new URLSearchParams();
  for (const c of controls) if (read(c.input) !== c.initial) params.set(c.key, read(c.input));
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

function write(): void {
  const url = `${location.pathname}${settingsQuery()}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
}

/**
 * Makes `input` part of the shareable settings under its data-testid: it takes the URL's value now (call it
 * after setting the default and before the panel reads it) and writes the URL when the user commits a change.
 */
export function shareable(input: Shareable): void {
  const key = input.dataset.testid;
  if (!key) throw new Error('a shareable control needs a data-testid');
  controls.push({ key, input, initial: read(input) });
  const fromUrl = new URLSearchParams(location.search).get(key);
  if (fromUrl !== null) apply(input, fromUrl);
  input.addEventListener('change', write);
}

/** The data-testids of every shareable control (for tests). */
export function shareableKeys(): string[] {
  return controls.map((c) => c.key);
}
