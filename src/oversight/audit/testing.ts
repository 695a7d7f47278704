/**
 * Test support: hand-built case logs shaped like the agencies' events (kinds, summaries and
 * details as `src/agencies` writes them), for the cases the pipeline itself prevents — a hold
 * past its limit, a detainer on a verified US citizen, a jail that serves no copy.
 */
import type { LogEvent } from './project.ts';

export const H = 3_600_000;
export const ms = (iso: string) => Date.parse(iso);

/** Builds one case's events in order; every method appends one event at `at` (ISO or ms). */
export class CaseLogBuilder {
  readonly events: LogEvent[] = [];

  constructor(
    readonly caseId: string,
    readonly ori = 'TX1010000',
  ) {}

  private push(at: string | number, agency: string, kind: string, summary: string, details: Record<string, unknown> = {}): this {
    this.events.push({ caseId: this.caseId, at: typeof at === 'number' ? at : ms(at), agency, kind, summary, details });
    return this;
  }

  booked(at: string | number, charges: string[] = ['5399'], withOriDetail = true): this {
    return this.push(at, 'booking', 'booked', `Booked at Test County (${this.ori}) on ${charges.join(', ')}; CAR sent to the state bureau.`, withOriDetail ? { charges, ori: this.ori } : { charges });
  }

  criminalSearch(at: string | number, priorConvictions: number | null): this {
    return priorConvictions === null
      ? this.push(at, 'criminal-records', 'criminal-search', 'No FBI identification; new subject F1 enrolled.', { fbiNumber: 'F1', result: 'non-ident' })
      : this.push(at, 'criminal-records', 'criminal-search', `FBI identification: subject F1 (fused score 200), ${priorConvictions} prior conviction(s).`, { fbiNumber: 'F1', result: 'ident' });
  }

  iar(at: string | number, status: string, citizenshipIndications: string[] = []): this {
    return this.push(at, 'lesc', 'iar-sent', `IAR: status ${status}.`, { status, citizenshipIndications });
  }

  review(at: string | number, policyVersion: string, decision = 'detainer'): this {
    return this.push(at, 'field-office', 'review', `Field office review (iar) under ${policyVersion}: ${decision}.`, { decision, policyVersion });
  }

  issued(at: string | number, detainerId: string, extra: Record<string, unknown> = {}): this {
    return this.push(at, 'field-office', 'detainer-issued', `Detainer ${detainerId} (Form I-247 (12/11)) issued to the jail.`, { detainerId, ...extra });
  }

  received(at: string | number, detainerId: string, form = 'Form I-247 (12/11)'): this {
    return this.push(at, 'booking', 'detainer-received', `Detainer ${detainerId} (${form}) received; hold no longer than 48 h excluding weekends and holidays.`, { detainerId, policyVersion: '2011-12-29-detainer-form' });
  }

  copyServed(at: string | number, hotline: string | null = '(855) 448-6903'): this {
    return this.push(at, 'booking', 'detainer-copy-served', `Copy of the detainer served on the person, with the hotline ${hotline ?? '(none)'}.`, { hotline });
  }

  declined(at: string | number, detainerId: string): this {
    this.push(at, 'booking', 'detainer-declined', `Detainer ${detainerId} declined: the jurisdiction declines detainers except for serious offenses (09); none is charged.`, { participation: 'declines-detainers' });
    return this.push(at, 'field-office', 'detainer-declined', `The jail declined detainer ${detainerId}: the jurisdiction declines detainers except for serious offenses (09); none is charged.`);
  }

  /** The jail starts the hold: release due at `releaseDue`, expiry at `expiresAt` (as the jail computed it). */
  holdStarted(at: string | number, detainerId: string, releaseDue: number, expiresAt: number): this {
    this.push(at, 'booking', 'hold-started', `Release due …; held on detainer ${detainerId} until … at the latest.`, { releaseDue, holdExpiresAt: expiresAt, excluded: [] });
    return this.push(at, 'field-office', 'detainer-clock-started', 'Detainer clock started.', { expiresAt, timer: `detainer:${detainerId}:expiry` });
  }

  custody(at: string | number, detainerId: string): this {
    const t = typeof at === 'number' ? at : ms(at);
    this.push(t, 'field-office', 'custody-assumed', `ICE assumed custody on detainer ${detainerId}; the clock is stopped.`);
    return this.push(t, 'booking', 'custody-transferred', 'Released into ICE custody.');
  }

