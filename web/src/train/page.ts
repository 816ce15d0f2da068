/** Small page helpers of the training panel: buttons, downloads, and keeping the UI thread responsive. */

/** 35714 → '35 714' (no Intl: its first use can take a long main-thread task). */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

export function button(testid: string, label: string, title?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.testid = testid;
  b.textContent = label;
  if (title) b.title = title;
  return b;
}

export function download(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The longest main-thread task (ms) that started while training ran, from the Long Tasks API (which reports
 * tasks of 50 ms or more: 0 means none).
 */
export class LongTaskMonitor {
  private readonly intervals: { start: number; end: number }[] = [];
  longest = 0;

  constructor(onChange: (ms: number) => void) {
    if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('longtask')) return;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration > this.longest && this.intervals.some((i) => e.startTime >= i.start && e.startTime < i.end)) {
          this.longest = e.duration;
          onChange(this.longest);
        }
      }
    }).observe({ type: 'longtask', buffered: true });
  }

  begin(): void {
    this.intervals.push({ start: performance.now(), end: Infinity });
  }

  end(): void {
    const last = this.intervals[this.intervals.length - 1];
    if (last && last.end === Infinity) last.end = performance.now();
  }
}

/** Calls `draw` at most once per animation frame and at most every `ms` milliseconds. */
export function throttled(draw: () => void, ms: number): () => void {
  let queued = false;
  let last = -Infinity;
  const run = () => {
    queued = false;
    last = performance.now();
    draw();
  };
  return () => {
    if (queued) return;
    queued = true;
    const wait = Math.max(0, last + ms - performance.now());
    setTimeout(() => requestAnimationFrame(run), wait);
  };
}
