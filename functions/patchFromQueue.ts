/**
 * Applies queued patch requests: SQS on AWS (partial batch response), Kafka / DMS / RocketMQ on
 * FunctionGraph (fails the invocation when something must come back). No middy here: there is
 * no HTTP shape to build, and its sqs-partial-batch-failure middleware expects allSettled
 * results rather than the `{batchItemFailures}` we compute ourselves.
 */
import { cciClientFor } from '../lib/cci/setup';
import { logOnlySink, sqsFailureSink } from '../lib/queue/failure-sink';
import { invocationFrom } from '../lib/platform/invocation';
import { createLogger } from '../lib/core/log';
import { answerFor, queueBatchFrom } from '../lib/platform/queue-event';
import { processQueueRecords } from '../lib/queue/batch';

export async function handler(event: unknown, context: unknown) {
  const inv = invocationFrom(context);
  const log = createLogger({ fn: 'patchFromQueue', requestId: inv.requestId });
  const batch = queueBatchFrom(event);
  const failedQueue = inv.env('FAILED_PATCHES_QUEUE_URL');
  const outcomes = await processQueueRecords(batch.records, {
    client: cciClientFor(inv),
    deadline: inv.deadline,
    allowedNamespaces: inv.env('ALLOWED_NAMESPACES'),
    failureSink: failedQueue ? sqsFailureSink(failedQueue, inv.requestId, log, inv.deadline) : logOnlySink(),
    log,
  });
  return answerFor(batch, outcomes);
}
