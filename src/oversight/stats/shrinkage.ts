import { StatsError } from './errors.ts';
import { checkCounts } from './funnel.ts';
import { betaQuantile, digamma, lnBeta, trigamma } from './special.ts';

/**
 * Empirical-Bayes shrinkage of unit proportions with a beta-binomial model:
 *   y_i | p_i ~ Binomial(n_i, p_i),   p_i ~ Beta(α, β).
 * (α, β) are fitted by maximum likelihood on the exact marginal likelihood
 *   L(α, β) = Σ_i [ln B(y_i + α, n_i − y_i + β) − ln B(α, β)]   (+ a constant),
 * maximised over (logit μ, ln M) with μ = α/(α+β), M = α+β, by Newton steps with
 * Levenberg–Marquardt damping and the analytic gradient and Hessian (digamma, trigamma), started
 * from the best point of a coarse grid over ln M. Each unit's posterior is
 * Beta(y_i + α, n_i − y_i + β): its mean (y_i+α)/(n_i+M) lies between the raw proportion and μ̂,
 * and its equal-tailed credible interval comes from the beta quantile.
 * See e.g. Kleinman (1973) JASA 68:46–54; Efron & Morris (1975) JASA 70:311–319.
 */

export interface ShrinkageUnit {
  id: string;
  count: number;
  total: number;
}

export interface ShrinkageOptions {
  /** Credible-interval coverage; default 0.95. */
  level?: number;
  /** Largest prior precision M = α + β considered; at this bound the fit reports no between-unit variation. Default 1e8. */
  maxPrecision?: number;
}

export interface ShrunkEstimate {
  id: string;
  count: number;
  total: number;
  /** y/n (0 for a zero total, where it is undefined; see `note`). */
  raw: number;
  /** Posterior mean (y + α)/(n + α + β). */
  mean: number;
  lower: number;
  upper: number;
  /** Weight n/(n + M) given to the unit's own data. */
  weight: number;
  /** 1 = highest posterior mean. Ties share the smaller rank. */
  rank: number;
  note?: string;
}

export type ShrinkageStatus = 'ok' | 'no-between-unit-variation' | 'extreme-variation' | 'fallback-jeffreys' | 'empty';

export interface ShrinkageResult {
  status: ShrinkageStatus;
  note: string;
  /** Fitted prior (Jeffreys ½, ½ under 'fallback-jeffreys'; 0, 0 when empty). */
  alpha: number;
  beta: number;
  /** α/(α+β), the pooled proportion the estimates are pulled towards. */
  priorMean: number;
  /** Maximised log-likelihood without the binomial coefficients (0 when not fitted). */
  logLikelihood: number;
  iterations: number;
  level: number;
  estimates: ShrunkEstimate[];
}

interface Data {
  y: number[];
  n: number[];
}

/** Σ_i [ln B(y_i+α, n_i−y_i+β) − ln B(α, β)]. */
export function betaBinomialLogLikelihood(data: Data, alpha: number, beta: number): number {
  let sum = 0;
  const lb = lnBeta(alpha, beta);
  for (let i = 0; i < data.y.length; i++) sum += lnBeta(data.y[i] + alpha, data.n[i] - data.y[i] + beta) - lb;
  return sum;
}

interface Derivatives {
  value: number;
  /** Gradient and Hessian in (u, v) = (logit μ, ln M). */
  gu: number;
  gv: number;
  huu: number;
  huv: number;
  hvv: number;
}

