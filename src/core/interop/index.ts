export {
  fromDiffusersConfig,
  DIFFUSERS_SCHEDULERS,
  DIFFUSERS_SCHEDULER_NAMES,
  type DiffusersSchedule,
  type DiffusersSchedulerEntry,
  type DiffusersSchedulerName,
} from './fromDiffusersConfig.js';
export type { DiffusersModel, DiffusersOutput, RunOptions as DiffusersRunOptions } from './plan.js';
export type { DiffusersConfig, Key as DiffusersConfigKey, KeyTable as DiffusersConfigKeys } from './config.js';
