/** Small helpers the page's workers share. */
import { DifflowError } from '../../src/core/validate.js';

/** One line for the user: a DifflowError's message as it is, anything else with its name. */
export function messageOf(e: unknown): string {
  if (e instanceof DifflowError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves in a new task (not a microtask), so that messages from the page are handled in between. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
