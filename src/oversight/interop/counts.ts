/**
 * The interoperability counts as a facts subscriber: each fact contributes one count to
 * (its jurisdiction, the month of the stage in the jurisdiction's zone, a measure) per stage
 * reached. A batch's changes are applied as differences (after − before), so incremental
 * updates and a rebuild write the same table (`oversight_interop_counts`).
 */
import { sql } from 'kysely';
import { tablesOf, type AnyTransaction } from '../../platform/store/index.ts';
import type { FactChange, FactsSubscriber } from '../facts/projection.ts';
import type { OversightTables } from '../facts/tables.ts';
import type { CaseFact, LevelCategory, Registry } from '../facts/types.ts';
import { monthIndex, monthKeyOfIndex } from './periods.ts';

/** The stored measures (the cells of the published table, before totals). */
export const MEASURES = [
  'submissions',
  'matches:level-1',
  'matches:other',
  'arrests:level-1',
  'arrests:level-2',
  'arrests:level-3',
  'arrests:non-criminal',
  'removals:level-1',
  'removals:level-2',
  'removals:level-3',
  'removals:non-criminal',
] as const;
export type Measure = (typeof MEASURES)[number];

/** The jurisdiction key of facts whose events never named an ORI. */
export const UNATTRIBUTED = '(unattributed)';

const arrestMeasure: Record<LevelCategory, Measure> = { 'level-1': 'arrests:level-1', 'level-2': 'arrests:level-2', 'level-3': 'arrests:level-3', 'non-criminal': 'arrests:non-criminal' };
const removalMeasure: Record<LevelCategory, Measure> = { 'level-1': 'removals:level-1', 'level-2': 'removals:level-2', 'level-3': 'removals:level-3', 'non-criminal': 'removals:non-criminal' };

/** The (ori, month, measure) keys a fact counts in. */
export function contributions(f: CaseFact, registry: Registry): string[] {
  // The fact's own ORI (registered or not), so a later registry change cannot make `before` differ from what was counted.
  const ori = f.ori ?? UNATTRIBUTED;
  const zone = registry.get(ori)?.timeZone ?? null;
  const key = (t: number, m: Measure) => `${ori}\u0000${monthKeyOfIndex(monthIndex(t, zone))}\u0000${m}`;
  const out: string[] = [];
  if (f.identSearchedAt !== null) out.push(key(f.identSearchedAt, 'submissions'));
  if (f.identifiedAt !== null) out.push(key(f.identifiedAt, f.levelAtIdentification === 'level-1' ? 'matches:level-1' : 'matches:other'));
  if (f.iceCustodyAt !== null) out.push(key(f.iceCustodyAt, arrestMeasure[f.levelAtIceCustody ?? 'non-criminal']));
  if (f.removedAt !== null) out.push(key(f.removedAt, removalMeasure[f.levelAtRemoval ?? 'non-criminal']));
  return out;
}

export const INTEROP_SUBSCRIBER = 'interop-counts';

/** The subscriber to pass to `updateFacts`/`rebuildFacts`. */
export function interopCounts(): FactsSubscriber {
  let pending = new Map<string, number>();
  return {
    name: INTEROP_SUBSCRIBER,
    async clear(trx: AnyTransaction) {
      await tablesOf<OversightTables>(trx).deleteFrom('oversight_interop_counts').execute();
    },
    collect(changes: readonly FactChange[], registry: Registry) {
      for (const c of changes) {
        if (c.before !== null) for (const k of contributions(c.before, registry)) pending.set(k, (pending.get(k) ?? 0) - 1);
        for (const k of contributions(c.after, registry)) pending.set(k, (pending.get(k) ?? 0) + 1);
      }
    },
    async flush(trx: AnyTransaction) {
      const rows = [...pending].filter(([, d]) => d !== 0).map(([k, d]) => {
        const [ori, month, measure] = k.split('\u0000');
        return { ori, month, measure, count: d };
      });
      pending = new Map();
      const t = tablesOf<OversightTables>(trx);
      for (let i = 0; i < rows.length; i += 500) {
        await t
          .insertInto('oversight_interop_counts')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.columns(['ori', 'month', 'measure']).doUpdateSet((eb) => ({ count: sql<number>`${eb.ref('oversight_interop_counts.count')} + ${eb.ref('excluded.count')}` })))
          .execute();
      }
      await t.deleteFrom('oversight_interop_counts').where('count', '=', 0).execute();
    },
    discard() {
      pending = new Map();
    },
  };
}
