import { createHash } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import type { Clock } from '../clock/index.ts';
import { preparedStatement, tablesOf, type AnyDatabase, type AnyTransaction, type StoreKind } from '../store/index.ts';
import type { MessagingTables } from './tables.ts';

/**
 * Content-addressed attachments: large bytes (an EBTS transaction with its fingerprint images)
 * written once and passed between agencies by their SHA-256 (`Message.attachment`) instead of
 * inside every message's JSON payload.
 *
 * Lifetime: an attachment lives while something needs it —
 * - an outbox message that carries it and is not delivered yet (pending, or dead and so
 *   possibly redriven), or
 * - a hold: a module that must keep the bytes for later (`hold` / `release`, e.g. the state
 *   bureau keeping a submission's prints until the immigration search is done).
 * The dispatcher collects the attachments of the messages it delivers, `release` collects the
 * one released: whatever nothing needs any more is deleted in that same transaction. Delivered
 * outbox rows keep only the hash, so erasing really erases.
 *
 * Exactly once / crash safety: `put` writes in the caller's transaction, which must be the one
 * that enqueues the first message carrying the hash — so the message exists if and only if its
 * bytes do. Timer messages must not carry attachments (a pending timer is not a reference).
 */
export interface Attachments {
  /** Stores `bytes` (once per content) in the caller's transaction; returns the SHA-256 (hex). */
  put(trx: AnyTransaction, bytes: Uint8Array): Promise<string>;
  /** The bytes of `hash`; throws AttachmentMissingError when they are not (or no longer) stored. */
  get(db: AnyDatabase, hash: string): Promise<Uint8Array>;
  /** Keeps `hash` alive for `holder` until released (idempotent). */
  hold(trx: AnyTransaction, hash: string, holder: string): Promise<void>;
  /**
   * Drops `holder`'s hold; the bytes are deleted if nothing else needs them — at once, or, in a
   * dispatcher's delivery transaction, when it ends (after the messages the handlers sent are
   * written, so a message sent earlier in the same transaction still counts).
   */
  release(trx: AnyTransaction, hash: string, holder: string): Promise<void>;
}

export class AttachmentMissingError extends Error {
  constructor(readonly hash: string) {
    super(`attachment ${hash} is not stored (never written, or already erased)`);
    this.name = 'AttachmentMissingError';
  }
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const HASH = /^[0-9a-f]{64}$/;

export function createAttachments({ kind, clock }: { kind: StoreKind; clock: Clock }): Attachments {
  return {
    async put(trx, bytes) {
      const hash = sha256Hex(bytes);
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // On PostgreSQL the per-attachment lock orders this write against a concurrent collection
      // of the same content (see collectAttachments); lock and insert in one round trip.
      await (kind === 'postgres' ? putLocked : putAttachment).execute(trx, { hash, bytes: buffer, size: bytes.byteLength, created_at: clock.now() });
      return hash;
    },
    async get(db, hash) {
      const row = HASH.test(hash) ? (await attachmentBytes.rows(db, hash))[0] : undefined;
      if (!row) throw new AttachmentMissingError(hash);
      return new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
    },
    async hold(trx, hash, holder) {
      await holdAttachment.execute(trx, { hash, holder, held_at: clock.now() });
    },
    async release(trx, hash, holder) {
      await releaseHold.execute(trx, { hash, holder });
      const later = deferred.get(trx);
      if (later) later.add(hash);
      else await collectAttachments(trx, kind, [hash]);
    },
  };
}

/** Transactions whose collection waits for their end (the dispatcher's), with the hashes released meanwhile. */
const deferred = new WeakMap<object, Set<string>>();

/** From now on, releases in `trx` are collected by `endDeferredCollection`. */
export function deferCollection(trx: AnyTransaction): void {
  deferred.set(trx, new Set());
}

/** The hashes released in `trx` since `deferCollection`, to collect now; stops deferring. */
export function endDeferredCollection(trx: AnyTransaction): string[] {
  const hashes = [...(deferred.get(trx) ?? [])];
  deferred.delete(trx);
  return hashes;
}

/**
 * Deletes those of `hashes` that no undelivered message carries and nobody holds; returns how
 * many were deleted. Runs in the caller's transaction (the dispatcher's, after it marked the
 * messages delivered).
 */
export async function collectAttachments(trx: AnyTransaction, kind: StoreKind, hashes: readonly string[]): Promise<number> {
  const unique = [...new Set(hashes)].sort();
  if (unique.length === 0) return 0;
  if (kind === 'postgres') await lockAttachments.execute(trx, unique);
  const r = await deleteUnneeded.execute(trx, unique);
  return Number(r.numAffectedRows ?? 0n);
}

type AttachmentRow = MessagingTables['message_attachments'];

const putAttachment = preparedStatement<AttachmentRow>((db, p) =>
  tablesOf<MessagingTables>(db)
    .insertInto('message_attachments')
    .values({ hash: p((a) => a.hash), bytes: p((a) => a.bytes), size: p((a) => a.size), created_at: p((a) => a.created_at) })
    .onConflict((oc) => oc.column('hash').doNothing()),
);

const putLocked = preparedStatement<AttachmentRow>((db, p) =>
  sql`insert into message_attachments (hash, bytes, size, created_at)
    select ${p((a) => a.hash)}::text, ${p((a) => a.bytes)}::bytea, ${p((a) => a.size)}::integer, ${p((a) => a.created_at)}::bigint
    from (select pg_advisory_xact_lock(hashtext(${p((a) => `attachment:${a.hash}`)}))) as per_attachment_lock
    on conflict (hash) do nothing`.compile(db),
);

const attachmentBytes = preparedStatement<string, { bytes: Buffer }>((db, p) => tablesOf<MessagingTables>(db).selectFrom('message_attachments').select('bytes').where('hash', '=', p((hash) => hash)));

const holdAttachment = preparedStatement<MessagingTables['message_attachment_holds']>((db, p) =>
  tablesOf<MessagingTables>(db)
    .insertInto('message_attachment_holds')
    .values({ hash: p((a) => a.hash), holder: p((a) => a.holder), held_at: p((a) => a.held_at) })
    .onConflict((oc) => oc.columns(['hash', 'holder']).doNothing()),
);

const releaseHold = preparedStatement<{ hash: string; holder: string }>((db, p) =>
  tablesOf<MessagingTables>(db)
    .deleteFrom('message_attachment_holds')
    .where('hash', '=', p((a) => a.hash))
    .where('holder', '=', p((a) => a.holder)),
);

const lockAttachments = preparedStatement<readonly string[]>((db, p) => sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${p((hashes) => hashes.map((h) => `attachment:${h}`))}::text[]) as k order by k`.compile(db));

const deleteUnneeded = preparedStatement<readonly string[]>(
  (db, p, n) =>
    tablesOf<MessagingTables>(db)
      .deleteFrom('message_attachments')
      .where(
        'hash',
        'in',
        Array.from({ length: n }, (_, i) => p((hashes) => hashes[i])),
      )
      .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox_messages')
            .select('outbox_messages.seq')
            .whereRef('outbox_messages.attachment', '=', 'message_attachments.hash')
            // A literal, so that the partial index outbox_messages_attachment_waiting applies.
            .where(sql<SqlBool>`outbox_messages.state <> 'delivered'`),
        ),
      ),
    )
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('message_attachment_holds').select('message_attachment_holds.hash').whereRef('message_attachment_holds.hash', '=', 'message_attachments.hash')))),
  (hashes) => hashes.length,
);