  /** The hold lapses: recorded at `at`, the jail writing down `claimedAt` as the release instant. */
  lapsed(at: string | number, detainerId: string, claimedAt?: number): this {
    const t = typeof at === 'number' ? at : ms(at);
    const claimed = claimedAt ?? t;
    this.push(t, 'booking', 'hold-lapsed', `The detainer hold lapsed at ${new Date(claimed).toISOString()} without ICE taking custody; the person must be released.`);
    this.push(t, 'booking', 'released', 'Released (hold-lapsed).', { at: claimed, detainerId });
    return this.push(t, 'field-office', 'detainer-ended', `Detainer ${detainerId}: the jail released the person (hold-lapsed); detainer lapsed.`);
  }

  /** The hold lapses at a jail that does not release at the lapse: the person stays, and the over-limit alert is raised. */
  lapsedStillHeld(at: string | number, detainerId: string, limitAt?: number): this {
    const t = typeof at === 'number' ? at : ms(at);
    const limit = limitAt ?? t;
    this.push(t, 'booking', 'hold-lapsed', `The detainer hold lapsed at ${new Date(limit).toISOString()} without ICE taking custody; the jail has not released the person.`, { detainerId, expiresAt: limit, stillHeld: true });
    return this.push(t, 'booking', 'over-limit-alert', `ALERT: held past the legal limit. The hold on detainer ${detainerId} lapsed at ${new Date(limit).toISOString()} and the person is still in the jail.`, { detainerId, limitAt: limit, releaseDue: null, lateByHours: Math.max(0, (t - limit) / H) });
  }

  /** The jail reports, at `at`, that it released the person at `releasedAt` (`reason` hold-lapsed after the lapse, reported-release before it). */
  reportedRelease(at: string | number, detainerId: string, releasedAt: number, reason = 'hold-lapsed'): this {
    const t = typeof at === 'number' ? at : ms(at);
    this.push(t, 'booking', 'released', `Released at ${new Date(releasedAt).toISOString()} (reported by the jail at ${new Date(t).toISOString()}).`, { at: releasedAt, detainerId, reason, reported: true, reportedAt: t, note: null });
    return this.push(t, 'field-office', 'detainer-ended', `Detainer ${detainerId}: the jail released the person (${reason}); detainer lapsed.`, { detainerId, state: reason === 'hold-lapsed' ? 'lapsed' : 'released-early', reason, at: releasedAt });
  }

  /** The jail reports, at `at`, that it handed the person over to ICE at `handedOverAt`. */
  reportedTransfer(at: string | number, detainerId: string, handedOverAt: number): this {
    const t = typeof at === 'number' ? at : ms(at);
    this.push(t, 'booking', 'custody-transferred', `Handed over to ICE at ${new Date(handedOverAt).toISOString()} (reported by the jail at ${new Date(t).toISOString()}).`, { detainerId, at: handedOverAt, reported: true, reportedAt: t, note: null });
    return this.push(t, 'field-office', 'detainer-ended', `Detainer ${detainerId}: the jail handed the person over to ICE (transferred-to-ice); detainer custody-assumed.`, { detainerId, state: 'custody-assumed', reason: 'transferred-to-ice', at: handedOverAt });
  }

  released(at: string | number, reason: string, detainerId: string | null, claimedAt?: number): this {
    const t = typeof at === 'number' ? at : ms(at);
    return this.push(t, 'booking', 'released', `Released (${reason}).`, { at: claimedAt ?? t, detainerId });
  }

  lifted(at: string | number, detainerId: string, reason = 'supervisor found a pending application'): this {
    this.push(at, 'field-office', 'detainer-lifted', `Detainer ${detainerId} lifted: ${reason}.`);
    return this.push(at, 'booking', 'detainer-lifted', `Detainer ${detainerId} lifted: ${reason}.`);
  }

  supervisorQueued(at: string | number): this {
    return this.push(at, 'field-office', 'supervisor-review-queued', 'Queued for supervisor review; no detainer.');
  }

  supervisorResolved(at: string | number, citizenship: 'verified' | 'not-verified', basis = 'naturalization'): this {
    return this.push(at, 'field-office', 'supervisor-review-resolved', `Supervisor review resolved: citizenship ${citizenship}. Checked.`, { resolution: { citizenship, basis, note: 'Checked.' } });
  }

  disposition(at: string | number, outcome: 'conviction' | 'dismissal', ncicCodes: string[] = ['5399']): this {
    const t = typeof at === 'number' ? at : ms(at);
    return this.push(t, 'booking', 'disposition', `${outcome === 'conviction' ? 'Convicted' : 'Dismissed'}: ${ncicCodes.join(', ')}.`, { outcome, ncicCodes, at: t });
  }
}
