/**
 * What started a sweep, and the per-run override it carries:
 * - FunctionGraph TIMER: `{version, time, trigger_type: 'TIMER', trigger_name, user_event}`;
 *   `user_event` is a string, and when it parses as a JSON object its `namespaces` and
 *   `labelSelector` override the configuration (other text is a label for humans: ignored).
 * - EventBridge "Scheduled Event": no override.
 * - Anything else that is an object with `namespaces` / `labelSelector` (an EventBridge rule's
 *   constant input, a manual invoke): the same override. No event at all: a plain sweep.
 * An override that is present but wrong fails fast: sweeping the configured namespaces instead
 * would hide the mistake.
 */
import * as z from 'zod/mini';
import { AppError, type FieldIssue } from '../core/errors';
import { formatIssues } from '../patch/schema';
import { namespaceIssues, type SweepOverride } from '../sweep/config';

export type TriggerKind = 'timer' | 'schedule' | 'direct';

export interface SweepTrigger {
  kind: TriggerKind;
  override: SweepOverride;
  /** A TIMER user_event that is not a JSON object (kept for the log). */
  ignoredUserEvent?: string;
}

const OverrideSchema = z.looseObject({
  namespaces: z.optional(z.array(z.string()).check(z.minLength(1), z.maxLength(1000))),
  labelSelector: z.optional(z.string().check(z.maxLength(4096))),
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(errors: FieldIssue[]): AppError {
  return new AppError(400, 'invalid-sweep-override', 'The trigger\'s sweep override ("namespaces", "labelSelector") is invalid', {
    errors,
    retryable: false,
  });
}

export function parseOverride(value: Record<string, unknown>, path: string): SweepOverride {
  const r = OverrideSchema.safeParse(value);
  if (!r.success) throw invalid(formatIssues(r.error.issues).map((i) => ({ ...i, path: path + i.path })));
  const out: SweepOverride = {};
  if (r.data.namespaces !== undefined) {
    const issues = namespaceIssues(r.data.namespaces, `${path}/namespaces`);
    if (issues.length > 0) throw invalid(issues);
    out.namespaces = r.data.namespaces;
  }
  if (r.data.labelSelector !== undefined) out.labelSelector = r.data.labelSelector;
  return out;
}

export function parseSweepTrigger(event: unknown): SweepTrigger {
  if (!isObject(event)) return { kind: 'direct', override: {} };
  if (event['trigger_type'] === 'TIMER') {
    const userEvent = event['user_event'];
    if (typeof userEvent !== 'string' || userEvent.trim() === '') return { kind: 'timer', override: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(userEvent);
    } catch {
      return { kind: 'timer', override: {}, ignoredUserEvent: userEvent.slice(0, 200) };
    }
    if (!isObject(parsed)) return { kind: 'timer', override: {}, ignoredUserEvent: userEvent.slice(0, 200) };
    return { kind: 'timer', override: parseOverride(parsed, '/user_event') };
  }
  if (event['detail-type'] === 'Scheduled Event' || event['source'] === 'aws.events' || event['source'] === 'aws.scheduler') {
    return { kind: 'schedule', override: {} };
  }
  if ('namespaces' in event || 'labelSelector' in event) return { kind: 'direct', override: parseOverride(event, '') };
  return { kind: 'direct', override: {} };
}
