/**
 * Worker thread: renders one finger's master and impressions with the image generator, extracts
 * each impression with the project's extractor and writes the templates to the given files.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { extractTemplate } from '../src/biometrics/extract/index.ts';
import { impressionOf, masterForFinger } from '../src/biometrics/synth/index.ts';
import { encodeNativeTemplate } from '../src/biometrics/template/native.ts';
import { fingerKey, type FingerJob, type FingerTiming } from './synth-image-templates.ts';

parentPort?.on('message', (m: { job: FingerJob; files: string[] }) => {
  try {
    const { job, files } = m;
    let t = performance.now();
    const master = masterForFinger(`${job.seed}/person-${job.identity}`, job.position);
    const masterMs = performance.now() - t;
    const impressionMs: number[] = [];
    const extractMs: number[] = [];
    const minutiae: number[] = [];
    job.impressions.forEach((impression, k) => {
      t = performance.now();
      const image = impressionOf(master, impression);
      impressionMs.push(performance.now() - t);
      t = performance.now();
      const template = extractTemplate(image);
      extractMs.push(performance.now() - t);
      minutiae.push(template.minutiae.length);
      mkdirSync(dirname(files[k]), { recursive: true });
      // Write then rename, so a killed run never leaves a half-written template in the cache.
      writeFileSync(`${files[k]}.tmp`, encodeNativeTemplate(template));
      renameSync(`${files[k]}.tmp`, files[k]);
    });
    const r1 = (v: number) => Math.round(v * 10) / 10;
    const timing: FingerTiming = {
      key: fingerKey(job),
      masterMs: r1(masterMs),
      impressionMs: impressionMs.map(r1),
      extractMs: extractMs.map(r1),
      minutiae,
      patternClass: master.patternClass,
    };
    parentPort?.postMessage({ timing });
  } catch (e) {
    parentPort?.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
