/** What started a sweep (FunctionGraph TIMER, EventBridge schedule, direct invoke) and the override it carries. */
import { describe, expect, it } from 'vitest';
import { parseSweepTrigger } from '../../../lib/platform/timer-event';
import { AppError } from '../../../lib/core/errors';
import { scheduleEvent, schedulerEvent, timerEvent } from '../../support/events';

describe('sweep trigger', () => {
  it('EventBridge scheduled event, empty invoke: no override', () => {
    expect(parseSweepTrigger({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} })).toEqual({ kind: 'schedule', override: {} });
    expect(parseSweepTrigger(undefined)).toEqual({ kind: 'direct', override: {} });
    expect(parseSweepTrigger({})).toEqual({ kind: 'direct', override: {} });
    expect(parseSweepTrigger('')).toEqual({ kind: 'direct', override: {} });
  });
  it('TIMER with a JSON user_event overrides; other text is ignored', () => {
    const timer = (user_event: string) => ({ version: 'v1.0', time: 't', trigger_type: 'TIMER', trigger_name: 'x', user_event });
    expect(parseSweepTrigger(timer('{"namespaces":["a","b"],"labelSelector":"app=x"}'))).toEqual({
      kind: 'timer',
      override: { namespaces: ['a', 'b'], labelSelector: 'app=x' },
    });
    expect(parseSweepTrigger(timer('{"other":1}'))).toEqual({ kind: 'timer', override: {} });
    expect(parseSweepTrigger(timer('nightly'))).toMatchObject({ kind: 'timer', override: {}, ignoredUserEvent: 'nightly' });
    expect(parseSweepTrigger(timer('[1,2]'))).toMatchObject({ kind: 'timer', override: {} });
    expect(parseSweepTrigger(timer(''))).toEqual({ kind: 'timer', override: {} });
  });
  it.each([
    ['{"namespaces":"a"}', '/user_event/namespaces'],
    ['{"namespaces":[]}', '/user_event/namespaces'],
    ['{"namespaces":["ok","Not_OK"]}', '/user_event/namespaces/1'],
    ['{"labelSelector":5}', '/user_event/labelSelector'],
  ])('an invalid override %s fails fast', (userEvent, path) => {
    let err: unknown;
    try {
      parseSweepTrigger({ trigger_type: 'TIMER', user_event: userEvent });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid-sweep-override');
    expect((err as AppError).errors?.map((e) => e.path)).toContain(path);
  });
});

describe('sweep trigger, from the event samples and factories', () => {
  it('the events/ samples: EventBridge schedule and TIMER with a JSON user_event', () => {
    expect(parseSweepTrigger(scheduleEvent())).toEqual({ kind: 'schedule', override: {} });
    expect(parseSweepTrigger(schedulerEvent())).toEqual({ kind: 'schedule', override: {} });
    expect(parseSweepTrigger(timerEvent())).toEqual({ kind: 'timer', override: { namespaces: ['cci-namespace-42263891'], labelSelector: '' } });
  });
  it('a direct invoke with namespaces/labelSelector overrides (an EventBridge rule\'s constant input)', () => {
    expect(parseSweepTrigger({ namespaces: ['a'] })).toEqual({ kind: 'direct', override: { namespaces: ['a'] } });
    expect(() => parseSweepTrigger({ namespaces: ['A'] })).toThrow(expect.objectContaining({ code: 'invalid-sweep-override' }));
    expect(parseSweepTrigger({ hello: 'world' })).toEqual({ kind: 'direct', override: {} });
    expect(parseSweepTrigger([1, 2])).toEqual({ kind: 'direct', override: {} });
  });
  it('a TIMER user_event that is not text, or blank, is no override; a long ignored text is cut for the log', () => {
    expect(parseSweepTrigger(timerEvent({ userEvent: 42 }))).toEqual({ kind: 'timer', override: {} });
    expect(parseSweepTrigger(timerEvent({ userEvent: '   ' }))).toEqual({ kind: 'timer', override: {} });
    const long = parseSweepTrigger(timerEvent({ userEvent: 'x'.repeat(5_000) }));
    expect(long.ignoredUserEvent).toHaveLength(200);
  });
  it('an invalid override in a TIMER is a 400 AppError, not a plain sweep', () => {
    expect(() => parseSweepTrigger(timerEvent({ override: { labelSelector: ['x'] } }))).toThrow(AppError);
  });
});
