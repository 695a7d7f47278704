import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { controlLimits, funnel } from './funnel.ts';
import { shrink } from './shrinkage.ts';

/**
 * Validation on real, independent data: Stanford Open Policing Project, county arrest rates per
 * stop by driver race (Pierson et al. 2020, Nature Human Behaviour, fig. 3b data). Each race is its
 * own funnel (counties as units, the race's pooled arrest rate as target) and its own
 * beta-binomial fit.
 *
 * The module's results are checked against a SECOND computation written here in a deliberately
 * different way:
 * - funnel: plain loops over the formulas of Spiegelhalter (2005), percentiles by an explicit
 *   order-statistic formula, critical values typed in from R's qnorm rather than computed;
 * - beta-binomial: log-likelihood with log-gamma by the Stirling series after upward recurrence
 *   (not Lanczos) on a coarse grid over (log M, logit μ) to bracket the maximum, then nested
 *   bisection on the score equations with a separately written digamma — no Hessian, no Newton —
 *   where the module uses damped Newton steps with trigamma. (A grid + golden-section search on
 *   the log-likelihood values was tried first: it agrees only to ~3e-6 in α, because ℓ ≈ −2·10⁶
 *   carries ~1e-9 of rounding noise and β's curvature is tiny (ℓ_ββ ≈ −0.08); scipy's Nelder–Mead
 *   lands equally far off. The score has no such floor.);
 * - credible intervals: the beta distribution function evaluated at the module's bounds by
 *   Simpson integration of the density, which must give 2.5 % and 97.5 %.
 * Agreement is required to 1e-6 (absolute for proportions and limits, relative for φ̂, τ̂², α, β).
 */

const PATH = '/work/shared/data/policing/fig3b_arrest_rate_county.csv';
const present = existsSync(PATH);
if (!present) console.warn(`real-data validation skipped: ${PATH} is absent (a fresh clone has no shared data)`);

interface Row {
  race: string;
  id: string;
  count: number;
  total: number;
}

function load(): Map<string, Row[]> {
  const t = parseCsv(readFileSync(PATH, 'utf8'));
  const out = new Map<string, Row[]>();
  for (const r of t.rows) {
    const row = { race: r[0], id: r[1], count: Number(r[2]), total: Number(r[3]) };
    out.set(row.race, [...(out.get(row.race) ?? []), row]);
  }
  return out;
}

// --- second computation: funnel -------------------------------------------------------------
const Z95 = 1.959963984540054; // qnorm(0.975)
const Z998 = 3.090232306167813; // qnorm(0.999)

function secondFunnel(rows: Row[]) {
  let y = 0;
  let n = 0;
  for (const r of rows) {
    y += r.count;
    n += r.total;
  }
  const theta = y / n;
  const z: number[] = [];
  for (const r of rows) z.push((Math.asin(Math.sqrt(r.count / r.total)) - Math.asin(Math.sqrt(theta))) * 2 * Math.sqrt(r.total));
  const s = z.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pick = (q: number): number => {
    const pos = q * (s.length - 1);
    const below = Math.floor(pos);
    return below + 1 < s.length ? s[below] * (1 - (pos - below)) + s[below + 1] * (pos - below) : s[below];
  };
  const lo = pick(0.1);
  const hi = pick(0.9);
  let phiSum = 0;
  for (const v of z) phiSum += (v < lo ? lo : v > hi ? hi : v) ** 2;
  const I = z.length;
  const phi = phiSum / I;
  let w1 = 0;
  let w2 = 0;
  for (const r of rows) {
    w1 += 4 * r.total;
    w2 += 16 * r.total * r.total;
  }
  const tau2 = I * phi > I - 1 ? (I * phi - (I - 1)) / (w1 - w2 / w1) : 0;
  const limit = (size: number, k: number, sign: number): number => {
    const a = Math.asin(Math.sqrt(theta)) + sign * k * Math.sqrt(1 / (4 * size) + tau2);
    return a <= 0 ? 0 : a >= Math.PI / 2 ? 1 : Math.sin(a) * Math.sin(a);
  };
  return { theta, phi, tau2, limit };
}

