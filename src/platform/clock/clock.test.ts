import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('stands still until it is set or advanced', () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(48 * 3600_000);
    expect(clock.now()).toBe(1_000 + 48 * 3600_000);
    clock.set(clock.now() + 1);
    expect(clock.now()).toBe(1_000 + 48 * 3600_000 + 1);
  });

  it('refuses to run backwards or to hold fractional times', () => {
    const clock = new ManualClock(10);
    expect(() => clock.set(9)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(10.5)).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('reads epoch milliseconds', () => {
    expect(systemClock.now()).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });
});