function derivatives(data: Data, u: number, v: number): Derivatives {
  const mu = 1 / (1 + Math.exp(-u));
  const M = Math.exp(v);
  const a = mu * M;
  const b = (1 - mu) * M;
  let La = 0;
  let Lb = 0;
  let Laa = 0;
  let Lbb = 0;
  let Lab = 0;
  const psiA = digamma(a);
  const psiB = digamma(b);
  const psiM = digamma(M);
  const triA = trigamma(a);
  const triB = trigamma(b);
  const triM = trigamma(M);
  for (let i = 0; i < data.y.length; i++) {
    const y = data.y[i];
    const f = data.n[i] - y;
    const nM = data.n[i] + M;
    const psiN = digamma(nM);
    const triN = trigamma(nM);
    La += digamma(y + a) - psiA - psiN + psiM;
    Lb += digamma(f + b) - psiB - psiN + psiM;
    Laa += trigamma(y + a) - triA - triN + triM;
    Lbb += trigamma(f + b) - triB - triN + triM;
    Lab += triM - triN;
  }
  const dm = mu * (1 - mu) * M; // ∂α/∂u = −∂β/∂u
  return {
    value: betaBinomialLogLikelihood(data, a, b),
    gu: dm * (La - Lb),
    gv: a * La + b * Lb,
    huu: dm * dm * (Laa - 2 * Lab + Lbb) + dm * (1 - 2 * mu) * (La - Lb),
    huv: dm * (a * Laa + b * Lab - a * Lab - b * Lbb) + dm * (La - Lb),
    hvv: a * a * Laa + 2 * a * b * Lab + b * b * Lbb + a * La + b * Lb,
  };
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

const MIN_LOG_PRECISION = Math.log(1e-3);

/** Maximum-likelihood (α, β) of the beta-binomial; units with a zero total contribute nothing. */
export function fitBetaBinomial(
  data: Data,
  maxPrecision = 1e8,
): { alpha: number; beta: number; logLikelihood: number; iterations: number; boundary: 'none' | 'upper' | 'lower' } {
  let sy = 0;
  let sn = 0;
  for (let i = 0; i < data.y.length; i++) {
    sy += data.y[i];
    sn += data.n[i];
  }
  const maxV = Math.log(maxPrecision);
  let u = logit(sy / sn);
  // Coarse grid over ln M at the pooled mean for a start that Newton cannot miss by much.
  let v = 0;
  let best = -Infinity;
  for (let g = MIN_LOG_PRECISION; g <= maxV; g += 0.5) {
    const L = betaBinomialLogLikelihood(data, Math.exp(g) * (sy / sn), Math.exp(g) * (1 - sy / sn));
    if (L > best) {
      best = L;
      v = g;
    }
  }
  let d = derivatives(data, u, v);
  let lambda = 1e-3;
  let iterations = 0;
  for (; iterations < 500; iterations++) {
    // Levenberg–Marquardt: solve (−H + λ·diag(|H|+1)) δ = g.
    const du = Math.abs(d.huu) + 1;
    const dv = Math.abs(d.hvv) + 1;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      const a11 = -d.huu + lambda * du;
      const a22 = -d.hvv + lambda * dv;
      const a12 = -d.huv;
      const det = a11 * a22 - a12 * a12;
      if (!(a11 > 0 && det > 0)) {
        lambda *= 10;
        continue;
      }
      const su = (a22 * d.gu - a12 * d.gv) / det;
      const sv = (a11 * d.gv - a12 * d.gu) / det;
      const nu = u + su;
      const nv = Math.min(maxV, Math.max(MIN_LOG_PRECISION, v + sv));
      const mu = 1 / (1 + Math.exp(-nu));
      if (!(mu > 0 && mu < 1)) {
        lambda *= 10;
        continue;
      }
      const L = betaBinomialLogLikelihood(data, mu * Math.exp(nv), (1 - mu) * Math.exp(nv));
      if (L >= d.value - 1e-12 * Math.abs(d.value)) {
        u = nu;
        v = nv;
        d = derivatives(data, u, v);
        lambda = Math.max(1e-12, lambda / 10);
        accepted = true;
        break;
      }
      lambda *= 10;
    }
    if (!accepted) break;
    const atUpper = v >= maxV && d.gv > 0;
    const atLower = v <= MIN_LOG_PRECISION && d.gv < 0;
    // Converged when the full Newton step is negligible (relative 1e-12 in α and β).
    const newtonDet = d.huu * d.hvv - d.huv * d.huv;
    if (newtonDet > 0 && d.huu < 0) {
      const su = (d.hvv * d.gu - d.huv * d.gv) / newtonDet;
      const sv = atUpper || atLower ? 0 : (d.huu * d.gv - d.huv * d.gu) / newtonDet;
      if (Math.abs(su) + Math.abs(sv) < 1e-12) break;
    }
  }
  let mu = 1 / (1 + Math.exp(-u));
  // The likelihood can keep rising, ever more slowly, as M → ∞ (no spread beyond binomial); then
  // Newton crawls. If the bound is as good as where it stopped, the maximum is at the bound.
  if (v < maxV) {
    const atCap = betaBinomialLogLikelihood(data, mu * maxPrecision, (1 - mu) * maxPrecision);
    if (atCap >= d.value - 1e-12 * Math.max(1, Math.abs(d.value))) {
      v = maxV;
      mu = sy / sn;
      d = { ...d, value: betaBinomialLogLikelihood(data, mu * maxPrecision, (1 - mu) * maxPrecision) };
    }
  }
  const M = Math.exp(v);
  const boundary = v >= maxV - 1e-9 ? 'upper' : v <= MIN_LOG_PRECISION + 1e-9 ? 'lower' : 'none';
  return { alpha: mu * M, beta: (1 - mu) * M, logLikelihood: d.value, iterations: Math.min(iterations, 500), boundary };
}

