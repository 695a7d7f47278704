/**
 * Small-count suppression over everything one report publishes together (pure).
 *
 * `stats/suppress.ts` decides one table at a time. A report publishes many tables that are
 * linked by addition — a fiscal year is the sum of its months, the since-activation figure is
 * the sum of the fiscal years (plus what came before the report's first month), the nation is
 * the sum of its units, a stage total the sum of its categories — so a cell withheld in one
 * table can be worked out from another (a fiscal-year table beside a since-activation table
 * gives a cell away by subtraction). Here the whole report is one system:
 *
 * - **cells**: every published number (value ≥ 0, an integer), and **hidden** cells that are
 *   never published but tie tables together (e.g. the months before the report's first month
 *   inside a since-activation figure), each with the interval an outsider is assumed to know;
 * - **relations** `total = Σ parts` between cells (hidden ones included).
 *
 * What an outsider knows about a withheld cell: a primary cell (0 < n < k; zeros are
 * published) is in [1, k−1]; a complementary cell is in [0, ∞). `auditLinked` propagates those
 * bounds through every relation to a fixed point (worklist; each bound rounded inwards to an
 * integer, since counts are whole). Propagation is sound — the true values always lie inside
 * the intervals — so a cell it narrows below the protection range is really narrowed at least
 * that far; it can be looser than an exact integer programme.
 *
 * The rule (the module's, `SUPPRESSION_PROTECTION`): every withheld small count's interval
 * spans at least `protection` (default 1: at least two values remain possible, none is pinned).
 * Complementary cells are 0 or at least k, so working one out discloses no small count; when it
 * would narrow a small count, that small count is the narrow cell and gets its own complement
 * (protecting complements too withheld most of every table in a trial on the synthetic store).
 * `suppressLinked` withholds the primary cells, then repeats:
 * audit; for each small count narrower than the rule (in cell order), unless a relation it is
 * in already got a complement this round, withhold one more published cell — from a relation in
 * which it is the only unknown when there is one, else from any of its relations — the one that
 * gives the most relations with a single unknown member a second one (closing the pattern
 * instead of spreading it), then the smallest non-zero value (a withheld zero hides nothing
 * below it), then cell order; when every cell of its relations is already withheld, the
 * nearest published cell through the relations of those (breadth first). A small count still
 * narrow after ESCALATE (12) single complements gets every published cell within one, then two,
 * … relations of it withheld at once (sparse tables of 0s and 1s need patterns far away, and
 * one cell a round took thousands of rounds). It stops when every small count passes. A small count the bounds pin even with every published cell
 * withheld (checked first: e.g. k = 2, whose range [1, 1] is one value, or k = 3 with two 1s
 * whose small total is at most 2) cannot be protected by any complement; it is withheld, gets
 * no complements, and is reported (`unprotected`). Deterministic: the same input gives the
 * same cells.
 *
 * Not covered: tables of *different* reports (a by-state and a by-jurisdiction report, or last
 * year's report) unless their cells and relations are put into one system; an attacker who
 * uses that a complementary cell is not in [1, k−1]; integer reasoning beyond bound
 * propagation (the tests' exhaustive attacker finds none on random small tables and pairs).
 */
import { DEFAULT_SUPPRESSION_THRESHOLD, SUPPRESSION_PROTECTION, type CellInterval, type Suppression, type SuppressionRelation } from '../stats/suppress.ts';
import { StatsError } from '../stats/errors.ts';

/** Single complements a narrow cell gets before whole rings around it are withheld. */
const ESCALATE = 12;

export interface LinkedSystem {
  /** Every cell's true value (hidden cells too). */
  values: readonly number[];
  /** Per cell: null for a cell that is published unless withheld; for a hidden cell, what an outsider knows of it. */
  hidden: readonly (CellInterval | null)[];
  relations: readonly SuppressionRelation[];
}

