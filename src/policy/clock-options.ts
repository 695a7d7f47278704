/**
 * The detainer-clock options a dated policy version prescribes: its hold limit and its reading
 * of "holidays". The pipeline computes every hold with these, for the version that decided the
 * detainer, so a version that reads holidays otherwise changes the clock with it.
 */
import type { DetainerClockOptions } from './detainer-clock.ts';
import type { PolicyVersion } from './schema.ts';

export function detainerClockOptions(version: PolicyVersion): Required<Pick<DetainerClockOptions, 'holidayDates' | 'limitHours'>> {
  const form = version.detainers.form;
  return { holidayDates: form.holidays.dates, limitHours: form.holdLimitHours };
}
