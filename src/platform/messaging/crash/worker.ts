// One life of the crash-test process: node --import tsx worker.ts <sqlite file> <items>
// Seeds what is not seeded yet, runs dispatcher and timers until every item is through, prints
// "done" and exits 0. It prints `progress <n>`: first the effects on record, then one more for each
// message its handlers handle (inside the delivery transactions, before they commit); the harness
// SIGKILLs it when n reaches a planned kill point (work done, not time) and starts it again.
import { systemClock } from '../../clock/index.ts';
import { openStore } from '../../store/index.ts';
import { createIdGenerator, systemRandom } from '../ids.ts';
import { createPipeline } from './pipeline.ts';

const [path, itemsText] = process.argv.slice(2);
const items = Number(itemsText);
if (!path || !Number.isInteger(items) || items <= 0) {
  console.error('usage: worker.ts <sqlite file> <items>');
  process.exit(2);
}

// Ids must stay unique across restarts, so they take OS randomness, not a seeded stream.
const store = await openStore({ kind: 'sqlite', path });
let handled = 0;
const pipeline = await createPipeline(store, systemClock, createIdGenerator(systemClock, systemRandom()), 20, () => console.log(`progress ${++handled}`));
handled = await pipeline.progress();
console.log(`progress ${handled}`);
const fail = (error: unknown) => {
  console.error(error);
  process.exit(1);
};
pipeline.dispatcher.start();
pipeline.scheduler.start();
await pipeline.seed(items).catch(fail);
pipeline.dispatcher.notify();
console.log('ready');
for (;;) {
  if (await pipeline.finished(items)) break;
  await new Promise((r) => setTimeout(r, 20));
}
await pipeline.dispatcher.stop();
await pipeline.scheduler.stop();
await store.close();
console.log('done');
