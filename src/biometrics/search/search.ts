/**
 * 1:N tenprint search of one gallery shard, in two stages:
 *
 * 1. **Filter** — every enrolled identity: for each probe finger the enrolled finger's filter
 *    code is ANDed with the probe's and the common bits counted (popcount); the count is turned
 *    into a z-score against what two unrelated codes of those densities share, standardised
 *    per probe finger on a sample of the shard, and summed over fingers (missing fingers add 0).
 * 2. **Comparison** — the best `shortList` identities are compared finger by finger with the
 *    project's 1:1 comparator; the fused score is the sum of the calibrated per-finger scores
 *    (10 × −log10 FMR each, so the sum is 10 × −log10 of the product of the FMRs; a finger
 *    missing on either side contributes 0, i.e. no evidence either way).
 *
 * `searchShard(state, probe, options)` is the whole interface a shard server needs: a worker
 * thread over SharedArrayBuffers or a matcher process serve it alike, and `mergeCandidates`
 * gathers the shards' answers.
 */
import { compareTemplates, prepareTemplate, type PreparedTemplate } from '../compare/index.ts';
import { SearchError } from './errors.ts';
import { filterCode, FILTER_BITS, FILTER_WORDS, popcount32, unpackFinger } from './features.ts';
import { slotId, storedTemplate, type GalleryState } from './gallery.ts';
import { FINGER_POSITIONS, packTenprint, type PackedTenprint, type SkippedFinger, type Tenprint } from './tenprint.ts';

const F = FINGER_POSITIONS;

export interface ShardSearchOptions {
  /** Identities the filter passes to stage 2 (default 16). 1–1000. */
  readonly shortList?: number;
  /**
   * Stage 2 compares `screenFingers` fingers (default 2, the probe's densest) of each short-listed
   * identity first and the remaining fingers only when their fused score reaches
   * `screenThreshold` (default 15): unrelated identities cost a few comparisons, not ten.
   */
  readonly screenFingers?: number;
  readonly screenThreshold?: number;
  /** Candidates returned, best first (default 10). 1–1000. */
  readonly candidates?: number;
  /** Skip stage 2: candidates carry the filter score only (diagnostics: filter recall). */
  readonly filterOnly?: boolean;
  /** A clock in ms for the stage timings (none given: timings are 0; pure code reads no clock). */
  readonly now?: () => number;
}

export interface ProbeFinger {
  readonly position: number;
  readonly code: Uint32Array;
  readonly bits: number;
  readonly prepared: PreparedTemplate;
}

export interface PreparedProbe {
  readonly fingers: readonly ProbeFinger[];
  readonly skipped: readonly SkippedFinger[];
}

export interface FingerScore {
  readonly position: number;
  readonly score: number;
}

export interface Candidate {
  readonly id: string;
  /** Fused score: sum of the calibrated per-finger scores. */
  readonly score: number;
  /** Stage-1 filter score (shard-relative; for diagnostics). */
  readonly filterScore: number;
  /** Per-finger comparator scores, for the fingers compared (all both sides have, unless screened out). */
  readonly fingers: readonly FingerScore[];
}

export interface ShardResult {
  readonly candidates: readonly Candidate[];
  /** Identities scanned by the filter and compared in full. */
  readonly scanned: number;
  readonly compared: number;
  readonly filterMs: number;
  readonly compareMs: number;
}

function checkCount(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new SearchError('OPTIONS', `${name} must be an integer 1–1000, got ${String(v)}`);
  return v;
}

/**
 * Validates a tenprint probe and prepares it (filter codes, comparator preparation). Throws a
 * SearchError for no fingers, bad/duplicate positions, malformed templates, or when every
 * finger is blank (NO_USABLE_FINGERS: nothing to search with).
 */
export function prepareProbe(probe: Tenprint | PackedTenprint): PreparedProbe {
  const packed: PackedTenprint = Array.isArray(probe) ? packTenprint(probe as Tenprint, 'probe') : (probe as PackedTenprint);
  if (packed.fingers.length === 0) {
    throw new SearchError('NO_USABLE_FINGERS', `probe: every finger is blank (no minutiae)${packed.skipped.length ? `: positions ${packed.skipped.map((s) => s.position).join(', ')}` : ''}`);
  }
  return {
    skipped: packed.skipped,
    fingers: packed.fingers.map((f) => {
      const code = new Uint32Array(FILTER_WORDS);
      const bits = filterCode(f.minutiae, 0, f.minutiae.length, code, 0);
      const template = unpackFinger(f.minutiae, 0, f.minutiae.length, f.width, f.height, f.quality);
      return { position: f.position, code, bits: Math.max(1, bits), prepared: prepareTemplate(template) };
    }),
  };
}

/** z-score tables of one probe finger, indexed by the enrolled finger's bit count. */
function zTables(probeBits: number): { scale: Float64Array; offset: Float64Array } {
  const scale = new Float64Array(FILTER_BITS + 1);
  const offset = new Float64Array(FILTER_BITS + 1);
  for (let g = 1; g <= FILTER_BITS; g++) {
    const e = (probeBits * g) / FILTER_BITS;
    const inv = 1 / Math.sqrt(Math.max(1e-9, e * (1 - g / FILTER_BITS) + 1));
    scale[g] = inv;
    offset[g] = -e * inv;
  }
  return { scale, offset };
}

function commonBits(codes: Uint32Array, at: number, probe: Uint32Array): number {
  let c = 0;
  for (let w = 0; w < FILTER_WORDS; w++) c += popcount32(codes[at + w] & probe[w]);
  return c;
}

