export { ManualClock, systemClock, type Clock } from './clock.ts';
export { Wakeup } from './wakeup.ts';