export interface LinkedOptions {
  threshold?: number;
  /** Every protected cell's interval must span at least this (hi − lo). */
  protection?: number;
}

export interface LinkedResult {
  /** Per cell: why it is withheld, or null (published, or hidden). */
  cells: Suppression[];
  primary: number;
  complementary: number;
  /** The audit's intervals at the end (published cells: their value). */
  intervals: CellInterval[];
  /** Withheld cells still narrower than the rule (no published cell left to withhold). */
  unprotected: number[];
  rounds: number;
}

function validate(s: LinkedSystem): void {
  const n = s.values.length;
  if (s.hidden.length !== n) throw new StatsError('INVALID_ARGUMENT', `${n} values but ${s.hidden.length} hidden entries`);
  s.values.forEach((v, i) => {
    if (s.hidden[i] === null && (!Number.isFinite(v) || v < 0)) throw new StatsError('INVALID_ARGUMENT', `cell ${i} is ${v}: counts must be finite and non-negative`);
    if (!Number.isFinite(v)) throw new StatsError('INVALID_ARGUMENT', `hidden cell ${i} is ${v}: values must be finite`);
  });
  for (const r of s.relations) {
    for (const i of [r.total, ...r.parts]) if (!Number.isInteger(i) || i < 0 || i >= n) throw new StatsError('INVALID_ARGUMENT', `relation refers to cell ${i}, but there are ${n} cells`);
    if (r.parts.includes(r.total)) throw new StatsError('INVALID_ARGUMENT', `relation total ${r.total} is also one of its parts`);
    if (new Set(r.parts).size !== r.parts.length) throw new StatsError('INVALID_ARGUMENT', `relation with total ${r.total} names a part twice`);
    const sum = r.parts.reduce((a, i) => a + s.values[i], 0);
    if (sum !== s.values[r.total]) throw new StatsError('INVALID_ARGUMENT', `relation with total ${r.total} does not add up: ${s.values[r.total]} ≠ ${sum}`);
  }
}

const relationIndexes = new WeakMap<LinkedSystem, number[][]>();
/** Per cell, the relations it is in (kept per system: audits run many times on one system). */
function relationsIndex(system: LinkedSystem): number[][] {
  const hit = relationIndexes.get(system);
  if (hit) return hit;
  const out: number[][] = Array.from({ length: system.values.length }, () => []);
  system.relations.forEach((r, ri) => {
    out[r.total].push(ri);
    for (const p of r.parts) out[p].push(ri);
  });
  relationIndexes.set(system, out);
  return out;
}