const SAMPLE = 512;

/** Searches one shard. Pure: reads the state, allocates only the short list. */
export function searchShard(state: GalleryState, probe: PreparedProbe, options: ShardSearchOptions = {}): ShardResult {
  const shortList = checkCount('shortList', options.shortList, 16);
  const screenFingers = checkCount('screenFingers', options.screenFingers, 2);
  const screenThreshold = options.screenThreshold ?? 15;
  const want = checkCount('candidates', options.candidates, 10);
  if (state.filterBits !== FILTER_BITS) throw new SearchError('GALLERY_RECORD', `gallery uses ${state.filterBits}-bit filter codes, this engine ${FILTER_BITS}`);
  const now = options.now ?? (() => 0);
  const t0 = now();
  const { codes, bitCount, aliveFlags, slots } = state;
  const P = probe.fingers.length;
  const pos = new Int32Array(P);
  const scale: Float64Array[] = [];
  const offset: Float64Array[] = [];
  for (let p = 0; p < P; p++) {
    const f = probe.fingers[p];
    pos[p] = f.position - 1;
    const t = zTables(f.bits);
    // Standardise each finger's z on a sample of the shard so fingers weigh alike.
    let n = 0;
    let sum = 0;
    let sum2 = 0;
    for (let slot = 0; slot < slots && n < SAMPLE; slot++) {
      const k = slot * F + pos[p];
      const g = bitCount[k];
      if (!aliveFlags[slot] || g === 0) continue;
      const z = commonBits(codes, k * FILTER_WORDS, f.code) * t.scale[g] + t.offset[g];
      n++;
      sum += z;
      sum2 += z * z;
    }
    const mean = n > 1 ? sum / n : 0;
    const sd = n > 8 ? Math.sqrt(Math.max(1e-6, sum2 / n - mean * mean)) : 1;
    for (let g = 0; g <= FILTER_BITS; g++) {
      t.scale[g] /= sd;
      t.offset[g] = (t.offset[g] - mean) / sd;
    }
    scale.push(t.scale);
    offset.push(t.offset);
  }

  // Stage 1: keep the best `shortList` slots by fused filter score. Flat arrays in the hot loop.
  const K = shortList;
  const topScore = new Float64Array(K).fill(-Infinity);
  const topSlot = new Int32Array(K).fill(-1);
  let minAt = 0;
  let scanned = 0;
  const W = FILTER_WORDS;
  const T = FILTER_BITS + 1;
  const pcodes = new Uint32Array(P * W);
  const pscale = new Float64Array(P * T);
  const poffset = new Float64Array(P * T);
  for (let p = 0; p < P; p++) {
    pcodes.set(probe.fingers[p].code, p * W);
    pscale.set(scale[p], p * T);
    poffset.set(offset[p], p * T);
  }
  for (let slot = 0; slot < slots; slot++) {
    if (aliveFlags[slot] === 0) continue;
    scanned++;
    let fused = 0;
    const base = slot * F;
    for (let p = 0; p < P; p++) {
      const k = base + pos[p];
      const g = bitCount[k];
      if (g === 0) continue;
      const at = k * W;
      const pa = p * W;
      let c = 0;
      for (let w = 0; w < W; w++) {
        let v = codes[at + w] & pcodes[pa + w];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        c += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      fused += c * pscale[p * T + g] + poffset[p * T + g];
    }
    if (fused > topScore[minAt]) {
      topScore[minAt] = fused;
      topSlot[minAt] = slot;
      for (let i = 0; i < K; i++) if (topScore[i] < topScore[minAt]) minAt = i;
    }
  }
  const t1 = now();

  // Stage 2: comparator on the short list, screened on a few fingers first.
  const order = probe.fingers.map((_, p) => p).sort((a, b) => probe.fingers[b].bits - probe.fingers[a].bits);
  const candidates: Candidate[] = [];
  for (let i = 0; i < K; i++) {
    const slot = topSlot[i];
    if (slot < 0) continue;
    const fingers: FingerScore[] = [];
    let score = 0;
    if (options.filterOnly) {
      candidates.push({ id: slotId(state, slot), score: topScore[i], filterScore: topScore[i], fingers });
      continue;
    }
    // Screening: the probe's most informative fingers first; the rest only if they agree.
    let screened = 0;
    for (const p of order) {
      const f = probe.fingers[p];
      const k = slot * F + f.position - 1;
      if (bitCount[k] === 0) continue;
      if (screened === screenFingers && score < screenThreshold) break;
      const s = compareTemplates(f.prepared, prepareTemplate(storedTemplate(state, k)));
      fingers.push({ position: f.position, score: s });
      score += s;
      screened++;
    }
    fingers.sort((a, b) => a.position - b.position);
    candidates.push({ id: slotId(state, slot), score, filterScore: topScore[i], fingers });
  }
  candidates.sort(byScore);
  const t2 = now();
  return { candidates: candidates.slice(0, want), scanned, compared: candidates.length, filterMs: t1 - t0, compareMs: t2 - t1 };
}

function byScore(a: Candidate, b: Candidate): number {
  return b.score - a.score || b.filterScore - a.filterScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Gathers shard answers into one ranked list (ties broken by id, so the order is stable). */
export function mergeCandidates(lists: readonly (readonly Candidate[])[], limit = 10): Candidate[] {
  return lists.flat().sort(byScore).slice(0, limit);
}
