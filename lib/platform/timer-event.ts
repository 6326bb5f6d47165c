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
import { isJsonObject as isObject } from '../core/json';
import { parseOverride, type SweepOverride } from '../sweep/config';

export type TriggerKind = 'timer' | 'schedule' | 'direct';

export interface SweepTrigger {
  kind: TriggerKind;
  override: SweepOverride;
  /** A TIMER user_event that is not a JSON object (kept for the log). */
  ignoredUserEvent?: string;
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
