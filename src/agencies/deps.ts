import type { Clock } from '../platform/clock/index.ts';
import type { IdGenerator, Outbox } from '../platform/messaging/index.ts';
import type { Timers } from '../platform/timers/index.ts';
import type { PolicyBundle } from '../policy/index.ts';
import { formatLocal } from '../policy/detainer-clock.ts';
import type { Jurisdictions } from './jurisdictions/index.ts';
import type { TemplateExtractor, TenprintSearch } from './tenprint/index.ts';

/** What every agency module is built from; all side effects and time come in here. */
export interface AgencyDeps {
  clock: Clock;
  ids: IdGenerator;
  outbox: Outbox;
  timers: Timers;
  policy: PolicyBundle;
  jurisdictions: Jurisdictions;
  extractor: TemplateExtractor;
}

export interface RecordsDeps extends AgencyDeps {
  search: TenprintSearch;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export const localDate = (ms: number, timeZone: string): string => formatLocal(ms, timeZone).slice(0, 10);

/** YYYY-MM-DD of a CCYYMMDD date. */
export const isoOfEbtsDate = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
