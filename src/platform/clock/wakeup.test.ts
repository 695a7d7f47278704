import { describe, expect, it } from 'vitest';
import { Wakeup } from './wakeup.ts';

describe('a wakeup', () => {
  it('ends a sleep early when woken', async () => {
    const w = new Wakeup();
    const started = performance.now();
    const slept = w.sleep(10_000);
    w.wake();
    await slept;
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('sleeps its full time when nobody wakes it, and ignores a wake outside a sleep', async () => {
    const w = new Wakeup();
    w.wake();
    const started = performance.now();
    await w.sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
