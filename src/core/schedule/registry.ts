import { checkName } from '../validate.js';
import { cosine } from './cosine.js';
import { ddpm } from './ddpm.js';
import { flowMatching } from './flowMatching.js';
import { linearVP } from './linearVP.js';
import type { Schedule } from './schedule.js';
import { vpRescaled } from './transforms.js';
import { edm, ve } from './ve.js';

/** The schedules reachable by name from the CLI and the web page, with their default settings. */
const SCHEDULES = {
  fm: flowMatching,
  'fm-vp': () => vpRescaled(flowMatching()),
  cosine,
  'linear-vp': () => linearVP(),
  'ddpm-linear': () => ddpm({ table: 'linear' }),
  'ddpm-scaled-linear': () => ddpm({ table: 'scaled_linear' }),
  'ddpm-cosine': () => ddpm({ table: 'squaredcos_cap_v2' }),
  'ddpm-linear-ztsnr': () => ddpm({ table: 'linear', zeroTerminalSnr: true }),
  edm: () => edm(),
  ve: () => ve(),
} satisfies Record<string, () => Schedule>;

export type ScheduleName = keyof typeof SCHEDULES;
export const SCHEDULE_NAMES = Object.keys(SCHEDULES) as ScheduleName[];

/**
 * A schedule by its registry name; unknown names get an error listing the valid ones.
 * @example
 * ```ts
 * import { SCHEDULE_NAMES, scheduleByName } from 'difflow';
 * scheduleByName('cosine').sigma(1); // → 1
 * SCHEDULE_NAMES.includes('fm'); // → true
 * scheduleByName('cosin'); // throws
 * ```
 */
export function scheduleByName(name: string): Schedule {
  return SCHEDULES[checkName('schedule', name, SCHEDULE_NAMES)]();
}
