import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareTemplates, prepareTemplate, THRESHOLD_FMR_0_1_PERCENT } from '../biometrics/compare/index.ts';
import { BiometricError } from '../biometrics/errors.ts';
import { extractTemplate } from '../biometrics/extract/index.ts';
import { encodeWsq } from '../biometrics/image/wsq/index.ts';
import { synthesizeFinger } from '../biometrics/synth/index.ts';
import { buildTransaction, fingerprintBinaryRecord } from './build.ts';
import { fingerprintImagesOf, type FingerprintImage } from './fingerprints.ts';
import { parseTransaction } from './index.ts';

const CARD = '/work/shared/data/ansi-nist/nist-reference/type-4-tpcard.an2';
const THUMBS = '/work/shared/data/ansi-nist/nist-reference/type-4-14-slaps.an2';
const haveData = existsSync(CARD) && existsSync(THUMBS);
if (!haveData) console.warn(`skipping the real ten-print card tests: ${CARD} is not present (a fresh clone has no shared data)`);

const T1 = { transactionType: 'CAR', date: '20260101', destinationAgency: 'DAI', originatingAgency: 'ORI', controlNumber: 'TCN1', nominalTransmittingResolution: '19.69' };

describe('fingerprintImagesOf on built transactions', { timeout: 60_000 }, () => {
  const finger = synthesizeFinger('fingerprints-test', 2, 0, { impression: { width: 256, height: 320 } });
  const wsq = encodeWsq(finger, { bitrate: 2.25 });

  it('decodes WSQ and raw images at the record’s resolution, and reports a damaged image without losing the others', () => {
    const damaged = wsq.slice(0, 200);
    const t = buildTransaction(T1, [
      fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [2], width: finger.width, height: finger.height, compression: 1, data: wsq }),
      fingerprintBinaryRecord({ idc: 2, impression: 1, fingerPositions: [3], width: finger.width, height: finger.height, compression: 1, data: damaged }),
      fingerprintBinaryRecord({ idc: 3, impression: 0, fingerPositions: [11], width: finger.width, height: finger.height, compression: 0, data: finger.pixels }),
    ]);
    const items = fingerprintImagesOf(t);
    expect(items.map((i) => [i.recordIndex, i.position, i.ok])).toEqual([
      [1, 2, true],
      [2, 3, false],
      [3, 11, true],
    ]);
    const [wsqItem, bad, raw] = items;
    expect(wsqItem.ok && wsqItem.source).toBe('rolled');
    expect(wsqItem.ok && wsqItem.image.ppi).toBe(500);
    expect(raw.ok && raw.source).toBe('plain');
    expect(raw.ok && raw.finger).toBe(1);
    expect(raw.ok && Array.from(raw.image.pixels)).toEqual(Array.from(finger.pixels));
    expect(!bad.ok && bad.error).toBeInstanceOf(BiometricError);
  });

  it('gives a typed failure for an image format it does not decode', () => {
    const t = buildTransaction(T1, [fingerprintBinaryRecord({ idc: 1, impression: 1, fingerPositions: [1], width: 10, height: 10, compression: 4, data: new Uint8Array(10) })]);
    const [item] = fingerprintImagesOf(t);
    expect(item.ok).toBe(false);
    expect(!item.ok && item.error).toBeInstanceOf(BiometricError);
  });
});

describe.skipIf(!haveData)('fingerprintImagesOf on the real ten-print card', { timeout: 120_000 }, () => {
  const card = haveData ? parseTransaction(new Uint8Array(readFileSync(CARD))) : undefined;

  it('decodes all 14 images at 500 ppi with their positions (whole slaps kept)', () => {
    const items = fingerprintImagesOf(card!, { segment: false });
    expect(items.every((i) => i.ok)).toBe(true);
    const ok = items as FingerprintImage[];
    expect(ok.map((i) => i.position).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(ok.every((i) => i.image.ppi === 500 && i.resolutionFrom === 'record')).toBe(true);
    expect(ok.filter((i) => i.source === 'rolled').map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ok.find((i) => i.position === 13)?.image.width).toBe(1572);
  });

  it('splits each four-finger slap into four fingertips with positions 2–5 and 7–10', () => {
    const items = fingerprintImagesOf(card!) as FingerprintImage[];
    expect(items.every((i) => i.ok)).toBe(true);
    const segments = items.filter((i) => i.source === 'slap-segment');
    expect(segments.filter((s) => s.slapPosition === 13).map((s) => s.position)).toEqual([2, 3, 4, 5]);
    expect(segments.filter((s) => s.slapPosition === 14).map((s) => s.position)).toEqual([10, 9, 8, 7]);
    expect(items.some((i) => i.position === 13 || i.position === 14)).toBe(false);
  });

  it('matches each slap fingertip best to the rolled print of its own finger', () => {
    const items = fingerprintImagesOf(card!) as FingerprintImage[];
    const rolled = new Map(items.filter((i) => i.source === 'rolled').map((i) => [i.position, prepareTemplate(extractTemplate(i.image))]));
    const lines: string[] = [];
    let strictlyFirst = 0;
    let worstOther = 0;
    for (const seg of items.filter((i) => i.source === 'slap-segment')) {
      const probe = prepareTemplate(extractTemplate(seg.image));
      const scores = [...rolled].map(([p, t]) => [p, compareTemplates(probe, t)] as const);
      const own = scores.find(([p]) => p === seg.position)![1];
      const bestOther = Math.max(...scores.filter(([p]) => p !== seg.position).map(([, s]) => s));
      lines.push(`${seg.position}: own ${own.toFixed(1)}, best other ${bestOther.toFixed(1)} | ${scores.map(([p, v]) => `${p}:${v.toFixed(0)}`).join(' ')}`);
      if (own > bestOther) strictlyFirst++;
      worstOther = Math.max(worstOther, bestOther);
    }
    console.info(`slap fingertip vs rolled prints (calibrated scores):\n${lines.join('\n')}`);
    // The extractor is still being improved, so the assertion is the weaker one: the own finger
    // ranks first for at least 5 of the 8 fingertips, and no fingertip matches a wrong finger at
    // the FMR 0.1 % threshold. (At FMR 1 % about 0.7 of these 72 non-mated comparisons would be
    // expected to pass, so that threshold makes a flaky test. The right index is half hidden by a
    // punched hole and the right little is small; the extractor finds too few minutiae there.)
    expect(strictlyFirst, lines.join('\n')).toBeGreaterThanOrEqual(5);
    expect(worstOther, lines.join('\n')).toBeLessThan(THRESHOLD_FMR_0_1_PERCENT);
  });

  it('splits the both-thumbs slap 15 into left thumb 6 and right thumb 1', () => {
    const t = parseTransaction(new Uint8Array(readFileSync(THUMBS)));
    const segments = (fingerprintImagesOf(t) as FingerprintImage[]).filter((i) => i.slapPosition === 15);
    expect(segments.map((s) => s.position)).toEqual([6, 1]);
  });
});
