import { describe, expect, it } from 'vitest';
import { withDefaultUser } from './postgres-store.ts';

describe('a PostgreSQL URL without a user name', () => {
  it('logs in as $PGUSER, else $USER, else the operating-system account', () => {
    expect(withDefaultUser('postgres://127.0.0.1/test', { PGUSER: 'pat' })).toBe('postgres://pat@127.0.0.1/test');
    expect(withDefaultUser('postgres://127.0.0.1:5432/test', { USER: 'lee' })).toBe('postgres://lee@127.0.0.1:5432/test');
    expect(withDefaultUser('postgres://127.0.0.1/test', {})).toMatch(/^postgres:\/\/[^@/]+@127\.0\.0\.1\/test$/);
  });

  it('leaves a URL that names its user (in the URL or as ?user=) or has no host as it is', () => {
    for (const url of ['postgres://ana@127.0.0.1/test', 'postgres://ana:secret@db.example/x', 'postgres://127.0.0.1/test?user=bo', 'postgres:///test?host=/var/run/postgresql', 'not a url']) {
      expect(withDefaultUser(url, { PGUSER: 'pat' })).toBe(url);
    }
  });
});
