/**
 * serverless.yml's schedules are AWS expressions (`rate(5 minutes)`, `cron(0 12 * * ? *)`); a
 * FunctionGraph TIMER trigger takes `schedule_type` Rate with `5m` / `2h` / `1d`, or Cron with six
 * fields that start with seconds (`0 0 12 * * ?`). Converting here keeps one schedule per stage, in
 * serverless.yml, for both platforms.
 */

export interface TimerSchedule {
  schedule_type: 'Rate' | 'Cron';
  schedule: string;
}

const UNITS: Record<string, 'm' | 'h' | 'd'> = { minute: 'm', minutes: 'm', hour: 'h', hours: 'h', day: 'd', days: 'd' };

export function toTimerSchedule(expression: string): TimerSchedule {
  const expr = expression.trim();
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/i.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const unit = UNITS[rate[2]!.toLowerCase()];
    if (!unit) throw new Error(`schedule "${expression}": FunctionGraph rates are in minutes, hours or days`);
    if (n < 1) throw new Error(`schedule "${expression}": the rate must be at least 1`);
    return { schedule_type: 'Rate', schedule: `${n}${unit}` };
  }
  const cron = /^cron\((.*)\)$/i.exec(expr);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) throw new Error(`schedule "${expression}": an AWS cron expression has 6 fields`);
    const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
    if (year !== '*') throw new Error(`schedule "${expression}": FunctionGraph cron has no year field (use *)`);
    return { schedule_type: 'Cron', schedule: ['0', minutes, hours, dayOfMonth, month, dayOfWeek].join(' ') };
  }
  throw new Error(`schedule "${expression}" is neither rate(...) nor cron(...)`);
}
