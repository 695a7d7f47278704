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
  /**
   * Shards with more live identities than `prefilterFrom` (default 32,768) are first scanned on
   * the first `prefilterWords` (default 16, half) words of each code, keeping the best
   * `prefilterKeep` (default max(8192, 256 × shortList)) for the full-code pass. Measured on a
   * 522 k-identity shard (300 mated probes): the mate's rank after a half-code pass was at most
   * 551 (p99 165); after a quarter-code pass it reached 22,101 (8 of 300 beyond 2,048).
   */
  readonly prefilterFrom?: number;
  readonly prefilterKeep?: number;
  /** Words (of 32) of each code the pre-filter reads (default 16). */
  readonly prefilterWords?: number;
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

const SAMPLE = 512;
/** Shards larger than this are pre-filtered on the first PREFIX_WORDS words of each code. */
export const PREFILTER_FROM = 32768;
const PREFIX_WORDS = 16;

/**
 * Flat per-probe-finger tables turning the common-bit count over the first `words` words of a
 * code into a standardised score: z against two unrelated codes of those densities (the
 * enrolled finger's bits in the prefix estimated as its share of the total), then centred and
 * scaled on a sample of the shard so that every finger weighs alike. Index p · (FILTER_BITS + 1) + g.
 */
function scoreTables(state: GalleryState, probe: PreparedProbe, pos: Int32Array, words: number): { scale: Float64Array; offset: Float64Array } {
  const { codes, bitCount, aliveFlags, slots } = state;
  const T = FILTER_BITS + 1;
  const P = probe.fingers.length;
  const bits = words * 32;
  const share = words / FILTER_WORDS;
  const scale = new Float64Array(P * T);
  const offset = new Float64Array(P * T);
  for (let p = 0; p < P; p++) {
    const code = probe.fingers[p].code;
    let pb = 0;
    for (let w = 0; w < words; w++) pb += popcount32(code[w]);
    for (let g = 1; g < T; g++) {
      const gb = g * share;
      const e = (pb * gb) / bits;
      const inv = 1 / Math.sqrt(Math.max(1e-9, e * (1 - gb / bits) + 1));
      scale[p * T + g] = inv;
      offset[p * T + g] = -e * inv;
    }
    let n = 0;
    let sum = 0;
    let sum2 = 0;
    for (let slot = 0; slot < slots && n < SAMPLE; slot++) {
      const k = slot * F + pos[p];
      const g = bitCount[k];
      if (!aliveFlags[slot] || g === 0) continue;
      let c = 0;
      for (let w = 0; w < words; w++) c += popcount32(codes[k * FILTER_WORDS + w] & code[w]);
      const z = c * scale[p * T + g] + offset[p * T + g];
      n++;
      sum += z;
      sum2 += z * z;
    }
    const mean = n > 1 ? sum / n : 0;
    const sd = n > 8 ? Math.sqrt(Math.max(1e-6, sum2 / n - mean * mean)) : 1;
    for (let g = 0; g < T; g++) {
      scale[p * T + g] /= sd;
      offset[p * T + g] = (offset[p * T + g] - mean) / sd;
    }
  }
  return { scale, offset };
}

/**
 * Fused filter scores over the first `words` words of every finger code, for all live slots
 * (or only `among`), keeping the best `keep`. The hot loop: flat arrays, inline popcount.
 */
function scan(state: GalleryState, probe: PreparedProbe, pos: Int32Array, words: number, among: Int32Array | null, keep: number): { slots: Int32Array; scores: Float64Array; scanned: number } {
  const { codes, bitCount, aliveFlags, slots } = state;
  const { scale, offset } = scoreTables(state, probe, pos, words);
  const P = probe.fingers.length;
  const W = FILTER_WORDS;
  const T = FILTER_BITS + 1;
  const pcodes = new Uint32Array(P * W);
  for (let p = 0; p < P; p++) pcodes.set(probe.fingers[p].code, p * W);
  const topScore = new Float64Array(keep).fill(-Infinity);
  const topSlot = new Int32Array(keep).fill(-1);
  let scanned = 0;
  const count = among ? among.length : slots;
  for (let i = 0; i < count; i++) {
    const slot = among ? among[i] : i;
    if (slot < 0 || aliveFlags[slot] === 0) continue;
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
      for (let w = 0; w < words; w++) {
        let v = codes[at + w] & pcodes[pa + w];
        v = v - ((v >>> 1) & 0x55555555);
        v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
        c += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      fused += c * scale[p * T + g] + offset[p * T + g];
    }
    if (fused > topScore[0]) {
      // Binary min-heap of the best `keep`: replace the root and sift down.
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= keep) break;
        const c = l + 1 < keep && topScore[l + 1] < topScore[l] ? l + 1 : l;
        if (topScore[c] >= fused) break;
        topScore[j] = topScore[c];
        topSlot[j] = topSlot[c];
        j = c;
      }
      topScore[j] = fused;
      topSlot[j] = slot;
    }
  }
  return { slots: topSlot, scores: topScore, scanned };
}

export function searchShard(state: GalleryState, probe: PreparedProbe, options: ShardSearchOptions = {}): ShardResult {
  const shortList = checkCount('shortList', options.shortList, 16);
  const screenFingers = checkCount('screenFingers', options.screenFingers, 2);
  const screenThreshold = options.screenThreshold ?? 15;
  const want = checkCount('candidates', options.candidates, 10);
  if (state.filterBits !== FILTER_BITS) throw new SearchError('GALLERY_RECORD', `gallery uses ${state.filterBits}-bit filter codes, this engine ${FILTER_BITS}`);
  const now = options.now ?? (() => 0);
  const t0 = now();
  const { bitCount } = state;
  const P = probe.fingers.length;
  const pos = new Int32Array(P);
  for (let p = 0; p < P; p++) pos[p] = probe.fingers[p].position - 1;

  // Stage 1: the filter. Large shards: a pass on half of each code keeps the best few
  // thousand, then the full codes rank those.
  const K = shortList;
  let among: Int32Array | null = null;
  let scanned = 0;
  if (state.alive > (options.prefilterFrom ?? PREFILTER_FROM)) {
    const keep = options.prefilterKeep ?? Math.max(8192, K * 256);
    if (!Number.isInteger(keep) || keep < K) throw new SearchError('OPTIONS', `prefilterKeep must be an integer ≥ shortList, got ${String(keep)}`);
    const words = options.prefilterWords ?? PREFIX_WORDS;
    if (!Number.isInteger(words) || words < 1 || words > FILTER_WORDS) throw new SearchError('OPTIONS', `prefilterWords must be an integer 1–${FILTER_WORDS}, got ${String(words)}`);
    const pre = scan(state, probe, pos, words, null, keep);
    among = pre.slots;
    scanned = pre.scanned;
  }
  const top = scan(state, probe, pos, FILTER_WORDS, among, K);
  if (!among) scanned = top.scanned;
  const topSlot = top.slots;
  const topScore = top.scores;
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
