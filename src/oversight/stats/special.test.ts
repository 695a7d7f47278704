import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile, chiSquareUpper, digamma, lnBeta, lnGamma, normalQuantile, normalUpper, studentQuantileTwoSided, trigamma } from './special.ts';

// Reference values from R / scipy (quoted to the digits shown).
describe('special functions', () => {
  it('log-gamma matches known values across its range', () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 10);
    expect(lnGamma(1e-8)).toBeCloseTo(18.420680738180209, 8);
  });

  it('log-beta keeps its digits for large arguments', () => {
    expect(lnBeta(3, 15)).toBeCloseTo(Math.log(2 / (15 * 16 * 17)), 13);
    // scipy.special.betaln(2000, 1e6)
    expect(lnBeta(2000, 1e6)).toBeCloseTo(-14434.095336873084, 6);
  });

  it('digamma and trigamma match ψ(1) = −γ and ψ′(1) = π²/6', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 12);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 12);
    expect(digamma(1000)).toBeCloseTo(6.907255195648812, 12);
  });

  it('the normal tail is accurate far out and its quantile inverts it', () => {
    expect(normalUpper(1.96)).toBeCloseTo(0.024997895148220435, 15);
    expect(normalUpper(8) / 6.22096057427178e-16).toBeCloseTo(1, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });

  it('the beta distribution function and quantile agree with scipy', () => {
    expect(betaCdf(0.3, 2, 5)).toBeCloseTo(0.579825, 12);
    expect(betaQuantile(0.025, 0.5, 0.5)).toBeCloseTo(0.001541333133436012, 12);
    expect(betaQuantile(0.975, 2000, 1e6)).toBeCloseTo(0.0020843355202044152, 12);
    const tiny = betaQuantile(0.025, 0.1, 5);
    expect(betaCdf(tiny, 0.1, 5)).toBeCloseTo(0.025, 12);
  });

  it('chi-square and Student t tails give the textbook critical values', () => {
    expect(chiSquareUpper(3.841458820694124, 1)).toBeCloseTo(0.05, 13);
    expect(studentQuantileTwoSided(0.05, 10)).toBeCloseTo(2.228138851986274, 11);
  });
});
