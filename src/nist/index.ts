export { NistError, type NistErrorCode, type NistErrorLocation, type NistWarning, type NistWarningCode } from './errors.ts';
export * from './model.ts';
export {
  MAX_LENGTH_SLACK,
  fieldQuirks,
  parseTransaction,
  parseTaggedRecord,
  parseBinaryRecord,
  readTransaction,
  type ReadMode,
  type ReadOptions,
  type ReadResult,
} from './parse.ts';
export { serializeTransaction, serializeWithLayout, type Layout } from './serialize.ts';
export * from './access.ts';
export * from './build.ts';
export * from './images.ts';
