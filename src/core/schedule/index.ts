export { defineSchedule, type Schedule, type ScheduleSpec } from './schedule.js';
export { flowMatching } from './flowMatching.js';
export { cosine } from './cosine.js';
export { linearVP } from './linearVP.js';
export { ddpm, fromBetas, betas, BETA_TABLES, type BetaTable } from './ddpm.js';
export { edm, ve } from './ve.js';
export { rescale, rescaleToward, vpRescaled, shifted, fromLambda } from './transforms.js';
export { scheduleByName, SCHEDULE_NAMES, type ScheduleName } from './registry.js';
