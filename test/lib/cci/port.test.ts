/** The port's constants: the two patch media types CCI takes for custom resources, and our fieldManager. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_MANAGER, PATCH_TYPES } from '../../../lib/cci/port';
import { isFieldManager } from '../../../lib/patch/schema';

describe('cci port', () => {
  it('merge patch and JSON patch only (no strategic merge patch for custom resources)', () => {
    expect(PATCH_TYPES).toEqual({ merge: 'application/merge-patch+json', json: 'application/json-patch+json' });
  });
  it('the default fieldManager is a valid one', () => {
    expect(DEFAULT_FIELD_MANAGER).toBe('volcano-job-functions');
    expect(isFieldManager(DEFAULT_FIELD_MANAGER)).toBe(true);
  });
});