/** The intervals an outsider can derive for every cell from what is published (sound bound propagation). */
export function auditLinked(system: LinkedSystem, cells: readonly Suppression[], threshold = DEFAULT_SUPPRESSION_THRESHOLD, combinations = true): CellInterval[] {
  const { values, hidden, relations } = system;
  const n = values.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const primaryHi = Math.max(1, Math.ceil(threshold) - 1);
  for (let i = 0; i < n; i++) {
    const h = hidden[i];
    if (h !== null) {
      lo[i] = Math.ceil(h.lo);
      hi[i] = Math.floor(h.hi);
    } else if (cells[i] === null) lo[i] = hi[i] = values[i];
    else if (cells[i] === 'primary') {
      lo[i] = 1;
      hi[i] = primaryHi;
    } else {
      lo[i] = 0;
      hi[i] = Infinity;
    }
  }
  const relationsOf = relationsIndex(system);
  // Worklist of relations whose members' bounds changed.
  const queued = new Uint8Array(relations.length).fill(1);
  let queue: number[] = relations.map((_, i) => i);
  let next: number[] = [];
  const tighten = (i: number, l: number, h: number) => {
    let changed = false;
    if (l > lo[i]) {
      lo[i] = l;
      changed = true;
    }
    if (h < hi[i]) {
      hi[i] = h;
      changed = true;
    }
    if (!changed) return;
    for (const ri of relationsOf[i]) {
      if (queued[ri] === 0) {
        queued[ri] = 1;
        next.push(ri);
      }
    }
  };
  const derived = combinations ? derivedRows(system, cells) : [];
  for (let pass = 0; ; pass++) {
  while (queue.length > 0) {
    for (const ri of queue) {
      queued[ri] = 0;
      const r = relations[ri];
      // total − Σ parts = 0. Sums of the parts' bounds, with infinite terms counted apart.
      let sLo = 0;
      let sLoInf = 0;
      let sHi = 0;
      let sHiInf = 0;
      for (const p of r.parts) {
        if (lo[p] === -Infinity) sLoInf++;
        else sLo += lo[p];
        if (hi[p] === Infinity) sHiInf++;
        else sHi += hi[p];
      }
      // The total lies within the sum of the parts.
      tighten(r.total, sLoInf > 0 ? -Infinity : sLo, sHiInf > 0 ? Infinity : sHi);
      const tLo = lo[r.total];
      const tHi = hi[r.total];
      // Each part = total − the others.
      for (const p of r.parts) {
        const othersHiInf = sHiInf - (hi[p] === Infinity ? 1 : 0);
        const othersHi = sHi - (hi[p] === Infinity ? 0 : hi[p]);
        const othersLoInf = sLoInf - (lo[p] === -Infinity ? 1 : 0);
        const othersLo = sLo - (lo[p] === -Infinity ? 0 : lo[p]);
        const l = othersHiInf > 0 || tLo === -Infinity ? -Infinity : tLo - othersHi;
        const h = othersLoInf > 0 || tHi === Infinity ? Infinity : tHi - othersLo;
        const lo0 = lo[p];
        const hi0 = hi[p];
        tighten(p, l, h);
        // Keep the running sums in step with a part that just tightened.
        if (lo[p] !== lo0) {
          if (lo0 === -Infinity) {
            sLoInf--;
            sLo += lo[p];
          } else sLo += lo[p] - lo0;
        }
        if (hi[p] !== hi0) {
          if (hi0 === Infinity) {
            sHiInf--;
            sHi += hi[p];
          } else sHi += hi[p] - hi0;
        }
      }
    }
    queue = next;
    next = [];
  }
  // The combinations of relations (row-reduced, per small component): a cell the relations
  // determine together, e.g. a + c = 3 from two totals, though no single relation pins it.
  for (const row of derived) {
    let minS = 0;
    let minInf = 0;
    let maxS = 0;
    let maxInf = 0;
    const tMin = row.vars.map((v, k) => Math.min(row.coefs[k] * lo[v], row.coefs[k] * hi[v]));
    const tMax = row.vars.map((v, k) => Math.max(row.coefs[k] * lo[v], row.coefs[k] * hi[v]));
    row.vars.forEach((_, k) => {
      if (tMin[k] === -Infinity) minInf++;
      else minS += tMin[k];
      if (tMax[k] === Infinity) maxInf++;
      else maxS += tMax[k];
    });
    row.vars.forEach((v, k) => {
      const oMinInf = minInf - (tMin[k] === -Infinity ? 1 : 0);
      const oMaxInf = maxInf - (tMax[k] === Infinity ? 1 : 0);
      // a·x_v = rhs − Σ others
      const aLo = oMaxInf > 0 ? -Infinity : row.rhs - (maxS - (tMax[k] === Infinity ? 0 : tMax[k]));
      const aHi = oMinInf > 0 ? Infinity : row.rhs - (minS - (tMin[k] === -Infinity ? 0 : tMin[k]));
      const a = row.coefs[k];
      const l = a > 0 ? aLo / a : aHi / a;
      const h = a > 0 ? aHi / a : aLo / a;
      // whole numbers, with room for rounding error in the reduction
      tighten(v, Number.isFinite(l) ? Math.ceil(l - 1e-6) : l, Number.isFinite(h) ? Math.floor(h + 1e-6) : h);
    });
  }
  if (next.length === 0 || pass > 100) break;
  queue = next;
  next = [];
  }
  return Array.from({ length: n }, (_, i) => ({ lo: lo[i], hi: hi[i] }));
}

