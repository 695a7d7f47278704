/**
 * The FVC protocol over a set of `F_I.<ext>` samples (finger F, impression I): genuine pairs
 * are every unordered pair of impressions of the same finger; impostor pairs are every
 * unordered pair of samples of different fingers. (FVC2002 sets B: 10 fingers × 8 impressions
 * → 280 genuine and 2,880 impostor pairs.)
 */
export interface FvcSample {
  /** File name as found, e.g. `101_3.tif`. */
  name: string;
  finger: string;
  impression: number;
}

const SAMPLE_NAME = /^([A-Za-z0-9-]+)_(\d+)\.([A-Za-z0-9]+)$/;

/** Parses `F_I.ext`; returns undefined for names that do not follow the convention. */
export function parseSampleName(name: string): FvcSample | undefined {
  const m = SAMPLE_NAME.exec(name);
  if (!m) return undefined;
  return { name, finger: m[1], impression: Number(m[2]) };
}

export interface FvcPairs {
  genuine: Array<[number, number]>;
  impostor: Array<[number, number]>;
}

/** Index pairs into `samples`, each unordered pair once, in a stable order. */
export function fvcPairs(samples: readonly FvcSample[]): FvcPairs {
  const genuine: Array<[number, number]> = [];
  const impostor: Array<[number, number]> = [];
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) {
      (samples[a].finger === samples[b].finger ? genuine : impostor).push([a, b]);
    }
  }
  return { genuine, impostor };
}

/** Sorts samples by finger then impression, so runs and reports are reproducible. */
export function sortSamples(samples: FvcSample[]): FvcSample[] {
  return samples.sort((x, y) => (x.finger === y.finger ? x.impression - y.impression : x.finger < y.finger ? -1 : 1));
}
