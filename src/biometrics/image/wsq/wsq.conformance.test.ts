import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../png.ts';
import { decodeWsq, readWsqInfo } from './index.ts';
import { extractType4Wsq, maxAbsDiff } from './test-support.ts';

const DATA = new URL('../../../../../shared/data/', import.meta.url).pathname;
const HAVE_DATA = existsSync(`${DATA}wsq/sample.wsq`);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(`${DATA}${path}`));

describe.skipIf(!HAVE_DATA)(`WSQ conformance against the reference decodes${HAVE_DATA ? '' : ' (skipped: ../shared/data is not present in this checkout)'}`, () => {
  it('decodes sample.wsq to within one grey level of sample.png', () => {
    const image = decodeWsq(read('wsq/sample.wsq'));
    const reference = decodePng(read('wsq/sample.png'));
    expect([image.width, image.height, image.ppi]).toEqual([reference.width, reference.height, 500]);
    expect(maxAbsDiff(image.pixels, reference.pixels)).toBeLessThanOrEqual(1);
  });

  it('reads the frame header and NISTCOM of sample.wsq without decoding pixels', () => {
    const info = readWsqInfo(read('wsq/sample.wsq'));
    expect(info.frame.width).toBe(545);
    expect(info.frame.height).toBe(622);
    expect(info.nistcom?.get('WSQ_BITRATE')).toBe('0.750000');
  });

  it('decodes the 14 Type-4 WSQ images of the NIST ten-print reference to within one grey level, numbered by finger position', () => {
    const records = extractType4Wsq(read('ansi-nist/nist-reference/type-4-tpcard.an2'));
    expect(records).toHaveLength(14);
    const seen = new Set<number>();
    for (const record of records) {
      expect(record.compression).toBe(1); // WSQ
      const image = decodeWsq(record.data);
      const reference = decodePng(read(`ansi-nist/decoded/fp-${record.fingerPosition}.png`));
      expect([image.width, image.height]).toEqual([reference.width, reference.height]);
      expect(maxAbsDiff(image.pixels, reference.pixels), `finger position ${record.fingerPosition}`).toBeLessThanOrEqual(1);
      seen.add(record.fingerPosition);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });
});
