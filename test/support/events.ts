/**
 * Trigger events other than HTTP (those are in http-events.ts), built from the samples in events/
 * so that every test speaks the shapes the platforms really send: SQS records (standard and FIFO),
 * FunctionGraph Kafka / DMS for Kafka / RocketMQ records, FunctionGraph TIMER and EventBridge
 * schedule events. Each builder returns a fresh copy: tests may change what they get.
 */
import { loadEvent } from './http-events';

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, unknown>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface SqsRecordOptions {
  messageId?: string;
  /** A FIFO record: MessageGroupId, SequenceNumber and MessageDeduplicationId are set. */
  groupId?: string;
  /** FIFO sequence number offset (SequenceNumber = base + seq). */
  seq?: number;
}

const STD = () => loadEvent<SqsEvent>('aws/patchFromQueue.json');
const FIFO = () => loadEvent<SqsEvent>('aws/patchFromQueue.fifo.json');

/** One SQS record carrying `body`, from the standard or (with `groupId`) the FIFO sample. */
export function sqsRecord(body: string, o: SqsRecordOptions = {}): SqsRecord {
  const template = (o.groupId !== undefined ? FIFO() : STD()).Records[0]!;
  const attributes = { ...template.attributes };
  if (o.groupId !== undefined) {
    attributes.MessageGroupId = o.groupId;
    attributes.SequenceNumber = String(18849496460467696128n + BigInt(o.seq ?? 0));
    attributes.MessageDeduplicationId = `dedup-${o.seq ?? 0}`;
  }
  return { ...template, messageId: o.messageId ?? `msg-${o.seq ?? 0}`, body, attributes };
}

/** An SQS event of `bodies` (ids `msg-<i>`); `group(i)` makes record i a FIFO record of that group. */
export function sqsEvent(bodies: readonly string[], group?: (i: number) => string | undefined): SqsEvent {
  return {
    Records: bodies.map((body, i) => {
      const groupId = group?.(i);
      return sqsRecord(body, { messageId: `msg-${i}`, seq: i, ...(groupId !== undefined ? { groupId } : {}) });
    }),
  };
}

export type FunctionGraphQueueKind = 'kafka' | 'rocketmq';

export interface FunctionGraphQueueEvent {
  event_version: string;
  event_time: number;
  trigger_type: string;
  region: string;
  records: Array<{ messages: unknown[]; topic_id?: string; instance_id?: string }>;
  [field: string]: unknown;
}

/**
 * A FunctionGraph Kafka (also DMS for Kafka: the same `KAFKA` shape) or RocketMQ event with
 * `bodies` spread over `partitions` records, as a trigger hands them over: ids r<i>m<j>.
 */
export function functionGraphQueueEvent(kind: FunctionGraphQueueKind, bodies: readonly unknown[], partitions = 2): FunctionGraphQueueEvent {
  const sample = loadEvent<FunctionGraphQueueEvent>(kind === 'kafka' ? 'functiongraph/patchFromQueue.kafka.json' : 'functiongraph/patchFromQueue.rocketmq.json');
  const template = sample.records[0]!;
  const per = Math.max(1, Math.ceil(bodies.length / partitions));
  const records: FunctionGraphQueueEvent['records'] = [];
  for (let i = 0; i < partitions; i++) records.push({ ...template, messages: bodies.slice(i * per, (i + 1) * per) });
  return { ...sample, records };
}

/** The events/ Kafka and RocketMQ samples as they are. */
export const kafkaSample = () => loadEvent<FunctionGraphQueueEvent>('functiongraph/patchFromQueue.kafka.json');
export const rocketMqSample = () => loadEvent<FunctionGraphQueueEvent>('functiongraph/patchFromQueue.rocketmq.json');

export interface TimerOptions {
  /** Serialised into `user_event` as JSON. */
  override?: unknown;
  /** `user_event` exactly as given (any type: the platform sends a string, tests try others). */
  userEvent?: unknown;
}

/** A FunctionGraph TIMER event (events/functiongraph/sweepJobs.timer.json). */
export function timerEvent(o: TimerOptions = {}): Record<string, unknown> {
  const ev = loadEvent('functiongraph/sweepJobs.timer.json');
  if (o.override !== undefined) ev.user_event = JSON.stringify(o.override);
  if ('userEvent' in o) ev.user_event = o.userEvent;
  return ev;
}

/** A TIMER event whose user_event is plain text (events/functiongraph/sweepJobs.timer-text.json). */
export const timerTextEvent = () => loadEvent('functiongraph/sweepJobs.timer-text.json');

/** An EventBridge "Scheduled Event" (events/aws/sweepJobs.json). */
export const scheduleEvent = () => loadEvent('aws/sweepJobs.json');

/** An event whose only schedule mark is `source: aws.scheduler` (EventBridge Scheduler). */
export function schedulerEvent(): Record<string, unknown> {
  const { 'detail-type': _dt, ...rest } = scheduleEvent();
  return { ...rest, source: 'aws.scheduler' };
}
