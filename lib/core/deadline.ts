/**
 * The time an invocation has left. Upstream calls take their timeouts from it, so a function
 * answers (504, or a partial sweep) before the platform kills it.
 */
export class Deadline {
  private constructor(private readonly endsAt: number) {}

  /** Deadline from a platform's "remaining milliseconds", minus a reserve to shape the answer. */
  static fromRemaining(remainingMs: number, reserveMs = Deadline.reserveFor(remainingMs)): Deadline {
    return new Deadline(Date.now() + Math.max(0, remainingMs - reserveMs));
  }

  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  /** Reserve 10% of the time left, between 100 ms and 1 s, for logging and the answer. */
  static reserveFor(remainingMs: number): number {
    return Math.min(1000, Math.max(100, remainingMs * 0.1));
  }

  /** This deadline, or `ms` from now if that comes first (for calls worth less than the whole budget). */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.endsAt, Date.now() + ms));
  }

  remaining(): number {
    return Math.max(0, this.endsAt - Date.now());
  }
}

/**
 * An abort signal for a call bounded by `ms` (an attempt's share of the deadline). AbortSignal.timeout
 * takes whole milliseconds only: a fraction, as deadlines usually leave, is a RangeError.
 */
export function abortAfter(ms: number): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.floor(ms)));
}