/**
 * The connected components of the unknown cells, linked through the relations they share:
 * `find` gives a cell's component, `firstUnknown` a relation's first unknown member (total, then
 * parts) or -1.
 */
function componentsOf(n: number, relations: readonly SuppressionRelation[], unknown: (i: number) => boolean) {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const firstUnknown = (r: SuppressionRelation): number => {
    if (unknown(r.total)) return r.total;
    for (const p of r.parts) if (unknown(p)) return p;
    return -1;
  };
  for (const r of relations) {
    const u = firstUnknown(r);
    if (u === -1) continue;
    for (const p of r.parts) if (p !== u && unknown(p)) parent[find(p)] = find(u);
  }
  return { find, firstUnknown };
}

/** Components up to this many unknown cells get their relations row-reduced (dense, so bounded). */
const EXACT_COMPONENT = 120;

interface DerivedRow {
  vars: number[];
  coefs: number[];
  rhs: number;
}

/**
 * The relations among the unknown cells (withheld, or hidden and not known exactly), with the
 * published cells moved to the constant, row-reduced (Gauss–Jordan, partial pivoting) per
 * connected component of at most EXACT_COMPONENT unknowns. Each reduced row is a combination
 * of relations an outsider can form; bounds propagated through them catch what single
 * relations miss. Larger components rely on the relations alone (see the README).
 */
function derivedRows(system: LinkedSystem, cells: readonly Suppression[]): DerivedRow[] {
  const { values, hidden, relations } = system;
  const n = values.length;
  const unknown = (i: number) => cells[i] !== null || (hidden[i] !== null && hidden[i]!.hi > hidden[i]!.lo);
  const { find, firstUnknown } = componentsOf(n, relations, unknown);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) if (unknown(i)) (groups.get(find(i)) ?? groups.set(find(i), []).get(find(i))!).push(i);
  const byGroup = new Map<number, number[]>();
  relations.forEach((r, ri) => {
    const u = firstUnknown(r);
    if (u === -1) return;
    const g = find(u);
    if ((groups.get(g)?.length ?? 0) > EXACT_COMPONENT) return;
    (byGroup.get(g) ?? byGroup.set(g, []).get(g)!).push(ri);
  });
  const out: DerivedRow[] = [];
  for (const [g, rels] of byGroup) {
    const vars = groups.get(g)!;
    if (vars.length < 2) continue;
    const col = new Map(vars.map((v, k) => [v, k]));
    const m = vars.length;
    const rows = rels.map((ri) => {
      const r = relations[ri];
      const a = new Float64Array(m + 1);
      const put = (i: number, sign: number) => {
        const k = col.get(i);
        if (k === undefined) a[m] -= sign * values[i];
        else a[k] += sign;
      };
      put(r.total, 1);
      for (const p of r.parts) put(p, -1);
      return a;
    });
    let rank = 0;
    for (let c = 0; c < m && rank < rows.length; c++) {
      let piv = rank;
      for (let r = rank + 1; r < rows.length; r++) if (Math.abs(rows[r][c]) > Math.abs(rows[piv][c])) piv = r;
      if (Math.abs(rows[piv][c]) < 1e-9) continue;
      [rows[rank], rows[piv]] = [rows[piv], rows[rank]];
      const pr = rows[rank];
      const d = pr[c];
      for (let k = 0; k <= m; k++) pr[k] /= d;
      for (let r = 0; r < rows.length; r++) {
        if (r === rank || Math.abs(rows[r][c]) < 1e-12) continue;
        const f = rows[r][c];
        for (let k = 0; k <= m; k++) rows[r][k] -= f * pr[k];
      }
      rank++;
    }
    for (let r = 0; r < rank; r++) {
      const row: DerivedRow = { vars: [], coefs: [], rhs: rows[r][m] };
      for (let k = 0; k < m; k++) {
        if (Math.abs(rows[r][k]) > 1e-9) {
          row.vars.push(vars[k]);
          row.coefs.push(rows[r][k]);
        }
      }
      if (row.vars.length > 0) out.push(row);
    }
  }
  return out;
}

