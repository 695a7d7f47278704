export { NistError, type NistErrorCode, type NistErrorLocation } from './errors.ts';
export * from './model.ts';
export { parseTransaction, parseTaggedRecord, parseBinaryRecord } from './parse.ts';
export { serializeTransaction, serializeWithLayout, type Layout } from './serialize.ts';
export * from './access.ts';
export * from './build.ts';
export * from './images.ts';