// --- second computation: beta-binomial by grid + nested bisection on the score --------------
function lnGammaStirling(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift -= Math.log(x);
    x += 1;
  }
  const x2 = x * x;
  const series = 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2) - 1 / (1680 * x * x2 * x2 * x2);
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}

/** ψ(x) by upward recurrence to x ≥ 20 and the asymptotic series (a different cut-off and length from the module's). */
function psi(x: number): number {
  let shift = 0;
  while (x < 20) {
    shift -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  return shift + Math.log(x) - 1 / (2 * x) - r / 12 + (r * r) / 120 - (r * r * r) / 252 + (r * r * r * r) / 240;
}

/** ∂ℓ/∂α and ∂ℓ/∂β of the beta-binomial log-likelihood. */
function score(rows: Row[], a: number, b: number): [number, number] {
  let sa = 0;
  let sb = 0;
  const M = a + b;
  for (const r of rows) {
    const common = psi(M) - psi(r.total + M);
    sa += psi(r.count + a) - psi(a) + common;
    sb += psi(r.total - r.count + b) - psi(b) + common;
  }
  return [sa, sb];
}

function loglik(rows: Row[], a: number, b: number): number {
  let sum = 0;
  const lb = lnGammaStirling(a) + lnGammaStirling(b) - lnGammaStirling(a + b);
  for (const r of rows) sum += lnGammaStirling(r.count + a) + lnGammaStirling(r.total - r.count + b) - lnGammaStirling(r.total + a + b) - lb;
  return sum;
}

/** Root of a decreasing function by bisection between lo and hi. */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function secondBetaBinomial(rows: Row[]) {
  const expit = (u: number): number => 1 / (1 + Math.exp(-u));
  // 1. A coarse grid over (log M, logit μ) brackets the maximum.
  let best = { v: 0, u: 0, value: -Infinity };
  for (let v = -2; v <= 14; v += 0.5) {
    for (let u = -8; u <= 3; u += 0.25) {
      const value = loglik(rows, expit(u) * Math.exp(v), (1 - expit(u)) * Math.exp(v));
      if (value > best.value) best = { v, u, value };
    }
  }
  // 2. For each M, μ̂(M) solves ∂ℓ/∂μ = M (ℓ_α − ℓ_β) = 0; then log M solves the profile score
  //    dℓ/dM = μ ℓ_α + (1 − μ) ℓ_β = 0 (envelope theorem). Both by bisection inside the bracket.
  const muHat = (M: number): number => expit(bisect((u) => {
    const [sa, sb] = score(rows, expit(u) * M, (1 - expit(u)) * M);
    return sa - sb;
  }, best.u - 1, best.u + 1));
  const logM = bisect((v) => {
    const M = Math.exp(v);
    const mu = muHat(M);
    const [sa, sb] = score(rows, mu * M, (1 - mu) * M);
    return mu * sa + (1 - mu) * sb;
  }, best.v - 1, best.v + 1);
  const M = Math.exp(logM);
  const mu = muHat(M);
  return { alpha: mu * M, beta: (1 - mu) * M };
}

function betaCdfBySimpson(x: number, a: number, b: number): number {
  // Integrate the density from far below the mean (12 sd, or 0) to x.
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const from = Math.max(0, mean - 14 * sd);
  const lnB = lnGammaStirling(a) + lnGammaStirling(b) - lnGammaStirling(a + b);
  const steps = 20000;
  if (from === 0 && a < 2) {
    // Near 0 the density behaves like t^(a−1), which Simpson's rule handles badly; with
    // t = v^(1/a) the integrand (1 − t)^(b−1)/a is smooth: ∫₀ˣ = (1/a)∫₀^{xᵃ} (1 − v^{1/a})^{b−1} dv.
    const g = (v: number): number => Math.exp((b - 1) * Math.log1p(-(v ** (1 / a))) - lnB) / a;
    const top = x ** a;
    const h = top / steps;
    let s = g(0) + g(top);
    for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * g(i * h);
    return (s * h) / 3;
  }
  const pdf = (t: number): number => (t <= 0 || t >= 1 ? 0 : Math.exp((a - 1) * Math.log(t) + (b - 1) * Math.log1p(-t) - lnB));
  const h = (x - from) / steps;
  let s = pdf(from) + pdf(x);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * pdf(from + i * h);
  return (s * h) / 3;
}

describe.skipIf(!present)('validation on Stanford Open Policing county arrest rates', () => {
  const data = present ? load() : new Map<string, Row[]>();

  it('has the three race groups with hundreds of counties each', () => {
    expect([...data.keys()].sort()).toEqual(['Black drivers', 'Hispanic drivers', 'White drivers']);
    for (const rows of data.values()) expect(rows.length).toBe(550);
  });

  for (const race of ['White drivers', 'Black drivers', 'Hispanic drivers']) {
    it(`funnel target, φ̂, τ̂² and both limits for ${race} agree with plain-loop formulas to 1e-6`, () => {
      const rows = data.get(race)!.filter((r) => r.total > 0);
      const fit = funnel(rows, { tau2Method: 'winsorised' });
      const ref = secondFunnel(rows);
      expect(fit.status).toBe('ok');
      expect(Math.abs(fit.target - ref.theta)).toBeLessThan(1e-12);
      expect(Math.abs(fit.phi / ref.phi - 1)).toBeLessThan(1e-6);
      expect(Math.abs(fit.tau2 / ref.tau2 - 1)).toBeLessThan(1e-6);
      expect(fit.phi).toBeGreaterThan(10); // arrest rates per stop vary far beyond binomial noise
      for (const size of [1, 7, 50, 300, 2_000, 20_000, 250_000, 1_850_224]) {
        const [l95, l998] = controlLimits(fit, size);
        expect(Math.abs(l95.upper - ref.limit(size, Z95, 1))).toBeLessThan(1e-6);
        expect(Math.abs(l95.lower - ref.limit(size, Z95, -1))).toBeLessThan(1e-6);
        expect(Math.abs(l998.upper - ref.limit(size, Z998, 1))).toBeLessThan(1e-6);
        expect(Math.abs(l998.lower - ref.limit(size, Z998, -1))).toBeLessThan(1e-6);
      }
    });

    it(`beta-binomial α, β and every shrunk estimate for ${race} agree with a grid + score-bisection fit to 1e-6`, () => {
      const rows = data.get(race)!;
      const fit = shrink(rows);
      const ref = secondBetaBinomial(rows.filter((r) => r.total > 0));
      expect(fit.status).toBe('ok');
      expect(Math.abs(fit.alpha / ref.alpha - 1)).toBeLessThan(1e-6);
      expect(Math.abs(fit.beta / ref.beta - 1)).toBeLessThan(1e-6);
      let worst = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const mean = (r.count + ref.alpha) / (r.total + ref.alpha + ref.beta);
        worst = Math.max(worst, Math.abs(fit.estimates[i].mean - mean));
        const raw = r.total > 0 ? r.count / r.total : mean;
        const pooled = ref.alpha / (ref.alpha + ref.beta);
        expect(fit.estimates[i].mean).toBeGreaterThanOrEqual(Math.min(raw, pooled) - 1e-12);
        expect(fit.estimates[i].mean).toBeLessThanOrEqual(Math.max(raw, pooled) + 1e-12);
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('credible intervals hold 2.5 % and 97.5 % of the posterior by Simpson integration (every 25th county)', () => {
    const rows = data.get('Hispanic drivers')!;
    const fit = shrink(rows);
    for (let i = 0; i < rows.length; i += 25) {
      const e = fit.estimates[i];
      const a = e.count + fit.alpha;
      const b = e.total - e.count + fit.beta;
      expect(Math.abs(betaCdfBySimpson(e.lower, a, b) - 0.025)).toBeLessThan(1e-6);
      expect(Math.abs(betaCdfBySimpson(e.upper, a, b) - 0.975)).toBeLessThan(1e-6);
    }
  });
});
