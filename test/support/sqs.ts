/** SQS as aws-sdk-client-mock serves it in tests: SendMessageBatch answers built from the request. */
import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';

type Entry = NonNullable<SendMessageBatchCommandInput['Entries']>[number];

/** Every entry sent. */
export function acceptAll(input: SendMessageBatchCommandInput): Partial<SendMessageBatchCommandOutput> {
  return { Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id!, MessageId: `sent-${e.Id}`, MD5OfMessageBody: 'x' })), Failed: [] };
}

/** Entries `refuse` picks fail (sender faults when `senderFault`), the others are sent. */
export function refuseSome(refuse: (e: Entry) => boolean, failure: { code: string; message: string; senderFault: boolean }) {
  return (input: SendMessageBatchCommandInput): Partial<SendMessageBatchCommandOutput> => {
    const entries = input.Entries ?? [];
    return {
      Successful: acceptAll({ ...input, Entries: entries.filter((e) => !refuse(e)) }).Successful!,
      Failed: entries.filter(refuse).map((e) => ({ Id: e.Id!, SenderFault: failure.senderFault, Code: failure.code, Message: failure.message })),
    };
  };
}