/** Shrinks every unit's proportion towards the fitted beta prior; ranks by posterior mean. */
export function shrink(units: readonly ShrinkageUnit[], options: ShrinkageOptions = {}): ShrinkageResult {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new StatsError('INVALID_ARGUMENT', `credible level ${level} must be in (0, 1)`);
  const maxPrecision = options.maxPrecision ?? 1e8;
  if (!(maxPrecision > 1 && Number.isFinite(maxPrecision))) throw new StatsError('INVALID_ARGUMENT', `maxPrecision ${maxPrecision} must be finite and > 1`);
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u.id)) throw new StatsError('DUPLICATE_UNIT', `unit ${u.id} appears twice`);
    seen.add(u.id);
    checkCounts(u.id, u.count, u.total);
  }
  const withData = units.filter((u) => u.total > 0);
  let sy = 0;
  let sn = 0;
  for (const u of withData) {
    sy += u.count;
    sn += u.total;
  }
  if (withData.length === 0) {
    return {
      status: 'empty',
      note: units.length === 0 ? 'no units were given' : 'every unit has a total of zero: nothing to estimate',
      alpha: 0,
      beta: 0,
      priorMean: 0,
      logLikelihood: 0,
      iterations: 0,
      level,
      estimates: [],
    };
  }
  let alpha = 0.5;
  let beta = 0.5;
  let status: ShrinkageStatus;
  let note: string;
  let logLikelihood = 0;
  let iterations = 0;
  if (withData.length < 2 || sy === 0 || sy === sn) {
    status = 'fallback-jeffreys';
    note =
      withData.length < 2
        ? 'one unit with data: no common prior can be fitted; each interval uses the Jeffreys prior Beta(½, ½) and nothing is shrunk towards a pool'
        : `every unit's proportion is ${sy === 0 ? 0 : 1}: no common prior can be fitted; each interval uses the Jeffreys prior Beta(½, ½)`;
  } else {
    const fit = fitBetaBinomial({ y: withData.map((u) => u.count), n: withData.map((u) => u.total) }, maxPrecision);
    alpha = fit.alpha;
    beta = fit.beta;
    logLikelihood = fit.logLikelihood;
    iterations = fit.iterations;
    if (fit.boundary === 'upper') {
      status = 'no-between-unit-variation';
      note = `the proportions vary no more than binomial sampling allows: the prior precision reached its bound ${maxPrecision.toExponential(0)} and every estimate is pulled (almost) fully to the pooled ${(alpha / (alpha + beta)).toPrecision(4)}`;
    } else if (fit.boundary === 'lower') {
      status = 'extreme-variation';
      note = 'units are nearly all-or-nothing: the prior precision reached its lower bound and estimates stay at their raw values';
    } else {
      status = 'ok';
      note = `beta-binomial maximum likelihood: α = ${alpha.toPrecision(4)}, β = ${beta.toPrecision(4)} (prior mean ${(alpha / (alpha + beta)).toPrecision(4)}, prior precision ${(alpha + beta).toPrecision(4)})`;
    }
  }
  const pooled = status !== 'fallback-jeffreys';
  const tail = (1 - level) / 2;
  const estimates: ShrunkEstimate[] = units.map((u) => {
    const a = u.count + alpha;
    const b = u.total - u.count + beta;
    const e: ShrunkEstimate = {
      id: u.id,
      count: u.count,
      total: u.total,
      raw: u.total > 0 ? u.count / u.total : 0,
      mean: a / (a + b),
      lower: betaQuantile(tail, a, b),
      upper: betaQuantile(1 - tail, a, b),
      weight: pooled ? u.total / (u.total + alpha + beta) : 1,
      rank: 0,
    };
    if (u.total === 0) e.note = pooled ? 'no data: the estimate is the fitted prior' : 'no data: the estimate is the Jeffreys prior';
    return e;
  });
  const order = [...estimates].sort((x, y) => y.mean - x.mean);
  order.forEach((e, i) => {
    e.rank = i > 0 && order[i - 1].mean === e.mean ? order[i - 1].rank : i + 1;
  });
  return { status, note, alpha, beta, priorMean: alpha / (alpha + beta), logLikelihood, iterations, level, estimates };
}
