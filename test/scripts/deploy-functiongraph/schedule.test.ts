/** AWS schedule expressions from serverless.yml become FunctionGraph TIMER schedules, or a clear error. */
import { describe, expect, it } from 'vitest';
import { toTimerSchedule } from '../../../scripts/deploy-functiongraph/schedule';

describe('toTimerSchedule', () => {
  it.each([
    ['rate(5 minutes)', '5m'],
    ['rate(1 minute)', '1m'],
    ['rate(2 hours)', '2h'],
    ['rate(1 day)', '1d'],
    [' rate( 10  minutes ) ', '10m'],
  ])('%s → Rate %s', (expr, schedule) => {
    expect(toTimerSchedule(expr)).toEqual({ schedule_type: 'Rate', schedule });
  });

  it('an AWS cron (minutes first, with a year) becomes a FunctionGraph cron (seconds first, no year)', () => {
    expect(toTimerSchedule('cron(0 12 * * ? *)')).toEqual({ schedule_type: 'Cron', schedule: '0 0 12 * * ?' });
    expect(toTimerSchedule('cron(15 2 ? * MON-FRI *)')).toEqual({ schedule_type: 'Cron', schedule: '0 15 2 ? * MON-FRI' });
  });

  it.each([
    ['rate(30 seconds)', /minutes, hours or days/],
    ['rate(0 minutes)', /at least 1/],
    ['cron(0 12 * * ? 2027)', /no year/],
    ['cron(0 12 * *)', /6 fields/],
    ['every 5 minutes', /neither rate/],
  ])('refuses %s', (expr, message) => {
    expect(() => toTimerSchedule(expr)).toThrow(message);
  });
});
