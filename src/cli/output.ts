/**
 * The one output contract of every `--json` (docs/output.md):
 *
 * - the top level is always an object; a list is `{ "items": [...], "count": N, "next": cursor|null }`;
 * - an instant is never bare epoch milliseconds: it is
 *   `{ "local": "2013-01-15T09:00:00-06:00", "utc": "2013-01-15T15:00:00.000Z", "zone": "America/Chicago" }`,
 *   in the time zone of the place it happened (the jurisdiction of the record it belongs to),
 *   or UTC where no place applies.
 *
 * Which numbers are instants: a field named `at` or ending in `At`, and any number in the
 * epoch-millisecond range of the years 2000–2099 (no count, size or duration this program
 * reports comes near 10^12). A field named `…Ms` that holds an instant loses the suffix
 * (`fromMs` → `from`). Which zone: the nearest enclosing object's `timeZone`, else the zone of
 * its `ori` (from the store's jurisdictions), else the caller's default.
 */

/*
 * Local times are written here with Intl alone rather than with the detainer clock's
 * `formatLocal` (which reads offsets through temporal-polyfill): every command prints through
 * this module, and loading the polyfill would slow the start of each one (bench/cli-startup).
 * output.test.ts checks the two agree on random instants and zones.
 */
const wallFormatters = new Map<string, Intl.DateTimeFormat>();
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2013-01-15T09:00:00-06:00` (milliseconds and offset seconds only when not zero). */
export function localIso(ms: number, zone: string): string {
  let f = wallFormatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', era: 'short' });
    wallFormatters.set(zone, f);
  }
  const part: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) part[p.type] = p.value;
  const year = part.era === 'BC' || part.era === 'B' ? 1 - Number(part.year) : Number(part.year);
  const whole = Math.floor(ms / 1000) * 1000;
  const d = new Date(0);
  d.setUTCFullYear(year, Number(part.month) - 1, Number(part.day)); // not Date.UTC, which reads years 0–99 as 1900–1999
  d.setUTCHours(Number(part.hour), Number(part.minute), Number(part.second), ms - whole);
  const wall = d.getTime();
  const offset = wall - ms;
  const abs = Math.abs(Math.round(offset / 1000));
  const off = `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}${abs % 60 === 0 ? '' : `:${pad(abs % 60)}`}`;
  const msPart = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}`;
  const y = d.getUTCFullYear();
  const yyyy = y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
  return `${yyyy}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${msPart}${off}`;
}

export interface JsonInstant {
  local: string;
  utc: string;
  zone: string;
}

export interface OutputOptions {
  /** Zone for instants that belong to no located record (default UTC). */
  zone?: string;
  /** Time zone of each jurisdiction by ORI. */
  zones?: ReadonlyMap<string, string>;
}

/** Epoch milliseconds of 2000-01-01 and 2100-01-01 (UTC). */
const EPOCH_2000 = 946_684_800_000;
const EPOCH_2100 = 4_102_444_800_000;

const isInstantKey = (key: string) => key === 'at' || /[a-z0-9]At$/.test(key);
const inInstantRange = (n: number) => Number.isInteger(n) && n >= EPOCH_2000 && n < EPOCH_2100;

export function jsonInstant(ms: number, zone = 'UTC'): JsonInstant {
  return { local: localIso(ms, zone), utc: new Date(ms).toISOString(), zone };
}

function zoneOf(value: Record<string, unknown>, inherited: string, zones: ReadonlyMap<string, string> | undefined): string {
  if (typeof value.timeZone === 'string' && value.timeZone) return value.timeZone;
  if (typeof value.ori === 'string' && zones?.has(value.ori)) return zones.get(value.ori)!;
  return inherited;
}

function convert(value: unknown, key: string | undefined, zone: string, zones: ReadonlyMap<string, string> | undefined): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && ((key !== undefined && isInstantKey(key) && Number.isInteger(value) && Math.abs(value) < 8.64e15) || inInstantRange(value))) return jsonInstant(value, zone);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return jsonInstant(value.getTime(), zone);
  if (Array.isArray(value)) return value.map((v) => convert(v, undefined, zone, zones));
  if (value instanceof Map) return convert(Object.fromEntries(value), key, zone, zones);
  if (value instanceof Set) return convert([...value], key, zone, zones);
  if (ArrayBuffer.isView(value)) return value;
  const record = value as Record<string, unknown>;
  const here = zoneOf(record, zone, zones);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const converted = convert(v, k, here, zones);
    // An instant under a `…Ms` name loses the suffix, unless the shorter name is taken.
    const stripped = k.slice(0, -2);
    const isInstantMs = typeof v === 'number' && converted !== v && /[a-z]Ms$/.test(k) && !(stripped in record);
    out[isInstantMs ? stripped : k] = converted;
  }
  return out;
}

/** The contract's form of a value: instants converted, the top level an object (a list enveloped). */
export function toOutputJson(value: unknown, options: OutputOptions = {}): Record<string, unknown> {
  const zone = options.zone ?? 'UTC';
  const top = Array.isArray(value) ? { items: value, count: value.length, next: null } : value;
  const converted = convert(top, undefined, zone, options.zones);
  if (converted === null || typeof converted !== 'object' || Array.isArray(converted)) return { value: converted };
  return converted as Record<string, unknown>;
}

/** A page of a list in the contract's envelope. */
export function listEnvelope<T>(items: readonly T[], extra: { next?: string | null } & Record<string, unknown> = {}): { items: readonly T[]; count: number; next: string | null } & Record<string, unknown> {
  return { ...extra, items, count: items.length, next: extra.next ?? null };
}

/** Writes one JSON document in the contract's form to stdout. */
export function printJson(value: unknown, options: OutputOptions = {}): void {
  process.stdout.write(`${JSON.stringify(toOutputJson(value, options), null, 2)}\n`);
}