/** Components up to this many unknown cells get an exact integer check of each small count. */
const SEARCH_COMPONENT = 40;
/** Search nodes per check; past it the cell is taken as pinned (more suppression, never less). */
const SEARCH_BUDGET = 20_000;

/**
 * Exact check on small components: a small count that propagation leaves unpinned is pinned
 * after all when no whole-number assignment of the component's unknown cells — within the
 * audit's (sound) intervals, every relation holding — gives it another value (branch and
 * prune: split a range in halves, drop values a relation cannot reach). Sets such a cell's
 * interval to its value. Combinations of several relations with the bounds (x + y + z = 2 with
 * x, z ≥ 1) are found this way, which propagation and row reduction can miss.
 */
function pinExactly(system: LinkedSystem, cells: readonly Suppression[], threshold: number, intervals: CellInterval[]): void {
  const { values, hidden, relations } = system;
  const n = values.length;
  const unknown = (i: number) => intervals[i].hi > intervals[i].lo;
  const { find, firstUnknown } = componentsOf(n, relations, unknown);
  const size = new Map<number, number>();
  for (let i = 0; i < n; i++) if (unknown(i)) size.set(find(i), (size.get(find(i)) ?? 0) + 1);
  const relsOf = new Map<number, number[]>();
  relations.forEach((r, ri) => {
    const u = firstUnknown(r);
    if (u === -1 || (size.get(find(u)) ?? 0) > SEARCH_COMPONENT) return;
    const g = find(u);
    (relsOf.get(g) ?? relsOf.set(g, []).get(g)!).push(ri);
  });
  // Unbounded ranges searched within ±cap: fewer alternatives found, so more pinned (the safe side).
  const cap = 2 * values.reduce((x, v) => x + Math.abs(v), 0) + threshold;
  const bLo = (c: number) => Math.max(-cap, intervals[c].lo);
  const bHi = (c: number) => Math.min(cap, intervals[c].hi);
  for (let i = 0; i < n; i++) {
    if (cells[i] !== 'primary' || hidden[i] !== null || !unknown(i)) continue;
    const rels = relsOf.get(find(i));
    if (rels === undefined) continue;
    const terms = rels.map((ri) => [[relations[ri].total, 1] as const, ...relations[ri].parts.map((p) => [p, -1] as const)]);
    let nodes = 0;
    let overBudget = false;
    const prune = (lo: Map<number, number>, hi: Map<number, number>): boolean => {
      const L = (c: number) => lo.get(c) ?? bLo(c);
      const H = (c: number) => hi.get(c) ?? bHi(c);
      for (let changed = true, guard = 0; changed && guard < 1000; guard++) {
        changed = false;
        for (const t of terms) {
          for (const [c, own] of t) {
            if (!unknown(c)) continue;
            let sLo = 0;
            let sHi = 0;
            for (const [d, a] of t) {
              if (d === c) continue;
              sLo += a > 0 ? a * L(d) : a * H(d);
              sHi += a > 0 ? a * H(d) : a * L(d);
            }
            const l = own > 0 ? -sHi : sLo;
            const h = own > 0 ? -sLo : sHi;
            if (l > L(c)) {
              lo.set(c, l);
              changed = true;
            }
            if (h < H(c)) {
              hi.set(c, h);
              changed = true;
            }
            if (L(c) > H(c)) return false;
          }
        }
      }
      return true;
    };
    const feasible = (lo: Map<number, number>, hi: Map<number, number>): boolean => {
      if (++nodes > SEARCH_BUDGET) {
        overBudget = true;
        return false;
      }
      if (!prune(lo, hi)) return false;
      let c = -1;
      for (const t of terms) for (const [d] of t) if (c === -1 && unknown(d) && (lo.get(d) ?? bLo(d)) < (hi.get(d) ?? bHi(d))) c = d;
      if (c === -1) return terms.every((t) => t.reduce((a, [d, sg]) => a + sg * (lo.get(d) ?? bLo(d)), 0) === 0);
      const l = lo.get(c) ?? bLo(c);
      const h = hi.get(c) ?? bHi(c);
      const mid = Math.floor((l + h) / 2);
      if (feasible(new Map(lo), new Map(hi).set(c, mid))) return true;
      return feasible(new Map(lo).set(c, mid + 1), new Map(hi));
    };
    const other = feasible(new Map(), new Map([[i, values[i] - 1]])) || feasible(new Map([[i, values[i] + 1]]), new Map());
    if (!other || overBudget) intervals[i] = { lo: values[i], hi: values[i] };
  }
}

