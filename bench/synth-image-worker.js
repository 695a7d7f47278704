// Worker-thread entry for bench/synth-image-templates.ts: worker threads do not inherit the
// parent's tsx loader, so register it here and then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./synth-image-worker-impl.ts');
