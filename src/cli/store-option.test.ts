import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.ts';
import { parseStoreValue, storeConfigOf } from './store-option.ts';

describe('naming the pipeline store', () => {
  it('reads a bare path or sqlite:<path> as a SQLite file', () => {
    expect(parseStoreValue('out/county.db')).toEqual({ kind: 'sqlite', path: 'out/county.db' });
    expect(parseStoreValue('sqlite:out/county.db')).toEqual({ kind: 'sqlite', path: 'out/county.db' });
  });

  it('reads postgres:// URLs, with or without the postgres: prefix', () => {
    expect(parseStoreValue('postgres://127.0.0.1/test')).toEqual({ kind: 'postgres', connectionString: 'postgres://127.0.0.1/test' });
    expect(parseStoreValue('postgresql://127.0.0.1/test')).toEqual({ kind: 'postgres', connectionString: 'postgresql://127.0.0.1/test' });
    expect(parseStoreValue('postgres:postgres://127.0.0.1/test')).toEqual({ kind: 'postgres', connectionString: 'postgres://127.0.0.1/test' });
  });

  it('refuses an unknown kind of store, an empty path and two different names', () => {
    expect(() => parseStoreValue('mysql://x')).toThrow(UsageError);
    expect(() => parseStoreValue('sqlite:')).toThrow(/needs a path/);
    expect(() => storeConfigOf({ db: 'a.db', store: 'b.db' }, {})).toThrow(/same thing/);
    expect(() => storeConfigOf({ db: ' ' }, {})).toThrow(/empty/);
  });

  it('takes --db and --store as synonyms and falls back on $SECCOM_DB', () => {
    expect(storeConfigOf({ store: 'a.db' }, {})).toEqual({ kind: 'sqlite', path: 'a.db' });
    expect(storeConfigOf({ db: 'a.db', store: 'a.db' }, {})).toEqual({ kind: 'sqlite', path: 'a.db' });
    expect(storeConfigOf({}, { SECCOM_DB: 'env.db' })).toEqual({ kind: 'sqlite', path: 'env.db' });
    expect(storeConfigOf({ db: 'a.db' }, { SECCOM_DB: 'env.db' })).toEqual({ kind: 'sqlite', path: 'a.db' });
    expect(storeConfigOf({}, {})).toBeUndefined();
  });
});