/** Withhold the small counts of a linked system and enough other cells that every withheld cell keeps its protection range. */
export function suppressLinked(system: LinkedSystem, options: LinkedOptions = {}): LinkedResult {
  const threshold = options.threshold ?? DEFAULT_SUPPRESSION_THRESHOLD;
  const protection = options.protection ?? SUPPRESSION_PROTECTION;
  if (!Number.isFinite(threshold) || threshold < 0) throw new StatsError('INVALID_ARGUMENT', `the suppression threshold must be a finite number ≥ 0, got ${threshold}`);
  if (!Number.isFinite(protection) || protection < 0) throw new StatsError('INVALID_ARGUMENT', `the protection range must be a finite number ≥ 0, got ${protection}`);
  validate(system);
  const { values, hidden, relations } = system;
  const n = values.length;
  const cells: Suppression[] = values.map((v, i) => (hidden[i] === null && v > 0 && v < threshold ? 'primary' : null));
  const relationsOf = relationsIndex(system);
  const membersOf = (ri: number) => [relations[ri].total, ...relations[ri].parts];
  // Free members per relation: withheld cells and hidden cells an outsider does not know exactly.
  const free = new Int32Array(relations.length);
  const isFree = (i: number) => cells[i] !== null || (hidden[i] !== null && hidden[i]!.hi > hidden[i]!.lo);
  relations.forEach((r, ri) => {
    for (const i of [r.total, ...r.parts]) if (isFree(i)) free[ri]++;
  });
  /** How many relations of j have exactly one free member (withholding j gives each a second). */
  const closes = (j: number) => relationsOf[j].reduce((a, ri) => a + (free[ri] === 1 ? 1 : 0), 0);
  const better = (a: number, b: number) => {
    // the cell that gives most lone withheld cells a partner, then the smallest non-zero value
    // (zeros last), then cell order
    const ca = closes(a);
    const cb = closes(b);
    if (ca !== cb) return ca > cb;
    const va = values[a] === 0 ? Infinity : values[a];
    const vb = values[b] === 0 ? Infinity : values[b];
    return va < vb || (va === vb && a < b);
  };
  /** The published cell to withhold for narrow cell i: in its relations, else breadth first through withheld/hidden members. */
  const complementFor = (i: number): number => {
    // First the relations in which i is the only unknown: they give it away by subtraction.
    let lone = -1;
    for (const ri of relationsOf[i]) {
      if (free[ri] !== 1) continue;
      for (const j of membersOf(ri)) if (j !== i && hidden[j] === null && cells[j] === null && (lone === -1 || better(j, lone))) lone = j;
    }
    if (lone !== -1) return lone;
    // Else the best published cell at the nearest depth.
    for (const found of publishedLevels(i)) if (found.length > 0) return found.reduce((best, j) => (better(j, best) ? j : best));
    return -1;
  };
  /**
   * Breadth-first from i through the relations, passing only through withheld or hidden cells:
   * the published cells met at each depth, nearest first.
   */
  function* publishedLevels(i: number): Generator<number[]> {
    const seenCells = new Set<number>([i]);
    const seenRelations = new Set<number>();
    let frontier = [i];
    while (frontier.length > 0) {
      const found: number[] = [];
      const nextFrontier: number[] = [];
      for (const c of frontier) {
        for (const ri of relationsOf[c]) {
          if (seenRelations.has(ri)) continue;
          seenRelations.add(ri);
          for (const j of membersOf(ri)) {
            if (seenCells.has(j)) continue;
            seenCells.add(j);
            if (hidden[j] === null && cells[j] === null) found.push(j);
            else nextFrontier.push(j);
          }
        }
      }
      yield found;
      frontier = nextFrontier;
    }
  }
  /** Every published cell reached from i through at most `depth` relations (deeper while none is found). */
  const ring = (i: number, depth: number): number[] => {
    const out: number[] = [];
    let d = 0;
    for (const found of publishedLevels(i)) {
      out.push(...found);
      if (++d >= depth && out.length > 0) break;
    }
    return out;
  };
  const attempts = new Map<number, number>();
  let intervals: CellInterval[] = [];
  // A cell the bounds pin even with every published cell withheld cannot be protected by any
  // choice of complements (e.g. k = 3: two withheld 1s whose withheld total is at most 2).
  const all: Suppression[] = cells.map((c, i) => (c === null && hidden[i] === null ? 'complementary' : c));
  const widest = auditLinked(system, all, threshold);
  const unprotected = new Set<number>();
  for (let i = 0; i < n; i++) if (cells[i] !== null && widest[i].hi - widest[i].lo < protection) unprotected.add(i);
  const guarded = (i: number) => cells[i] === 'primary';
  let rounds = 0;
  let exact = false;
  for (;;) {
    rounds++;
    // Single relations first (cheap); the combinations and the exact check once that settles, and from then on.
    intervals = auditLinked(system, cells, threshold, exact);
    if (exact && protection <= 1) pinExactly(system, cells, threshold, intervals);
    const touched = new Uint8Array(relations.length);
    let added = 0;
    for (let i = 0; i < n; i++) {
      if (!guarded(i) || unprotected.has(i) || intervals[i].hi - intervals[i].lo >= protection) continue;
      if (relationsOf[i].some((ri) => touched[ri] === 1)) continue;
      const tries = (attempts.get(i) ?? 0) + 1;
      attempts.set(i, tries);
      // One complement at a time first; a cell still narrow after ESCALATE of them gets every
      // published cell within ever wider rings of its relations (the pattern it needs is far).
      const picks = tries <= ESCALATE ? [complementFor(i)].filter((j) => j !== -1) : ring(i, tries - ESCALATE);
      if (picks.length === 0) {
        unprotected.add(i);
        continue;
      }
      for (const j of picks) {
        cells[j] = 'complementary';
        for (const ri of relationsOf[j]) {
          free[ri]++;
          touched[ri] = 1;
        }
        added++;
      }
    }
    if (added === 0) {
      if (exact) break;
      exact = true;
    }
  }
  const still = [...unprotected].filter((i) => intervals[i].hi - intervals[i].lo < protection).sort((a, b) => a - b);
  return { cells, primary: cells.filter((c) => c === 'primary').length, complementary: cells.filter((c) => c === 'complementary').length, intervals, unprotected: still, rounds };
}

/** A hidden cell's interval as an outsider is assumed to know it: its sign (0 exactly when it is 0). */
export function signInterval(v: number): CellInterval {
  return v === 0 ? { lo: 0, hi: 0 } : v > 0 ? { lo: 0, hi: Infinity } : { lo: -Infinity, hi: 0 };
}
