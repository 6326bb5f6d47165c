/**
 * zod issues as the contract's `errors: [{path, message}]`. zod/mini's default messages are
 * generic, so the wording is ours; every schema of the project (PATCH body, queue message, sweep
 * override) reports through this one function.
 */
import type * as z from 'zod/mini';
import type { FieldIssue } from './errors';
import { pointerOf } from './pointer';

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters` : `must be >= ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be <= ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

export function formatIssues(issues: readonly Issue[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: pointerOf([...issue.path, key]), message: 'is not a known field' });
      continue;
    }
    out.push({ path: pointerOf(issue.path), message: describeIssue(issue) });
  }
  return out;
}
