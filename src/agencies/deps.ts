import type { Clock } from '../platform/clock/index.ts';
import type { Attachments, IdGenerator, Outbox } from '../platform/messaging/index.ts';
import type { AnyTransaction } from '../platform/store/index.ts';
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
  /** Large bytes carried by reference (the CAR's EBTS transaction). */
  attachments: Attachments;
  timers: Timers;
  policy: PolicyBundle;
  jurisdictions: Jurisdictions;
  extractor: TemplateExtractor;
}

/**
 * How an agency sends a message: in a handler, `ctx.send` (the dispatcher writes it with its
 * batch and may deliver it in the same transaction); in a command, the outbox directly
 * (`commandSend`). Either way in the caller's transaction.
 */
export type Send = (m: { type: string; to: string; from?: string; correlationId?: string; payload: unknown; attachment?: string }) => Promise<unknown>;

/** `Send` for commands: straight into the outbox in `trx`; the case is the payload's `caseId` unless given. */
export const commandSend =
  (deps: Pick<AgencyDeps, 'outbox'>, trx: AnyTransaction, from: string): Send =>
  (m) =>
    deps.outbox.enqueue(trx, { ...m, from: m.from ?? from, correlationId: m.correlationId ?? (m.payload as { caseId: string }).caseId });

export interface RecordsDeps extends AgencyDeps {
  search: TenprintSearch;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export const localDate = (ms: number, timeZone: string): string => formatLocal(ms, timeZone).slice(0, 10);

/** YYYY-MM-DD of a CCYYMMDD date. */
export const isoOfEbtsDate = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
