/**
 * Time as the platform sees it: epoch milliseconds from an injected clock, so that domain code
 * and tests never depend on the wall clock (ARCHITECTURE.md, STYLE.md "tests skip time").
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/* eslint no-restricted-properties: ["error", { "object": "Date", "property": "now", "message": "Inject a Clock." }] -- project-wide rule (ARCHITECTURE.md), enforced here so the one exception below stays explicit. */

/** The wall clock. The only place in the project that reads `Date.now()`. */
export const systemClock: Clock = {
  // eslint-disable-next-line no-restricted-properties -- the system clock is the one sanctioned reader of wall time; everything else gets a Clock injected.
  now: () => Date.now(),
};

/** A clock that moves only when told to; for tests and simulations that skip time. */
export class ManualClock implements Clock {
  private t: number;

  constructor(start = 0) {
    ManualClock.check(start);
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Moves the clock to `t`; time never runs backwards. */
  set(t: number): void {
    ManualClock.check(t);
    if (t < this.t) throw new RangeError(`ManualClock cannot go back from ${this.t} to ${t}`);
    this.t = t;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs a non-negative duration, got ${ms}`);
    this.set(this.t + ms);
  }

  private static check(t: number): void {
    if (!Number.isSafeInteger(t)) throw new RangeError(`clock time must be an integer number of epoch ms, got ${t}`);
  }
}
