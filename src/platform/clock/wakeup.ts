/**
 * A background loop's pause that can be cut short: `sleep(ms)` resolves after `ms`, or at once
 * when `wake()` is called during it (e.g. right after a commit that gave the loop work).
 * `wake()` outside a sleep does nothing.
 */
export class Wakeup {
  private pending: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        resolve();
      }, ms);
      this.pending = () => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve();
      };
    });
  }

  wake(): void {
    this.pending?.();
  }
}
