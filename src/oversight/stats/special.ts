/**
 * Special functions for the oversight statistics, written for accuracy over speed:
 * log-gamma (Lanczos below 10, Stirling series above), log-beta (Stirling differences for
 * large arguments, so lnB(10⁶, 10⁴) keeps its digits), digamma and trigamma (recurrence plus
 * asymptotic series), the normal distribution (erfc by series and continued fraction,
 * quantile by Acklam's rational approximation polished with Newton steps), the regularised
 * incomplete beta and gamma functions and the beta quantile (safeguarded Newton).
 *
 * Every function is total on its documented domain and never returns NaN there; outside it
 * (a negative shape, a probability above 1) it throws a RangeError, which is a programming
 * error in the caller, not a data condition.
 */

const LN_SQRT_2PI = 0.9189385332046728; // ½ ln(2π)

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function requirePositive(name: string, x: number): void {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} needs a positive finite argument, got ${x}`);
}

/** lnΓ(x) − [(x − ½) ln x − x + ½ ln 2π], the Stirling remainder, for x ≥ 10. */
function stirlingRemainder(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 / 156))))));
}

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  requirePositive('lnGamma', x);
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingRemainder(x);
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), without the cancellation of large terms. */
export function lnBeta(a: number, b: number): number {
  requirePositive('lnBeta', a);
  requirePositive('lnBeta', b);
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo >= 10) {
    const s = lo + hi;
    return (
      LN_SQRT_2PI - 0.5 * Math.log(s) - (lo - 0.5) * Math.log1p(hi / lo) - (hi - 0.5) * Math.log1p(lo / hi) +
      stirlingRemainder(lo) + stirlingRemainder(hi) - stirlingRemainder(s)
    );
  }
  if (hi >= 10) {
    // ln Γ(hi) − ln Γ(hi + lo) via Stirling, keeping the difference small.
    const s = hi + lo;
    const diff = -(hi - 0.5) * Math.log1p(lo / hi) - lo * Math.log(s) + lo + stirlingRemainder(hi) - stirlingRemainder(s);
    return lnGamma(lo) + diff;
  }
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ψ(x) = d/dx ln Γ(x) for x > 0. */
export function digamma(x: number): number {
  requirePositive('digamma', x);
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const r = 1 / x;
  const r2 = r * r;
  return acc + Math.log(x) - 0.5 * r - r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132)))));
}

/** ψ′(x) for x > 0. */
export function trigamma(x: number): number {
  requirePositive('trigamma', x);
  let acc = 0;
  while (x < 10) {
    acc += 1 / (x * x);
    x += 1;
  }
  const r = 1 / x;
  const r2 = r * r;
  return acc + r + 0.5 * r2 + r * r2 * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * (5 / 66)))));
}

/** erfc(x) for x ≥ 0: a positive-term series below 2.5, a continued fraction above. */
function erfcNonNegative(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)).
    let term = x;
    let sum = x;
    const x2 = 2 * x * x;
    for (let k = 1; k < 200; k++) {
      term *= x2 / (2 * k + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0;
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const ak = k / 2;
    d = x + ak * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + ak / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** Upper tail of the standard normal, P(Z > z), accurate also far into the tail. */
export function normalUpper(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalUpper of NaN');
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const x = Math.abs(z) / Math.SQRT2;
  const tail = 0.5 * erfcNonNegative(x);
  return z >= 0 ? tail : 1 - tail;
}

/** Standard normal distribution function Φ(z). */
export function normalCdf(z: number): number {
  return normalUpper(-z);
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const c = ACKLAM_C;
    const d = ACKLAM_D;
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - pLow) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    const a = ACKLAM_A;
    const b = ACKLAM_B;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // Halley steps against the accurate Φ (in whichever tail is small, to keep digits).
  for (let i = 0; i < 3; i++) {
    const e = p < 0.5 ? normalCdf(x) - p : 1 - p - normalUpper(x);
    const u = e / normalPdf(x);
    const step = u / (1 + (x * u) / 2);
    if (!Number.isFinite(step)) break;
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1_000_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 3e-16) break;
  }
  return h;
}

function requireShapes(name: string, a: number, b: number): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) throw new RangeError(`${name} needs positive finite shapes, got (${a}, ${b})`);
}

/** ln of the Beta(a, b) density at x in (0, 1). */
export function betaLogPdf(x: number, a: number, b: number): number {
  return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnBeta(a, b);
}

/** Regularised incomplete beta I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  requireShapes('betaCdf', a, b);
  if (Number.isNaN(x)) throw new RangeError('betaCdf of NaN');
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** The p-quantile of Beta(a, b): safeguarded Newton on I_x(a, b) = p inside a shrinking bracket. */
export function betaQuantile(p: number, a: number, b: number): number {
  requireShapes('betaQuantile', a, b);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`betaQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Start from a normal approximation on the logit scale, clipped inside (0, 1).
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  let x = mean + normalQuantile(p) * sd;
  if (!(x > 0 && x < 1)) x = mean;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 3000; i++) {
    const f = betaCdf(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp(betaLogPdf(x, a, b));
    let next = x - f / density;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      // Bisect; geometrically when the bracket spans many orders of magnitude near 0 or 1.
      if (lo === 0 && hi < 1e-3) next = hi / 16;
      else if (hi === 1 && lo > 1 - 1e-3) next = 1 - (1 - lo) / 16;
      else next = (lo + hi) / 2;
    }
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || hi - lo <= 1e-16 * hi) return next;
    x = next;
  }
  return x;
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  requirePositive('gammaP', a);
  if (!(x >= 0)) throw new RangeError(`gammaP needs x ≥ 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail. */
export function gammaQ(a: number, x: number): number {
  requirePositive('gammaQ', a);
  if (!(x >= 0)) throw new RangeError(`gammaQ needs x ≥ 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 100_000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Upper tail of χ² with `df` degrees of freedom. */
export function chiSquareUpper(x: number, df: number): number {
  return gammaQ(df / 2, Math.max(0, x) / 2);
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|). */
export function studentTwoSided(t: number, df: number): number {
  requirePositive('studentTwoSided df', df);
  if (!Number.isFinite(t)) return 0;
  return betaCdf(df / (df + t * t), df / 2, 0.5);
}

/** The (1 − α/2) quantile of Student's t, e.g. 2.228 for α = 0.05, df = 10. */
export function studentQuantileTwoSided(alpha: number, df: number): number {
  requirePositive('studentQuantileTwoSided df', df);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  // P(|T| ≥ t) = I_{ν/(ν+t²)}(ν/2, ½) = α  ⇒  ν/(ν+t²) = x.
  const x = betaQuantile(alpha, df / 2, 0.5);
  return Math.sqrt((df * (1 - x)) / Math.max(x, 1e-300));
}

/** ln C(n, k). */
export function lnChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (k === 0 || k === n) return 0;
  return -Math.log(n + 1) - lnBeta(n - k + 1, k + 1);
}
