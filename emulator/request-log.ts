/**
 * What the emulator saw: per-route counters (`stats()`) and the bounded request log
 * (`requests()`), which tests and the bench read to prove how many calls a function made.
 */
import type { EmulatorStats, RequestRecord } from './types';

const MAX_LOGGED_REQUESTS = 200_000;
/** CCI request bodies are logged up to this many characters. */
export const MAX_LOGGED_BODY = 4096;

export type CciCounter = keyof EmulatorStats['cci'];

function emptyStats(): EmulatorStats {
  return { iamTokenRequests: 0, smnPublishRequests: 0, cci: { get: 0, list: 0, patch: 0, patchStatus: 0, create: 0, podGroups: 0, total: 0 } };
}

export class RequestLog {
  private counters = emptyStats();
  private records: RequestRecord[] = [];

  record(r: RequestRecord): void {
    if (this.records.length >= MAX_LOGGED_REQUESTS) this.records = this.records.slice(this.records.length - MAX_LOGGED_REQUESTS / 2);
    this.records.push(r);
  }

  countIamToken(): void {
    this.counters.iamTokenRequests++;
  }

  countSmnPublish(): void {
    this.counters.smnPublishRequests++;
  }

  /** Counts one CCI request in `total`, and in `counter` when the route has one. */
  countCci(counter: Exclude<CciCounter, 'total'> | undefined): void {
    this.counters.cci.total++;
    if (counter) this.counters.cci[counter]++;
  }

  stats(): EmulatorStats {
    return { ...this.counters, cci: { ...this.counters.cci } };
  }

  /** The live records (for the control interface's JSON answer). */
  live(): readonly RequestRecord[] {
    return this.records;
  }

  copies(): RequestRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  /** Resets the counters and clears the log. */
  reset(): void {
    this.counters = emptyStats();
    this.records = [];
  }
}
