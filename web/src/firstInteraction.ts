/**
 * Runs `start` once, on the first interaction with `el` (a pointer press, a key, or focus moving into it) —
 * not when it scrolls into view, so that a reader who only scrolls downloads nothing large.
 */
export function onFirstInteraction(el: HTMLElement, start: () => void): void {
  const events = ['pointerdown', 'keydown', 'focusin'] as const;
  const once = () => {
    for (const e of events) el.removeEventListener(e, once, true);
    start();
  };
  for (const e of events) el.addEventListener(e, once, true);
}
