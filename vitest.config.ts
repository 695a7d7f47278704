import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: keep the pool small so CPU-heavy fingerprint tests do not starve each other.
    reporters: ['default', './scripts/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
