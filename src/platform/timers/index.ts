export { TimerScheduler, type TimerSchedulerOptions } from './scheduler.ts';
export { timerMigrations, type TimerState, type TimerTables } from './tables.ts';
export { createTimers, type Timer, type Timers } from './timers.ts';
