export * from './rules.ts';
export * from './validate.ts';
export * from './messages.ts';
