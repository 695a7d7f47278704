// Worker-thread entry: worker threads do not inherit the parent's tsx loader, so register it
// here (as bin/seccom.js does) and then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./search-worker.ts');
